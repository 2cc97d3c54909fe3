"""AWS STS: who the caller is, and AssumeRole into the fleet's member role.

The scenario's role exists in every account (the administrator's too) and trusts the
administrator account, unless a fault (``no_role``, ``closed``, ``untrusted_role``) or a
``role_removed`` event says otherwise. Assumed-role credentials act as the role's account.
Credentials never expire here: the instant clock can jump 48 hours while another Map
iteration holds keys obtained a moment earlier, which AWS would never see.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta
from typing import Any

from detective_rollout.emulator import errors
from detective_rollout.emulator.base import Call, Params, ServiceModel
from detective_rollout.emulator.state import Identity

_ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]+)$")
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")


def admin_principal(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:user/emulator-admin"


def _token(*parts: object, length: int) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest() * 4
    return base64.b32encode(digest).decode().rstrip("=")[:length]


class Sts(ServiceModel):
    service = "sts"

    def fault_subject(self, operation: str, params: Params, caller: str) -> str:
        """AssumeRole counts against the account whose role is assumed (faults name that account)."""
        match = _ROLE_ARN.match(str(params.get("RoleArn", ""))) if operation == "AssumeRole" else None
        return match.group(1) if match else caller

    def get_caller_identity(self, call: Call, params: Params) -> dict[str, Any]:
        identity = self.state.identities.get(call.access_key)
        user_id = identity.user_id if identity else "AIDA" + _token("user", call.account_id, length=17)
        return {"UserId": user_id, "Account": call.account_id, "Arn": call.principal_arn}

    def assume_role(self, call: Call, params: Params) -> dict[str, Any]:
        role_arn = str(params.get("RoleArn", ""))
        session = str(params.get("RoleSessionName", ""))
        match = _ROLE_ARN.match(role_arn)
        if not match:
            raise errors.ValidationError(f"{role_arn!r} is not a valid role ARN (roleArn).")
        if not _SESSION_NAME.match(session):
            raise errors.ValidationError(
                f"1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            )
        duration = int(params.get("DurationSeconds") or 3600)
        if not 900 <= duration <= 43200:
            raise errors.ValidationError(
                f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy "
                "constraint: Member must have value less than or equal to 43200"
            )
        account_id, role_name = match.groups()
        if not self._may_assume(call, account_id, role_name, params.get("ExternalId")):
            raise errors.AccessDenied(
                f"User: {call.principal_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            )
        self.state.serial += 1
        serial = self.state.serial
        access_key = "ASIA" + _token("key", self.scenario.seed, serial, account_id, length=16)
        role_id = "AROA" + _token("role", account_id, role_name, length=17)
        arn = f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session}"
        self.state.identities[access_key] = Identity(access_key, account_id, arn, f"{role_id}:{session}")
        return {
            "Credentials": {
                "AccessKeyId": access_key,
                "SecretAccessKey": _token("secret", self.scenario.seed, serial, length=40),
                "SessionToken": "FwoGZXIvYXdzE" + _token("session", self.scenario.seed, serial, length=120),
                "Expiration": call.now + timedelta(seconds=duration),
            },
            "AssumedRoleUser": {"AssumedRoleId": f"{role_id}:{session}", "Arn": arn},
            "PackedPolicySize": 0,
        }

    def _may_assume(self, call: Call, account_id: str, role_name: str, external_id: Any) -> bool:
        if account_id not in self.scenario.account_ids or role_name != self.scenario.member_role:
            return False  # no such account or role
        if self.fleet.faults.role_state(account_id, call.now) is not None:
            return False  # closed, no_role, untrusted_role or role_removed
        expected = self.scenario.member_role_external_id
        if expected is not None and external_id != expected:
            return False  # the trust policy's sts:ExternalId condition
        return call.account_id == self.scenario.administrator.account_id
