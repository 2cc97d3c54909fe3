"""The ``detective-rollout`` operator CLI: only the click surface (commands, options, exit).

Everything a command does lives below, in :mod:`detective_rollout.ops` (which never imports this
module): the commands get their collaborators (clock, local runner, output) from a
:class:`~detective_rollout.ops.factory.Factory`, so tests drive the CLI with an instant clock and
capture what it prints. Exit codes (:mod:`detective_rollout.ops.exits`): 0 no row FAILED, 3 some
row FAILED (the report is still written), 2 bad input (nothing written), 1 anything else.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from detective_rollout.clocks import parse_clock
from detective_rollout.ops.cli_options import (
    clock_option,
    handles_errors,
    profile_option,
    region_option,
    run_output_options,
    stack_name_option,
    state_dir_option,
    target_options,
)
from detective_rollout.ops.commands import register as register_operator_commands
from detective_rollout.ops.exits import fail
from detective_rollout.ops.factory import Factory
from detective_rollout.ops.interrupt import CommandLineGroup
from detective_rollout.ops.outputs import checked_file
from detective_rollout.ops.runs import member_ids, start_aws, start_local
from detective_rollout.ops.start import aws_start_options
from detective_rollout.ops.workflow_flags import with_enable_flags


@click.group(cls=CommandLineGroup)
@click.option(
    "--clock",
    "clock_spec",
    default="instant",
    show_default=True,
    help="Local runs: instant | real | speed=N (every wait and retry interval divided by N).",
)
@click.option("--verbose", is_flag=True, help="Local runs: print the task code's structured JSON logs.")
@click.pass_context
def main(ctx: click.Context, clock_spec: str, verbose: bool) -> None:
    """Roll Amazon Detective out to (and back out of) every account x Region of a fleet."""
    from tasks.log import logger, send_to_stderr

    send_to_stderr()  # stdout is the output (one JSON document with --json); task logs go to stderr
    if not verbose:
        level = logger.log_level
        logger.setLevel("CRITICAL")  # and only with --verbose (the tasks log nothing CRITICAL)
        ctx.call_on_close(lambda: logger.setLevel(level))  # an in-process caller gets its logger back
    try:
        parse_clock(clock_spec)
    except ValueError as exc:
        raise click.BadParameter(str(exc).removeprefix("--clock: "), param_hint="'--clock'") from None
    ctx.obj = ctx.obj or Factory(clock_spec=clock_spec)


@main.command()
@click.option(
    "--local",
    "scenario",
    type=click.Path(dir_okay=False),
    help="Run on the embedded engine over the fleet this scenario file describes (else: on AWS).",
)
@click.option(
    "--accounts",
    help="Account CSV (account_id,email[,regions]): a local file or s3://bucket/key "
    "[default: locally the scenario's members].",
)
@click.option(
    "--regions",
    help="Comma-separated Regions, or 'all' (Detective Regions the administrator enabled) "
    "[default: locally the scenario's Regions; on AWS all].",
)
@click.option(
    "--guardduty-wait",
    type=click.Choice(["wait", "skip"]),
    help="Wait for a young GuardDuty detector, or skip its Regions [default: wait].",
)
@with_enable_flags
@run_output_options
@aws_start_options
@click.pass_obj
@handles_errors
def enable(
    factory: Factory,
    scenario: str | None,
    accounts: str | None,
    regions: str | None,
    guardduty_wait: str | None,
    plan: bool,
    report_path: str | None,
    input_path: str | None,
    as_json: bool,
    profile: str | None,
    region: str | None,
    stack_name: str,
    wait: bool,
    interval: float,
    workflow_flags: dict[str, Any],
) -> None:
    """Enable Detective for --accounts (locally: the scenario's members by default) in --regions.

    Without --local the execution starts on the deployed stack (--profile, --region, --stack-name).
    The workflow's options have flags (--batch-size ... --no-email); --input gives any other field.

    \b
    Exit codes:
      0  no row FAILED (the report is written)
      3  some row FAILED (the report is written all the same)
      2  bad input: an option, the CSV or --input (nothing written)
      1  anything else: an AWS or network error, the execution stopped without a report
    """
    from detective_rollout.local import default_accounts

    overrides: dict[str, Any] = {"guardduty_wait": guardduty_wait} if guardduty_wait else {}
    overrides.update(workflow_flags)
    if plan:
        overrides["dry_run"] = True
    if scenario is None:
        aws = {"profile": profile, "region": region, "stack_name": stack_name, "wait": wait, "interval": interval}
        start_aws(factory, "enable", accounts, regions, input_path, overrides, report_path, as_json, aws)
    start_local(
        factory, scenario, "enable", accounts, regions, input_path, default_accounts, overrides, report_path, as_json
    )


@main.command()
@click.option(
    "--local",
    "scenario",
    type=click.Path(dir_okay=False),
    help="Run on the embedded engine over the fleet this scenario file describes (its existing graphs "
    "and memberships); else on AWS.",
)
@click.option("--accounts", help="Account CSV (account_id[,email[,regions]]): a local file or s3://bucket/key.")
@click.option("--all-members", is_flag=True, help="Every current member of the administrator's graphs.")
@click.option("--regions", help="Comma-separated Regions, or 'all' (Detective Regions the administrator enabled).")
@click.option("--disassociate", is_flag=True, help="Also clean up from the member side (assume the member role).")
@click.option("--delete-graph", is_flag=True, help="Delete the behavior graphs too (with --all-members, --confirm).")
@click.option("--confirm", "confirm_account", help="The administrator account id, confirming --delete-graph.")
@run_output_options
@aws_start_options
@click.pass_obj
@handles_errors
def disable(
    factory: Factory,
    scenario: str | None,
    accounts: str | None,
    all_members: bool,
    regions: str | None,
    disassociate: bool,
    delete_graph: bool,
    confirm_account: str | None,
    plan: bool,
    report_path: str | None,
    input_path: str | None,
    as_json: bool,
    profile: str | None,
    region: str | None,
    stack_name: str,
    wait: bool,
    interval: float,
) -> None:
    """Remove the scenario's members (or --accounts, or --all-members) from Detective in --regions.

    The rules (--delete-graph only with --all-members and --confirm <administrator id>) are the
    workflow's own validation, so a bad combination exits 2 with its message and writes nothing.
    """
    flags = {
        "all_members": all_members,
        "disassociate_in_member": disassociate,
        "delete_graph": delete_graph,
        "dry_run": plan,
    }
    overrides: dict[str, Any] = {k: True for k, on in flags.items() if on}
    if confirm_account is not None:
        overrides["confirm_delete_graph"] = confirm_account

    if scenario is None:
        aws = {"profile": profile, "region": region, "stack_name": stack_name, "wait": wait, "interval": interval}
        start_aws(factory, "disable", accounts, regions, input_path, overrides, report_path, as_json, aws)
    start_local(
        factory, scenario, "disable", accounts, regions, input_path, member_ids, overrides, report_path, as_json
    )


@main.command()
@click.option(
    "--local",
    "scenario",
    type=click.Path(dir_okay=False),
    help="Check the embedded engine's deployment and this scenario's fleet instead of AWS.",
)
@state_dir_option
@clock_option
@profile_option
@region_option
@stack_name_option
@click.option("--accounts", help="Account CSV (a local file): check that each account's member role can be assumed.")
@click.option(
    "--regions",
    help="Comma-separated Regions whose GuardDuty detector to check (default: --region; locally the scenario's).",
)
@click.pass_obj
@handles_errors
def doctor(
    factory: Factory,
    scenario: str | None,
    profile: str | None,
    region: str | None,
    stack_name: str,
    accounts: str | None,
    regions: str | None,
) -> None:
    """Read-only pre-flight check: one line per check, ✓ / ✗ / not checked, and what to do.

    Checks the credentials and their account, the Region, the stack's outputs, both state machines,
    the report bucket's reports/, the administrator's GuardDuty detector age per Region and (with
    --accounts) the member roles by AssumeRole. Exit codes: 0 no check failed, 1 some check failed,
    2 bad input (e.g. an unreadable --accounts file).
    """
    from detective_rollout.ops.doctor import render
    from detective_rollout.ops.doctor_run import account_ids, aws_checks, local_checks

    ids = account_ids(accounts)
    if scenario:
        checks = local_checks(factory, scenario, ids, regions)
    else:
        checks = aws_checks(factory, profile, region, stack_name, ids, regions)
    text, code = render(checks)
    click.echo(text)
    sys.exit(code)


@main.command()
@click.option(
    "--accounts",
    help="The account list (account_id[,email[,regions]] CSV): a local file or s3://bucket/key "
    "[default: on AWS the registry s3://<report bucket>/registry/accounts.csv; locally the scenario's members].",
)
@click.option(
    "--regions",
    help="Comma-separated Regions, or 'all' (Detective Regions the administrator enabled) "
    "[default: on AWS all; locally the scenario's Regions].",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "html"]), default="table", show_default=True
)
@click.option("--output", callback=checked_file, help="Write here instead of stdout (checked before anything runs).")
@target_options
@click.pass_obj
@handles_errors
def coverage(
    factory: Factory,
    accounts: str | None,
    regions: str | None,
    fmt: str,
    output: str | None,
    scenario: str | None,
    profile: str | None,
    region: str | None,
    stack_name: str,
) -> None:
    """Read-only check: is every listed account covered by Detective in every Region, and who is unlisted?

    One row per listed account x Region (COVERED, or NOT_COVERED with the reason and the action that
    fixes it) and one per member nobody listed (UNLISTED). It reads, with the administrator's
    credentials, and changes nothing.

    \b
    Exit codes:
      0  every pair COVERED and nothing UNLISTED
      3  some pair NOT_COVERED or UNLISTED (with or without --output: coverage is a check)
      2  bad input: an option or the account list
      1  anything else: an AWS or network error
    """
    from detective_rollout.ops.coverage import aws_document, local_document, run_coverage

    if scenario:
        sys.exit(run_coverage(lambda: local_document(factory, scenario, accounts, regions), fmt, output))
    if factory.state_dir:
        fail("--state-dir needs --local SCENARIO.json here: coverage reads the scenario's fleet")
    sys.exit(run_coverage(lambda: aws_document(factory, profile, region, stack_name, accounts, regions), fmt, output))


@main.group()
def emulator() -> None:
    """The emulated AWS fleet (Detective, GuardDuty, STS, Account, Organizations)."""


@emulator.command()
@click.option("--scenario", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--port", default=0, type=click.IntRange(0, 65535), help="TCP port on 127.0.0.1 (0-65535; 0 = any free port)."
)
@clock_option
@click.pass_obj
@handles_errors
def serve(factory: Factory, scenario: str, port: int) -> None:
    """Serve the scenario's fleet over HTTP for any AWS client (--endpoint-url)."""
    from detective_rollout.emulator.server import run_server

    run_server(scenario, port, factory.clock_spec)


register_operator_commands(main)  # status, replay, report, console-input, diagram (detective_rollout/ops)

if __name__ == "__main__":  # pragma: no cover
    main()
