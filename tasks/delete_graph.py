"""State ``DeleteGraph``: delete the administrator's behavior graphs, every Region at once (confirmed runs only).

Detective's DeleteGraph disables the graph and removes EVERY member with it, which is why the
validation state allows it only with ``all_members`` and the administrator's account id as
confirmation - and why this state checks the Plan again instead of trusting its payload: only a
Plan written by ValidateOffboarding with ``delete_graph`` set can delete a graph.

It runs after RemoveMembers (and the member side), so normally the graphs are empty by now. Any
member still listed - one whose removal failed, or one added after validation - goes with the
graph; the record names them so the report can say so. One invocation handles every Region
concurrently (tasks.fanout) and keeps every Region's record in one document, ``graph.json``,
written at most twice: the intent (DELETING) of every Region with a graph to delete, before any
DeleteGraph, so a retry after a crash knows the graph it finds missing was deleted by this
execution; then the outcome. A Region whose DeleteGraph fails is that Region's FAILED outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypedDict

from tasks import errors
from tasks.aws import default_aws
from tasks.contracts import RegionsOutput, RunInput
from tasks.detective import delete_graph as delete_behavior_graph
from tasks.detective import list_graph_arns, list_members
from tasks.fanout import fan_out
from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.region_outcomes import Outcome, failed, retried
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_detective import DetectiveClient

WORKFLOW = "disable"
DELETING = "DELETING"
#: ``{"regions": {region: GraphRecord}}``.
GRAPHS = "graph.json"


class GraphRecord(TypedDict):
    """A Region's entry of ``graph.json``."""

    region: str
    outcome: str  # DELETED | NO_GRAPH | SKIPPED | PLANNED | DELETING (intent only)
    graph_arn: str | None
    members: list[str]  # the graph's members when it was looked at (all removed with it)
    detail: str | None


#: A Detective client of the administrator in a Region.
Clients = Callable[[str], "DetectiveClient"]
#: Stores ``graph.json``'s ``regions`` (every Region's record).
Checkpoint = Callable[[dict[str, GraphRecord]], None]


def survey_graph(detective: DetectiveClient, plan: Plan, region: str, previous: GraphRecord | None) -> GraphRecord:
    """The Region's graph record before any write: SKIPPED | NO_GRAPH | PLANNED | DELETED (an earlier attempt's),
    or DELETING - the graph to delete, with the members it holds now."""
    if region in plan.admin_disabled_regions:
        return GraphRecord(
            region=region,
            outcome="SKIPPED",
            graph_arn=None,
            members=[],
            detail=f"the administrator has not enabled {region}",
        )
    arns = list_graph_arns(detective)
    if not arns:
        if previous and previous["outcome"] in (DELETING, "DELETED"):
            return {**previous, "outcome": "DELETED"}
        return GraphRecord(
            region=region, outcome="NO_GRAPH", graph_arn=None, members=[], detail=f"no behavior graph in {region}"
        )
    graph_arn = arns[0]
    members = sorted(list_members(detective, graph_arn))
    if plan.dry_run:
        held = f"; it has {len(members)} members now, all removed with it" if members else ""
        planned = f"would delete {graph_arn}{held}"
        return GraphRecord(region=region, outcome="PLANNED", graph_arn=graph_arn, members=members, detail=planned)
    return GraphRecord(region=region, outcome=DELETING, graph_arn=graph_arn, members=members, detail=None)


def delete_graphs(
    detectives: Clients, plan: Plan, previous: Mapping[str, GraphRecord], checkpoint: Checkpoint
) -> tuple[list[Outcome], dict[str, GraphRecord]]:
    """Every Region's outcome (DONE with the graph's outcome, or FAILED) and ``graph.json``'s ``regions``.

    ``previous``: the records an earlier attempt of this state stored, by Region.
    """
    if not plan.options.get("delete_graph"):
        raise errors.InvalidInput("this execution's Plan does not confirm deleting behavior graphs")
    regions = list(plan.regions)
    surveyed = fan_out(retried(lambda r: survey_graph(detectives(r), plan, r, previous.get(r))), regions)
    records = {r["region"]: r for r in surveyed if not isinstance(r, Exception)}
    document = {**previous, **records}
    deleting = [r for r in records.values() if r["outcome"] == DELETING]
    if deleting:
        checkpoint(document)

    def delete(record: GraphRecord) -> GraphRecord:
        delete_behavior_graph(detectives(record["region"]), str(record["graph_arn"]))
        return {**record, "outcome": "DELETED"}

    deleted = dict(zip([r["region"] for r in deleting], fan_out(retried(delete), deleting), strict=True))
    outcomes: list[Outcome] = []
    for region, result in zip(regions, surveyed, strict=True):
        final = deleted.get(region, result)
        if isinstance(final, Exception):
            outcomes.append(failed({"region": region}, final))
            continue
        document[region] = final
        outcomes.append(
            {"region": region, "status": "DONE", "outcome": final["outcome"], "graph_arn": final["graph_arn"]}
        )
    checkpoint(document)
    return outcomes, document


def unplanned_members(plan: Plan, record: GraphRecord) -> list[str]:
    """Members the graph held at deletion that this execution was not asked about (added later)."""
    planned = {a.account_id for a in plan.accounts_in(record["region"])}
    return [m for m in record["members"] if m not in planned]


def lambda_handler(event: RunInput, context: LambdaContext) -> RegionsOutput:
    aws = default_aws()
    store = WorkStore.for_state(aws, event, WORKFLOW)
    plan = store.plan()
    previous = (store.find(GRAPHS) or {}).get("regions") or {}

    def checkpoint(regions: dict[str, GraphRecord]) -> None:
        store.put(GRAPHS, {"regions": regions})

    outcomes, document = delete_graphs(lambda region: aws.client("detective", region), plan, previous, checkpoint)
    for outcome in outcomes:
        record = document.get(outcome["region"])
        members = len(record["members"]) if record else 0
        extra = {"status": outcome["status"], "outcome": outcome.get("outcome"), "members": members}
        logger.info("behavior graph", extra={**keys(plan.execution, region=outcome["region"]), **extra})
    return {"regions": outcomes}
