"""A foreground run's progress (``enable``, ``disable``, ``replay``; locally, and on AWS with ``--wait``).

On a terminal: the execution name at once, then the same block as ``status --watch`` (a bar per
phase, the counts, and while a Wait state runs what it waits for and until when), redrawn in place
on stderr - stdout stays for the report. Not on a terminal (``--json``, piped output): no redraws,
at most one line per phase on stderr, printed when the phase is done, so a log stays readable.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

import click

from detective_rollout.ops.progress import phase_line, render_progress


def _stderr(text: str) -> None:
    click.echo(text, err=True)


def on_terminal(as_json: bool) -> bool:
    """Redraw in place only when both streams are a terminal and the output is not JSON."""
    return not as_json and sys.stdout.isatty() and sys.stderr.isatty()


class LiveProgress:
    """Shows snapshots (``progress.snapshot``) as they come; safe to call from the run's poller thread."""

    def __init__(self, tty: bool, write: Callable[[str], None] = _stderr) -> None:
        self.tty = tty
        self.write = write
        self.shown: str | None = None
        self.reported: set[str] = set()
        self.lock = threading.Lock()

    def begin(self, workflow: str, execution: str) -> None:
        """The execution's name, before the engine or AWS has answered anything."""
        if self.tty:
            self._draw(f"{workflow} {execution}  starting")

    def show(self, snap: Mapping[str, Any]) -> None:
        with self.lock:
            if self.tty:
                self._draw(render_progress(snap))
                return
            for phase in snap.get("phases") or []:
                if phase["name"] not in self.reported and _finished(phase):
                    self.reported.add(phase["name"])
                    self.write(f"{snap.get('execution')}: {phase_line(phase, with_bar=False)}")

    def _draw(self, text: str) -> None:
        if text != self.shown:
            self.write(in_place(self.shown, text))
            self.shown = text


def in_place(previous: str | None, text: str) -> str:
    """``text`` preceded by what moves the cursor up over ``previous`` and clears it (ANSI CPL + ED)."""
    return text if previous is None else f"\x1b[{previous.count(chr(10)) + 1}F\x1b[J{text}"


def _finished(phase: Mapping[str, Any]) -> bool:
    return bool(phase.get("skipped")) or bool(phase.get("total")) and phase.get("done", 0) >= phase["total"]
