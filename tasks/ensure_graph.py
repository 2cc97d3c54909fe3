"""State ``EnsureGraph``: the administrator's behavior graph in one Region, created if missing.

Idempotent: an existing graph is reused; tags are written only when they differ, so a rerun
over a done fleet makes no mutating call. One invocation handles every READY Region of the
per-Region outcome list concurrently (tasks.region_outcomes) and adds each one's ``graph``,
including what tasks.graph_config found and set once the graph exists: whether the administrator
is the organization's Detective administrator, AutoEnable, and the data source packages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from tasks import clock, errors
from tasks.aws import default_aws, translate_errors
from tasks.contracts import GraphDocument, RegionsInput, RegionsOutput
from tasks.detective import list_graph_arns, list_graphs
from tasks.graph_config import configure_graph
from tasks.log import keys, logger
from tasks.region_outcomes import Outcome, for_each_ready

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_detective import DetectiveClient

PROJECT_TAG = {"managed-by": "detective-rollout"}
#: A graph whose CreatedTime is at most this much before our CreateGraph call was made by that call.
_CREATED_TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class GraphOutcome:
    region: str
    graph_arn: str | None  # None only in a dry run where the graph does not exist yet
    created: bool
    tagged: bool
    planned: str | None  # dry run: the change it would make

    def document(self) -> GraphDocument:
        """The graph as a Region's outcome carries it (every field, as ``asdict`` would give it)."""
        return {
            "region": self.region,
            "graph_arn": self.graph_arn,
            "created": self.created,
            "tagged": self.tagged,
            "planned": self.planned,
        }


def ensure_graph(
    detective: DetectiveClient, region: str, tags: dict[str, str], dry_run: bool, seen: bool
) -> GraphOutcome:
    """The Region's graph, created if missing, with the project's and the request's tags.

    ``seen``: whether ValidateInput found a graph in the Region (``graph_regions``). Where it found
    none, CreateGraph is called straight away - instead of ListGraphs first, on the critical path
    of every first rollout. Where the account has a graph after all (another execution made it
    meanwhile), CreateGraph answers either way :func:`_create` handles: that graph's ARN, as the
    API reference documents, or ConflictException; the graph is then reused and tagged, not
    reported created.
    """
    wanted = {**PROJECT_TAG, **tags}
    arns = [] if not seen and not dry_run else list_graph_arns(detective)
    if not arns:
        if dry_run:
            return GraphOutcome(region, None, False, False, f"create a behavior graph in {region}")
        created = _create(detective, wanted)
        if created is not None and created[1]:
            return GraphOutcome(region, created[0], True, False, None)
        arns = [created[0]] if created is not None else list_graph_arns(detective)
        if not arns:
            raise errors.Conflict(f"CreateGraph says a behavior graph exists in {region}; ListGraphs lists none")
    arn = arns[0]
    with translate_errors():
        current = detective.list_tags_for_resource(ResourceArn=arn).get("Tags", {})
    missing = {k: v for k, v in wanted.items() if current.get(k) != v}
    if not missing:
        return GraphOutcome(region, arn, False, False, None)
    if dry_run:
        return GraphOutcome(region, arn, False, False, f"tag the behavior graph with {', '.join(sorted(missing))}")
    with translate_errors():
        detective.tag_resource(ResourceArn=arn, Tags=missing)
    return GraphOutcome(region, arn, False, True, None)


def _create(detective: DetectiveClient, tags: dict[str, str]) -> tuple[str, bool] | None:
    """CreateGraph's ARN and whether this call made the graph; None when it answers ConflictException.

    "CreateGraph" (Amazon Detective API Reference): "If the same account calls CreateGraph with
    the same administrator account, it always returns the same behavior graph ARN. It does not
    create a new behavior graph." The answer alone does not say which happened; the graph's
    CreatedTime (ListGraphs) does: not before this call, it is this call's graph.
    """
    before = clock.now() - _CREATED_TOLERANCE
    try:
        with translate_errors():
            arn = str(detective.create_graph(Tags=tags)["GraphArn"])
    except errors.Conflict:
        return None
    created_at = next((g.get("CreatedTime") for g in list_graphs(detective) if g["Arn"] == arn), None)
    return arn, created_at is None or created_at >= before


def lambda_handler(event: RegionsInput, context: LambdaContext) -> RegionsOutput:
    run = event["run"]
    tags, dry_run = run.get("tags") or {}, bool(run["dry_run"])
    with_graph = set(run["graph_regions"])
    packages = list(run.get("datasource_packages") or [])
    auto_enable = run.get("auto_enable_organization")

    def ensure(region_outcome: Outcome) -> Outcome:
        region = region_outcome["region"]
        detective = default_aws().client("detective", region)
        outcome = ensure_graph(detective, region, tags, dry_run, region in with_graph)
        config = configure_graph(detective, region, outcome.graph_arn, packages, auto_enable, dry_run)
        logger.info(
            "behavior graph",
            extra={
                **keys(run["execution"], region=region),
                "graph_arn": outcome.graph_arn,
                "graph_created": outcome.created,
                "graph_tagged": outcome.tagged,
                "organization_admin": config.organization_admin,
                "packages_started": config.packages_started,
            },
        )
        return {**region_outcome, "graph": {**outcome.document(), **config.document()}}

    return {"regions": for_each_ready(event["regions"], ensure)}
