"""``coverage``: which listed account x Region Detective covers now, on AWS or over the local fleet (read-only).

The document is :func:`tasks.coverage.compute_coverage`'s, the one the scheduled Lambda writes:
locally over the scenario's fleet (``--state-dir``'s when given, so it sees what earlier local runs
did), on AWS with the operator's session. The list defaults to the scenario's members locally and
to the registry ``s3://<report bucket>/registry/accounts.csv`` of the stack on AWS. Exit codes:
0 every pair COVERED and nothing UNLISTED, 3 otherwise, 2 bad input, 1 anything else.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from typing import Any

from detective_rollout.ops.exits import EXIT_ERROR, EXIT_FAILED_ROWS, EXIT_OK, fail, fail_invalid
from detective_rollout.ops.formats import emit
from detective_rollout.ops.inputs import parse_regions, read_accounts_file
from tasks import errors
from tasks.aws import Aws
from tasks.coverage import Listed, compute_coverage, is_covered, parse_account_list, read_account_list
from tasks.coverage_page import pairs, render_coverage_html
from tasks.triggers.registry import REGISTRY_KEY

#: The row fields in contract order (the CSV's columns and the table's).
ROW_FIELDS = ("account_id", "region", "state", "member_status", "reason", "since", "action")


class SessionAws(Aws):
    """The task code's :class:`~tasks.aws.Aws` over the operator's session (``--profile``/``--region``).

    Clients come from that session with its own retry settings (``AWS_MAX_ATTEMPTS`` applies), one per
    service and Region.
    """

    def __init__(self, session: Any) -> None:
        super().__init__()
        self._session = session
        self._made: dict[tuple[str, str | None], Any] = {}

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region)
        if key not in self._made:
            self._made[key] = self._session.client(service, region_name=region)
        return self._made[key]


def render_table(document: Mapping[str, Any]) -> str:
    from detective_rollout.render import text_table

    summary = document.get("summary", {})
    counts = ", ".join(f"{k} {summary.get(k, 0)}" for k in ("total", "COVERED", "NOT_COVERED", "UNLISTED"))
    rows = [
        [str(r.get(f) or "") for f in ("account_id", "region", "state", "member_status", "reason", "since")]
        for r in document.get("results", [])
        if r.get("state") != "COVERED"
    ]
    lines = [f"coverage of {document.get('administrator')} at {document.get('generated_at')}: {counts}"]
    if rows:
        lines += ["", *text_table(["ACCOUNT", "REGION", "STATE", "MEMBER STATUS", "REASON", "SINCE"], rows)]
    for action in document.get("actions", []):
        accounts = ", ".join(action["accounts"])
        lines.append(
            f"{action['reason'] or action['state']}: {action['action']} ({pairs(action['pairs'])}): {accounts}"
        )
    return "\n".join(lines) + "\n"


def render_csv(document: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROW_FIELDS)
    for row in document.get("results", []):
        writer.writerow(["" if row.get(f) is None else row.get(f) for f in ROW_FIELDS])
    return out.getvalue()


FORMATS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "table": render_table,
    "json": lambda document: json.dumps(document, indent=2) + "\n",
    "csv": render_csv,
    "html": render_coverage_html,
}


def _listed(accounts: str, read_s3: Callable[[str], bytes]) -> list[Listed]:
    text, uri = read_accounts_file(accounts)
    data = text.encode() if text is not None else read_s3(str(uri))
    return parse_account_list(data, "--accounts" if uri else f"--accounts {accounts}")


def _regions_arg(regions: str | None, default: list[str] | str) -> list[str] | str:
    parsed = parse_regions(regions)
    return default if parsed is None else parsed


def local_document(factory: Any, scenario: str, accounts: str | None, regions: str | None) -> dict[str, Any]:
    """Coverage over the scenario's fleet (``--state-dir``'s when given); the list may name a scenario s3 object."""
    import tasks.aws

    clock = factory.clock()
    fleet = factory.fleet(scenario, clock)
    objects = fleet.scenario.s3_objects

    def read_s3(uri: str) -> bytes:
        if uri not in objects:
            raise errors.InvalidInput(f"--accounts: {uri} is not one of the scenario's s3_objects")
        return str(objects[uri]).encode()

    members = [Listed(m.account_id, m.email) for m in fleet.scenario.members]
    listed = _listed(accounts, read_s3) if accounts else members
    chosen = _regions_arg(regions, list(fleet.scenario.regions))
    tasks.aws.reset()  # the task code's cached session predates the fleet's hook
    try:
        with fleet.intercept():
            return compute_coverage(Aws(), listed, chosen, clock.now())
    finally:
        tasks.aws.reset()


def aws_document(
    factory: Any, profile: str | None, region: str | None, stack_name: str, accounts: str | None, regions: str | None
) -> dict[str, Any]:
    """Coverage with the operator's session; the list defaults to the stack's registry."""
    from datetime import UTC, datetime

    from botocore.exceptions import NoRegionError

    session = factory.aws_session(profile, region)
    if not session.region_name:  # the stack's Region: where the registry and STS are read
        raise NoRegionError()
    aws = SessionAws(session)
    if accounts:
        listed = _listed(accounts, lambda uri: read_account_list(aws.client("s3"), uri, "--accounts"))
    else:
        from detective_rollout.ops.deployed import Deployment

        bucket = Deployment.from_stack(session.client("cloudformation"), stack_name).bucket
        uri = f"s3://{bucket}/{REGISTRY_KEY}"
        listed = parse_account_list(read_account_list(aws.client("s3"), uri, "the registry (the default list)"), uri)
    return compute_coverage(aws, listed, _regions_arg(regions, "all"), datetime.now(UTC))


def run_coverage(compute: Callable[[], dict[str, Any]], fmt: str, output: str | None) -> int:
    """Compute, render, write; the exit code (0 covered, 3 not). Task errors become the CLI's messages."""
    try:
        document = compute()
    except errors.InvalidInput as exc:
        fail_invalid(str(exc))
    except errors.RolloutError as exc:
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(exc.__cause__, ClientError | BotoCoreError):
            raise exc.__cause__ from None  # botocore's own error: handles_errors words it with its exit code
        fail(f"AWS: {exc}", EXIT_ERROR)
    emit(FORMATS[fmt](document), output, f"{fmt} coverage")
    return EXIT_OK if is_covered(document) else EXIT_FAILED_ROWS
