"""tasks.region_outcomes: the per-Region outcome list, where a Region's error fails that Region only."""

from __future__ import annotations

from typing import Any

from tasks import errors
from tasks.region_outcomes import complete, error_of, for_each_ready, ready_regions
from tests.helpers.tasks import task_clock

READY = [{"region": r, "status": "READY"} for r in ("us-east-1", "eu-west-1", "ap-east-1")]
SKIPPED = {"region": "af-south-1", "status": "SKIPPED", "reason": "ADMIN_REGION_NOT_ENABLED"}


def test_work_runs_on_ready_regions_only_and_the_others_pass_through_unchanged() -> None:
    seen: list[str] = []

    def graph(outcome: dict[str, Any]) -> dict[str, Any]:
        seen.append(outcome["region"])
        return {**outcome, "graph": f"arn:{outcome['region']}"}

    result = for_each_ready([*READY, SKIPPED], graph)
    assert sorted(seen) == ["ap-east-1", "eu-west-1", "us-east-1"]
    assert [o["region"] for o in result] == ["us-east-1", "eu-west-1", "ap-east-1", "af-south-1"]
    assert result[0]["graph"] == "arn:us-east-1" and result[3] == SKIPPED


def test_a_regions_error_fails_that_region_only_with_the_error_a_catch_would_record() -> None:
    def graph(outcome: dict[str, Any]) -> dict[str, Any]:
        if outcome["region"] == "eu-west-1":
            raise errors.AccessDenied("not authorized to CreateGraph")
        return {**outcome, "graph": "arn"}

    result = for_each_ready(READY, graph)
    assert result[1] == {
        "region": "eu-west-1",
        "status": "FAILED",
        "reason": "ERROR",
        "error": {"Error": "AccessDenied", "Cause": "not authorized to CreateGraph"},
    }
    assert result[0]["graph"] == result[2]["graph"] == "arn"


def test_a_transient_error_is_retried_in_the_task_before_the_region_fails() -> None:
    attempts: dict[str, int] = {}

    def throttled_twice(outcome: dict[str, Any]) -> dict[str, Any]:
        attempts[outcome["region"]] = attempts.get(outcome["region"], 0) + 1
        if attempts[outcome["region"]] <= 2:
            raise errors.Throttled("Rate exceeded")
        return {**outcome, "graph": "arn"}

    with task_clock() as clock:
        result = for_each_ready(READY[:1], throttled_twice)
    assert result == [{"region": "us-east-1", "status": "READY", "graph": "arn"}]
    assert attempts == {"us-east-1": 3} and clock.sleeps == [5, 10]


def test_a_region_still_throttled_after_four_attempts_fails_with_throttled() -> None:
    def always_throttled(outcome: dict[str, Any]) -> dict[str, Any]:
        raise errors.Throttled("Rate exceeded")

    with task_clock() as clock:
        result = for_each_ready(READY[:1], always_throttled)
    assert result[0]["status"] == "FAILED" and result[0]["error"]["Error"] == "Throttled"
    assert len(clock.sleeps) == 3


def test_ready_regions_names_the_regions_still_on_their_way() -> None:
    waiting = {"region": "me-south-1", "status": "WAITING"}
    assert ready_regions([*READY, SKIPPED, waiting]) == ["us-east-1", "eu-west-1", "ap-east-1"]


def test_error_of_uses_the_class_name_and_the_message() -> None:
    assert error_of(errors.Conflict("graph exists")) == {"Error": "Conflict", "Cause": "graph exists"}
    assert error_of(ValueError("bad")) == {"Error": "ValueError", "Cause": "bad"}


def test_complete_after_a_crash_fails_the_unfinished_regions_and_keeps_the_finished_ones() -> None:
    invited = {"region": "us-east-1", "status": "READY", "invite": {"sent": 2}}
    half_way = {"region": "eu-west-1", "status": "READY", "graph": "arn"}
    crash = {"Error": "Runtime.ExitError", "Cause": "exit status 1"}
    final = complete([invited, half_way, SKIPPED], ["us-east-1", "eu-west-1", "af-south-1", "ap-east-1"], crash)
    assert final[0] == invited and final[2] == SKIPPED
    assert final[1] == {**half_way, "status": "FAILED", "reason": "ERROR", "error": crash}
    assert final[3] == {"region": "ap-east-1", "status": "FAILED", "reason": "ERROR", "error": crash}


def test_complete_without_a_crash_takes_the_outcomes_as_they_are() -> None:
    half_way = {"region": "eu-west-1", "status": "READY", "graph": "arn"}
    assert complete([half_way], ["eu-west-1", "us-east-1"], None) == [half_way]
