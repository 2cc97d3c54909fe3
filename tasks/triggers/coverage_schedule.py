"""The daily coverage run: the registry's coverage written to the report bucket, what changed on the topic, and heal.

Every run computes :func:`tasks.coverage.compute_coverage` over ``registry/accounts.csv`` (all the
Detective Regions the administrator enabled, or ``COVERAGE_REGIONS``), writes
``coverage/<timestamp>.json`` / ``.html`` and ``coverage/latest.json`` / ``latest.html``, and
publishes to the results topic only what changed since the previous ``latest.json`` - pairs newly
NOT_COVERED or UNLISTED, pairs that became COVERED - with the counts; nothing changed, no message.
The message is text for email and an AWS Chatbot custom notification for Slack (one per protocol).

``RECONCILE_MODE=heal`` also starts the enable workflow (``source: "reconcile"``) for the
NOT_COVERED pairs enabling fixes: NOT_A_MEMBER, NO_GRAPH, VOLUME_UNKNOWN, and INVITED for longer than
``HEAL_INVITED_AFTER_HOURS``. It never offboards: UNLISTED pairs are reported with the ``disable``
command to run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tasks import clock
from tasks.aws import Aws, default_aws, translate_errors
from tasks.clock import iso, parse_iso
from tasks.coverage import COVERED, NOT_COVERED, UNLISTED, Listed, compute_coverage, is_covered, parse_account_list
from tasks.coverage import read_account_list as read_list
from tasks.coverage_page import render_coverage_html
from tasks.log import logger
from tasks.triggers.common import StartResult, execution_name, publish_to_topic, required_env, start_execution
from tasks.triggers.registry import REGISTRY_KEY

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_s3 import S3Client

SOURCE = "reconcile"
LATEST = "coverage/latest"
MODES = ("report", "heal")
#: Pairs a message names per change; it counts the rest (the page lists every pair).
LISTED_PAIRS = 50
#: NOT_COVERED reasons an enable run fixes (INVITED only once the invitation is older than the setting).
HEALABLE = frozenset({"NOT_A_MEMBER", "NO_GRAPH", "VOLUME_UNKNOWN", "INVITED"})
Pair = tuple[str, str]


@dataclass(frozen=True)
class Schedule:
    """The deployment's settings of the run (template parameters through the environment)."""

    bucket: str
    topic_arn: str
    enable_arn: str
    mode: str = "report"
    invited_after_hours: float = 24.0
    regions: str | tuple[str, ...] = "all"

    @classmethod
    def from_env(cls) -> Schedule:
        mode = os.environ.get("RECONCILE_MODE", "report").strip() or "report"
        if mode not in MODES:
            raise ValueError(f"RECONCILE_MODE: expected report or heal, got {mode!r} (see infra/template.yaml)")
        regions = os.environ.get("COVERAGE_REGIONS", "all").strip() or "all"
        return cls(
            bucket=required_env("REPORT_BUCKET"),
            topic_arn=required_env("RESULTS_TOPIC_ARN"),
            enable_arn=required_env("ENABLE_STATE_MACHINE_ARN"),
            mode=mode,
            invited_after_hours=float(os.environ.get("HEAL_INVITED_AFTER_HOURS", "24")),
            regions="all" if regions == "all" else tuple(r.strip() for r in regions.split(",") if r.strip()),
        )


def _states(document: Mapping[str, Any] | None) -> dict[Pair, str]:
    rows = (document or {}).get("results", [])
    return {(str(r["account_id"]), str(r["region"])): str(r["state"]) for r in rows}


def changes(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> dict[str, list[Pair]]:
    """Pairs newly NOT_COVERED, newly UNLISTED, and newly COVERED (a pair not seen before is new, never "became")."""
    before, now = _states(previous), _states(current)
    return {
        NOT_COVERED: sorted(p for p, s in now.items() if s == NOT_COVERED and before.get(p) != NOT_COVERED),
        UNLISTED: sorted(p for p, s in now.items() if s == UNLISTED and before.get(p) != UNLISTED),
        COVERED: sorted(p for p, s in now.items() if s == COVERED and before.get(p) not in (None, COVERED)),
    }


def disable_command(pairs: Sequence[Pair]) -> str:
    """The command that offboards the UNLISTED ``pairs`` (the operator decides; the schedule never does).

    Past :data:`LISTED_PAIRS` pairs the accounts are named by where to find them, keeping the message small.
    """
    accounts = sorted({a for a, _ in pairs})
    regions = sorted({r for _, r in pairs})
    named = (
        ", ".join(accounts) if len(pairs) <= LISTED_PAIRS else f"the {len(accounts)} UNLISTED accounts in {LATEST}.json"
    )
    return f"detective-rollout disable --accounts <CSV of {named}> --regions {','.join(regions)}"


def message(document: Mapping[str, Any], changed: Mapping[str, list[Pair]], keys: Sequence[str]) -> str:
    """The notification: counts, each change's pairs with their reasons, the disable command, the page's keys.

    Each change lists at most :data:`LISTED_PAIRS` pairs and counts the rest (the page lists them all), so a
    first run over a large fleet stays well within SNS's 256 KB message limit ("Publish", Amazon SNS API
    Reference) even as the two per-protocol copies :func:`tasks.report.per_protocol_message` makes.
    """
    summary = document["summary"]
    reasons = {(r["account_id"], r["region"]): r["reason"] for r in document["results"]}
    lines = [
        f"Detective coverage of {document['administrator']} at {document['generated_at']}: "
        + ", ".join(f"{k} {summary[k]}" for k in ("total", COVERED, NOT_COVERED, UNLISTED)),
    ]
    titles = {NOT_COVERED: "Newly NOT_COVERED", UNLISTED: "Newly UNLISTED", COVERED: "Newly COVERED"}
    for state, title in titles.items():
        pairs = changed[state]
        if pairs:
            lines += ["", f"{title} ({len(pairs)}):"]
            lines += [
                f"  {a} {r}" + (f" {reasons[(a, r)]}" if reasons.get((a, r)) else "") for a, r in pairs[:LISTED_PAIRS]
            ]
            if len(pairs) > LISTED_PAIRS:
                lines.append(f"  ... and {len(pairs) - LISTED_PAIRS} more: {LATEST}.html")
    if changed[UNLISTED]:
        lines += ["", f"To offboard them (after checking): {disable_command(changed[UNLISTED])}"]
    lines += ["", "Reports: " + ", ".join(keys)]
    return "\n".join(lines)


def heal_input(
    document: Mapping[str, Any], listed: Sequence[Listed], invited_after_hours: float, now: datetime
) -> dict[str, Any] | None:
    """The enable input for the pairs enabling fixes, per account with its Regions; None when there are none.

    Accounts the list gives no email cannot be invited: they are left out (their rows stay NOT_COVERED). So is
    the administrator when the registry lists it: enable refuses it as its own member, failing the whole run.
    """
    emails = {a.account_id: a.email for a in listed if a.email and a.account_id != document["administrator"]}
    oldest = now - timedelta(hours=invited_after_hours)
    regions: dict[str, list[str]] = {}
    for row in document["results"]:
        if row["state"] != NOT_COVERED or row["reason"] not in HEALABLE or row["account_id"] not in emails:
            continue
        if row["reason"] == "INVITED" and (not row["since"] or parse_iso(row["since"]) > oldest):
            continue
        regions.setdefault(row["account_id"], []).append(row["region"])
    if not regions:
        return None
    accounts = [{"account_id": a, "email": emails[a], "regions": r} for a, r in regions.items()]
    every = sorted({r for rs in regions.values() for r in rs})
    return {"accounts": accounts, "regions": every, "source": SOURCE}


def _read_latest(s3: S3Client, bucket: str) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    try:
        body = s3.get_object(Bucket=bucket, Key=f"{LATEST}.json")["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            return None
        raise
    loaded = json.loads(body)
    return loaded if isinstance(loaded, dict) and loaded.get("kind") == "coverage" else None


def _write(s3: S3Client, bucket: str, base: str, document: Mapping[str, Any]) -> list[str]:
    """``base``.json and ``base``.html: the document and its page."""
    text, page = json.dumps(document, indent=1), render_coverage_html(document)
    with translate_errors():
        s3.put_object(Bucket=bucket, Key=f"{base}.json", Body=text.encode(), ContentType="application/json")
        s3.put_object(Bucket=bucket, Key=f"{base}.html", Body=page.encode(), ContentType="text/html")
    return [f"{base}.json", f"{base}.html"]


def _publish(aws: Aws, topic_arn: str, document: Mapping[str, Any], text: str) -> None:
    subject = f"Detective coverage changed: {document['summary'][NOT_COVERED]} NOT_COVERED"[:100]
    icon = ":white_check_mark:" if is_covered(document) else ":warning:"
    with translate_errors():
        publish_to_topic(aws.client("sns"), topic_arn, subject, text, icon=icon, event_type="DetectiveCoverageChanged")


def scheduled_coverage(aws: Aws, schedule: Schedule, now: datetime, event_id: str) -> dict[str, Any]:
    """One scheduled run: compute, compare with the previous latest, write, notify on change, heal if asked.

    ``latest.*`` is written only once the change is published: when Publish fails the invocation fails,
    and Lambda's retry still compares with the earlier ``latest.json`` and publishes the change.
    """
    s3 = aws.client("s3")
    listed = parse_account_list(read_list(s3, f"s3://{schedule.bucket}/{REGISTRY_KEY}", "registry"), "registry")
    document = compute_coverage(aws, listed, schedule.regions, now)
    with translate_errors():
        previous = _read_latest(s3, schedule.bucket)
    stamp = str(document["generated_at"]).replace(":", "-")
    keys = _write(s3, schedule.bucket, f"coverage/{stamp}", document) + [f"{LATEST}.json", f"{LATEST}.html"]
    changed = changes(previous, document)
    published = any(changed.values())
    if published:
        _publish(aws, schedule.topic_arn, document, message(document, changed, keys))
    _write(s3, schedule.bucket, LATEST, document)
    started: StartResult | None = None
    payload = heal_input(document, listed, schedule.invited_after_hours, now) if schedule.mode == "heal" else None
    if payload is not None:
        name = execution_name("reconcile", event_id=event_id)
        with translate_errors():
            started = start_execution(aws.client("stepfunctions"), schedule.enable_arn, name, payload)
    return {
        "summary": document["summary"],
        "keys": keys,
        "published": published,
        "changes": {k: len(v) for k, v in changed.items()},
        "heal": started.log_keys() if started else None,
    }


def lambda_handler(event: dict[str, Any], context: LambdaContext | None) -> dict[str, Any]:
    """EventBridge Scheduler/rule event -> the run's outcome (keys written, whether it published, what it started)."""
    outcome = scheduled_coverage(
        default_aws(), Schedule.from_env(), clock.now(), str(event.get("id") or iso(clock.now()))
    )
    logger.info("coverage run", extra=outcome)
    return outcome
