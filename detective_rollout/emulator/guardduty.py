"""Amazon GuardDuty detectors: enough for the 48-hour gate and for VOLUME_UNKNOWN.

The scenario's detectors are derived on demand (administrator: ``guardduty_age_hours`` per
Region, CreatedAt = clock start - age; members: every Region unless ``guardduty`` says false),
so a 1,200-account fleet costs nothing until asked; CreateDetector records real ones.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from detective_rollout.emulator import errors
from detective_rollout.emulator.base import Call, Params, ServiceModel
from detective_rollout.emulator.paging import page
from detective_rollout.emulator.state import Detector, key


def detector_id(account_id: str, region: str) -> str:
    return hashlib.sha256(f"detector|{account_id}|{region}".encode()).hexdigest()[:32]


def _timestamp(moment: datetime) -> str:
    """GuardDuty's string timestamps: ``2024-05-01T12:00:00.000Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class GuardDuty(ServiceModel):
    service = "guardduty"
    regional = True
    mutating = frozenset({"CreateDetector"})

    def detector(self, account_id: str, region: str) -> Detector | None:
        found = self.state.detectors.get(key(account_id, region))
        if found is not None:
            return found
        start = self.fleet.started_at
        admin = self.scenario.administrator
        if account_id == admin.account_id:
            age = admin.guardduty_age_hours.get(region)
            if age is None:
                return None
            created = start - timedelta(hours=age)
            return Detector(
                detector_id(account_id, region),
                account_id,
                region,
                created,
                created,
                enabled=region not in admin.guardduty_disabled_regions,
            )
        member = self.scenario.member_account(account_id)
        if member is None or not member.has_guardduty(region):
            return None
        created = start - timedelta(hours=member.guardduty_age_hours)
        return Detector(detector_id(account_id, region), account_id, region, created, created)

    def has_enabled_detector(self, account_id: str, region: str, now: datetime) -> bool:
        found = self.detector(account_id, region)
        return found is not None and found.enabled and found.created_at <= now

    def _own(self, call: Call, wanted: str) -> Detector:
        found = self.detector(call.account_id, call.region)
        if found is None or found.detector_id != wanted:
            raise errors.BadRequestException(
                "The request is rejected because the input detectorId is not owned by the current account."
            )
        return found

    def list_detectors(self, call: Call, params: Params) -> dict[str, Any]:
        found = self.detector(call.account_id, call.region)
        items = [{"id": found.detector_id}] if found else []
        out = page(params, items, "DetectorIds", lambda d: str(d["id"]), max_page=50, default_page=50)
        out["DetectorIds"] = [d["id"] for d in out["DetectorIds"]]
        return out

    def get_detector(self, call: Call, params: Params) -> dict[str, Any]:
        found = self._own(call, params["DetectorId"])
        return {
            "CreatedAt": _timestamp(found.created_at),
            "UpdatedAt": _timestamp(found.updated_at),
            "FindingPublishingFrequency": "SIX_HOURS",
            "ServiceRole": f"arn:aws:iam::{found.account_id}:role/aws-service-role/guardduty.amazonaws.com/"
            "AWSServiceRoleForAmazonGuardDuty",
            "Status": "ENABLED" if found.enabled else "DISABLED",
            "Tags": {},
        }

    def create_detector(self, call: Call, params: Params) -> dict[str, Any]:
        admin = self.scenario.administrator.account_id
        if call.account_id != admin and not self.scenario.member_role_allow_guardduty_enable:
            # a member account is reached only through the member role, which grants CreateDetector only
            # with the StackSet's AllowGuardDutyEnable=true (infra/member-role.yaml)
            raise errors.AccessDeniedException(
                f"User: {call.principal_arn} is not authorized to perform: guardduty:CreateDetector"
            )
        if self.detector(call.account_id, call.region) is not None:
            raise errors.BadRequestException(
                "The request is rejected because a detector already exists for the current account."
            )
        created = Detector(
            detector_id(call.account_id, call.region),
            call.account_id,
            call.region,
            call.now,
            call.now,
            enabled=bool(params.get("Enable", True)),
        )
        self.state.detectors[key(call.account_id, call.region)] = created
        return {"DetectorId": created.detector_id}
