"""State ``WriteReport``: assemble and store the report of an execution (JSON and its HTML page); say whether it failed.

Every requested account x Region gets exactly one row, whatever happened to the states before:
a Region, batch or verification that failed is reflected in its rows, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tasks import clock, settings
from tasks.aws import default_aws
from tasks.classify_disable import disable_report
from tasks.classify_enable import ENABLED_BEFORE, Evidence, classify, region_rows
from tasks.contracts import ReportInput, ReportOutput
from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.region_outcomes import complete
from tasks.replay import merge_replayed
from tasks.report import RegionRow, Row, document, outcome
from tasks.report_page import render_html
from tasks.targets import INVITED
from tasks.verify_members import VERIFIED
from tasks.workstore import WorkStore, report_key, report_page_key

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_s3 import S3Client


def from_state(event: Mapping[str, Any], plan: Plan) -> dict[str, Any]:
    """The enable machine's whole state (``event["state"]``) as ``{"regions", "batches", "verification"}``.

    A state that crashed left its error (``prepare_error`` / ``verify_error``) and skipped what
    followed: Regions it left unfinished become FAILED with that error, missing parts are empty.
    """
    state = event["state"]
    prepare = state.get("prepare") or {}
    verification = (state.get("verify") or {}).get("regions") or []
    if state.get("verify_error"):
        verification = [{"region": r, "verified": False, "error": state["verify_error"]} for r in plan.regions]
    return {
        "regions": complete(prepare.get("regions") or [], plan.regions, state.get("prepare_error")),
        "batches": state.get("batches") or [],
        "verification": verification,
    }


def gather(store: WorkStore, plan: Plan, event: Mapping[str, Any]) -> Evidence:
    event = from_state(event, plan)
    evidence = Evidence(regions={r["region"]: r for r in event["regions"]})
    accept_names = [f"accept/{index}.json" for index in range(plan.batch_count)]
    found = store.find_all([INVITED, VERIFIED, ENABLED_BEFORE, *accept_names])
    evidence.enabled_before = {r: set(ids) for r, ids in (found[ENABLED_BEFORE] or {}).items()}
    invited = (found[INVITED] or {}).get("regions") or {}
    verified = (found[VERIFIED] or {}).get("regions") or {}
    for region in plan.regions:
        if invite := invited.get(region):
            evidence.invites[region] = invite
        if verify := verified.get(region):
            evidence.verified[region] = verify
    for batch in event["batches"]:
        if batch.get("status") == "FAILED":
            error = batch.get("error") or {}
            evidence.failed_batches[int(batch["batch"])] = f"{error.get('Error')}: {error.get('Cause')}"
    for verification in event["verification"]:
        if verification.get("error"):  # its last attempt failed: an earlier attempt's record is stale
            error = verification["error"]
            why = f"VerifyMembers failed: {error.get('Error')}: {error.get('Cause')}"
            evidence.unverified[verification["region"]] = why
    for name in accept_names:
        if accepted := found[name]:
            evidence.accepts.update(accepted.get("accounts", {}))
    return evidence


def enable_rows(evidence: Evidence, plan: Plan) -> list[Row]:
    index = {a.account_id: i // plan.batch_size for i, a in enumerate(plan.accounts)}
    return [classify(evidence, plan, acct, region, index[acct]) for acct, region in plan.pairs()]


def enable_report(store: WorkStore, plan: Plan, event: Mapping[str, Any]) -> tuple[list[RegionRow], list[Row]]:
    evidence = gather(store, plan, event)
    return region_rows(evidence, plan), enable_rows(evidence, plan)


#: The report's ``regions`` and ``results`` by ``plan.workflow``; the document around them is shared.
REPORTS = {"enable": enable_report, "disable": disable_report}


def write_report(s3: S3Client, bucket: str, store: WorkStore, plan: Plan, event: ReportInput) -> ReportOutput:
    regions, rows = REPORTS[plan.workflow](store, plan, event)
    regions, rows = merge_replayed(store, plan, regions, rows)  # a replay reports the merged whole
    report = document(plan, clock.iso(clock.now()), regions, rows)
    key = report_key(plan.workflow, plan.execution)
    store.put_key(key, report)
    page_key = report_page_key(plan.workflow, plan.execution)
    store.put_page(page_key, render_html(report))  # the same page as `report --format html`
    result = outcome(report, bucket, key, page_key)
    if any(r.get("status") == "FAILED" for r in regions):
        result["failed"] = True  # a Region-level failure without a FAILED row (disable: a graph not deleted)
    return result


def lambda_handler(event: ReportInput, context: LambdaContext) -> ReportOutput:
    config = settings.load()
    aws = default_aws()
    s3 = aws.client("s3")
    store = WorkStore(s3, config.report_bucket, event["run"]["workflow"], event["run"]["execution"])
    plan = store.plan()
    result = write_report(s3, config.report_bucket, store, plan, event)
    logger.info("report written", extra={**keys(plan.execution), "summary": result["summary"]})
    return result
