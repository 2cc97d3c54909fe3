"""EnsureGraph over the emulated fleet: what ValidateInput saw decides the first call, never the outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import boto3
import pytest

import tasks.clock
from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from tasks.ensure_graph import PROJECT_TAG, ensure_graph

ADMIN = "111111111111"
REGION = "eu-west-1"


@pytest.fixture
def fleet() -> Iterator[Callable[..., Any]]:
    """``start(existing=..., create_graph_existing=...)``: a fleet whose administrator has a graph in ``existing``
    Regions (made a minute before the task runs), and its Detective; the task code reads the fleet's clock."""
    with ExitStack() as stack:

        def start(existing: list[str], create_graph_existing: str = "same_arn") -> tuple[Fleet, Any]:
            spec = {
                "administrator": {"account_id": ADMIN, "existing_graph_regions": existing},
                "regions": [REGION],
                "member_role": "DetectiveMemberRole",
                "members": [],
                "create_graph_existing": create_graph_existing,
            }
            fleet_clock = InstantClock()
            running = stack.enter_context(Fleet(load_scenario(spec), fleet_clock).intercept())
            previous = tasks.clock.use(fleet_clock)
            stack.callback(tasks.clock.use, previous)
            fleet_clock.advance(60)
            detective = boto3.client(
                "detective", region_name=REGION, aws_access_key_id="AKIAADMIN", aws_secret_access_key="x"
            )
            return running, detective

        yield start


def operations(fleet: Fleet) -> list[str]:
    return [c.operation for c in fleet.calls]


BEHAVIOURS = ["same_arn", "conflict"]  # as the API reference documents; ConflictException


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_a_region_where_validation_saw_no_graph_is_created_first(fleet: Any, behaviour: str) -> None:
    running, detective = fleet([], behaviour)
    outcome = ensure_graph(detective, REGION, {}, dry_run=False, seen=False)
    assert outcome.created and outcome.graph_arn == running.graph_arn(REGION)
    assert operations(running) == ["CreateGraph", "ListGraphs"]  # ListGraphs: CreatedTime says this call made it


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_a_graph_created_after_validation_is_reused_not_reported_created(fleet: Any, behaviour: str) -> None:
    running, detective = fleet([REGION], behaviour)  # validation saw none; another execution created it since
    outcome = ensure_graph(detective, REGION, {}, dry_run=False, seen=False)
    assert not outcome.created and outcome.graph_arn == running.graph_arn(REGION)
    assert operations(running)[:2] == ["CreateGraph", "ListGraphs"]
    assert [c.error for c in running.calls if c.operation == "CreateGraph"] == [
        "ConflictException" if behaviour == "conflict" else None
    ]
    tags = detective.list_tags_for_resource(ResourceArn=outcome.graph_arn)["Tags"]
    assert tags == PROJECT_TAG


def test_a_graph_validation_saw_is_listed_and_tagged_never_created(fleet: Any) -> None:
    running, detective = fleet([REGION])
    outcome = ensure_graph(detective, REGION, {"team": "sec"}, dry_run=False, seen=True)
    assert not outcome.created and outcome.tagged and outcome.graph_arn == running.graph_arn(REGION)
    assert operations(running) == ["ListGraphs", "ListTagsForResource", "TagResource"]


def test_a_dry_run_never_creates_even_where_validation_saw_no_graph(fleet: Any) -> None:
    running, detective = fleet([])
    outcome = ensure_graph(detective, REGION, {}, dry_run=True, seen=False)
    assert outcome.planned == f"create a behavior graph in {REGION}" and outcome.graph_arn is None
    assert running.mutating_calls() == []
