"""Ctrl-C and SIGTERM end a local run within seconds: handlers abandoned, execution ABORTED, lock released.

A local run's Lambda handlers are threads (or worker processes) that cannot be cancelled; on
Ctrl-C, waiting for them kept the process - and the state dir's lock - alive for as long as they
ran. Instead, :func:`interruptible` turns SIGINT and SIGTERM into :class:`Interrupted` in the main
thread, which unwinds the run (the engine tears down, ``run_recorded`` records the execution
ABORTED and saves the fleet, the locks are released), and :func:`abandon` then ends the process
with ``128 + signal`` (130 for SIGINT, 143 for SIGTERM) without joining the abandoned threads. A
watchdog ends it anyway ``GRACE_S`` after the signal, and a second signal ends it at once; the
record's lock file is then released by the kernel, so ``status`` still shows ABORTED.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, NoReturn

import click

#: Wall seconds between the signal and the forced end, whatever the unwinding is doing.
GRACE_S = 3.5
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):  # noqa: N818 - not an Exception: no ``except Exception`` on the way swallows it
    """A SIGINT or SIGTERM arrived during a local run. ``execution``: the run's name, once known."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.signal_name = signal.Signals(signum).name
        self.execution: str | None = None
        super().__init__(f"interrupted by {self.signal_name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _flush_and_exit(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)  # the handler threads are abandoned, not joined


def _watchdog(signum: int) -> None:
    sys.stderr.write(f"error: still stopping {GRACE_S:g} s after {signal.Signals(signum).name}; exiting now\n")
    _flush_and_exit(128 + signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT/SIGTERM raise :class:`Interrupted` in the main thread for the duration (elsewhere: no change)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def on_signal(signum: int, _frame: Any) -> None:
        if received:  # a second signal: stop now
            _flush_and_exit(128 + signum)
        received.append(signum)
        timer = threading.Timer(GRACE_S, _watchdog, args=(signum,))
        timer.daemon = True
        timer.start()
        raise Interrupted(signum)

    previous = {s: signal.signal(s, on_signal) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


class CommandLineGroup(click.Group):
    """The CLI's root group: keeps the command line in ``ctx.meta["argv"]`` (a local run records it, to be rerun)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["argv"] = list(args)
        return super().parse_args(ctx, args)


def command_line() -> str:
    """The command line being run, as a user would type it again (``detective-rollout ...``)."""
    context = click.get_current_context(silent=True)
    argv = context.meta.get("argv") if context is not None else None
    return shlex.join(["detective-rollout", *(sys.argv[1:] if argv is None else argv)])


def abandon(exc: Interrupted, state_dir: str | None) -> NoReturn:
    """Say what happened to the interrupted run and end the process with 128 + the signal's number."""
    name = exc.execution or "the execution"
    if state_dir:
        where = f"{name} is recorded ABORTED in {state_dir}; run the same command again to finish it"
    else:
        where = f"{name} was abandoned (nothing is kept without --state-dir)"
    sys.stderr.write(f"error: {exc}: running handlers abandoned; {where}\n")
    _flush_and_exit(exc.exit_code)
