"""The emulated fleet of a --state-dir is durable like AWS: every change is on disk before its call returns."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.ops.store import StateDir
from tests.reliability.killed import ADMIN, MEMBERS, fleet_members, small_scenario


@pytest.fixture
def durable(tmp_path: Path) -> Fleet:
    store = StateDir(tmp_path)
    fleet = Fleet(load_scenario(small_scenario()), InstantClock())
    fleet.persist = store.fleet_writer(ADMIN)
    return fleet


def test_each_write_is_in_fleet_json_when_the_call_returns(tmp_path: Path, durable: Fleet) -> None:
    with durable.intercept():
        detective = boto3.client("detective", region_name="us-east-1")
        arn = detective.create_graph()["GraphArn"]
        assert fleet_members(tmp_path) == {"us-east-1": {}}  # the graph, before anything else happens
        account, email = next(iter(MEMBERS.items()))
        detective.create_members(GraphArn=arn, Accounts=[{"AccountId": account, "EmailAddress": email}])
        on_disk = fleet_members(tmp_path)["us-east-1"]
    assert set(on_disk) == {account}  # the invitation too, whatever its verification status by now

    reloaded = StateDir(tmp_path).fleet(load_scenario(small_scenario()), InstantClock())
    member = reloaded.member("us-east-1", account)
    assert reloaded.graph_arn("us-east-1") == arn and member is not None and member.email == email


def test_a_read_or_a_refused_write_leaves_the_file_alone(tmp_path: Path, durable: Fleet) -> None:
    with durable.intercept():
        detective = boto3.client("detective", region_name="us-east-1")
        detective.create_graph()
        written = (tmp_path / "fleet.json").stat().st_mtime_ns, (tmp_path / "fleet.json").read_text()
        detective.list_graphs()
        with pytest.raises(ClientError, match="ValidationException"):
            detective.create_graph(Tags={"aws:reserved": "x"})  # refused: tag keys must not start with aws:
    assert ((tmp_path / "fleet.json").stat().st_mtime_ns, (tmp_path / "fleet.json").read_text()) == written


def test_a_fleet_detached_from_its_state_dir_no_longer_writes_there(tmp_path: Path, durable: Fleet) -> None:
    """What run_recorded does once a run ends: a handler it abandoned cannot change the next command's fleet."""
    durable.persist = None
    with durable.intercept():
        boto3.client("detective", region_name="us-east-1").create_graph()
    assert not (tmp_path / "fleet.json").exists()
