"""VerifyMembers' small document: the accounts to verify per Region, without the Plan's ~430 KB on every attempt."""

from __future__ import annotations

import json

from detective_rollout.bench.fleet import members, regions
from tasks.plan import Account, Plan
from tasks.verify_members import verify_targets, wanted_in


def plan_of(accounts: tuple[Account, ...], chosen: list[str]) -> Plan:
    return Plan("enable", "unit", "111111111111", tuple(chosen), accounts, 10, 10, False, "2026-01-01T00:00:00Z")


def test_each_region_wants_exactly_the_accounts_requested_there_with_lower_case_emails() -> None:
    accounts = (
        Account("200000000001", "One@Example.com", ("us-east-1", "eu-west-1")),
        Account("200000000002", None, ("us-east-1",)),
        Account("200000000003", "three@example.com", ("us-east-1", "eu-west-1")),
    )
    targets = json.loads(json.dumps(verify_targets(plan_of(accounts, ["us-east-1", "eu-west-1"]))))  # as stored
    assert wanted_in(targets, "us-east-1") == {
        "200000000001": "one@example.com",
        "200000000002": "",
        "200000000003": "three@example.com",
    }
    assert wanted_in(targets, "eu-west-1") == {"200000000001": "one@example.com", "200000000003": "three@example.com"}
    assert wanted_in(targets, "ap-south-1") == {}


def test_at_1200_accounts_x_21_regions_the_document_is_a_fraction_of_the_plan() -> None:
    chosen = regions(21)
    accounts = tuple(Account(m["account_id"], m["email"], tuple(chosen)) for m in members(1200))
    plan = plan_of(accounts, chosen)
    document = len(json.dumps(verify_targets(plan), separators=(",", ":")))
    whole = len(json.dumps(plan.to_json(), separators=(",", ":")))
    assert whole > 400_000 and document < 60_000, (whole, document)
    assert len(wanted_in(verify_targets(plan), chosen[-1])) == 1200
