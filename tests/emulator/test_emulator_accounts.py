"""STS, GuardDuty, Account and Organizations, and what Regions each account has."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from fleet_helpers import ADMIN, START, admin, as_member, error_of

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet


def _role(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/DetectiveMemberRole"


def test_plain_credentials_act_as_the_administrator_and_assumed_ones_as_the_member(fleet: Fleet) -> None:
    assert admin("sts").get_caller_identity()["Account"] == ADMIN
    me = as_member("222222222222", "sts").get_caller_identity()
    assert me["Account"] == "222222222222"
    assert me["Arn"] == "arn:aws:sts::222222222222:assumed-role/DetectiveMemberRole/test"


def test_the_member_role_exists_in_the_administrator_account_too(fleet: Fleet) -> None:
    assert as_member(ADMIN, "sts").get_caller_identity()["Account"] == ADMIN


@pytest.mark.parametrize("fault", ["no_role", "untrusted_role", "closed"])
def test_assume_role_is_access_denied_under_the_fault(make_fleet: Callable[..., Fleet], fault: str) -> None:
    make_fleet(members=[{"account_id": "222222222222", "email": "a@example.com", "faults": [fault]}])
    with pytest.raises(ClientError) as exc:
        admin("sts").assume_role(RoleArn=_role("222222222222"), RoleSessionName="test")
    assert error_of(exc) == ("AccessDenied", 403)
    assert "not authorized to perform: sts:AssumeRole" in str(exc.value)


@pytest.mark.parametrize(
    "role_arn",
    ["arn:aws:iam::999999999999:role/DetectiveMemberRole", "arn:aws:iam::222222222222:role/OtherRole"],
)
def test_assume_role_into_a_missing_account_or_role_is_access_denied(fleet: Fleet, role_arn: str) -> None:
    with pytest.raises(ClientError) as exc:
        admin("sts").assume_role(RoleArn=role_arn, RoleSessionName="test")
    assert error_of(exc) == ("AccessDenied", 403)


def test_the_member_role_trusts_only_the_administrator(fleet: Fleet) -> None:
    with pytest.raises(ClientError) as exc:
        as_member("222222222222", "sts").assume_role(RoleArn=_role("444444444444"), RoleSessionName="hop")
    assert error_of(exc) == ("AccessDenied", 403)


def test_an_external_id_in_the_scenario_must_be_passed(make_fleet: Callable[..., Fleet]) -> None:
    make_fleet(member_role_external_id="rollout-1234")
    sts = admin("sts")
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=_role("222222222222"), RoleSessionName="test")
    sts.assume_role(RoleArn=_role("222222222222"), RoleSessionName="test", ExternalId="rollout-1234")


def test_role_removed_event_denies_assume_role_after_its_call_count(make_fleet: Callable[..., Fleet]) -> None:
    make_fleet(events=[{"type": "role_removed", "account_id": "222222222222", "after_calls": 2}])
    sts = admin("sts")
    sts.assume_role(RoleArn=_role("222222222222"), RoleSessionName="test")
    sts.assume_role(RoleArn=_role("222222222222"), RoleSessionName="test")
    with pytest.raises(ClientError) as exc:
        sts.assume_role(RoleArn=_role("222222222222"), RoleSessionName="test")
    assert error_of(exc) == ("AccessDenied", 403)


def test_an_opt_in_region_the_caller_has_not_enabled_answers_unrecognized_client(fleet: Fleet) -> None:
    admin("detective", "ap-east-1").list_graphs()  # the administrator has ap-east-1
    for service, call in (("detective", "list_graphs"), ("guardduty", "list_detectors")):
        client = as_member("777777777777", service, "ap-east-1")  # 777 opted out of ap-east-1
        with pytest.raises(ClientError) as exc:
            getattr(client, call)()
        assert error_of(exc) == ("UnrecognizedClientException", 403)


def test_detective_in_a_region_without_it_cannot_be_reached(fleet: Fleet) -> None:
    with pytest.raises(EndpointConnectionError):
        admin("detective", "ap-northeast-3").list_graphs()
    admin("guardduty", "ap-northeast-3").list_detectors()  # GuardDuty is offered there


def test_list_regions_tells_each_account_its_regions(fleet: Fleet) -> None:
    def statuses(client: Any) -> dict[str, str]:
        regions: dict[str, str] = {}
        kwargs: dict[str, str] = {}
        while True:
            page = client.list_regions(MaxResults=50, **kwargs)
            regions.update({r["RegionName"]: r["RegionOptStatus"] for r in page["Regions"]})
            if not page.get("NextToken"):
                return regions
            kwargs = {"NextToken": page["NextToken"]}

    mine = statuses(admin("account"))
    assert (mine["us-east-1"], mine["ap-east-1"]) == ("ENABLED_BY_DEFAULT", "ENABLED")
    theirs = statuses(as_member("777777777777", "account"))
    assert theirs["ap-east-1"] == "DISABLED"
    disabled = admin("account").list_regions(RegionOptStatusContains=["DISABLED"])["Regions"]
    assert disabled == []


def test_region_disabled_event_turns_an_opt_in_region_off_mid_run(make_fleet: Callable[..., Fleet]) -> None:
    make_fleet(events=[{"type": "region_disabled", "region": "ap-east-1", "after_calls": 1}])
    detective = admin("detective", "ap-east-1")
    detective.list_graphs()
    with pytest.raises(ClientError) as exc:
        detective.list_graphs()
    assert error_of(exc) == ("UnrecognizedClientException", 403)
    status = admin("account").get_region_opt_status(RegionName="ap-east-1")["RegionOptStatus"]
    assert status == "DISABLED"


def _created_at(region: str) -> tuple[datetime, str]:
    guardduty = admin("guardduty", region)
    (detector_id,) = guardduty.list_detectors()["DetectorIds"]
    detector = guardduty.get_detector(DetectorId=detector_id)
    return datetime.fromisoformat(detector["CreatedAt"].replace("Z", "+00:00")), detector["Status"]


def test_administrator_detector_is_as_old_as_the_scenario_says_and_ages_with_the_clock(
    fleet: Fleet, clock: InstantClock
) -> None:
    created, status = _created_at("eu-west-1")
    assert (created, status) == (START - timedelta(hours=10), "ENABLED")
    clock.advance(48 * 3600)
    assert clock.now() - _created_at("eu-west-1")[0] == timedelta(hours=58)


def test_guardduty_absent_region_has_no_detector_and_disabled_region_reports_disabled(
    make_fleet: Callable[..., Fleet],
) -> None:
    make_fleet(
        administrator={
            "account_id": ADMIN,
            "guardduty_age_hours": {"us-east-1": 72},
            "guardduty_disabled_regions": ["us-east-1"],
        }
    )
    assert _created_at("us-east-1")[1] == "DISABLED"
    assert admin("guardduty", "eu-west-1").list_detectors()["DetectorIds"] == []
    with pytest.raises(ClientError) as exc:
        admin("guardduty", "eu-west-1").get_detector(DetectorId="0" * 32)
    assert error_of(exc) == ("BadRequestException", 400)


def test_create_detector_starts_guardduty_now_and_only_once(fleet: Fleet, clock: InstantClock) -> None:
    guardduty = admin("guardduty", "us-west-2")
    guardduty.create_detector(Enable=True)
    assert _created_at("us-west-2")[0] == clock.now().replace(microsecond=clock.now().microsecond // 1000 * 1000)
    with pytest.raises(ClientError) as exc:
        guardduty.create_detector(Enable=True)
    assert error_of(exc) == ("BadRequestException", 400)


def test_members_have_guardduty_everywhere_unless_the_scenario_says_false(fleet: Fleet) -> None:
    assert len(as_member("888888888888", "guardduty", "us-east-1").list_detectors()["DetectorIds"]) == 1
    assert as_member("888888888888", "guardduty", "eu-west-1").list_detectors()["DetectorIds"] == []


def test_describe_account_answers_from_the_organization_section(make_fleet: Callable[..., Fleet]) -> None:
    make_fleet(organization={"accounts": {"222222222222": "a@example.com"}})
    org = admin("organizations")
    assert org.describe_account(AccountId="222222222222")["Account"]["Email"] == "a@example.com"
    with pytest.raises(ClientError) as exc:
        org.describe_account(AccountId="444444444444")
    assert error_of(exc)[0] == "AccountNotFoundException"


def test_describe_account_is_denied_without_an_organization_section(fleet: Fleet) -> None:
    with pytest.raises(ClientError) as exc:
        boto3.client("organizations", region_name="us-east-1").describe_account(AccountId="222222222222")
    assert error_of(exc)[0] == "AccessDeniedException"
