"""``console-input``: the execution input to paste into the Step Functions console, already validated.

People who start a rollout from the console build the input by hand from a spreadsheet; a typo
there costs a failed execution at best. This command turns the account CSV into the input JSON
and runs the workflow's own pure validation rules (tasks.validation) over it first, so bad input
exits 2 with every offending field, row and value named - before anything reaches AWS.
"""

from __future__ import annotations

import json
from typing import Any

import click

from detective_rollout.ops.exits import fail, fail_invalid


def csv_accounts(csv_data: bytes, workflow: str, problems: Any) -> list[dict[str, Any]]:
    """The CSV's rows as the input's ``accounts`` list (duplicates merged), every problem added to ``problems``."""
    from tasks.validation import merge_accounts, parse_accounts_csv

    entries = merge_accounts(
        parse_accounts_csv(csv_data, problems, require_email=workflow == "enable"), problems, admin_account_id=None
    )
    accounts = []
    for entry in entries:
        account: dict[str, Any] = {"account_id": entry.account_id}
        if entry.email:
            account["email"] = entry.email
        if entry.regions is not None:
            account["regions"] = entry.regions if entry.regions == "all" else list(entry.regions)
        accounts.append(account)
    return accounts


#: StartExecution's input limit (256 KiB): a bigger input is refused by AWS, so it is refused here first.
MAX_INPUT_BYTES = 256 * 1024


def check_size(checked: dict[str, Any]) -> None:
    """Exit 2 with the advice to pass the CSV by S3 URI when the input is over StartExecution's limit."""
    size = len(json.dumps(checked).encode())
    if size > MAX_INPUT_BYTES:
        fail(
            f"--accounts: the input is {size} bytes inline, above StartExecution's {MAX_INPUT_BYTES}; "
            "upload the CSV and pass --accounts s3://BUCKET/rollouts/FILE.csv"
        )


def check_input(built: dict[str, Any], workflow: str, problems: Any) -> dict[str, Any]:
    """``built`` checked with the workflow's own pure rules; raises InvalidInput naming every problem.

    Returns it with the Regions as the workflow reads them. What needs AWS (the CSV of an
    ``accounts_csv`` URI, the administrator's Regions and members) is left to the workflow.
    When the CSV behind ``accounts`` already had problems, an empty list is not one more (no
    knock-on ``at least one account is required``).
    """
    from tasks import settings
    from tasks.validate_input import enable_options
    from tasks.validate_offboarding import check_scope, disable_options
    from tasks.validation import check_request

    enable = workflow == "enable"
    spec = (enable_options if enable else disable_options)(settings.load())
    csv_failed = bool(problems.items) and not built.get("accounts")
    checked = {k: v for k, v in built.items() if not (csv_failed and k == "accounts")}
    request = check_request(checked, spec, problems, require_email=enable, accounts_required=enable and not csv_failed)
    if not enable:
        check_scope(built, request.options, None, problems)
    problems.raise_if_any()
    if isinstance(request.options["regions"], tuple):
        built["regions"] = list(request.options["regions"])
    return built


def build_input(
    csv_data: bytes, workflow: str, regions: list[str] | str | None, options: dict[str, Any]
) -> dict[str, Any]:
    """The console input for ``workflow``; raises InvalidInput naming every problem."""
    from tasks.problems import Problems

    problems = Problems()
    accounts = csv_accounts(csv_data, workflow, problems)
    built = {
        "accounts": accounts,
        "regions": "all" if regions is None else regions,
        **{k: v for k, v in options.items() if v is not None},
    }
    return check_input(built, workflow, problems)


@click.command("console-input")
@click.option(
    "--accounts",
    required=True,
    help="Account CSV: account_id,email[,regions] (header optional; Regions separated by ';').",
)
@click.option("--regions", help="Comma-separated Regions, or 'all' (default: all the administrator enabled).")
@click.option("--workflow", type=click.Choice(["enable", "disable"]), default="enable", show_default=True)
@click.option("--guardduty-wait", type=click.Choice(["wait", "skip"]), help="enable: wait for a young detector.")
@click.option("--dry-run", is_flag=True, default=None, help="Plan only: the execution writes nothing.")
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False),
    help="Other fields (tags, message, batch size, ...) from this JSON; the options above win.",
)
def console_input(
    accounts: str,
    regions: str | None,
    workflow: str,
    guardduty_wait: str | None,
    dry_run: bool | None,
    input_path: str | None,
) -> None:
    """Print the validated JSON input to paste into the Step Functions console."""
    from detective_rollout.ops.inputs import parse_regions, read_accounts_file, read_input_file
    from tasks.errors import InvalidInput

    base = read_input_file(input_path) if input_path else {}
    base = {k: v for k, v in base.items() if k not in ("accounts", "accounts_csv")}
    csv_text, _uri = read_accounts_file(accounts)
    if csv_text is None:
        fail("--accounts: console-input validates a local CSV file (an s3:// CSV is read by the workflow itself)")
    data = str(csv_text).encode()
    options = {
        **base,
        "guardduty_wait": guardduty_wait or base.get("guardduty_wait"),
        "dry_run": True if dry_run else base.get("dry_run"),
    }
    chosen = parse_regions(regions)
    try:
        built = build_input(data, workflow, chosen if chosen is not None else base.get("regions"), options)
    except InvalidInput as exc:
        fail_invalid(exc.message, accounts)
    check_size(built)
    click.echo(json.dumps(built, indent=2))
