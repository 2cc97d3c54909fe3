"""Deployment settings of the task code, read from the Lambda environment at call time.

The SAM template sets these in Globals.Function.Environment; the embedded engine exports the
same variables from the same template, so local runs use the deployment's defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    report_bucket: str
    member_role_name: str
    member_role_external_id: str | None
    default_batch_size: int
    default_max_concurrency: int
    invitation_wait_seconds: int


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


def load() -> Settings:
    return Settings(
        report_bucket=os.environ.get("REPORT_BUCKET", ""),
        member_role_name=os.environ.get("MEMBER_ROLE_NAME", "DetectiveMemberRole"),
        member_role_external_id=os.environ.get("MEMBER_ROLE_EXTERNAL_ID") or None,
        default_batch_size=_int("DEFAULT_BATCH_SIZE", 10),
        default_max_concurrency=_int("DEFAULT_MAX_CONCURRENCY", 10),
        invitation_wait_seconds=_int("INVITATION_WAIT_SECONDS", 60),
    )
