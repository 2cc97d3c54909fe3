"""Account closed or left the organization -> take it out of every behavior graph (disable machine).

Organizations records these as CloudTrail API calls: CloseAccount and RemoveAccountFromOrganization
are made by the management account and name the account in ``requestParameters.accountId``;
LeaveOrganization is made by the leaving account itself, so the account is the caller. Failed
calls (``errorCode`` set) changed nothing and start nothing.
"""

from __future__ import annotations

from typing import Any

from tasks.aws import default_aws
from tasks.log import logger
from tasks.triggers.common import (
    StartResult,
    TriggerError,
    detail,
    event_id,
    execution_name,
    required_env,
    start_execution,
)
from tasks.triggers.registry import normalize_account_id

SOURCE = "offboarding-event"
EVENT_NAMES = ("CloseAccount", "RemoveAccountFromOrganization", "LeaveOrganization")


def departed_account(event: dict[str, Any]) -> tuple[str, str]:
    """(account id, event name) of a successful offboarding CloudTrail event."""
    info = detail(event)
    name = str(info.get("eventName") or "")
    if name not in EVENT_NAMES:
        raise TriggerError(f"not an offboarding event: detail.eventName={name!r} (expected one of {EVENT_NAMES})")
    if info.get("errorCode"):
        raise TriggerError(f"{name} failed ({info['errorCode']}); the account did not leave")
    if name == "LeaveOrganization":
        raw = (info.get("userIdentity") or {}).get("accountId") or info.get("recipientAccountId")
    else:
        raw = (info.get("requestParameters") or {}).get("accountId")
    account_id = normalize_account_id(str(raw or ""))
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise TriggerError(f"{name} event carries no valid 12-digit account id (got {account_id!r})")
    return account_id, name


def start_for_departed_account(event: dict[str, Any], *, sfn: Any, state_machine_arn: str) -> StartResult:
    """Start the disable machine for that one account in all Regions; the execution name is the event's."""
    account_id, _ = departed_account(event)
    payload = {"accounts": [{"account_id": account_id}], "regions": "all", "source": SOURCE}
    name = execution_name("offboarding", account_id, event_id=event_id(event))
    return start_execution(sfn, state_machine_arn, name, payload)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    state_machine_arn = required_env("DISABLE_STATE_MACHINE_ARN")
    sfn = default_aws().client("stepfunctions")
    result = start_for_departed_account(event, sfn=sfn, state_machine_arn=state_machine_arn)
    logger.info("disable workflow for departed account", extra=result.log_keys())
    return result.to_dict()
