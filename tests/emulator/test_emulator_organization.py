"""Organization accounts and data source packages, as the Detective API reference describes them.

"CreateMembers": "For organization accounts in the organization behavior graph, CreateMembers attempts to
enable the accounts. The organization accounts do not receive invitations." "DescribeOrganizationConfiguration"
/ "UpdateOrganizationConfiguration": "Can only be called by the Detective administrator account for the
organization." "UpdateDatasourcePackages" starts packages; "ListDatasourcePackages" lists them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError
from fleet_helpers import admin, as_member, error_of, invite

from detective_rollout.emulator import Fleet

ORG_ACCOUNT = ("222222222222", "any-email@example.com")  # not its root email: not verified for organization accounts
OUTSIDER = ("777777777777", "f@example.com")
VOLUME = ("444444444444", "c@example.com")


def _org_fleet(make_fleet: Callable[..., Fleet], detective_admin: bool = True) -> Fleet:
    accounts = {ORG_ACCOUNT[0]: "a@example.com", VOLUME[0]: "c@example.com"}
    return make_fleet(organization={"accounts": accounts, "detective_admin": detective_admin})


def _graph(region: str = "us-east-1") -> str:
    return str(admin("detective", region).create_graph()["GraphArn"])


def test_the_organizations_detective_admin_enables_an_org_account_without_an_invitation(
    make_fleet: Callable[..., Fleet],
) -> None:
    _org_fleet(make_fleet)
    arn = _graph()
    created = invite(admin("detective"), arn, ORG_ACCOUNT, OUTSIDER)
    by_id = {m["AccountId"]: m for m in created["Members"]}
    assert (by_id[ORG_ACCOUNT[0]]["Status"], by_id[ORG_ACCOUNT[0]]["InvitationType"]) == ("ENABLED", "ORGANIZATION")
    assert "InvitedTime" not in by_id[ORG_ACCOUNT[0]]
    assert (by_id[OUTSIDER[0]]["Status"], by_id[OUTSIDER[0]]["InvitationType"]) == (
        "VERIFICATION_IN_PROGRESS",
        "INVITATION",
    )
    assert as_member(ORG_ACCOUNT[0], "detective").list_invitations()["Invitations"] == []
    listed = {
        m["AccountId"]: m["InvitationType"] for m in admin("detective").list_members(GraphArn=arn)["MemberDetails"]
    }
    assert listed == {ORG_ACCOUNT[0]: "ORGANIZATION", OUTSIDER[0]: "INVITATION"}


def test_an_org_account_over_the_volume_quota_is_accepted_but_disabled(make_fleet: Callable[..., Fleet]) -> None:
    _org_fleet(make_fleet)
    member = invite(admin("detective"), _graph(), VOLUME)["Members"][0]
    assert (member["Status"], member["DisabledReason"]) == ("ACCEPTED_BUT_DISABLED", "VOLUME_TOO_HIGH")


def test_an_org_account_cannot_disassociate_itself(make_fleet: Callable[..., Fleet]) -> None:
    _org_fleet(make_fleet)
    arn = _graph()
    invite(admin("detective"), arn, ORG_ACCOUNT)
    with pytest.raises(ClientError) as exc:
        as_member(ORG_ACCOUNT[0], "detective").disassociate_membership(GraphArn=arn)
    assert error_of(exc) == ("ResourceNotFoundException", 404)
    admin("detective").delete_members(GraphArn=arn, AccountIds=[ORG_ACCOUNT[0]])
    assert admin("detective").list_members(GraphArn=arn)["MemberDetails"] == []


def test_without_detective_admin_org_accounts_are_invited_like_any_other(make_fleet: Callable[..., Fleet]) -> None:
    _org_fleet(make_fleet, detective_admin=False)
    member = invite(admin("detective"), _graph(), ("222222222222", "a@example.com"))["Members"][0]
    assert (member["Status"], member["InvitationType"]) == ("VERIFICATION_IN_PROGRESS", "INVITATION")


def test_organization_configuration_answers_the_detective_admin_only(make_fleet: Callable[..., Fleet]) -> None:
    _org_fleet(make_fleet)
    arn = _graph()
    detective = admin("detective")
    assert detective.describe_organization_configuration(GraphArn=arn)["AutoEnable"] is False
    detective.update_organization_configuration(GraphArn=arn, AutoEnable=True)
    assert detective.describe_organization_configuration(GraphArn=arn)["AutoEnable"] is True


def test_organization_configuration_is_access_denied_to_any_other_administrator(
    make_fleet: Callable[..., Fleet],
) -> None:
    _org_fleet(make_fleet, detective_admin=False)
    arn = _graph()
    for call in (
        lambda: admin("detective").describe_organization_configuration(GraphArn=arn),
        lambda: admin("detective").update_organization_configuration(GraphArn=arn, AutoEnable=True),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("AccessDeniedException", 403)


def test_a_new_graph_ingests_detective_core_and_packages_once_started_stay_started(fleet: Fleet) -> None:
    arn = _graph()
    detective = admin("detective")
    assert {
        k: v["DatasourcePackageIngestState"]
        for k, v in detective.list_datasource_packages(GraphArn=arn)["DatasourcePackages"].items()
    } == {"DETECTIVE_CORE": "STARTED"}
    detective.update_datasource_packages(GraphArn=arn, DatasourcePackages=["EKS_AUDIT"])
    detective.update_datasource_packages(GraphArn=arn, DatasourcePackages=["EKS_AUDIT", "ASFF_SECURITYHUB_FINDING"])
    packages = detective.list_datasource_packages(GraphArn=arn)["DatasourcePackages"]
    assert {k: v["DatasourcePackageIngestState"] for k, v in packages.items()} == {
        "DETECTIVE_CORE": "STARTED",
        "EKS_AUDIT": "STARTED",
        "ASFF_SECURITYHUB_FINDING": "STARTED",
    }
    assert "Timestamp" in packages["EKS_AUDIT"]["LastIngestStateChange"]["STARTED"]
    assert {c.operation for c in fleet.mutating_calls()} >= {"UpdateDatasourcePackages"}


def test_members_report_the_graphs_packages_as_their_ingest_states(make_fleet: Callable[..., Fleet]) -> None:
    _org_fleet(make_fleet)
    arn = _graph()
    admin("detective").update_datasource_packages(GraphArn=arn, DatasourcePackages=["EKS_AUDIT"])
    invite(admin("detective"), arn, ORG_ACCOUNT, VOLUME, OUTSIDER)
    details = admin("detective").get_members(GraphArn=arn, AccountIds=[ORG_ACCOUNT[0], VOLUME[0], OUTSIDER[0]])
    states = {m["AccountId"]: m.get("DatasourcePackageIngestStates") for m in details["MemberDetails"]}
    assert states == {
        ORG_ACCOUNT[0]: {"DETECTIVE_CORE": "STARTED", "EKS_AUDIT": "STARTED"},
        VOLUME[0]: {"DETECTIVE_CORE": "DISABLED", "EKS_AUDIT": "DISABLED"},
        OUTSIDER[0]: None,  # not joined yet
    }
