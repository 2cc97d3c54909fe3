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
from detective_rollout.ops.progress import FINAL, render_progress


def follow(
    backend: Backend,
    view: ExecutionView,
    *,
    sleep: Callable[[float], None],
    interval: float,
    echo: Callable[[str], None],
    tty: bool,
) -> dict[str, Any]:
    """Print the progress of ``view`` until it ends; returns the last snapshot."""
    shown: str | None = None
    while True:
        snap = backend.progress(view)
        text = render_progress(snap)
        if text != shown:
            redraw = f"\x1b[{shown.count(chr(10)) + 1}F\x1b[J" if tty and shown is not None else ""
            echo(redraw + text)
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
