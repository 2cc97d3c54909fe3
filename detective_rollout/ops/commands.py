"""Operator commands: ``status``, ``report``, ``console-input``, ``diagram`` (and ``replay``).

Registered on the CLI group by :func:`register` (cli.py calls it at its end). Each command reads
its collaborators from the CLI's Factory (clock, sleep, AWS session, state dir) and talks to a
:class:`~detective_rollout.ops.backend.Backend`, so one body serves AWS and the embedded engine.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import click

from detective_rollout.ops.backend import Backend, ExecutionView, NotFound
from detective_rollout.ops.cli_options import backend_for, handles_errors, target_options
from detective_rollout.ops.exits import EXIT_OK, report_exit_code
from detective_rollout.ops.formats import FORMATS, emit
from detective_rollout.ops.outputs import checked_directory, checked_file
from detective_rollout.ops.progress import counts_text, render_progress
from detective_rollout.ops.watch import exit_code, follow


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that refuses NaN too: NaN compares false with both bounds, so FloatRange lets it through."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number from {self.min:g} to {self.max:g}.", param, ctx)
        return number


def _is_tty() -> bool:
    return sys.stdout.isatty()


def _list_table(views: list[ExecutionView]) -> str:
    from detective_rollout.render import text_table

    rows = [
        [v.execution, v.workflow, v.status, str(v.started_at or ""), counts_text(v.summary or {}), v.replay_of or ""]
        for v in views
    ]
    return "\n".join(text_table(["EXECUTION", "WORKFLOW", "STATUS", "STARTED", "SUMMARY", "REPLAY OF"], rows))


@click.command()
@click.argument("execution", required=False)
@target_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the executions (newest first) as JSON: execution, workflow, status, summary, ...",
)
@click.option("--watch", is_flag=True, help="Follow the execution (default: the newest) until it ends.")
@click.option(
    "--interval",
    type=FiniteFloatRange(0, 3600),
    default=5.0,
    show_default=True,
    help="Seconds between polls with --watch (0-3600).",
)
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="How many executions to list (1-1000)."
)
@click.pass_obj
@handles_errors
def status(
    factory: Any,
    execution: str | None,
    scenario: str | None,
    profile: str | None,
    region: str | None,
    stack_name: str,
    as_json: bool,
    watch: bool,
    interval: float,
    limit: int,
) -> None:
    """Progress of EXECUTION (a bar per phase, counts by status), or the executions newest first.

    EXECUTION may be ``latest``. Exit code of one execution: 0 running or no row FAILED, 3 some row
    FAILED, 2 its input was rejected, 1 it stopped without a report.
    """
    backend = backend_for(factory, scenario, profile, region, stack_name, may_be_missing=watch)
    if execution is None and not watch:
        views = backend.executions(limit)
        click.echo(
            json.dumps([v.to_json() for v in views], indent=2)
            if as_json
            else (_list_table(views) if views else "no executions yet")
        )
        return
    if watch and execution in (None, "latest"):
        first_execution(backend, factory.sleep, interval, echo=(lambda _text: None) if as_json else _note)
    view = backend.execution(execution or "latest")
    if watch:
        follow(
            backend,
            view,
            sleep=factory.sleep,
            interval=interval,
            tty=_is_tty() and not as_json,
            echo=(lambda _text: None) if as_json else click.echo,
        )
        view = backend.execution(view.execution)
    if as_json:
        click.echo(json.dumps([{**view.to_json(), "progress": backend.progress(view)}], indent=2))
    elif not watch:
        click.echo(render_progress(backend.progress(view)))
    if view.error and view.summary is None:
        click.echo(f"{view.status}: {view.error}: {view.cause}", err=True)
    sys.exit(exit_code(view))


def _note(text: str) -> None:
    click.echo(text, err=True)


def first_execution(backend: Backend, sleep: Any, interval: float, echo: Any) -> None:
    """``status latest --watch`` before any execution (even before --state-dir exists): wait for one."""
    if backend.executions(1):
        return
    echo("no execution yet: waiting for the first one (Ctrl-C to stop)")
    while not backend.executions(1):
        sleep(interval)


def load_report(target: str, backend: Backend | None) -> dict[str, Any]:
    """A report from a file, or the report of the execution named ``target``; checked (report_file) either way."""
    from detective_rollout.ops.report_file import NotAReport, checked, read_report_file

    path = Path(target)
    try:
        if path.is_dir():
            raise NotFound(f"{target}: a directory, not a report file")
        if path.is_file():
            return read_report_file(path)
        if backend is None:
            raise NotFound(f"no such report file {target!r}")
        view = backend.execution(target)
        found = backend.report(view)
        if found is None:
            raise NotFound(
                f"execution {view.execution} ({view.status}) has no report"
                + (f": {view.error}: {view.cause}" if view.error else "")
            )
        return checked(found, f"the report of {view.execution}")
    except NotAReport as exc:
        raise NotFound(str(exc)) from None


@click.command()
@click.argument("target", metavar="EXECUTION|FILE")
@target_options
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="table", show_default=True)
@click.option("--output", callback=checked_file, help="Write here instead of stdout (missing folders are created).")
@click.pass_obj
@handles_errors
def report(
    factory: Any,
    target: str,
    scenario: str | None,
    profile: str | None,
    region: str | None,
    stack_name: str,
    fmt: str,
    output: str | None,
) -> None:
    """Render a report (a file, or an execution's - ``latest`` too) as a table, JSON, CSV or one HTML page.

    Exit codes: to stdout, 3 when the report has FAILED rows (like the run that wrote it), else 0;
    with --output, 0 once the file is written (so `set -e` scripts go on); 2 bad input, 1 AWS errors.
    """
    backend = None if Path(target).exists() else backend_for(factory, scenario, profile, region, stack_name)
    document = load_report(target, backend)
    emit(FORMATS[fmt](document), output, f"{fmt} report")
    sys.exit(EXIT_OK if output else report_exit_code(document))


@click.command()
@click.option("--check", is_flag=True, help="Only compare: exit 1 when a committed diagram differs from the ASL.")
@click.option("--output-dir", callback=checked_directory, help="Where the .mmd files go (docs/diagrams).")
def diagram(check: bool, output_dir: str | None) -> None:
    """Mermaid diagrams of both state machines from their ASL (docs/diagrams/*.mmd and docs/workflows.md)."""
    from detective_rollout.ops import diagram as diagrams

    out = Path(output_dir) if output_dir else diagrams.DIAGRAMS
    page = diagrams.PAGE if output_dir is None else None
    if check:
        problems = diagrams.stale(out, page)
        for problem in problems:
            click.echo(f"stale: {problem}", err=True)
        sys.exit(1 if problems else 0)
    for path in diagrams.write_all(out, page):
        click.echo(f"wrote {path}")


def register(group: click.Group) -> None:
    from detective_rollout.ops.console_input import console_input
    from detective_rollout.ops.replay_run import replay

    for command in (status, replay, report, console_input, diagram):
        group.add_command(command)
