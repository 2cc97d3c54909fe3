"""The ``detective-rollout`` operator CLI.

Commands get their collaborators (clock, local runner, output) from a :class:`Factory`, so
tests drive the CLI with an instant clock and capture what it prints. Exit codes (contract):
0 no row FAILED, 3 some row FAILED (the report is still written), 2 bad input (nothing written),
1 anything else.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from detective_rollout.clocks import Clock, parse_clock
from detective_rollout.ops.cli_options import run_output_options
from detective_rollout.ops.commands import register as register_operator_commands
from detective_rollout.ops.start import aws_start_options
from tasks.validation import MAX_CSV_BYTES

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_FAILED_ROWS = 0, 1, 2, 3


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
            return _fail(str(exc))

    def run_local(self, scenario: str, workflow: str, execution_input: dict[str, Any], **kwargs: Any) -> Any:
        """``run_local``, recorded in --state-dir when given (status/replay/report see it later)."""
        from detective_rollout.ops.session import run_recorded
        from detective_rollout.ops.store import StateDirError

        try:
            return run_recorded(self.state_dir, scenario, workflow, execution_input, **kwargs)
        except StateDirError as exc:  # another command runs an execution in the same --state-dir
            return _fail(str(exc))


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def parse_regions(value: str | None) -> list[str] | str | None:
    if value is None:
        return None
    if value.strip() == "all":
        return "all"
    regions = [r.strip() for r in value.split(",") if r.strip()]
    if not regions:
        raise click.BadParameter(f"expected a comma-separated list of Regions or 'all', got {value!r}")
    return regions


def read_accounts_file(value: str) -> tuple[str | None, str | None]:
    """``--accounts``: (csv text of a local file, or an s3:// URI the workflow reads itself)."""
    if value.startswith("s3://"):
        return None, value
    path = Path(value)
    if not path.is_file():
        _fail(f"--accounts: no such file {value!r}")
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:  # refused from its size alone, never read whole
        _fail(f"--accounts: {value!r} has {size} bytes; at most {MAX_CSV_BYTES} (5 MiB)")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        _fail(f"--accounts: {value!r} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})")


def read_input_file(value: str) -> dict[str, Any]:
    """``--input``: a console-style execution input, which must be a JSON object."""
    try:
        loaded = json.loads(Path(value).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _fail(f"--input: {value}: {exc}")
    if not isinstance(loaded, dict):
        _fail(
            f"--input: {value}: expected a JSON object (the execution input), got {type(loaded).__name__} "
            f"{json.dumps(loaded)[:60]}"
        )
    return dict(loaded)


@click.group()
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
    if not verbose:
        from tasks.log import logger

        logger.setLevel("WARNING")  # the table is the output; task logs only with --verbose
    try:
        parse_clock(clock_spec)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--clock") from None
    ctx.obj = ctx.obj or Factory(clock_spec=clock_spec)


def finish_local(run: Any, report_path: str | None, as_json: bool = False) -> NoReturn:
    """Print the outcome of a local run and exit with the contract's code."""
    from detective_rollout.render import render_report

    result = run.result
    if run.rejected:
        _fail(f"invalid input: {result.cause}")
    if run.report is None:
        _fail(f"the execution ended {result.status} without a report: {result.error}: {result.cause}", EXIT_ERROR)
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(json.dumps(run.report, indent=2) + "\n")
    click.echo(json.dumps(run.report, indent=2) if as_json else render_report(run.report))
    if report_path:
        click.echo(f"report written to {report_path}")
    sys.exit(EXIT_FAILED_ROWS if run.report["summary"].get("FAILED", 0) else EXIT_OK)


def start_local(
    factory: Factory,
    scenario: str,
    workflow: str,
    accounts: str | None,
    regions: str | None,
    input_path: str | None,
    default_accounts: Callable[[Any], list[dict[str, Any]]],
    overrides: dict[str, Any],
    report_path: str | None,
    as_json: bool,
) -> None:
    """Build a workflow's execution input from the options, run it locally, print and exit.

    Precedence: --input, then --accounts/--regions, then ``overrides``; with none of them the
    scenario's members (``default_accounts``) in the scenario's Regions.
    """
    from detective_rollout.emulator import ScenarioError

    clock = factory.clock()
    try:
        fleet = factory.fleet(scenario, clock)
    except (ScenarioError, OSError, ValueError) as exc:
        _fail(f"scenario {scenario}: {exc}")
    execution_input: dict[str, Any] = {"source": "cli"}
    if input_path:
        execution_input.update(read_input_file(input_path))
    csv_text = None
    if accounts:
        csv_text, csv_uri = read_accounts_file(accounts)
        if csv_uri:
            execution_input["accounts_csv"] = csv_uri
    elif not {"accounts", "accounts_csv", "all_members"} & (set(execution_input) | set(overrides)):
        execution_input["accounts"] = default_accounts(fleet)
    if (parsed := parse_regions(regions)) is not None:
        execution_input["regions"] = parsed
    elif "regions" not in execution_input:
        execution_input["regions"] = list(fleet.scenario.regions)  # the Regions the scenario's fleet uses
    execution_input.update(overrides)
    run = factory.run_local(scenario, workflow, execution_input, clock=clock, csv_text=csv_text, fleet=fleet)
    finish_local(run, report_path, as_json)


def start_aws(
    factory: Factory,
    workflow: str,
    accounts: str | None,
    regions: str | None,
    input_path: str | None,
    overrides: dict[str, Any],
    report_path: str | None,
    as_json: bool,
    aws: dict[str, Any],
) -> NoReturn:
    """The same options as a local run, started on the deployed stack; exits with the result's code."""
    from detective_rollout.ops.start import aws_input, start_on_aws

    execution_input = aws_input(workflow, accounts, regions, input_path, overrides)
    start_on_aws(factory, workflow, execution_input, report_path=report_path, as_json=as_json, **aws)


@main.command()
@click.option(
    "--local",
    "scenario",
    type=click.Path(dir_okay=False),
    help="Run on the embedded engine over the fleet this scenario file describes (else: on AWS).",
)
@click.option("--accounts", help="Account CSV (account_id,email[,regions]): a local file or s3://bucket/key.")
@click.option("--regions", help="Comma-separated Regions, or 'all' (Detective Regions the administrator enabled).")
@click.option(
    "--guardduty-wait", type=click.Choice(["wait", "skip"]), help="Wait for a young GuardDuty detector, or skip."
)
@run_output_options
@aws_start_options
@click.pass_obj
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
) -> None:
    """Enable Detective for --accounts (locally: the scenario's members by default) in --regions.

    Without --local the execution starts on the deployed stack (--profile, --region, --stack-name).
    """
    from detective_rollout.local import default_accounts

    overrides: dict[str, Any] = {"guardduty_wait": guardduty_wait} if guardduty_wait else {}
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
    from detective_rollout.local import default_accounts

    flags = {
        "all_members": all_members,
        "disassociate_in_member": disassociate,
        "delete_graph": delete_graph,
        "dry_run": plan,
    }
    overrides: dict[str, Any] = {k: True for k, on in flags.items() if on}
    if confirm_account is not None:
        overrides["confirm_delete_graph"] = confirm_account

    def member_ids(fleet: Any) -> list[dict[str, Any]]:
        return [{"account_id": a["account_id"]} for a in default_accounts(fleet)]

    if scenario is None:
        aws = {"profile": profile, "region": region, "stack_name": stack_name, "wait": wait, "interval": interval}
        start_aws(factory, "disable", accounts, regions, input_path, overrides, report_path, as_json, aws)
    start_local(
        factory, scenario, "disable", accounts, regions, input_path, member_ids, overrides, report_path, as_json
    )


@main.group()
def emulator() -> None:
    """The emulated AWS fleet (Detective, GuardDuty, STS, Account, Organizations)."""


@emulator.command()
@click.option("--scenario", required=True, type=click.Path(dir_okay=False))
@click.option("--port", default=0, type=int, help="TCP port on 127.0.0.1 (0 = any free port).")
@click.pass_obj
def serve(factory: Factory, scenario: str, port: int) -> None:
    """Serve the scenario's fleet over HTTP for any AWS client (--endpoint-url)."""
    from detective_rollout.emulator.server import run_server

    run_server(scenario, port, factory.clock_spec)


register_operator_commands(main)  # status, replay, report, console-input, diagram (detective_rollout/ops)

if __name__ == "__main__":  # pragma: no cover
    main()
