"""``enable`` / ``disable`` without ``--local``: the same input, started on the deployed stack.

The input is built from the same options as a local run (``--input``, ``--accounts``,
``--regions`` and the command's flags) and checked with the workflow's own pure rules before
StartExecution: a bad CSV row or option exits 2 naming the field and the value, and nothing is
started. A local CSV travels inline as the ``accounts`` list (what ``console-input`` prints); an
``s3://`` CSV is passed as ``accounts_csv`` and read by the workflow, which validates it.
With ``--wait`` (the default) the execution is followed to its end like ``replay``, and the
exit code is the report's; ``--no-wait`` returns once it started.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, NoReturn

import click

from detective_rollout.ops.backend import ExecutionView
from detective_rollout.ops.cli_options import (
    backend_for,
    combined,
    follow_options,
    profile_option,
    region_option,
    stack_name_option,
)
from detective_rollout.ops.exits import EXIT_ERROR, EXIT_OK, fail, fail_invalid
from detective_rollout.ops.watch import follow

#: ``--profile``, ``--region``, ``--stack-name``, ``--wait/--no-wait``, ``--interval``: a run on AWS.
aws_start_options = combined(profile_option, region_option, stack_name_option, follow_options)


@dataclass(frozen=True)
class Ended:
    """An ended execution in the shape ``ops.finish.finish`` prints (result, report, rejected)."""

    result: ExecutionView
    report: dict[str, Any] | None

    @property
    def rejected(self) -> bool:
        return self.result.error == "InvalidInput"


def aws_input(
    workflow: str, accounts: str | None, regions: str | None, input_path: str | None, overrides: dict[str, Any]
) -> dict[str, Any]:
    """The execution input, checked; exits 2 naming every problem (nothing started)."""
    from detective_rollout.ops.console_input import check_input, check_size, csv_accounts
    from detective_rollout.ops.inputs import parse_regions, read_accounts_file, read_input_file
    from tasks.errors import InvalidInput
    from tasks.problems import Problems

    built: dict[str, Any] = {"source": "cli", **(read_input_file(input_path) if input_path else {})}
    problems = Problems()
    if accounts:
        text, uri = read_accounts_file(accounts)
        built.pop("accounts", None)
        built.pop("accounts_csv", None)
        if uri is not None:
            built["accounts_csv"] = uri
        else:
            built["accounts"] = csv_accounts(str(text).encode(), workflow, problems)
    chosen = parse_regions(regions)
    built["regions"] = chosen if chosen is not None else built.get("regions", "all")
    built.update(overrides)
    try:
        checked = check_input(built, workflow, problems)
    except InvalidInput as exc:
        fail_invalid(exc.message, accounts)
    check_size(checked)
    return checked


def start_on_aws(
    factory: Any,
    workflow: str,
    execution_input: dict[str, Any],
    *,
    profile: str | None,
    region: str | None,
    stack_name: str,
    wait: bool,
    interval: float,
    report_path: str | None,
    as_json: bool,
) -> NoReturn:
    """StartExecution on the stack's ``workflow`` machine, then follow it (``wait``) and exit with its code."""
    from detective_rollout.ops.deployed import AwsBackend

    if factory.state_dir:
        fail("--state-dir keeps local runs: give --local SCENARIO.json with it, or drop it to start on AWS")
    backend = backend_for(factory, None, profile, region, stack_name)
    assert isinstance(backend, AwsBackend)
    view = backend.start(workflow, execution_input)
    counted = len(execution_input["accounts"]) if "accounts" in execution_input else None
    what = f"{counted} account(s)" if counted is not None else execution_input.get("accounts_csv", "all members")
    click.echo(f"started {view.execution}: {workflow} for {what} in {_regions(execution_input['regions'])}")
    if not wait:
        sys.exit(EXIT_OK)
    follow_to_end(factory, backend, view, interval=interval, report_path=report_path, as_json=as_json)


def follow_to_end(
    factory: Any, backend: Any, view: ExecutionView, *, interval: float, report_path: str | None, as_json: bool
) -> NoReturn:
    """Show progress until ``view`` ends, then print its report and exit with the contract's code."""
    from detective_rollout.ops.finish import finish
    from detective_rollout.ops.live import LiveProgress, on_terminal

    live = LiveProgress(on_terminal(as_json))
    live.begin(view.workflow, view.execution)
    follow(backend, view, sleep=factory.sleep, interval=interval, show=live.show)
    ended = backend.execution(view.execution)
    final = backend.report(ended)
    if final is None:
        if ended.error == "InvalidInput":
            fail_invalid(ended.cause)
        fail(f"{ended.execution} ended {ended.status} without a report: {ended.error}: {ended.cause}", EXIT_ERROR)
    finish(Ended(ended, final), report_path, as_json)


def _regions(value: Any) -> str:
    return "all enabled Regions" if value == "all" else ", ".join(value)
