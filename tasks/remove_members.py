"""State ``RemoveMembers``: take the requested accounts out of the administrator's graphs, every Region at once.

ListMembers says who is a member now; DeleteMembers removes those in chunks of 50. An account
that is not a member is NOT_A_MEMBER with ``changed: false`` - not an error - so rerunning a
finished offboarding is a no-op. A chunk that fails (throttled beyond retries, ...) marks only its
own accounts FAILED; a Region whose listing fails is that Region's FAILED outcome, never another's.

One invocation handles every Region concurrently (tasks.fanout) and keeps every Region's records
in one document, ``remove.json``: one record per requested account and Region. It is written at
most twice per invocation: before any DeleteMembers, the intent (REMOVING) of every Region that
has members to remove, then the outcome. If the Lambda dies after DeleteMembers and the state
machine retries, the retry finds those accounts gone and still reports them REMOVED by this
execution instead of NOT_A_MEMBER.

Organization accounts (ListMembers' InvitationType ORGANIZATION, tasks.enrollment) leave the same way:
DeleteMembers is the only way out for them ("DisassociateMembership", Amazon Detective API Reference:
it "cannot be called by an organization account in the organization behavior graph"). Each record
keeps the member's enrollment so the report can say so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypedDict

from tasks import errors
from tasks.aws import default_aws
from tasks.contracts import RegionsOutput, RunInput
from tasks.detective import chunks, delete_members, get_members, list_graph_arns, list_members
from tasks.enrollment import enrollment_of
from tasks.fanout import fan_out
from tasks.invite_writes import error_reason
from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.region_outcomes import Outcome, failed, retried
from tasks.retrying import bounded
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_detective import DetectiveClient

WORKFLOW = "disable"
REMOVING = "REMOVING"
#: ``{"regions": {region: RemoveEntry}}``.
REMOVED = "remove.json"


@dataclass(frozen=True)
class RemoveRecord:
    outcome: str  # REMOVED | NOT_A_MEMBER | SKIPPED | FAILED | PLANNED | REMOVING (intent only)
    prior_status: str | None  # the member status before this execution (None: not a member)
    changed: bool
    reason: str | None = None
    detail: str | None = None
    enrollment: str | None = None  # ORGANIZATION | INVITATION while it was a member


class RemoveEntry(TypedDict):
    """A Region's entry of ``remove.json``: its graph and each requested account's ``asdict(RemoveRecord)``."""

    region: str
    graph_arn: str | None
    members: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class RegionRemoval:
    """One Region's records; ``to_remove`` (account id, prior status) are the members DeleteMembers has yet to take."""

    region: str
    graph_arn: str | None
    records: dict[str, RemoveRecord]
    to_remove: tuple[tuple[str, str | None], ...] = field(default=())
    #: Each member's InvitationType as ListMembers answered it.
    enrollments: Mapping[str, str | None] = field(default_factory=dict)

    def intent(self) -> dict[str, RemoveRecord]:
        return {**self.records, **{a: RemoveRecord(REMOVING, s, False) for a, s in self.to_remove}}

    def document(self, records: Mapping[str, RemoveRecord] | None = None) -> RemoveEntry:
        """The Region's entry of ``remove.json`` (its intent unless ``records`` are given)."""
        found = self.intent() if records is None else records
        return {"region": self.region, "graph_arn": self.graph_arn, "members": {k: asdict(v) for k, v in found.items()}}


#: A Detective client of the administrator in a Region.
Clients = Callable[[str], "DetectiveClient"]
#: Stores ``remove.json``'s ``regions`` (every Region's entry).
Checkpoint = Callable[[dict[str, RemoveEntry]], None]


def survey(detective: DetectiveClient, plan: Plan, region: str, previous: RemoveEntry | None) -> RegionRemoval:
    """What removing the Region's requested accounts takes (read-only); ``previous`` is an earlier attempt's entry."""
    accounts = [a.account_id for a in plan.accounts_in(region)]
    if region in plan.admin_disabled_regions:
        detail = f"the administrator account has not enabled the opt-in Region {region}"
        skipped = RemoveRecord("SKIPPED", None, False, "ADMIN_REGION_NOT_ENABLED", detail)
        return RegionRemoval(region, None, dict.fromkeys(accounts, skipped))
    arns = list_graph_arns(detective)
    if not arns:
        none = RemoveRecord("NOT_A_MEMBER", None, False, None, f"no behavior graph in {region}")
        return RegionRemoval(region, None, dict.fromkeys(accounts, none))
    graph_arn = arns[0]
    members = list_members(detective, graph_arn)
    earlier_records = previous["members"] if previous else {}
    records: dict[str, RemoveRecord] = {}
    to_remove: list[tuple[str, str | None]] = []
    for account_id in accounts:
        status = members[account_id].get("Status") if account_id in members else None
        earlier = earlier_records.get(account_id) or {}
        if account_id not in members and earlier.get("outcome") in (REMOVING, "REMOVED"):
            records[account_id] = RemoveRecord(
                "REMOVED", earlier.get("prior_status"), True, detail="removed by an earlier attempt of this state"
            )
        elif account_id not in members:
            records[account_id] = RemoveRecord("NOT_A_MEMBER", None, False, detail=f"not a member in {region}")
        elif plan.dry_run:
            detail = f"would remove the member ({status})"
            records[account_id] = RemoveRecord("PLANNED", status, False, detail=detail)
        else:
            to_remove.append((account_id, status))
    requested = set(accounts)
    enrollments = {a: enrollment_of(m) for a, m in members.items() if a in requested}
    for account_id, earlier in earlier_records.items():
        enrollments.setdefault(account_id, earlier.get("enrollment"))
    return RegionRemoval(region, graph_arn, _enrolled(records, enrollments), tuple(to_remove), enrollments)


def _enrolled(records: Mapping[str, RemoveRecord], enrollments: Mapping[str, str | None]) -> dict[str, RemoveRecord]:
    """The records with the member's enrollment, where it was a member."""
    return {a: replace(r, enrollment=enrollments.get(a)) if a in enrollments else r for a, r in records.items()}


def remove(detective: DetectiveClient, removal: RegionRemoval) -> dict[str, RemoveRecord]:
    """DeleteMembers for the Region's ``to_remove``, 50 at a time; every record of the Region."""
    records = dict(removal.records)
    assert removal.graph_arn is not None or not removal.to_remove
    for chunk in chunks(removal.to_remove):
        records.update(_delete_chunk(detective, str(removal.graph_arn), chunk))
    return _enrolled(records, removal.enrollments)


def remove_members(
    detectives: Clients, plan: Plan, previous: Mapping[str, RemoveEntry], checkpoint: Checkpoint
) -> tuple[list[Outcome], dict[str, RemoveEntry]]:
    """Every Region's outcome (DONE with counts, or FAILED) and ``remove.json``'s ``regions``.

    ``previous``: the entries an earlier attempt of this state stored, by Region; a Region whose
    listing fails this time keeps its earlier entry.
    """
    regions = list(plan.regions)
    surveyed = fan_out(retried(lambda r: survey(detectives(r), plan, r, previous.get(r))), regions)
    removals = {r.region: r for r in surveyed if isinstance(r, RegionRemoval)}
    document = {**previous, **{region: removal.document() for region, removal in removals.items()}}
    if any(removal.to_remove for removal in removals.values()):
        checkpoint(document)
    removed = fan_out(lambda r: remove(detectives(r.region), r), list(removals.values()))
    done = dict(zip(removals, removed, strict=True))
    outcomes: list[Outcome] = []
    for region, result in zip(regions, surveyed, strict=True):
        records = done.get(region)
        if isinstance(result, Exception):
            outcomes.append(failed({"region": region}, result))
        elif isinstance(records, Exception):
            outcomes.append(failed({"region": region}, records))
        elif records is not None:
            document[region] = result.document(records)
            outcomes.append(_done(result, records))
    checkpoint(document)
    return outcomes, document


def _done(removal: RegionRemoval, records: Mapping[str, RemoveRecord]) -> Outcome:
    counts: dict[str, int] = {}
    for record in records.values():
        counts[record.outcome] = counts.get(record.outcome, 0) + 1
    return {
        "region": removal.region,
        "status": "DONE",
        "graph_arn": removal.graph_arn,
        "accounts": len(records),
        "counts": counts,
    }


def _delete_chunk(
    detective: DetectiveClient, graph_arn: str, chunk: Sequence[tuple[str, str | None]]
) -> dict[str, RemoveRecord]:
    prior = dict(chunk)
    try:
        for attempt in bounded(errors.RetryableError):
            with attempt:
                unprocessed = delete_members(detective, graph_arn, list(prior))
    except errors.RolloutError as exc:
        return {
            a: RemoveRecord("FAILED", s, False, error_reason(exc), f"DeleteMembers failed: {exc.message}")
            for a, s in prior.items()
        }
    records = {a: RemoveRecord("REMOVED", s, True) for a, s in prior.items() if a not in unprocessed}
    if unprocessed:
        records.update(_unprocessed(detective, graph_arn, unprocessed, prior))
    return records


def _unprocessed(
    detective: DetectiveClient, graph_arn: str, unprocessed: dict[str, str], prior: dict[str, str | None]
) -> dict[str, RemoveRecord]:
    """DeleteMembers skipped these: gone meanwhile (NOT_A_MEMBER) or really not removed (FAILED)."""
    try:
        still = get_members(detective, graph_arn, list(unprocessed))
    except errors.RolloutError as exc:
        still, why = dict.fromkeys(unprocessed, {}), f"; GetMembers failed too: {exc.message}"
    else:
        why = ""
    return {
        a: RemoveRecord("FAILED", prior[a], False, "ERROR", f"DeleteMembers did not process it: {reason}{why}")
        if a in still
        else RemoveRecord("NOT_A_MEMBER", None, False, detail=f"no longer a member: {reason}")
        for a, reason in unprocessed.items()
    }


def lambda_handler(event: RunInput, context: LambdaContext) -> RegionsOutput:
    aws = default_aws()
    store = WorkStore.for_state(aws, event, WORKFLOW)
    plan = store.plan()
    previous = (store.find(REMOVED) or {}).get("regions") or {}

    def checkpoint(regions: dict[str, RemoveEntry]) -> None:
        store.put(REMOVED, {"regions": regions})

    outcomes, _ = remove_members(lambda region: aws.client("detective", region), plan, previous, checkpoint)
    for outcome in outcomes:
        extra = {**keys(plan.execution, region=outcome["region"]), "status": outcome["status"]}
        logger.info("members removed", extra={**extra, **outcome.get("counts", {})})
    return {"regions": outcomes}
