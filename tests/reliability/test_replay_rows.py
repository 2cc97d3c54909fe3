"""Replays whose rows tell the truth: a replay of a replay finds every email, and ``changed`` means one thing.

One module-scoped flow over a fleet with every kind of lasting failure, started from an accounts
CSV: ``enable``, then (one member role deployed meanwhile) ``replay latest --reason ACCESS_DENIED``,
then a plain ``replay latest`` - the replay of a replay, whose merged report carries rows whose
emails only the first execution's CSV holds. ``changed`` is "this execution changed the pair's
membership" (tasks.classify_enable.wrote): a row the replay fixed is true, a row that still fails
the same way is false for every account alike, a carried-over row is false.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import Result

from tests.helpers.ops import REGIONS, make_cli, scenario_dict

ROLE_FIXED, NO_ROLE = "210000000001", "210000000002"
WRONG_EMAIL = ["210000000003", "210000000004"]
NO_GUARDDUTY = ["210000000005", "210000000006"]
HEALTHY = "210000000007"
MEMBERS: list[dict[str, Any]] = [
    {"account_id": ROLE_FIXED, "faults": ["no_role"]},
    {"account_id": NO_ROLE, "faults": ["no_role"]},
    *({"account_id": a, "faults": ["verification_fails"]} for a in WRONG_EMAIL),
    *({"account_id": a, "guardduty": False} for a in NO_GUARDDUTY),
    {"account_id": HEALTHY},
]
PAIRS = {(m["account_id"], r) for m in MEMBERS for r in REGIONS}


def fleet(*, fixed: bool) -> dict[str, Any]:
    members = [{**m, "email": f"owner-{m['account_id']}@example.com"} for m in MEMBERS]
    if fixed:  # the operator deployed the member role to one account
        members[0] = {k: v for k, v in members[0].items() if k != "faults"}
    return scenario_dict(members=members, seed=5)


@dataclass(frozen=True)
class Chain:
    runs: list[Result]
    reports: list[dict[str, Any]]


def rows(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["account_id"], r["region"]): r for r in report["results"]}


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    root = tmp_path_factory.mktemp("chain")
    scenario, state, accounts = root / "fleet.json", root / "state", root / "wave.csv"
    scenario.write_text(json.dumps(fleet(fixed=False)))
    accounts.write_text(
        "account_id,email\n" + "".join(f"{m['account_id']},owner-{m['account_id']}@example.com\n" for m in MEMBERS)
    )
    cli = make_cli()
    common = ("--local", scenario, "--state-dir", state)
    runs = [cli("enable", *common, "--accounts", accounts, "--report", root / "0.json")]
    scenario.write_text(json.dumps(fleet(fixed=True)))
    runs.append(cli("replay", "latest", *common, "--reason", "ACCESS_DENIED", "--report", root / "1.json"))
    runs.append(cli("replay", "latest", *common, "--report", root / "2.json"))
    reports = [json.loads((root / f"{i}.json").read_text()) for i in range(len(runs)) if (root / f"{i}.json").exists()]
    return Chain(runs, reports)


def test_a_replay_of_a_replay_finds_every_carried_over_rows_email(chain: Chain) -> None:
    assert [r.exit_code for r in chain.runs] == [3, 3, 3], [r.output for r in chain.runs]
    first, narrowed, again = chain.reports
    assert narrowed["request"]["replay_of"] == first["execution"]
    assert again["request"]["replay_of"] == narrowed["execution"]
    # the second replay redid every FAILED pair, the ones only the first execution's CSV had emails for included
    given = {a["account_id"]: a for a in again["request"]["input"]["accounts"]}
    assert set(given) == {NO_ROLE, *WRONG_EMAIL, *NO_GUARDDUTY}
    assert {a: e["email"] for a, e in given.items()} == {a: f"owner-{a}@example.com" for a in given}
    for report in chain.reports:
        assert {(r["account_id"], r["region"]) for r in report["results"]} == PAIRS
        assert len(report["results"]) == len(PAIRS)


def test_a_row_the_replay_fixed_is_changed_and_untouched_rows_are_not(chain: Chain) -> None:
    narrowed = rows(chain.reports[1])
    for region in REGIONS:
        fixed = narrowed[(ROLE_FIXED, region)]
        assert (fixed["status"], fixed["changed"]) == ("ENABLED", True)
        still = narrowed[(NO_ROLE, region)]
        assert (still["status"], still["reason"], still["changed"]) == ("FAILED", "ACCESS_DENIED", False)
        for account in [*WRONG_EMAIL, *NO_GUARDDUTY, HEALTHY]:  # not replayed: carried over as they were
            assert narrowed[(account, region)]["changed"] is False
            carried = {k: v for k, v in narrowed[(account, region)].items() if k != "changed"}
            assert carried == {k: v for k, v in rows(chain.reports[0])[(account, region)].items() if k != "changed"}


@pytest.mark.parametrize(
    ("accounts", "reason"),
    [([NO_ROLE], "ACCESS_DENIED"), (WRONG_EMAIL, "VERIFICATION_FAILED"), (NO_GUARDDUTY, "VOLUME_UNKNOWN")],
    ids=["role still missing", "email still wrong", "GuardDuty still off"],
)
def test_rows_that_still_fail_the_same_way_all_say_unchanged(chain: Chain, accounts: list[str], reason: str) -> None:
    again = rows(chain.reports[2])
    outcomes = {
        (again[(a, r)]["status"], again[(a, r)]["reason"], again[(a, r)]["changed"]) for a in accounts for r in REGIONS
    }
    assert outcomes == {("FAILED", reason, False)}
    assert again[(ROLE_FIXED, REGIONS[0])]["changed"] is False  # fixed by the previous replay, carried over now
