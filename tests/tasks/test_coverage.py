"""Coverage over the emulated fleet: every state and reason, the Regions' statuses, the list, and read-only calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tasks import errors
from tasks.actions import COVERAGE_ACTIONS, COVERED_ACTION
from tasks.aws import Aws
from tasks.coverage import READ_OPERATIONS, Listed, compute_coverage, is_covered, parse_account_list
from tasks.coverage_page import COLORS, render_coverage_html
from tests.helpers.tasks import ADMIN, NOW, administrator_fleet, fleet_for_tasks

#: account -> (status in us-east-1's graph, or None, the reason its row must have)
FLEET: dict[str, tuple[Any, str | None]] = {
    "200000000001": ("ENABLED", None),
    "200000000002": ("INVITED", "INVITED"),
    "200000000003": ("VERIFICATION_IN_PROGRESS", "VERIFICATION_IN_PROGRESS"),
    "200000000004": ("VERIFICATION_FAILED", "VERIFICATION_FAILED"),
    "200000000005": ({"status": "ACCEPTED_BUT_DISABLED", "disabled_reason": "VOLUME_TOO_HIGH"}, "VOLUME_TOO_HIGH"),
    "200000000006": ("ACCEPTED_BUT_DISABLED", "VOLUME_UNKNOWN"),
    "200000000007": (None, "NOT_A_MEMBER"),
}
UNREGISTERED = "200000000008"
LISTED = [Listed(account, f"m{account[-1]}@example.com") for account in FLEET]


def _member(account: str, status: Any) -> dict[str, Any]:
    existing = {"us-east-1": status} if status else {}
    return {"account_id": account, "email": f"m{account[-1]}@example.com", "existing_membership": existing}


@pytest.fixture
def fleet(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    members = [_member(a, s) for a, (s, _) in FLEET.items()] + [_member(UNREGISTERED, "ENABLED")]
    spec = {**administrator_fleet(members, opted_out_regions=["af-south-1"]), "verification_delay_s": 86400}
    with fleet_for_tasks(spec, monkeypatch) as running:
        yield running


def _by_pair(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    pairs = {(r["account_id"], r["region"]): r for r in document["results"]}
    assert len(pairs) == len(document["results"])  # every pair exactly once
    return pairs


def test_every_member_status_becomes_its_state_and_reason_with_the_fixing_action(fleet: Any) -> None:
    document = compute_coverage(Aws(), LISTED, ["us-east-1"], NOW)
    rows = _by_pair(document)
    for account, (_, reason) in FLEET.items():
        row = rows[(account, "us-east-1")]
        assert row["state"] == ("COVERED" if reason is None else "NOT_COVERED"), row
        assert row["reason"] == reason
        assert row["action"] == (COVERED_ACTION if reason is None else COVERAGE_ACTIONS[reason])
    assert rows[("200000000002", "us-east-1")]["since"] == "2026-01-01T03:04:05Z"  # invited a day before the run
    assert rows[("200000000007", "us-east-1")]["member_status"] is None
    assert rows[("200000000005", "us-east-1")]["member_status"] == "ACCEPTED_BUT_DISABLED"


def test_a_member_nobody_listed_is_one_unlisted_row_per_region(fleet: Any) -> None:
    document = compute_coverage(Aws(), LISTED, ["us-east-1", "eu-west-1"], NOW)
    unlisted = [r for r in document["results"] if r["state"] == "UNLISTED"]
    assert [(r["account_id"], r["region"], r["member_status"]) for r in unlisted] == [
        (UNREGISTERED, "us-east-1", "ENABLED")
    ]
    assert unlisted[0]["action"] == COVERAGE_ACTIONS["UNLISTED"]
    assert document["summary"] == {"total": 15, "COVERED": 1, "NOT_COVERED": 13, "UNLISTED": 1}
    assert not is_covered(document)


def test_the_administrator_in_the_list_is_covered_where_it_has_its_graph(fleet: Any) -> None:
    document = compute_coverage(Aws(), [Listed(ADMIN), *LISTED[:1]], ["us-east-1", "eu-west-1"], NOW)
    own, elsewhere = _by_pair(document)[(ADMIN, "us-east-1")], _by_pair(document)[(ADMIN, "eu-west-1")]
    assert (own["state"], own["member_status"], own["reason"], own["action"]) == ("COVERED", None, None, COVERED_ACTION)
    assert (elsewhere["state"], elsewhere["reason"]) == ("NOT_COVERED", "NO_GRAPH")  # enable creates the graph


def test_regions_without_a_graph_or_not_enabled_by_the_administrator_cover_nobody(fleet: Any) -> None:
    document = compute_coverage(Aws(), LISTED[:2], ["us-east-1", "eu-west-1", "af-south-1"], NOW)
    assert document["kind"] == "coverage" and document["administrator"] == ADMIN
    assert document["generated_at"] == "2026-01-02T03:04:05Z"
    assert [(r["region"], r["status"], r["members"]) for r in document["regions"]] == [
        ("af-south-1", "ADMIN_REGION_NOT_ENABLED", 0),  # Detective's Region order
        ("eu-west-1", "NO_GRAPH", 0),
        ("us-east-1", "GRAPH", 7),
    ]
    assert [r["graph_arn"] for r in document["regions"]] == [None, None, fleet.graph_arn("us-east-1")]
    rows = _by_pair(document)
    for account in ("200000000001", "200000000002"):
        assert rows[(account, "eu-west-1")]["reason"] == "NO_GRAPH"
        assert rows[(account, "af-south-1")]["reason"] == "ADMIN_REGION_NOT_ENABLED"
        assert rows[(account, "af-south-1")]["state"] == "NOT_COVERED"


def test_all_regions_are_the_detective_regions_the_administrator_enabled(fleet: Any) -> None:
    document = compute_coverage(Aws(), LISTED[:1], "all", NOW)
    regions = [r["region"] for r in document["regions"]]
    assert "us-east-1" in regions and "eu-west-1" in regions and "af-south-1" not in regions
    listed = [r["region"] for r in document["results"] if r["account_id"] == "200000000001"]
    assert listed == regions  # one pair per Region
    assert len(document["results"]) == len(regions) + 6  # and the six us-east-1 members the list leaves out


def test_a_fully_covered_list_passes_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    members = [_member("200000000001", "ENABLED"), _member(UNREGISTERED, "ENABLED")]
    with fleet_for_tasks(administrator_fleet(members), monkeypatch):
        document = compute_coverage(Aws(), [Listed("200000000001"), Listed(UNREGISTERED)], ["us-east-1"], NOW)
    assert document["summary"] == {"total": 2, "COVERED": 2, "NOT_COVERED": 0, "UNLISTED": 0}
    assert is_covered(document) and document["actions"] == []


def test_the_actions_group_pairs_by_fix(fleet: Any) -> None:
    document = compute_coverage(Aws(), LISTED[:3], ["us-east-1", "eu-west-1"], NOW)
    groups = {(g["state"], g["reason"]): (g["accounts"], g["pairs"]) for g in document["actions"]}
    assert groups[("NOT_COVERED", "NO_GRAPH")] == (["200000000001", "200000000002", "200000000003"], 3)
    assert groups[("NOT_COVERED", "INVITED")] == (["200000000002"], 1)
    assert groups[("UNLISTED", None)] == (["200000000004", "200000000005", "200000000006", UNREGISTERED], 4)


def test_computing_coverage_makes_only_read_calls(fleet: Any) -> None:
    compute_coverage(Aws(), LISTED, "all", NOW)
    compute_coverage(Aws(), LISTED, ["us-east-1", "af-south-1"], NOW)
    assert fleet.calls and fleet.mutating_calls() == []
    assert {(c.service, c.operation) for c in fleet.calls} <= READ_OPERATIONS


def test_an_unknown_region_or_an_empty_list_is_refused_naming_it(fleet: Any) -> None:
    with pytest.raises(errors.InvalidInput, match=r"regions\[1\]: not a known AWS Region: 'us-east-9'"):
        compute_coverage(Aws(), LISTED, ["us-east-1", "us-east-9"], NOW)
    with pytest.raises(errors.InvalidInput, match="accounts: the list has no account"):
        compute_coverage(Aws(), [], ["us-east-1"], NOW)
    assert fleet.calls == []


def test_the_list_keeps_ids_and_emails_in_order_and_names_a_bad_row() -> None:
    text = b"account_id,email\n200000000002,b@example.com\n200000000001\n200000000002,b@example.com\n"
    assert parse_account_list(text, "accounts.csv") == [
        Listed("200000000002", "b@example.com"),
        Listed("200000000001", None),
    ]
    with pytest.raises(
        errors.InvalidInput, match=r"accounts.csv row 2 account_id: expected a string of 12 digits, got '2000'"
    ):
        parse_account_list(b"account_id\n2000\n", "accounts.csv")


def test_the_page_escapes_every_value_and_colours_each_pair_by_state() -> None:
    hostile = "<script>alert(1)</script>"
    row = {"account_id": hostile, "region": "us-east-1", "state": "NOT_COVERED", "reason": "INVITED", "since": hostile}
    document = {
        "administrator": hostile,
        "regions": [{"region": "us-east-1", "status": "GRAPH", "members": 1, "graph_arn": hostile}],
        "summary": {"total": 1, "NOT_COVERED": 1},
        "results": [row],
        "actions": [
            {"state": "NOT_COVERED", "reason": "INVITED", "action": hostile, "accounts": [hostile], "pairs": 1}
        ],
    }
    page = render_coverage_html(document)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert f'background:{COLORS["NOT_COVERED"]}" title="reason: INVITED since: &lt;script&gt;' in page
