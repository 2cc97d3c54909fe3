"""Seeded, reproducible fault injection, scenario events, call records and persistence."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from fleet_helpers import ADMIN, admin, as_member, error_of, invite, scenario_dict

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario


def _outcomes(client: Any, n: int, **kwargs: Any) -> list[str]:
    out = []
    for _ in range(n):
        try:
            client.list_graphs(**kwargs)
            out.append("ok")
        except ClientError as exc:
            out.append(exc.response["Error"]["Code"])
    return out


@pytest.mark.parametrize(
    ("service", "call", "code", "status"),
    [
        ("detective", "list_graphs", "TooManyRequestsException", 429),
        ("sts", "get_caller_identity", "Throttling", 400),
        ("guardduty", "list_detectors", "ThrottlingException", 429),
        ("account", "list_regions", "TooManyRequestsException", 429),
    ],
)
def test_throttle_rate_one_throttles_every_call_with_the_services_code(
    make_fleet: Callable[..., Fleet], service: str, call: str, code: str, status: int
) -> None:
    make_fleet(throttle_rate=1.0)
    with pytest.raises(ClientError) as exc:
        getattr(admin(service), call)()
    assert error_of(exc) == (code, status)


def test_error_rate_one_answers_internal_server_exception_500(make_fleet: Callable[..., Fleet]) -> None:
    make_fleet(error_rate=1.0)
    with pytest.raises(ClientError) as exc:
        admin("detective").list_graphs()
    assert error_of(exc) == ("InternalServerException", 500)


def test_same_seed_reproduces_the_same_faults_and_another_seed_does_not(clock: InstantClock) -> None:
    def run(seed: int) -> list[str]:
        fleet = Fleet(load_scenario(scenario_dict(seed=seed, throttle_rate=0.3, error_rate=0.2)), clock)
        with fleet.intercept():
            return _outcomes(admin("detective"), 40)

    first = run(7)
    assert first == run(7)
    assert first != run(8)
    assert {"ok", "TooManyRequestsException", "InternalServerException"} <= set(first)


def test_fault_decisions_do_not_depend_on_how_threads_interleave(clock: InstantClock) -> None:
    accounts = ["222222222222", "444444444444", "555555555555", "666666666666"]

    def run(concurrent: bool) -> dict[str, list[str]]:
        throttled = [{"type": "throttle", "ops": ["ListGraphs"], "rate": 0.4}]
        members = [{"account_id": a, "email": f"{a}@example.com", "faults": throttled} for a in accounts]
        fleet = Fleet(load_scenario(scenario_dict(seed=3, members=members)), clock)
        results: dict[str, list[str]] = {}
        with fleet.intercept():
            clients = {a: as_member(a, "detective") for a in accounts}

            def work(account: str) -> None:
                results[account] = _outcomes(clients[account], 25)

            if concurrent:
                threads = [threading.Thread(target=work, args=(a,)) for a in reversed(accounts)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            else:
                for a in accounts:
                    work(a)
        return results

    concurrent, sequential = run(concurrent=True), run(concurrent=False)
    assert concurrent == sequential
    assert all({"ok", "TooManyRequestsException"} <= set(outcomes) for outcomes in sequential.values())


def test_concurrent_accepts_from_many_threads_all_land(make_fleet: Callable[..., Fleet], clock: InstantClock) -> None:
    accounts = [f"{500000000000 + i}" for i in range(40)]
    fleet = make_fleet(members=[{"account_id": a, "email": f"{a}@example.com"} for a in accounts])
    detective = admin("detective")
    arn = detective.create_graph()["GraphArn"]
    invite(detective, arn, *[(a, f"{a}@example.com") for a in accounts])
    clock.advance(5)
    members = [as_member(a, "detective") for a in accounts]
    errors: list[BaseException] = []

    def accept(client: Any) -> None:
        try:
            client.accept_invitation(GraphArn=arn)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=accept, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {fleet.member("us-east-1", a).status for a in accounts} == {"ENABLED"}  # type: ignore[union-attr]
    assert len([c for c in fleet.calls if c.operation == "AcceptInvitation" and c.mutating]) == 40


def test_throttle_fault_hits_only_the_listed_operations_of_that_account(make_fleet: Callable[..., Fleet]) -> None:
    make_fleet(
        members=[
            {
                "account_id": "222222222222",
                "email": "a@example.com",
                "faults": [{"type": "throttle", "ops": ["ListInvitations"], "rate": 1.0}],
            }
        ]
    )
    member = as_member("222222222222", "detective")
    with pytest.raises(ClientError) as exc:
        member.list_invitations()
    assert error_of(exc) == ("TooManyRequestsException", 429)
    member.list_graphs()
    admin("detective").list_invitations()


def test_botocore_standard_retry_rides_out_a_one_call_error_burst(make_fleet: Callable[..., Fleet]) -> None:
    fleet = make_fleet(events=[{"type": "error_burst", "after_calls": 0, "calls": 1}])
    retrying = Config(retries={"mode": "standard", "total_max_attempts": 3})
    response = admin("detective", config=retrying).list_graphs()
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert [c.error for c in fleet.calls] == ["InternalServerException", None]


def test_error_burst_in_clock_time_ends_when_the_clock_moves_on(
    make_fleet: Callable[..., Fleet], clock: InstantClock
) -> None:
    make_fleet(events=[{"type": "error_burst", "after_s": 0, "duration_s": 30, "ops": ["ListGraphs"]}])
    detective = admin("detective")
    assert _outcomes(detective, 2) == ["InternalServerException"] * 2
    admin("sts").get_caller_identity()  # other operations are not hit
    clock.advance(30)
    assert _outcomes(detective, 1) == ["ok"]


def test_graph_deleted_event_removes_the_graph_after_its_call_count(make_fleet: Callable[..., Fleet]) -> None:
    fleet = make_fleet(events=[{"type": "graph_deleted", "region": "us-east-1", "after_calls": 2}])
    detective = admin("detective")
    arn = detective.create_graph()["GraphArn"]
    detective.list_members(GraphArn=arn)
    with pytest.raises(ClientError) as exc:
        detective.list_members(GraphArn=arn)
    assert error_of(exc) == ("ResourceNotFoundException", 404)
    assert fleet.graph_arn("us-east-1") is None


def test_latency_sleeps_on_the_fleet_clock_not_the_wall_clock(
    make_fleet: Callable[..., Fleet], clock: InstantClock
) -> None:
    make_fleet(latency_ms=60_000)
    before, wall = clock.now(), time.monotonic()
    detective = admin("detective")
    for _ in range(3):
        detective.list_graphs()
    assert (clock.now() - before).total_seconds() == 180
    assert time.monotonic() - wall < 5


def test_only_successful_detective_and_guardduty_writes_are_mutating(fleet: Fleet) -> None:
    detective = admin("detective")
    arn = detective.create_graph()["GraphArn"]
    with pytest.raises(ClientError):
        detective.create_graph(Tags={"aws:reserved": "x"})
    detective.list_graphs()
    admin("guardduty", "us-west-2").create_detector(Enable=True)
    as_member("222222222222", "sts").get_caller_identity()
    assert [(c.service, c.operation, c.account_id) for c in fleet.mutating_calls()] == [
        ("detective", "CreateGraph", ADMIN),
        ("guardduty", "CreateDetector", ADMIN),
    ]
    assume = [c for c in fleet.calls if c.operation == "AssumeRole"]
    assert len(assume) == 1 and not assume[0].mutating and assume[0].account_id == ADMIN
    assert [c.error for c in fleet.calls if c.operation == "CreateGraph"] == [None, "ValidationException"]
    assert arn


def test_a_fleet_saved_as_json_continues_where_it_stopped(fleet: Fleet, clock: InstantClock) -> None:
    detective = admin("detective")
    arn = detective.create_graph(Tags={"k": "v"})["GraphArn"]
    invite(detective, arn, ("222222222222", "a@example.com"), ("444444444444", "c@example.com"))
    member = as_member("222222222222", "detective")
    saved = json.loads(json.dumps(fleet.to_state()))
    later = InstantClock()  # a new process: its clock starts elsewhere, from_state moves it to the saved time
    resumed = Fleet.from_state(fleet.scenario, saved, later)
    assert later.now() >= clock.now()
    with resumed.intercept():
        later.advance(5)
        member.accept_invitation(GraphArn=arn)  # keys issued before the save still act as the member
        assert resumed.member("us-east-1", "222222222222").status == "ENABLED"  # type: ignore[union-attr]
        assert resumed.member("us-east-1", "444444444444").status == "INVITED"  # type: ignore[union-attr]
        assert admin("detective").list_tags_for_resource(ResourceArn=arn)["Tags"] == {"k": "v"}
    assert fleet.member("us-east-1", "222222222222").status != "ENABLED"  # type: ignore[union-attr]


def test_an_edited_scenario_ends_the_bursts_of_removed_events_and_fires_new_ones(
    make_fleet: Callable[..., Fleet], clock: InstantClock
) -> None:
    burst = {"type": "error_burst", "after_calls": 0, "duration_s": 3600, "ops": ["ListGraphs"]}
    fleet = make_fleet(events=[burst])
    assert _outcomes(admin("detective"), 1) == ["InternalServerException"]  # call 1: the burst is open
    saved = json.loads(json.dumps(fleet.to_state()))
    # The operator "fixes" the fault: the burst's event goes, and another event now stands first in the list.
    edited = load_scenario(scenario_dict(events=[{"type": "graph_deleted", "region": "us-east-1", "after_calls": 2}]))
    with Fleet.from_state(edited, saved, clock).intercept() as resumed:
        admin("detective").create_graph()  # call 2
        assert _outcomes(admin("detective"), 1) == ["ok"]  # call 3: no burst; the new event fires (not "fired")
        assert resumed.graph_arn("us-east-1") is None
    unchanged = load_scenario(scenario_dict(events=[burst]))
    assert Fleet.from_state(unchanged, saved, clock).to_state()["fleet"]["bursts"]  # the same event: still open


def test_a_version_1_state_names_events_by_position_in_the_current_scenario(
    make_fleet: Callable[..., Fleet], clock: InstantClock
) -> None:
    burst = {"type": "error_burst", "after_calls": 0, "duration_s": 3600, "ops": ["ListGraphs"]}
    fleet = make_fleet(events=[burst])
    assert _outcomes(admin("detective"), 1) == ["InternalServerException"]
    saved = json.loads(json.dumps(fleet.to_state()))
    saved["version"] = 1
    saved["fleet"]["fired_events"] = [0, 7]  # 7: an event the scenario no longer has
    saved["fleet"]["bursts"] = [{**saved["fleet"]["bursts"][0], "event": 0}]
    with Fleet.from_state(fleet.scenario, saved, clock).intercept() as resumed:
        assert _outcomes(admin("detective"), 1) == ["InternalServerException"]
        assert resumed.to_state()["version"] == 2
