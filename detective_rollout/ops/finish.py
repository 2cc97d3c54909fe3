"""The end of ``enable`` / ``disable`` / ``replay``: an ended run's report printed (or written), and its exit code.

Local runs (:mod:`detective_rollout.ops.runs`) and runs on AWS (:mod:`detective_rollout.ops.start`) both end here,
so the report and the exit code (:mod:`detective_rollout.ops.exits`) are the same whichever way a run went.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from detective_rollout.ops.exits import EXIT_ERROR, fail, fail_invalid, report_exit_code


def finish(run: Any, report_path: str | None, as_json: bool = False, accounts_file: str | None = None) -> NoReturn:
    """Print the outcome of an ended run (``result``, ``report``, ``rejected``) and exit with its code."""
    from detective_rollout.render import render_report

    result = run.result
    if run.rejected:
        fail_invalid(result.cause, accounts_file)
    if run.report is None:
        fail(f"the execution ended {result.status} without a report: {result.error}: {result.cause}", EXIT_ERROR)
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(json.dumps(run.report, indent=2) + "\n")
    click.echo(json.dumps(run.report, indent=2) if as_json else render_report(run.report))
    if report_path:
        click.echo(f"report written to {report_path}")
    sys.exit(report_exit_code(run.report))
