"""Following an execution to its end, and the exit code an ended execution stands for.

``status --watch`` and ``replay --wait`` share this loop. On a terminal the progress block is
redrawn in place; piped to a file, a block is printed only when it changed, so a log of a long
rollout stays readable. The pause between polls is the Factory's ``sleep`` (tests: none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from detective_rollout.ops.backend import Backend, ExecutionView
from detective_rollout.ops.exits import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_FAILED_ROWS, EXIT_OK
from detective_rollout.ops.live import in_place
from detective_rollout.ops.progress import FINAL, render_progress


def follow(
    backend: Backend,
    view: ExecutionView,
    *,
    sleep: Callable[[float], None],
    interval: float,
    echo: Callable[[str], None] | None = None,
    tty: bool = False,
    show: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Show the progress of ``view`` until it ends; returns the last snapshot.

    ``show`` receives every snapshot (a foreground run's display, ops.live); else each block that
    changed goes to ``echo``, redrawn in place when ``tty``.
    """
    shown: str | None = None
    while True:
        snap = backend.progress(view)
        if show is not None:
            show(snap)
        elif echo is not None:
            text = render_progress(snap)
            if text != shown:
                echo(in_place(shown, text) if tty else text)
                shown = text
        if snap.get("status") in FINAL:
            return snap
        sleep(interval)


def exit_code(view: ExecutionView) -> int:
    """0 running or no row FAILED, 3 some row FAILED, 2 its input was rejected, 1 it ended otherwise."""
    if view.summary is not None:
        return EXIT_FAILED_ROWS if view.summary.get("FAILED", 0) else EXIT_OK
    if view.status in ("RUNNING", "SUCCEEDED", "PENDING_REDRIVE"):
        return EXIT_OK
    return EXIT_BAD_INPUT if view.error == "InvalidInput" else EXIT_ERROR
