"""State DeleteGraph over the emulated fleet: the administrator's graph goes in every Region, only when confirmed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tasks import errors
from tests.helpers.states import REGIONS, DisableStates, member

Start = Callable[..., DisableStates]
ADMIN = "111111111111"
CONFIRMED = {"all_members": True, "delete_graph": True, "confirm_delete_graph": ADMIN}


def test_every_regions_graph_is_deleted_after_its_members_were_removed(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=dict.fromkeys(REGIONS, "ENABLED"))])
    run = states.validate(**CONFIRMED)
    states.remove(run)
    states.mark()
    output = states.delete_graphs(run)
    assert [(o["region"], o["status"], o["outcome"]) for o in output["regions"]] == [
        (r, "DONE", "DELETED") for r in sorted(REGIONS)
    ]
    assert all(states.fleet.graph_arn(r) is None for r in REGIONS)
    assert sorted(states.writes()) == [("DeleteGraph", ADMIN, r) for r in sorted(REGIONS)]
    assert states.work("graph.json")["regions"]["us-east-1"]["outcome"] == "DELETED"


def test_a_region_without_a_graph_has_nothing_to_delete(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership={"us-east-1": "ENABLED"})])
    run = states.validate(**CONFIRMED)
    states.remove(run)
    states.mark()
    output = {o["region"]: o for o in states.delete_graphs(run)["regions"]}
    assert output["us-east-1"]["outcome"] == "DELETED"
    assert output["eu-west-1"]["status"] == "DONE" and output["eu-west-1"]["outcome"] != "DELETED"
    assert states.writes() == [("DeleteGraph", ADMIN, "us-east-1")]


def test_a_plan_that_did_not_confirm_deletion_deletes_nothing(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership={"us-east-1": "ENABLED"})])
    run = states.validate(all_members=True)
    states.mark()
    with pytest.raises(errors.InvalidInput, match="does not confirm deleting"):
        states.delete_graphs(run)
    assert states.writes() == [] and states.fleet.graph_arn("us-east-1") is not None


def test_a_dry_run_plans_the_deletion_and_keeps_the_graphs(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=dict.fromkeys(REGIONS, "ENABLED"))])
    run = states.validate(**CONFIRMED, dry_run=True)
    states.remove(run)
    states.mark()
    states.delete_graphs(run)
    assert states.writes() == [] and all(states.fleet.graph_arn(r) is not None for r in REGIONS)
