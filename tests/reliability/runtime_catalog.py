"""The fail-closed and killed-run reproductions (issue 16 items 1-2) and the design choices behind them.

Rendered into docs/reliability.md by :func:`tests.reliability.catalog.render` (section "Fail closed,
interrupted and killed runs"); each row names the test that proves it.
"""

from __future__ import annotations

#: (what is done, what the suite asserts, where)
RUNTIME_CASES: list[tuple[str, str, str]] = [
    (
        "the engine and the fleet torn down while an execution's handlers are mid-flight (InviteMembers); the "
        "abandoned handler threads keep calling AWS",
        "every request they make is refused in-process (`NetworkRefused` naming the `*.amazonaws.com` host); a "
        "Python audit hook beneath every guard sees no DNS lookup and no connection past loopback",
        "tests/reliability/test_fail_closed.py",
    ),
    (
        "a botocore request no hook answers; `socket.create_connection` / `connect` to a remote host",
        "refused before any DNS lookup, naming the host; a client pointed at a closed loopback port gets botocore's "
        "connection error, as on a dead network",
        "tests/reliability/test_fail_closed.py",
    ),
    (
        "Ctrl-C (SIGINT) / SIGTERM during `--clock real enable --local small.json --state-dir DIR` "
        '(`"latency_ms": 3000`) while `status` shows CheckGuardDuty',
        "the process exits within 5 s with 130 / 143, says the execution is recorded ABORTED and that the same "
        "command finishes it; the record is ABORTED; the state dir's lock is free at once; no socket past loopback",
        "tests/reliability/test_killed_runs.py",
    ),
    (
        "SIGKILL during `--clock speed=10 enable --local small.json --state-dir DIR` after InviteMembers",
        "DIR/fleet.json holds every member the run invited, in both Regions; `status` shows the run ABORTED; "
        "`replay latest` exits 1 saying it ended without a report and printing the command; that command again "
        "exits 0 with every pair ENABLED and no account invited twice",
        "tests/reliability/test_killed_runs.py",
    ),
    (
        "the CLI as PID 1 of a pid namespace (`unshare --pid --fork --mount-proc`), SIGKILLed mid-run: the record "
        "says `pid: 1`",
        "`status` shows ABORTED, `status --watch` ends (exit 1), `replay` says it has no report (exit 1)",
        "tests/reliability/test_killed_runs.py, tests/ops/test_ops_state.py",
    ),
    (
        "Detective writes through the emulated fleet of a state dir; reads; a refused write; a fleet detached from "
        "its state dir",
        "each write is in fleet.json (and reloads) when its call returns; a read or a refused write leaves the file "
        "alone; a detached fleet writes nothing",
        "tests/reliability/test_durable_fleet.py",
    ),
    (
        "a RUNNING record left by a killed command, then a new run in the same state dir",
        "the new run records the dead one ABORTED (error `Killed`) before it starts, and keeps its own command line",
        "tests/ops/test_ops_state.py",
    ),
]

DESIGN = [
    "Design choices:",
    "",
    "- **Fail closed, for the life of the process.** `detective_rollout/emulator/netguard.py` is installed by the "
    "engine, `Fleet.intercept()`, `emulator serve`, the engine's worker processes, the bench and the test suite "
    "(tests/conftest.py), and never removed: a handler thread that outlives the mocks is exactly the case to "
    "cover. It refuses, in-process and before any DNS lookup, a botocore request nobody answered whose host is "
    "not loopback, and any `getaddrinfo` / `connect` to a non-loopback address. Loopback stays open (the "
    "emulator's HTTP front end, tests that need a closed port); Unix sockets stay open (the workers).",
    "- **Interrupted runs are abandoned, not drained.** Lambda handlers cannot be cancelled; waiting for them kept "
    "the process and the lock for tens of seconds. SIGINT / SIGTERM unwind the run in the main thread (engine torn "
    "down, worker processes killed, record ABORTED, fleet saved, locks released) and the process ends with "
    "`os._exit(128 + signal)` without joining handler threads; a watchdog ends it 3.5 s after the signal whatever "
    "the unwinding is doing, and a second signal ends it at once. What the abandoned handlers had written stays "
    "written (as on AWS, where a stopped execution's Lambdas run on); the workflow is idempotent, so the same "
    "command finishes the job.",
    "- **The state dir's fleet is written through.** After every call that changed it (a successful Detective / "
    "GuardDuty write, or a scenario event firing), before the call returns, fleet.json is replaced atomically "
    "(write, rename) under the fleet's lock, so the file always holds a state the fleet was in. It survives the "
    "process being killed; it is not fsynced, so it does not promise to survive the machine losing power. Fault "
    "bookkeeping (attempt counters) is saved with the next write and when the run ends, so a resumed run may draw "
    "different injected faults than an uninterrupted one would have. The cost is one whole-state write per "
    "change, proportional to the fleet's size (measured on the 2-core development machine, heavily loaded: 9 ms "
    "per write with 6 members, 33 ms with 400, 160 ms with 2,400): the state dir is for operator-sized local "
    "runs; the bench and the scale tests do not use one.",
    "- **Liveness is a lock the kernel releases.** A running execution holds `DIR/executions/<name>.lock` "
    "(flock) for its whole life; a RUNNING record whose lock is free is ABORTED - SIGKILL, OOM kill and a PID 1 "
    "that died in its namespace alike - whatever its pid says. The next run in the state dir records such runs "
    "ABORTED on disk. Readers probe the lock with a non-blocking shared flock, which never delays a run.",
    "- **A run that ended without a report is rerun, not replayed.** `replay` needs FAILED rows; a killed run has "
    "none, so `replay` exits 1 (an execution that stopped without a report) and prints the command line the run "
    "was started with, which converges because every step is idempotent.",
]
