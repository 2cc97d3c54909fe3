"""PutSummaryEvent: the summary event's Detail is an object, and a failed entry is caught, not fatal.

On AWS the optimized ``events:putEvents`` integration fails the Task with
``EventBridge.FailedEntry`` when an entry fails ("Add EventBridge events with Step Functions");
the engine does the same (tests/engine/test_engine_strict.py). The machine retries it, then its
Catch goes on to decide the run's outcome from the report.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.events.models import EventsBackend

from tests.helpers.workflow import Runner, member, rows_by_pair, scenario


class _Entries(list[dict[str, Any]]):
    fail = False


@pytest.fixture
def entries(monkeypatch: pytest.MonkeyPatch) -> _Entries:
    """Every PutEvents entry sent to the summary bus; with ``entries.fail = True`` each one fails."""
    sent: Any = _Entries()
    put_events = EventsBackend.put_events

    def record(self: EventsBackend, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        sent.extend(events)
        if sent.fail:
            return [{"ErrorCode": "InternalFailure", "ErrorMessage": "injected"} for _ in events]
        return put_events(self, events)

    monkeypatch.setattr(EventsBackend, "put_events", record)
    return sent


def test_the_summary_event_detail_is_the_summary_object(enable: Runner, entries: _Entries) -> None:
    run = enable(scenario([member(1)], regions=["us-east-1"]))
    assert run.result.status == "SUCCEEDED"
    [entry] = entries
    detail = json.loads(entry["Detail"])  # encoded once, by the integration: an object, not a string in a string
    assert detail["workflow"] == "enable"
    assert detail["summary"]["total"] == 1
    assert detail["report"].startswith("s3://")


def test_a_failed_summary_entry_is_retried_then_caught_and_the_run_ends_by_its_report(
    enable: Runner, entries: _Entries
) -> None:
    entries.fail = True
    run = enable(scenario([member(1)], regions=["us-east-1"]))
    assert run.result.status == "SUCCEEDED", (run.result.error, run.result.cause)
    assert rows_by_pair(run)[(member(1)["account_id"], "us-east-1")]["status"] == "ENABLED"
    assert len(entries) == 4  # the first try and PutSummaryEvent's three retries
