"""Detective as the API reference describes it, through plain boto3 calls in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError
from fleet_helpers import ADMIN, admin, as_member, error_of, invite

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet

A = ("222222222222", "a@example.com")


def _graph(region: str = "us-east-1") -> str:
    return str(admin("detective", region).create_graph()["GraphArn"])


def test_create_graph_returns_an_arn_of_the_documented_form(fleet: Fleet) -> None:
    arn = _graph()
    assert arn.startswith(f"arn:aws:detective:us-east-1:{ADMIN}:graph:") and len(arn.rsplit(":", 1)[1]) == 32
    assert fleet.graph_arn("us-east-1") == arn
    assert [g["Arn"] for g in admin("detective").list_graphs()["GraphList"]] == [arn]


def test_create_graph_where_the_account_has_one_returns_its_arn_as_the_api_reference_says(fleet: Fleet) -> None:
    # "CreateGraph" (Amazon Detective API Reference): "it always returns the same behavior graph ARN".
    first = _graph()
    assert _graph() == first
    assert [g["Arn"] for g in admin("detective").list_graphs()["GraphList"]] == [first]


def test_create_graph_where_the_account_has_one_is_a_conflict_when_the_scenario_says_so(
    make_fleet: Callable[..., Fleet],
) -> None:
    make_fleet(create_graph_existing="conflict")
    _graph()
    with pytest.raises(ClientError) as exc:
        _graph()
    assert error_of(exc) == ("ConflictException", 409)


@pytest.mark.parametrize("tags", [{"aws:team": "sec"}, {"team": "x", "aws:created-by": "me"}, {"k" * 129: "x"}])
def test_tag_keys_outside_the_models_pattern_are_a_validation_exception(fleet: Fleet, tags: dict[str, str]) -> None:
    with pytest.raises(ClientError) as exc:
        admin("detective").create_graph(Tags=tags)
    assert error_of(exc) == ("ValidationException", 400)
    assert exc.value.response["ErrorCode"] == "INVALID_REQUEST_BODY"  # the fields the API reference lists
    assert "Map keys must satisfy constraint" in exc.value.response["ErrorCodeReason"]
    arn = _graph()
    with pytest.raises(ClientError) as exc:
        admin("detective").tag_resource(ResourceArn=arn, Tags=tags)
    assert error_of(exc) == ("ValidationException", 400)
    assert admin("detective").list_tags_for_resource(ResourceArn=arn)["Tags"] == {}


def test_new_member_is_verification_in_progress_then_invited_after_the_delay(fleet: Fleet, clock: InstantClock) -> None:
    arn = _graph()
    created = invite(admin("detective"), arn, A)
    assert [m["Status"] for m in created["Members"]] == ["VERIFICATION_IN_PROGRESS"]
    assert fleet.member("us-east-1", A[0]).status == "VERIFICATION_IN_PROGRESS"  # type: ignore[union-attr]
    clock.advance(5)
    got = admin("detective").get_members(GraphArn=arn, AccountIds=[A[0]])["MemberDetails"][0]
    assert (got["Status"], got["EmailAddress"], got["AdministratorId"]) == ("INVITED", A[1], ADMIN)


@pytest.mark.parametrize(
    ("account", "email", "status"),
    [
        ("222222222222", "wrong@example.com", "VERIFICATION_FAILED"),  # not the root email
        ("555555555555", "d@example.com", "VERIFICATION_FAILED"),  # verification_fails: AWS knows another
        ("555555555555", "root-555555555555@example.com", "INVITED"),  # ... and inviting with it works
        ("999999999999", "ghost@example.com", "VERIFICATION_FAILED"),  # absent from the scenario
    ],
)
def test_verification_compares_the_email_with_the_root_email(
    fleet: Fleet, clock: InstantClock, account: str, email: str, status: str
) -> None:
    arn = _graph()
    invite(admin("detective"), arn, (account, email))
    clock.advance(10)
    assert fleet.member("us-east-1", account).status == status  # type: ignore[union-attr]


def test_create_members_with_51_accounts_is_a_validation_error(fleet: Fleet) -> None:
    arn = _graph()
    accounts = [(f"{200000000000 + i}", f"x{i}@example.com") for i in range(51)]
    with pytest.raises(ClientError) as exc:
        invite(admin("detective"), arn, *accounts)
    assert error_of(exc) == ("ValidationException", 400)
    assert "Accounts must have length less than or equal to 50. Found 51." in str(exc.value)


def test_present_bad_and_administrator_accounts_come_back_unprocessed_with_a_reason(fleet: Fleet) -> None:
    arn = _graph()
    invite(admin("detective"), arn, A)
    out = invite(
        admin("detective"),
        arn,
        A,
        ("abcdefghijkl", "x@example.com"),
        ("444444444444", "no-at-sign"),
        (ADMIN, "admin@example.com"),
        ("444444444444", "c@example.com"),
    )
    assert [m["AccountId"] for m in out["Members"]] == ["444444444444"]
    reasons = {u["AccountId"]: u["Reason"] for u in out["UnprocessedAccounts"]}
    assert set(reasons) == {A[0], "abcdefghijkl", "444444444444", ADMIN}
    assert "already a member" in reasons[A[0]] and "administrator" in reasons[ADMIN]


def test_the_1201st_member_is_a_service_quota_error(fleet: Fleet) -> None:
    arn = _graph()
    detective = admin("detective")
    ids = [f"{300000000000 + i}" for i in range(1201)]
    for start in range(0, 1200, 50):
        invite(detective, arn, *[(a, f"{a}@example.com") for a in ids[start : start + 50]])
    with pytest.raises(ClientError) as exc:
        invite(detective, arn, (ids[1200], "last@example.com"))
    assert error_of(exc) == ("ServiceQuotaExceededException", 402)


def test_list_members_pages_hold_at_most_200_and_chain_by_next_token(fleet: Fleet) -> None:
    arn = _graph()
    detective = admin("detective")
    ids = [f"{400000000000 + i}" for i in range(450)]
    for start in range(0, 450, 50):
        invite(detective, arn, *[(a, f"{a}@example.com") for a in ids[start : start + 50]])
    sizes, seen, token = [], [], None
    while True:
        page = detective.list_members(GraphArn=arn, MaxResults=200, **({"NextToken": token} if token else {}))
        sizes.append(len(page["MemberDetails"]))
        seen += [m["AccountId"] for m in page["MemberDetails"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sizes == [200, 200, 50] and seen == ids
    with pytest.raises(ClientError) as exc:
        detective.list_members(GraphArn=arn, MaxResults=201)
    assert error_of(exc) == ("ValidationException", 400)


def test_get_and_delete_members_take_1_to_50_ids_and_report_the_rest_unprocessed(fleet: Fleet) -> None:
    arn = _graph()
    detective = admin("detective")
    invite(detective, arn, A)
    with pytest.raises(ClientError) as exc:
        detective.get_members(GraphArn=arn, AccountIds=[A[0]] * 51)
    assert error_of(exc) == ("ValidationException", 400)
    got = detective.get_members(GraphArn=arn, AccountIds=[A[0], "444444444444"])
    assert [u["AccountId"] for u in got["UnprocessedAccounts"]] == ["444444444444"]
    deleted = detective.delete_members(GraphArn=arn, AccountIds=[A[0], "444444444444", ADMIN])
    assert deleted["AccountIds"] == [A[0]]
    assert {u["AccountId"] for u in deleted["UnprocessedAccounts"]} == {"444444444444", ADMIN}
    assert detective.list_members(GraphArn=arn)["MemberDetails"] == []


def test_accept_before_verification_is_not_found_then_enables_the_member(fleet: Fleet, clock: InstantClock) -> None:
    arn = _graph()
    invite(admin("detective"), arn, A)
    member = as_member(A[0], "detective")
    assert member.list_invitations()["Invitations"] == []
    with pytest.raises(ClientError) as exc:
        member.accept_invitation(GraphArn=arn)
    assert error_of(exc) == ("ResourceNotFoundException", 404)
    clock.advance(5)
    assert [i["Status"] for i in member.list_invitations()["Invitations"]] == ["INVITED"]
    member.accept_invitation(GraphArn=arn)
    assert fleet.member("us-east-1", A[0]).status == "ENABLED"  # type: ignore[union-attr]
    with pytest.raises(ClientError) as exc:
        member.accept_invitation(GraphArn=arn)
    assert error_of(exc) == ("ConflictException", 409)


def test_slow_invitation_stays_invisible_to_the_member_for_its_duration(fleet: Fleet, clock: InstantClock) -> None:
    arn = _graph()
    invite(admin("detective"), arn, ("666666666666", "e@example.com"))
    member = as_member("666666666666", "detective")
    clock.advance(5 + 119)
    assert fleet.member("us-east-1", "666666666666").status == "INVITED"  # type: ignore[union-attr]
    with pytest.raises(ClientError) as exc:
        member.accept_invitation(GraphArn=arn)
    assert error_of(exc) == ("ResourceNotFoundException", 404)
    clock.advance(1)
    member.accept_invitation(GraphArn=arn)


@pytest.mark.parametrize(
    ("account", "email", "region", "reason"),
    [
        ("444444444444", "c@example.com", "us-east-1", "VOLUME_TOO_HIGH"),  # volume_too_high fault
        ("888888888888", "g@example.com", "eu-west-1", "VOLUME_UNKNOWN"),  # no GuardDuty detector there
    ],
)
def test_accepting_member_ends_accepted_but_disabled_with_the_reason(
    fleet: Fleet, clock: InstantClock, account: str, email: str, region: str, reason: str
) -> None:
    arn = _graph(region)
    invite(admin("detective", region), arn, (account, email))
    clock.advance(5)
    as_member(account, "detective", region).accept_invitation(GraphArn=arn)
    got = admin("detective", region).get_members(GraphArn=arn, AccountIds=[account])["MemberDetails"][0]
    assert (got["Status"], got["DisabledReason"]) == ("ACCEPTED_BUT_DISABLED", reason)


def test_the_member_role_may_create_a_detector_only_when_the_scenario_allows_it(fleet: Fleet) -> None:
    """The member-role StackSet's AllowGuardDutyEnable (default false) is ``member_role_allow_guardduty_enable``."""
    with pytest.raises(ClientError) as exc:
        as_member("888888888888", "guardduty", "eu-west-1").create_detector(Enable=True)
    assert error_of(exc) == ("AccessDeniedException", 403)
    assert "guardduty:CreateDetector" in str(exc.value)
    assert fleet.guardduty.detector("888888888888", "eu-west-1") is None


def test_start_monitoring_enables_a_volume_unknown_member_once_it_has_guardduty(
    make_fleet: Callable[..., Fleet], clock: InstantClock
) -> None:
    fleet = make_fleet(member_role_allow_guardduty_enable=True)
    region, account = "eu-west-1", "888888888888"
    arn = _graph(region)
    detective = admin("detective", region)
    invite(detective, arn, (account, "g@example.com"))
    clock.advance(5)
    as_member(account, "detective", region).accept_invitation(GraphArn=arn)
    detective.start_monitoring_member(GraphArn=arn, AccountId=account)
    assert fleet.member(region, account).disabled_reason == "VOLUME_UNKNOWN"  # type: ignore[union-attr]
    as_member(account, "guardduty", region).create_detector(Enable=True)
    detective.start_monitoring_member(GraphArn=arn, AccountId=account)
    assert fleet.member(region, account).status == "ENABLED"  # type: ignore[union-attr]
    with pytest.raises(ClientError) as exc:
        detective.start_monitoring_member(GraphArn=arn, AccountId=account)
    assert error_of(exc) == ("ConflictException", 409)


def test_reject_removes_the_invitation_and_disassociate_needs_enabled(fleet: Fleet, clock: InstantClock) -> None:
    arn = _graph()
    invite(admin("detective"), arn, A, ("444444444444", "c@example.com"))
    clock.advance(5)
    as_member(A[0], "detective").reject_invitation(GraphArn=arn)
    assert fleet.member("us-east-1", A[0]) is None
    c = as_member("444444444444", "detective")
    with pytest.raises(ClientError) as exc:
        c.disassociate_membership(GraphArn=arn)  # still INVITED
    assert error_of(exc) == ("ConflictException", 409)
    c.accept_invitation(GraphArn=arn)  # ACCEPTED_BUT_DISABLED (volume_too_high)
    with pytest.raises(ClientError) as exc:
        c.disassociate_membership(GraphArn=arn)
    assert error_of(exc) == ("ConflictException", 409)
    with pytest.raises(ClientError) as exc:
        c.reject_invitation(GraphArn=arn)
    assert error_of(exc) == ("ConflictException", 409)


def test_disassociating_an_enabled_member_removes_it_from_the_graph(fleet: Fleet, clock: InstantClock) -> None:
    arn = _graph()
    invite(admin("detective"), arn, A)
    clock.advance(5)
    member = as_member(A[0], "detective")
    member.accept_invitation(GraphArn=arn)
    member.disassociate_membership(GraphArn=arn)
    assert admin("detective").list_members(GraphArn=arn)["MemberDetails"] == []


def test_delete_graph_removes_it_and_every_invitation(fleet: Fleet, clock: InstantClock) -> None:
    arn = _graph()
    invite(admin("detective"), arn, A)
    clock.advance(5)
    admin("detective").delete_graph(GraphArn=arn)
    assert fleet.graph_arn("us-east-1") is None
    assert as_member(A[0], "detective").list_invitations()["Invitations"] == []
    with pytest.raises(ClientError) as exc:
        admin("detective").list_members(GraphArn=arn)
    assert error_of(exc) == ("ResourceNotFoundException", 404)


def test_tags_are_set_at_creation_added_listed_and_removed(fleet: Fleet) -> None:
    detective = admin("detective")
    arn = detective.create_graph(Tags={"team": "sec"})["GraphArn"]
    detective.tag_resource(ResourceArn=arn, Tags={"env": "prod"})
    assert detective.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "sec", "env": "prod"}
    detective.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert detective.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"env": "prod"}


def test_a_member_cannot_administer_the_administrators_graph(fleet: Fleet) -> None:
    arn = _graph()
    with pytest.raises(ClientError) as exc:
        as_member(A[0], "detective").list_members(GraphArn=arn)
    assert error_of(exc) == ("AccessDeniedException", 403)


def test_a_graph_arn_from_another_region_is_not_found(fleet: Fleet) -> None:
    arn = _graph("us-east-1")
    with pytest.raises(ClientError) as exc:
        admin("detective", "eu-west-1").list_members(GraphArn=arn)
    assert error_of(exc) == ("ResourceNotFoundException", 404)


def test_existing_graphs_and_memberships_are_there_from_the_start(make_fleet: Callable[..., Fleet]) -> None:
    members = [
        {
            "account_id": "888888888888",
            "email": "g@example.com",
            "existing_membership": {
                "us-east-1": "ENABLED",
                "eu-west-1": {"status": "VERIFICATION_FAILED", "email": "old@example.com"},
            },
        }
    ]
    fleet = make_fleet(members=members)
    arn = fleet.graph_arn("us-east-1")
    assert arn is not None and fleet.graph_arn("eu-west-1") is not None
    assert fleet.member("us-east-1", "888888888888").status == "ENABLED"  # type: ignore[union-attr]
    failed = fleet.member("eu-west-1", "888888888888")
    assert failed is not None and (failed.status, failed.email) == ("VERIFICATION_FAILED", "old@example.com")
    assert [i["Status"] for i in as_member("888888888888", "detective").list_invitations()["Invitations"]] == [
        "ENABLED"
    ]
