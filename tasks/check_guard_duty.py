"""State ``CheckGuardDuty``: the administrator's GuardDuty gate for one Region.

Detective's older docs (and AWS's reference architecture) want the administrator enrolled in
GuardDuty for 48 hours before enabling Detective. This state reads the detector's age and says
whether the Region is READY, must wait until ``qualifies_at`` (TOO_YOUNG), or is skipped
(GUARDDUTY_NOT_ENABLED, ADMIN_REGION_NOT_ENABLED).

One invocation checks every Region concurrently and returns the per-Region outcome list
(tasks.region_outcomes) plus ``wait_until``: the earliest moment a Region that must wait
qualifies. The state machine waits until then and checks again (the check is read-only and
cheap, so every Region is simply checked again).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tasks import clock, errors
from tasks.aws import default_aws, translate_errors
from tasks.contracts import GateDocument, GuardDutyOutput, RunInput
from tasks.fanout import fan_out
from tasks.log import keys, logger
from tasks.region_outcomes import Outcome, failed, retried

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_guardduty import GuardDutyClient
    from types_boto3_guardduty.type_defs import GetDetectorResponseTypeDef

#: Clock skew tolerated at the gate, so a Wait that ends "exactly" at qualifies_at never loops.
GATE_TOLERANCE = timedelta(seconds=60)


@dataclass(frozen=True)
class GuardDutyGate:
    region: str
    gate: str  # READY | GUARDDUTY_TOO_YOUNG | GUARDDUTY_NOT_ENABLED | ADMIN_REGION_NOT_ENABLED
    guardduty_age_hours: float | None
    qualifies_at: str | None
    detail: str

    def document(self) -> GateDocument:
        """The gate as a Region's outcome carries it (every field, as ``asdict`` would give it)."""
        return {
            "region": self.region,
            "gate": self.gate,
            "guardduty_age_hours": self.guardduty_age_hours,
            "qualifies_at": self.qualifies_at,
            "detail": self.detail,
        }


def _admin_region_not_enabled(region: str) -> GuardDutyGate:
    return GuardDutyGate(
        region,
        "ADMIN_REGION_NOT_ENABLED",
        None,
        None,
        f"the administrator account has not enabled the opt-in Region {region}",
    )


def check_guard_duty(
    guardduty: GuardDutyClient, region: str, min_age_hours: float, now: datetime, admin_region_enabled: bool = True
) -> GuardDutyGate:
    if not admin_region_enabled:
        return _admin_region_not_enabled(region)
    if min_age_hours <= 0:
        return GuardDutyGate(region, "READY", None, None, "GuardDuty gate disabled (guardduty_min_age_hours = 0)")
    try:
        with translate_errors():
            detector_ids = guardduty.list_detectors().get("DetectorIds", [])
            detectors = [guardduty.get_detector(DetectorId=d) for d in detector_ids]
    except errors.RegionNotEnabled:
        return _admin_region_not_enabled(region)
    enabled = [d for d in detectors if d.get("Status") == "ENABLED"]
    if not enabled:
        state = "is disabled" if detectors else "does not exist"
        return GuardDutyGate(
            region, "GUARDDUTY_NOT_ENABLED", None, None, f"the administrator's GuardDuty detector in {region} {state}"
        )
    created = min(_created_at(d) for d in enabled)
    age_hours = round((now - created).total_seconds() / 3600, 2)
    qualifies = created + timedelta(hours=min_age_hours)
    if now + GATE_TOLERANCE >= qualifies:
        return GuardDutyGate(region, "READY", age_hours, None, f"GuardDuty enabled for {age_hours:.1f} h")
    # Round up to the next whole second so the Wait never ends before the gate opens.
    qualifies = qualifies.replace(microsecond=0) + timedelta(seconds=math.ceil(qualifies.microsecond / 1e6))
    return GuardDutyGate(
        region,
        "GUARDDUTY_TOO_YOUNG",
        age_hours,
        clock.iso(qualifies),
        f"GuardDuty enabled for {age_hours:.1f} h; Detective needs {min_age_hours:g} h "
        f"(qualifies at {clock.iso(qualifies)})",
    )


def _created_at(detector: GetDetectorResponseTypeDef) -> datetime:
    value = detector["CreatedAt"]
    return value if isinstance(value, datetime) else clock.parse_iso(str(value))


def region_outcome(gate: GuardDutyGate, wait: bool, dry_run: bool) -> Outcome:
    """READY (a dry run plans a Region that would wait as if its gate were open), WAITING or SKIPPED."""
    outcome: Outcome = {"region": gate.region, "guardduty": gate.document()}
    if gate.gate == "READY" or (gate.gate == "GUARDDUTY_TOO_YOUNG" and wait and dry_run):
        return {**outcome, "status": "READY"}
    if gate.gate == "GUARDDUTY_TOO_YOUNG" and wait:
        return {**outcome, "status": "WAITING"}
    return {**outcome, "status": "SKIPPED", "reason": gate.gate}


def lambda_handler(event: RunInput, context: LambdaContext) -> GuardDutyOutput:
    run = event["run"]
    min_age = float(run["guardduty_min_age_hours"])
    wait, dry_run = run["guardduty_wait"] == "wait", bool(run["dry_run"])
    disabled = set(run.get("admin_disabled_regions", []))
    now = clock.now()

    def check(outcome: Outcome) -> Outcome:
        region = outcome["region"]
        guardduty = default_aws().client("guardduty", region)
        gate = check_guard_duty(guardduty, region, min_age, now, admin_region_enabled=region not in disabled)
        logger.info("GuardDuty gate", extra={**keys(run["execution"], region=region), "gate": gate.gate})
        return region_outcome(gate, wait, dry_run)

    todo: list[Outcome] = [{"region": r} for r in run["regions"]]
    results = fan_out(retried(check), todo)
    outcomes = [failed(o, r) if isinstance(r, Exception) else r for o, r in zip(todo, results, strict=True)]
    gates = [o["guardduty"] for o in outcomes if o["status"] == "WAITING"]
    waiting = [q for q in (g["qualifies_at"] for g in gates) if q is not None]  # a WAITING gate always has one
    return {"regions": outcomes, "wait_until": min(waiting) if waiting else None}
