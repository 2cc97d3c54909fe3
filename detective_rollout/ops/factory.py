"""Where commands get their collaborators (clock, AWS session, local runner, sleep).

The click group puts one :class:`Factory` on the context; tests pass their own (an instant clock,
a sleep that returns at once) and capture what the commands print.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from detective_rollout.clocks import Clock, parse_clock
from detective_rollout.ops.exits import fail


@dataclass
class Factory:
    """Where commands get their collaborators; tests replace pieces of it."""

    clock_spec: str = "instant"
    #: ``--state-dir`` (set by the option): local runs keep their fleet and executions there.
    state_dir: str | None = None
    #: Wall-clock pause between polls of a deployed execution (``--watch``, ``--wait``).
    sleep: Callable[[float], None] = time.sleep

    def clock(self) -> Clock:
        return parse_clock(self.clock_spec)

    def aws_session(self, profile: str | None, region: str | None) -> Any:
        import boto3

        return boto3.Session(profile_name=profile, region_name=region)

    def fleet(self, scenario: str, clock: Clock) -> Any:
        """The local fleet: persisted in --state-dir once it exists (its state wins over existing_*)."""
        from detective_rollout.ops.session import open_fleet
        from detective_rollout.ops.store import StateDirError

        try:
            return open_fleet(scenario, clock, self.state_dir)
        except StateDirError as exc:
            return fail(str(exc))

    def run_local(self, scenario: str, workflow: str, execution_input: dict[str, Any], **kwargs: Any) -> Any:
        """``run_local``, recorded in --state-dir when given (status/replay/report see it later)."""
        from detective_rollout.ops.interrupt import Interrupted, abandon, command_line, interruptible
        from detective_rollout.ops.session import run_recorded
        from detective_rollout.ops.store import StateDirError

        try:
            with interruptible():  # Ctrl-C / SIGTERM: ABORTED, locks released, exit 130 / 143
                return run_recorded(
                    self.state_dir, scenario, workflow, execution_input, command=command_line(), **kwargs
                )
        except StateDirError as exc:  # another command runs an execution in the same --state-dir
            return fail(str(exc))
        except Interrupted as exc:
            abandon(exc, self.state_dir)
