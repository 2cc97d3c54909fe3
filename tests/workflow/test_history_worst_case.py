"""No valid input of either workflow can pass Step Functions' 25,000 history events, even with every retrier spent.

An upper bound read from the definitions themselves, with AWS's events per state ("HistoryEvent",
AWS Step Functions API Reference): a Task is entered and exited (2) plus Scheduled, Started and
Succeeded or Failed per attempt (3 each, attempts = 1 + every retrier's MaxAttempts, each retrier
counting on its own); Pass, Choice, Wait and Succeed 2; Fail 1; a Map 4 plus, per iteration, its
start and end (2) and every state of its processor; the execution's start and end 2. Every state
counts once per visit, exclusive branches included, and a state in a loop as often as the loop's
bound allows: the GuardDuty gate once per Region and once more, the late-role tries
(MAX_ROLE_TRIES, and the last one), the verification polls (MAX_ATTEMPTS). Batch Maps run
MAX_BATCHES iterations. The engine enforces the quota itself (tests/engine/test_engine_strict.py);
this proves the bound for the inputs no test could run in reasonable time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from detective_rollout.engine.aws_rules import HISTORY_LIMIT
from tasks.accept_invitations import MAX_ROLE_TRIES
from tasks.regions import DETECTIVE_REGIONS
from tasks.validation import MAX_BATCHES
from tasks.verify_members import MAX_ATTEMPTS

ROOT = Path(__file__).resolve().parents[2]
PLAIN = {"Pass": 2, "Choice": 2, "Wait": 2, "Succeed": 2, "Fail": 1}
REGION_LOOP = len(DETECTIVE_REGIONS) + 1  # each wait qualifies at least one more Region
#: How often a state in a loop can run (anything else: once).
VISITS = {
    "enable-detective": {
        "CheckGuardDuty": REGION_LOOP,
        "GuardDutyGate": REGION_LOOP,
        "WaitForGuardDuty": REGION_LOOP,
        "AcceptPendingRoles": MAX_ROLE_TRIES + 1,
        "RolesPending": MAX_ROLE_TRIES + 1,
        "WaitForRoles": MAX_ROLE_TRIES + 1,
        "VerifyMembers": MAX_ATTEMPTS,
        "VerificationPending": MAX_ATTEMPTS,
        "WaitForVerification": MAX_ATTEMPTS,
    },
    "disable-detective": {},
}
#: Maps over account batches (anything else maps over Regions).
BATCH_MAPS = {"AcceptBatches", "DisassociateBatches"}


def worst(name: str, state: dict[str, Any], batches: int = MAX_BATCHES) -> int:
    kind = state["Type"]
    if kind == "Task":
        attempts = 1 + sum(int(retrier.get("MaxAttempts", 3)) for retrier in state.get("Retry", []))
        return 2 + 3 * attempts
    if kind == "Map":
        iterations = batches if name in BATCH_MAPS else len(DETECTIVE_REGIONS)
        processor = state.get("ItemProcessor") or state["Iterator"]
        return 4 + iterations * (2 + sum(worst(n, s) for n, s in processor["States"].items()))
    return PLAIN[kind]


def bound(stem: str, batches: int = MAX_BATCHES) -> int:
    definition = json.loads((ROOT / "statemachines" / f"{stem}.asl.json").read_text())
    visits = VISITS[stem]
    assert set(visits) <= set(definition["States"]), f"{stem}: a looping state was renamed"
    return 2 + sum(worst(n, s, batches) * visits.get(n, 1) for n, s in definition["States"].items())


@pytest.mark.parametrize("stem", ["enable-detective", "disable-detective"])
def test_the_largest_valid_input_stays_under_the_history_quota_with_every_retrier_spent(stem: str) -> None:
    assert bound(stem) < HISTORY_LIMIT


def test_each_batch_adds_its_iteration_with_every_retry_to_the_bound() -> None:
    # AcceptInvitations: entered, exited and 11 attempts of 3 events (6 + 4 retries); BatchFailed 2; the iteration 2.
    assert bound("enable-detective", MAX_BATCHES + 1) - bound("enable-detective") == 2 + 3 * 11 + 2 + 2
