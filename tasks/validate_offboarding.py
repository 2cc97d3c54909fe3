"""State ``ValidateOffboarding``: check the disable request completely, then write the Plan once.

The input rules are the enable workflow's (tasks.validation: ids, CSV, Regions, duplicates, the
administrator not in its own list, masked emails) with emails optional, plus the rules that keep
offboarding safe:

- ``all_members: true`` replaces ``accounts`` / ``accounts_csv`` (never both) and expands, per
  Region, to the graph's members at validation time (ListMembers). A member added after this
  state is not removed by this execution, except by DeleteGraph.
- ``delete_graph`` needs ``all_members: true`` AND ``confirm_delete_graph`` equal to the
  administrator account id: DeleteGraph removes every member, so it never goes with a subset,
  and a copied input from another deployment cannot delete this one's graphs.

Nothing is written on bad input: every problem is collected first and raised as one InvalidInput.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tasks.aws import Aws
from tasks.contracts import PlanOptions, RunSummary, ValidationInput
from tasks.detective import list_graph_arns, list_members
from tasks.disassociate_memberships import batch_name
from tasks.fanout import all_or_raise, fan_out
from tasks.nesting import refuse_deep_input
from tasks.options import ALL, Option, boolean, common_options, text
from tasks.plan import Account, Plan
from tasks.problems import Problems, show
from tasks.regions import in_detective_order
from tasks.settings import Settings
from tasks.validate_input import (
    caller_and_listed_regions,
    candidate_regions,
    enabled_regions,
    requested_accounts,
    resolve_regions,
    run_validation,
)
from tasks.validation import check_batch_count, check_execution_name, check_request, merge_accounts
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

WORKFLOW = "disable"


def disable_options(config: Settings) -> dict[str, Option]:
    return {
        **common_options(config),
        "all_members": Option(boolean, False),
        "disassociate_in_member": Option(boolean, False),
        "delete_graph": Option(boolean, False),
        "confirm_delete_graph": Option(text(1, 64), None),
    }


def check_scope(raw: Any, options: dict[str, Any], admin: str | None, problems: Problems) -> None:
    """Which accounts (a list, a CSV or every member) and whether graphs may be deleted.

    ``admin`` None (the CLI, before it starts an execution): the confirmation is left to the workflow.
    """
    given = isinstance(raw, dict) and any(raw.get(k) is not None for k in ("accounts", "accounts_csv"))
    if options["all_members"] and given:
        problems.add("all_members", "give accounts / accounts_csv or all_members, not both")
    elif not options["all_members"] and not given:
        problems.add("accounts, accounts_csv, all_members", "one of them is required")
    if not options["delete_graph"]:
        return
    if not options["all_members"]:
        problems.add(
            "delete_graph",
            'needs "all_members": true - DeleteGraph removes every member of the graph, '
            "so it never goes with a subset of accounts",
        )
    if admin is not None and options["confirm_delete_graph"] != admin:
        problems.add(
            "confirm_delete_graph",
            f"must be the administrator account id '{admin}' to delete its "
            f"behavior graphs, got {show(options['confirm_delete_graph'])}",
        )


def current_members(aws: Aws, regions: Iterable[str]) -> tuple[Account, ...]:
    """``all_members``: every member of the administrator's graphs, with the Regions it is a member in."""
    found: dict[str, list[str]] = {}
    for region in regions:
        detective = aws.client("detective", region)
        for arn in list_graph_arns(detective)[:1]:
            for account_id in list_members(detective, arn):
                found.setdefault(account_id, []).append(region)
    return tuple(Account(account_id, None, tuple(rs)) for account_id, rs in found.items())


def write_batches(store: WorkStore, plan: Plan) -> None:
    """Each batch's work document (``batches/<batch>.json``) for DisassociateMemberships, which reads only its own."""
    all_or_raise(
        fan_out(lambda index: store.put(batch_name(index), plan.batch_document(index)), range(plan.batch_count))
    )


def validate_offboarding(aws: Aws, config: Settings, event_input: Any, execution: str, now: datetime) -> RunSummary:
    """Validate, resolve Regions and accounts, write the Plan; return the small state output."""
    refuse_deep_input(event_input)  # first: the checks below walk the value
    problems = Problems()
    check_execution_name(execution, problems)
    request = check_request(
        event_input, disable_options(config), problems, require_email=False, accounts_required=False
    )
    entries = requested_accounts(aws.client("s3"), request, problems, require_email=False)
    options = request.options
    admin, listed = caller_and_listed_regions(aws)
    check_scope(event_input, options, admin, problems)
    merged = merge_accounts(entries, problems, admin_account_id=admin)
    problems.raise_if_any()

    enabled = enabled_regions(aws, listed, candidate_regions(options["regions"], merged))
    if options["all_members"]:
        regions = in_detective_order(enabled) if options["regions"] == ALL else tuple(options["regions"])
        accounts = current_members(aws, [r for r in regions if r in enabled])
    else:
        accounts = resolve_regions(merged, options["regions"], enabled)
        regions = in_detective_order(r for a in accounts for r in a.regions)
    if not regions:
        problems.add("regions", "no Detective Region is enabled for the administrator account")
    if options["disassociate_in_member"]:  # batches are only mapped when members disassociate
        check_batch_count(len(accounts), options["batch_size"], problems)
    problems.raise_if_any()

    plan_options: PlanOptions = {
        "all_members": options["all_members"],
        "disassociate_in_member": options["disassociate_in_member"],
        "delete_graph": options["delete_graph"],
    }
    plan = Plan.validated(
        WORKFLOW, execution, admin, accounts, regions, enabled, options, plan_options, event_input, now
    )
    store = WorkStore(aws.client("s3"), config.report_bucket, WORKFLOW, execution)
    request_key = store.put("request.json", plan.to_json())
    if options["disassociate_in_member"]:
        write_batches(store, plan)
    run = plan.run_summary(request_key)
    run.update(
        {
            "all_members": options["all_members"],
            "disassociate_in_member": options["disassociate_in_member"],
            "delete_graph": options["delete_graph"],
        }
    )
    return run


def lambda_handler(event: ValidationInput, context: LambdaContext) -> RunSummary:
    return run_validation(event, validate_offboarding, "offboarding input validated")
