"""``enable`` / ``disable``: build the execution input from the options, run it, print and exit.

Locally the run goes through the Factory's ``run_local`` (recorded in ``--state-dir``); on AWS
through :mod:`detective_rollout.ops.start`. Either way :func:`detective_rollout.ops.finish.finish` prints the
report and exits with the contract's code (:mod:`detective_rollout.ops.exits`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from detective_rollout.ops.exits import fail
from detective_rollout.ops.factory import Factory
from detective_rollout.ops.finish import finish
from detective_rollout.ops.inputs import parse_regions, read_accounts_file, read_input_file


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
) -> NoReturn:
    """Build a workflow's execution input from the options, run it locally, print and exit.

    Precedence: --input, then --accounts/--regions, then ``overrides``; with none of them the
    scenario's members (``default_accounts``) in the scenario's Regions.
    """
    from detective_rollout.emulator import ScenarioError

    clock = factory.clock()
    try:
        fleet = factory.fleet(scenario, clock)
    except ScenarioError as exc:  # names the file already
        fail(str(exc))
    except (OSError, ValueError) as exc:
        fail(f"scenario {scenario}: {exc}")
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
    run = run_shown(factory, scenario, workflow, execution_input, as_json, clock=clock, csv_text=csv_text, fleet=fleet)
    finish(run, report_path, as_json, accounts)


def run_shown(
    factory: Factory, scenario: str, workflow: str, execution_input: dict[str, Any], as_json: bool, **kwargs: Any
) -> Any:
    """A local run in the foreground: its name at once, then its progress (ops.live) until it ends."""
    from detective_rollout.local import execution_name
    from detective_rollout.ops.live import LiveProgress, on_terminal

    name = execution_name(workflow)
    live = LiveProgress(on_terminal(as_json))
    live.begin(workflow, name)
    return factory.run_local(scenario, workflow, execution_input, name=name, show=live.show, **kwargs)


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


def member_ids(fleet: Any) -> list[dict[str, Any]]:
    """``disable --local`` without --accounts: every member of the scenario (ids only)."""
    from detective_rollout.local import default_accounts

    return [{"account_id": a["account_id"]} for a in default_accounts(fleet)]
