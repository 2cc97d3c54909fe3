"""The progress display: snapshots from execution history (pure), their rendering, and ``status --watch``
on a real pseudo-terminal (redrawn in place) while another process updates the state dir."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from detective_rollout.ops.progress import bar, render_progress, snapshot
from detective_rollout.ops.store import ExecutionRecord, StateDir

RUN = {"regions": ["us-east-1", "eu-west-1"], "batch_size": 2, "account_count": 3, "batches": [0, 1]}


def entered(name: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "TaskStateEntered", "stateEnteredEventDetails": {"name": name, "input": json.dumps(value)}}


def exited(name: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "PassStateExited", "stateExitedEventDetails": {"name": name, "output": json.dumps(value)}}


SKIPPED = {"region": "eu-west-1", "status": "SKIPPED", "reason": "GUARDDUTY_TOO_YOUNG"}


def prepared(*regions: dict[str, Any]) -> dict[str, Any]:
    """The state after a Region-wide state: its per-Region outcome list in ``prepare.regions``."""
    return {"run": RUN, "prepare": {"regions": list(regions)}}


def history(stage: int) -> list[dict[str, Any]]:
    """An enable execution's history up to ``stage`` (0: validated ... 5: report written)."""
    events = [{"type": "ExecutionStarted"}, exited("ValidateInput", {"run": RUN})]
    if stage >= 1:  # us-east-1's detector is too young: the machine waits for it, then checks again
        events += [exited("CheckGuardDuty", prepared({"region": "us-east-1", "status": "WAITING"}, SKIPPED))]
    if stage >= 2:
        events += [
            exited("CheckGuardDuty", prepared({"region": "us-east-1", "status": "READY"}, SKIPPED)),
            entered("InviteMembers", prepared({"region": "us-east-1", "status": "READY"}, SKIPPED)),
        ]
    if stage >= 3:
        ready = {"region": "us-east-1", "status": "READY", "invite": {"accounts": 3, "counts": {"invite": 3}}}
        events += [
            exited("InviteMembers", prepared(ready, SKIPPED)),
            exited("AcceptInvitations", {"batch": 1, "status": "DONE", "counts": {"ACCEPTED": 1}}),
        ]
    if stage >= 4:
        verified = [{"region": "us-east-1", "verified": True, "pending": 0}, {"region": "eu-west-1", "verified": False}]
        events += [
            exited("BatchFailed", {"batch": 0, "status": "FAILED", "error": {}}),
            exited("VerifyMembers", {"run": RUN, "verify": {"regions": verified}}),
        ]
    if stage >= 5:
        events.append(exited("WriteReport", {"report": {"Payload": {"summary": {"total": 6, "ENABLED": 1}}}}))
    return events


def phases(stage: int) -> dict[str, tuple[int, int]]:
    snap = snapshot(history(stage), execution="e", workflow="enable", status="RUNNING")
    return {p["name"]: (p["done"], p["total"]) for p in snap["phases"]}


def test_phases_advance_with_the_history() -> None:
    assert phases(0) == {"regions checked": (0, 2), "invitations sent": (0, 2), "accepted": (0, 3), "verified": (0, 2)}
    assert phases(1)["regions checked"] == (1, 2)  # a Region still waiting for its detector is not checked yet
    assert phases(2) == {"regions checked": (2, 2), "invitations sent": (0, 2), "accepted": (0, 3), "verified": (0, 2)}
    assert phases(3)["accepted"] == (1, 3)  # batch 1 holds the third account only
    assert phases(4) == {"regions checked": (2, 2), "invitations sent": (2, 2), "accepted": (3, 3), "verified": (2, 2)}


def test_counts_by_status_and_the_summary() -> None:
    snap = snapshot(history(5), execution="e", workflow="enable", status="FAILED")
    by_name = {p["name"]: p["counts"] for p in snap["phases"]}
    assert by_name["invitations sent"] == {"invite": 3, "SKIPPED GUARDDUTY_TOO_YOUNG": 1}
    assert by_name["accepted"] == {"ACCEPTED": 1, "FAILED": 1}
    assert snap["summary"] == {"total": 6, "ENABLED": 1}


def test_render_progress_draws_a_bar_per_phase() -> None:
    text = render_progress(snapshot(history(3), execution="enable-1", workflow="enable", status="RUNNING"))
    lines = text.splitlines()
    assert lines[0] == "enable enable-1  RUNNING  (now: InviteMembers)"  # the last state entered
    assert lines[1] == f"  regions checked   {bar(2, 2)}  2/2 Regions processed"
    assert lines[3].startswith(f"  accepted          {bar(1, 3)}  1/3 accounts processed  (pairs: ACCEPTED 1)")
    assert bar(1, 4, width=8) == "[##......]" and bar(0, 0, width=4) == "[....]" and bar(5, 5, 4) == "[####]"


def test_a_running_guardduty_wait_says_for_what_and_until_when() -> None:
    waiting = {"region": "eu-west-1", "status": "WAITING"}
    state = {"run": RUN, "prepare": {"regions": [waiting], "wait_until": "2026-12-07T12:03:00Z"}}
    events = [*history(1), entered("WaitForGuardDuty", state)]
    snap = snapshot(
        events, execution="enable-1", workflow="enable", status="RUNNING", updated_at="2026-12-05T22:05:00Z"
    )
    lines = render_progress(snap).splitlines()
    assert lines[1] == "  waiting for GuardDuty in eu-west-1 to reach 48 h: 2026-12-07 12:03 UTC, 37 h 58 min from now"
    after = snapshot([*events, exited("WaitForGuardDuty", state)], execution="e", workflow="enable", status="RUNNING")
    assert after["waiting"] is None and "waiting" not in render_progress(after)


def test_a_phase_the_input_did_not_ask_for_says_so() -> None:
    events = [exited("ValidateOffboarding", {"run": RUN}), exited("NoMemberSide", {}), exited("KeepGraphs", {})]
    text = render_progress(snapshot(events, execution="d", workflow="disable", status="RUNNING"))
    assert "memberships left  not requested" in text and "graphs deleted    not requested" in text


def test_disable_progress_counts_regions_from_the_outcome_lists_and_accounts_from_batches() -> None:
    removed = [
        {"region": "us-east-1", "status": "DONE", "counts": {"REMOVED": 3}},
        {"region": "eu-west-1", "status": "FAILED", "reason": "ERROR", "error": {}},
    ]
    events = [
        exited("ValidateOffboarding", {"run": RUN}),
        exited("RemoveMembers", {"run": RUN, "remove": {"regions": removed}}),
        exited("DisassociateMemberships", {"batch": 0, "status": "DONE", "counts": {"DISASSOCIATED": 2}}),
        entered("DeleteGraph", {"run": RUN}),
    ]
    snap = snapshot(events, execution="d", workflow="disable", status="RUNNING")
    assert [(p["name"], p["done"], p["total"], p["counts"]) for p in snap["phases"]] == [
        ("members removed", 2, 2, {"REMOVED": 3, "FAILED ERROR": 1}),
        ("memberships left", 2, 3, {"DISASSOCIATED": 2}),
        ("graphs deleted", 0, 2, {}),
    ]
    graphs = [{"region": r, "status": "DONE", "outcome": "DELETED"} for r in RUN["regions"]]
    events += [
        exited("BatchFailed", {"batch": 1, "status": "FAILED"}),
        exited("DeleteGraph", {"graphs": {"regions": graphs}}),
    ]
    text = render_progress(snapshot(events, execution="d", workflow="disable", status="SUCCEEDED"))
    assert "3/3 accounts" in text and text.count("2/2 Regions") == 2


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    return seen


def test_status_watch_redraws_in_place_on_a_terminal(tmp_path: Path) -> None:
    state = StateDir(tmp_path)
    record = ExecutionRecord(
        "enable-live",
        "enable",
        "RUNNING",
        "2026-01-01T00:00:00Z",
        seq=1,
        pid=os.getpid(),
        progress=snapshot(history(1), execution="enable-live", workflow="enable", status="RUNNING"),
    )
    with state.running(record):  # what a live run holds
        state.save(record)
        _watch_on_a_terminal(state, record)


def _watch_on_a_terminal(state: StateDir, record: ExecutionRecord) -> None:
    primary, secondary = pty.openpty()
    command = [
        sys.executable,
        "-m",
        "detective_rollout.cli",
        "status",
        "--watch",
        "--state-dir",
        str(state.path),
        "--interval",
        "0.05",
    ]
    child = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True)
    os.close(secondary)
    try:
        first = _read_until(primary, b"verified", 60)
        assert b"1/2 Regions" in first and b"RUNNING" in first
        record.status, record.pid = "SUCCEEDED", None
        record.progress = snapshot(history(4), execution="enable-live", workflow="enable", status="SUCCEEDED")
        state.save(record)
        rest = _read_until(primary, b"results: 6", 30)
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
        os.close(primary)
    assert b"\x1b[" in rest and b"F\x1b[J" in rest  # moved up and cleared: the block is redrawn in place
    assert b"3/3 accounts" in rest and b"SUCCEEDED" in rest
