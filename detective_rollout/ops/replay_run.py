"""``replay EXECUTION``: run again exactly what failed, after its cause was fixed.

A new execution over the FAILED account x Region pairs of the execution's report (``--reason``
narrows them), with the original emails (``--accounts`` overrides them: the fix of a
VERIFICATION_FAILED row is a corrected email) and the original options; its report is the merged
whole. On AWS an execution that stopped *without* a report is redriven instead, when
RedriveExecution can still take it (see :mod:`detective_rollout.ops.redrive`).
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

import click

from detective_rollout.ops.backend import Backend, ExecutionView, LocalBackend, NotFound
from detective_rollout.ops.cli_options import backend_for, follow_options, handles_errors, target_options
from detective_rollout.ops.exits import EXIT_OK, fail
from detective_rollout.ops.outputs import checked_file
from detective_rollout.ops.replay_input import failed_pairs, original_emails, replay_input, unknown_reasons

if TYPE_CHECKING:
    from detective_rollout.ops.deployed import AwsBackend


def build(
    backend: Backend, view: ExecutionView, report: dict[str, Any], reasons: tuple[str, ...], accounts_csv: bytes | None
) -> dict[str, Any] | None:
    """The replay's input, or None when nothing (of those reasons) FAILED."""
    from tasks.problems import Problems
    from tasks.validation import parse_accounts_csv

    pairs = failed_pairs(report, reasons)
    if not pairs:
        return None
    original = (report.get("request") or {}).get("input") or backend.original_input(view)
    emails = chain_emails(backend, view, original, set(pairs))
    if accounts_csv is not None:
        emails.update(
            {
                e.account_id: e.email
                for e in parse_accounts_csv(accounts_csv, Problems(), require_email=False)
                if e.email
            }
        )
    return replay_input(view.execution, original, pairs, emails, email_required=view.workflow == "enable")


def input_emails(backend: Backend, view: ExecutionView, given: dict[str, Any]) -> dict[str, str | None]:
    """Account -> email as the input of ``view`` gave it (its list, or the CSV it named); {} if unreadable."""
    local_csv = backend.csv_text(view) if isinstance(backend, LocalBackend) else None

    def read_csv(uri: str) -> bytes | None:
        return local_csv.encode() if local_csv is not None else backend.read_object(uri)

    return original_emails(given, read_csv) or {}


def chain_emails(
    backend: Backend, view: ExecutionView, given: dict[str, Any], wanted: set[str]
) -> dict[str, str | None]:
    """Emails for ``wanted`` accounts: this execution's input first, then each execution it replayed, newest first.

    A replay's input names only the pairs it redid, while its merged report carries every row of
    the execution it replayed: the emails of carried-over rows are in that execution's input (or
    further back, for a replay of a replay), so the chain of ``replay_of`` is walked until every
    wanted account has an email. Each execution is read once (a cycle ends the walk).
    """
    emails: dict[str, str | None] = {}
    seen = {view.execution}
    while True:
        for account, email in input_emails(backend, view, given).items():
            if email and not emails.get(account):
                emails[account] = email
        earlier = given.get("replay_of")
        if all(emails.get(a) for a in wanted) or not earlier or str(earlier) in seen:
            return emails
        seen.add(str(earlier))
        try:
            view = backend.execution(str(earlier))
        except NotFound:
            return emails
        report = backend.report(view)
        given = ((report or {}).get("request") or {}).get("input") or backend.original_input(view)


@click.command()
@click.argument("execution")
@target_options
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    metavar="CODE",
    help="Only FAILED rows with this reason (repeatable), e.g. --reason ACCESS_DENIED.",
)
@click.option(
    "--accounts",
    "accounts_path",
    help="CSV account_id,email (a file or s3://): emails to use instead of the original ones "
    "(e.g. corrected root emails).",
)
@click.option(
    "--report",
    "report_path",
    callback=checked_file,
    help="Write the merged report JSON here (checked before the replay starts).",
)
@follow_options
@click.option("--json", "as_json", is_flag=True, help="Print the report JSON instead of the table.")
@click.pass_obj
@handles_errors
def replay(
    factory: Any,
    execution: str,
    scenario: str | None,
    profile: str | None,
    region: str | None,
    stack_name: str,
    reasons: tuple[str, ...],
    accounts_path: str | None,
    report_path: str | None,
    wait: bool,
    interval: float,
    as_json: bool,
) -> None:
    """A new execution over exactly the FAILED pairs of EXECUTION (or ``latest``); its report is the merged whole.

    Exit codes as enable: 0 no row FAILED, 3 some row FAILED, 2 bad input, 1 anything else.
    """
    from detective_rollout.ops.deployed import AwsBackend
    from detective_rollout.ops.finish import finish
    from detective_rollout.ops.runs import run_shown
    from detective_rollout.ops.start import follow_to_end

    backend = backend_for(factory, scenario, profile, region, stack_name)
    view = backend.execution(execution)
    if view.status in ("RUNNING", "PENDING_REDRIVE"):
        fail(f"{view.execution} is still {view.status}: watch it with `status {view.execution} --watch`")
    accounts_csv = _corrected_emails(backend, accounts_path) if accounts_path else None
    report = backend.report(view)
    if report is not None and (unknown := unknown_reasons(report, reasons)):
        failed = sorted({str(r.get("reason")) for r in report.get("results", []) if r.get("status") == "FAILED"})
        fail(
            f"--reason: unknown reason code {', '.join(unknown)}; "
            f"{view.execution}'s FAILED rows have: {', '.join(failed) or 'none'}"
        )
    replay_in = None if report is None else build(backend, view, report, reasons, accounts_csv)
    if report is not None and replay_in is None:
        only = f" with reason {'/'.join(reasons)}" if reasons else ""
        click.echo(f"nothing to replay: no FAILED row{only} in {view.execution}")
        sys.exit(EXIT_OK)
    if isinstance(backend, LocalBackend):
        if report is None or replay_in is None:
            _rerun_instead(backend, view)
        if not scenario:
            fail("a local replay needs --local SCENARIO.json (the fleet's faults, latency and seed)")
        run = run_shown(factory, scenario, view.workflow, replay_in, as_json, clock=factory.clock(), reports=[report])
        finish(run, report_path, as_json)
    assert isinstance(backend, AwsBackend)
    if replay_in is None:
        new = _redrive(backend, view, factory.clock().now())
    else:
        new = backend.start(view.workflow, replay_in)
        click.echo(f"started {new.execution}: replay of {len(replay_in['accounts'])} account(s) of {view.execution}")
    if not wait:
        sys.exit(EXIT_OK)
    follow_to_end(factory, backend, new, interval=interval, report_path=report_path, as_json=as_json)


def _rerun_instead(backend: LocalBackend, view: ExecutionView) -> NoReturn:
    """A local run that ended without a report has no rows to replay: the fix is the same command again (exit 1)."""
    command = backend.command(view) or f"the same `detective-rollout {view.workflow} --local ...` command"
    fail(
        f"{view.execution} ended {view.status} without a report, so it has no FAILED rows to replay; the workflow "
        f"is idempotent - run the command that started it again:\n  {command}",
        1,
    )


def _corrected_emails(backend: Backend, value: str) -> bytes:
    """``--accounts``: read as enable reads it (a local file, or s3:// through the backend)."""
    from detective_rollout.ops.inputs import read_accounts_file

    text, uri = read_accounts_file(value)
    data = text.encode() if text is not None else backend.read_object(str(uri))
    if data is None:
        raise NotFound(f"--accounts: {value} does not exist")
    return data


def _redrive(backend: AwsBackend, view: ExecutionView, now: datetime) -> ExecutionView:
    """Redrive an execution that stopped without a report, if AWS still can; else explain and exit 2."""
    from detective_rollout.ops.redrive import redrive_decision

    decision = redrive_decision(
        backend.describe(view), history_events=backend.history_length(view), report_exists=False, now=now
    )
    if not decision.eligible:
        fail(f"cannot redrive {view.execution}: {decision.reason}")
    click.echo(f"redriving {view.execution}: {decision.reason}")
    return backend.redrive(view)
