"""Installs the engine's hooks into moto, botocore and tasks.clock for the life of a LocalEngine.

Two kinds (docs/engine.md, "Hooks"): :mod:`correctness` makes the interpreter behave as Step Functions on
AWS and always runs; :mod:`speed` makes it faster and is switchable (``speed.enabled()``, on by default).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

from detective_rollout.engine import aws_rules, correctness, hooks, speed
from detective_rollout.engine.dispatch import Dispatcher, TaskClock


@contextlib.contextmanager
def installed(
    dispatcher: Dispatcher,
    clock: TaskClock,
    task_timeout: correctness.TaskTimeout,
    history_limit: Callable[[], int] = lambda: aws_rules.HISTORY_LIMIT,
) -> Iterator[None]:
    """The hooks, ``clock`` as the task code's clock and a quiet interpreter log, until the block ends."""
    import tasks.clock

    patches = hooks.Patches()
    previous_clock = tasks.clock.use(clock)
    # moto logs every caught task failure at ERROR with a repr of the whole state; the
    # ExecutionResult carries error and cause, so keep test and CLI output readable.
    interpreter_log = logging.getLogger("moto.stepfunctions.parser")
    previous_level = interpreter_log.level
    interpreter_log.setLevel(logging.CRITICAL)
    try:
        correctness.install(patches, dispatcher, clock, task_timeout)
        aws_rules.install(patches, history_limit)
        if speed.enabled():
            speed.install(patches)
        yield
    finally:
        patches.restore()
        tasks.clock.use(previous_clock)
        interpreter_log.setLevel(previous_level)
