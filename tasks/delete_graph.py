"""State ``DeleteGraph``: delete the administrator's behavior graph in one Region (confirmed runs only).

Detective's DeleteGraph disables the graph and removes EVERY member with it, which is why the
validation state allows it only with ``all_members`` and the administrator's account id as
confirmation - and why this state checks the Plan again instead of trusting its payload: only a
Plan written by ValidateOffboarding with ``delete_graph`` set can delete a graph.

It runs after RemoveMembers (and the member side), so normally the graph is empty by now. Any
member still listed - one whose removal failed, or one added after validation - goes with the
graph; the record names them so the report can say so. The intent is recorded first, so a retry
after a crash knows the graph it finds missing was deleted by this execution.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasks import errors
from tasks.aws import default_aws
from tasks.detective import delete_graph, list_graph_arns, list_members
from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.workstore import WorkStore

WORKFLOW = "disable"
DELETING = "DELETING"


def delete_region_graph(
    detective: Any,
    plan: Plan,
    region: str,
    previous: dict[str, Any] | None,
    store_intent: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """The Region's graph record: outcome DELETED | NO_GRAPH | SKIPPED | PLANNED, graph ARN, members it held."""
    if not plan.options.get("delete_graph"):
        raise errors.InvalidInput("this execution's Plan does not confirm deleting behavior graphs")
    record: dict[str, Any] = {"region": region, "graph_arn": None, "members": [], "detail": None}
    if region in plan.admin_disabled_regions:
        return {**record, "outcome": "SKIPPED", "detail": f"the administrator has not enabled {region}"}
    arns = list_graph_arns(detective)
    if not arns:
        if previous and previous.get("outcome") in (DELETING, "DELETED"):
            return {**previous, "outcome": "DELETED"}
        return {**record, "outcome": "NO_GRAPH", "detail": f"no behavior graph in {region}"}
    graph_arn = arns[0]
    members = sorted(list_members(detective, graph_arn))
    record.update(graph_arn=graph_arn, members=members)
    if plan.dry_run:
        held = f"; it has {len(members)} members now, all removed with it" if members else ""
        return {**record, "outcome": "PLANNED", "detail": f"would delete {graph_arn}{held}"}
    store_intent({**record, "outcome": DELETING})
    delete_graph(detective, graph_arn)
    return {**record, "outcome": "DELETED"}


def unplanned_members(plan: Plan, record: dict[str, Any]) -> list[str]:
    """Members the graph held at deletion that this execution was not asked about (added later)."""
    planned = {a.account_id for a in plan.accounts_in(str(record.get("region")))}
    return [m for m in record.get("members", []) if m not in planned]


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    region = event["region"]
    aws = default_aws()
    store = WorkStore.for_state(aws, event, WORKFLOW)
    plan = store.plan()
    name = f"graph/{region}.json"

    def store_intent(record: dict[str, Any]) -> None:
        store.put(name, record)

    record = delete_region_graph(aws.client("detective", region), plan, region, store.find(name), store_intent)
    store.put(name, record)
    logger.info(
        "behavior graph",
        extra={**keys(plan.execution, region=region), "outcome": record["outcome"], "members": len(record["members"])},
    )
    return {"region": region, "outcome": record["outcome"], "graph_arn": record["graph_arn"]}
