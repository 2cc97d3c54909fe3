"""Tear the engine and the emulated fleet down while an execution's handlers are mid-flight, then watch them.

Run in its own process (``python -m tests.reliability.audited LOG teardown``): the abandoned
handler threads keep running after the engine is gone, as they did after Ctrl-C, so they must not
share a process with other tests. Prints one JSON line: the hosts the guard refused and the calls
the fleet had answered when it was torn down.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from detective_rollout.clocks import SpeedClock
from detective_rollout.emulator import Fleet, load_scenario, netguard
from detective_rollout.engine import LocalEngine
from detective_rollout.local import STATEMACHINES, TEMPLATE, default_accounts
from tests.reliability.killed import small_scenario

#: Virtual seconds per wall second: each emulated call's 3 s latency takes 0.3 s.
SPEED = 10.0
WAIT_S = 60.0


def _until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"teardown probe: {what} not seen within {WAIT_S:g} s")
        time.sleep(0.02)


def main() -> None:
    clock = SpeedClock(SPEED)
    fleet = Fleet(load_scenario(small_scenario(latency_ms=3000)), clock)
    engine = LocalEngine(fleet, clock, template=str(TEMPLATE), statemachines_dir=str(STATEMACHINES))
    inviting = threading.Event()
    handle = fleet.handle

    def watched(request: Any) -> Any:
        if request.operation == "CreateMembers":
            inviting.set()  # InviteMembers is mid-flight: GetMembers and the other Region's calls are still to come
        return handle(request)

    fleet.handle = watched  # type: ignore[method-assign]
    with engine:
        execution_input = {
            "source": "cli",
            "accounts": default_accounts(fleet),
            "regions": list(fleet.scenario.regions),
        }
        engine.start("enable-detective", execution_input, name="torn-down")
        _until(inviting.is_set, "a CreateMembers call")
    answered = len(fleet.calls)
    # The engine and the fleet's hook are gone; the execution's handler threads are not.
    _until(lambda: netguard.refused, "a refused request")
    time.sleep(1.0)  # let the other in-flight handlers try too
    print(json.dumps({"answered": answered, "refused": sorted(set(netguard.refused))}), flush=True)


if __name__ == "__main__":
    main()
