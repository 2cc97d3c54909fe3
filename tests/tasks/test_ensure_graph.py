"""EnsureGraph over the emulated fleet: what ValidateInput saw decides the first call, never the outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import boto3
import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from tasks.ensure_graph import PROJECT_TAG, ensure_graph

ADMIN = "111111111111"
REGION = "eu-west-1"


@pytest.fixture
def fleet() -> Iterator[Callable[..., Any]]:
    """``start(existing=...)``: a fleet whose administrator has a graph in ``existing`` Regions, and its Detective."""
    with ExitStack() as stack:

        def start(existing: list[str]) -> tuple[Fleet, Any]:
            spec = {
                "administrator": {"account_id": ADMIN, "existing_graph_regions": existing},
                "regions": [REGION],
                "member_role": "DetectiveMemberRole",
                "members": [],
            }
            running = stack.enter_context(Fleet(load_scenario(spec), InstantClock()).intercept())
            detective = boto3.client(
                "detective", region_name=REGION, aws_access_key_id="AKIAADMIN", aws_secret_access_key="x"
            )
            return running, detective

        yield start


def operations(fleet: Fleet) -> list[str]:
    return [c.operation for c in fleet.calls]


def test_a_region_where_validation_saw_no_graph_is_created_in_one_call(fleet: Any) -> None:
    running, detective = fleet([])
    outcome = ensure_graph(detective, REGION, {}, dry_run=False, seen=False)
    assert outcome.created and outcome.graph_arn
    assert operations(running) == ["CreateGraph"]


def test_a_graph_created_after_validation_is_reused_not_duplicated(fleet: Any) -> None:
    running, detective = fleet([REGION])  # validation saw none; another execution created it since
    outcome = ensure_graph(detective, REGION, {}, dry_run=False, seen=False)
    assert not outcome.created and outcome.graph_arn == running.graph_arn(REGION)
    assert operations(running)[:2] == ["CreateGraph", "ListGraphs"]
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
