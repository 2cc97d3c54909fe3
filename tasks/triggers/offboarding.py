"""Account closed or gone from the organization -> take it out of every behavior graph (disable machine).

What reaches the management account's bus (docs/offboarding.md has the table and the sources):
- ``CloseAccount`` and ``RemoveAccountFromOrganization``: API calls the management account makes
  ("AWS API Call via CloudTrail", a trail with logging on is needed); the account is
  ``requestParameters.accountId``. Failed calls (``errorCode`` set) changed nothing and start nothing.
- ``CloseAccountResult``: the service event Organizations publishes once a CloseAccount finished
  (CloseAccount - AWS Organizations API Reference); the account is ``serviceEventDetails.closeAccountStatus``.
- ``AccountDepartedOrganization``: the membership event Organizations logs in the management account when an
  account leaves (departureMethod LEFT, the only trace of a LeaveOrganization there), is removed (REMOVED) or
  is cleaned up 90 days after closure (CLEANED) (LeaveOrganization, RemoveAccountFromOrganization - AWS
  Organizations API Reference). The reference names departureMethod and departureTime but shows no example of
  where the account id sits, so it is looked for under ``serviceEventDetails``; an event without one is refused
  (the failure reaches the results topic with the event).
``LeaveOrganization`` itself is recorded in the leaving account only and never reaches this bus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_stepfunctions import SFNClient

SOURCE = "offboarding-event"
API_CALLS = ("CloseAccount", "RemoveAccountFromOrganization")
SERVICE_EVENTS = ("CloseAccountResult", "AccountDepartedOrganization")
EVENT_NAMES = API_CALLS + SERVICE_EVENTS


def _account_id_in(details: dict[str, Any]) -> Any:
    """``accountId`` of the service event's details, at their top level or one object down."""
    for key in ("accountId", "AccountId"):
        if details.get(key):
            return details[key]
    for value in details.values():
        if isinstance(value, dict):
            for key in ("accountId", "AccountId"):
                if value.get(key):
                    return value[key]
    return None


def departed_account(event: dict[str, Any]) -> tuple[str, str]:
    """(account id, event name) of an event that says an account was closed or left the organization."""
    info = detail(event)
    name = str(info.get("eventName") or "")
    if name not in EVENT_NAMES:
        raise TriggerError(f"not an offboarding event: detail.eventName={name!r} (expected one of {EVENT_NAMES})")
    if info.get("errorCode"):
        raise TriggerError(f"{name} failed ({info['errorCode']}); the account did not leave")
    if name in API_CALLS:
        raw = (info.get("requestParameters") or {}).get("accountId")
    else:
        details = info.get("serviceEventDetails") or {}
        state = (details.get("closeAccountStatus") or {}).get("state")
        if name == "CloseAccountResult" and state not in (None, "SUCCEEDED"):
            raise TriggerError(f"{name} did not succeed (state={state!r}); the account was not closed")
        raw = _account_id_in(details)
    account_id = normalize_account_id(str(raw or ""))
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise TriggerError(f"{name} event carries no valid 12-digit account id (got {account_id!r})")
    return account_id, name


def start_for_departed_account(event: dict[str, Any], *, sfn: SFNClient, state_machine_arn: str) -> StartResult:
    """Start the disable machine for that one account in all Regions; the execution name is the event's."""
    account_id, _ = departed_account(event)
    payload = {"accounts": [{"account_id": account_id}], "regions": "all", "source": SOURCE}
    name = execution_name("offboarding", account_id, event_id=event_id(event))
    return start_execution(sfn, state_machine_arn, name, payload)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state_machine_arn = required_env("DISABLE_STATE_MACHINE_ARN")
    sfn = default_aws().client("stepfunctions")
    result = start_for_departed_account(event, sfn=sfn, state_machine_arn=state_machine_arn)
    logger.info("disable workflow for departed account", extra=result.log_keys())
    return result.to_dict()
