"""Account vending -> enable Detective for the new account (Control Tower or Organizations event).

A vended account gets the member role from the StackSet minutes after the vending event, so the
execution retries AccessDenied for ``retry_access_denied_minutes`` instead of failing at once.
The root email Detective needs is not in the event: it comes from organizations:DescribeAccount
when this account may call it (management / delegated administrator), else from the registry.
Without an email nothing can be invited; the operator is told on the results topic what to add
(the text for email, an AWS Chatbot custom notification for Slack).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from tasks.aws import default_aws
from tasks.log import logger
from tasks.triggers.common import (
    StartResult,
    TriggerError,
    detail,
    event_id,
    execution_name,
    publish_to_topic,
    required_env,
    start_execution,
)
from tasks.triggers.registry import REGISTRY_KEY, normalize_account_id, read_registry

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_organizations import OrganizationsClient
    from types_boto3_s3 import S3Client
    from types_boto3_sns import SNSClient
    from types_boto3_stepfunctions import SFNClient

SOURCE = "vending-event"
#: The Chatbot notification's ``metadata.eventType`` for a vended account without a root email.
MISSING_EMAIL_EVENT = "DetectiveVendedAccountMissingEmail"

#: DescribeAccount errors that mean "this account may not ask" -> use the registry instead.
#: Anything else (throttling, 5xx) is raised so EventBridge's async retry tries again.
_NOT_PERMITTED = {
    "AccessDeniedException",
    "AccessDenied",
    "AWSOrganizationsNotInUseException",
    "AccountNotFoundException",
}


class MissingEmail(TriggerError):
    """No root email for the vended account in Organizations or the registry."""


@dataclass(frozen=True)
class VendedAccount:
    account_id: str
    account_name: str | None
    event_name: str


def vended_account(event: dict[str, Any]) -> VendedAccount:
    """The account a SUCCEEDED vending event is about (Control Tower create/update, Organizations create)."""
    info = detail(event)
    name = str(info.get("eventName") or "")
    details = info.get("serviceEventDetails") or {}
    if name == "CreateManagedAccount":
        status = details.get("createManagedAccountStatus") or {}
        account = status.get("account") or {}
        account_id, account_name = account.get("accountId"), account.get("accountName")
    elif name == "UpdateManagedAccount":
        status = details.get("updateManagedAccountStatus") or {}
        account = status.get("account") or {}
        account_id, account_name = account.get("accountId"), account.get("accountName")
    elif name == "CreateAccountResult":
        status = details.get("createAccountStatus") or {}
        account_id, account_name = status.get("accountId"), status.get("accountName")
    else:
        raise TriggerError(f"not an account vending event: detail.eventName={name!r}")
    if status.get("state") != "SUCCEEDED":
        raise TriggerError(f"{name} did not succeed (state={status.get('state')!r}); nothing to enable")
    account_id = normalize_account_id(str(account_id or ""))
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise TriggerError(f"{name} event carries no valid 12-digit account id (got {account_id!r})")
    return VendedAccount(account_id, str(account_name) if account_name else None, name)


def lookup_email(
    organizations: OrganizationsClient, s3: S3Client, bucket: str, account_id: str
) -> tuple[str | None, list[str]]:
    """(email or None, what was tried) - DescribeAccount first, then the registry."""
    tried: list[str] = []
    try:
        email = organizations.describe_account(AccountId=account_id)["Account"].get("Email")
        if email:
            return str(email), tried
        tried.append("organizations:DescribeAccount returned no email")
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code"))
        if code not in _NOT_PERMITTED:
            raise
        tried.append(f"organizations:DescribeAccount not permitted here ({code})")
    registry = read_registry(s3, bucket)
    if registry is None:
        tried.append(f"s3://{bucket}/{REGISTRY_KEY} does not exist")
        return None, tried
    email = registry.get(account_id)
    if email:
        return email, tried
    tried.append(f"s3://{bucket}/{REGISTRY_KEY} has no row for {account_id}")
    return None, tried


def notify_missing_email(sns: SNSClient, topic_arn: str, account: VendedAccount, bucket: str, tried: list[str]) -> str:
    label = f"{account.account_id} ({account.account_name})" if account.account_name else account.account_id
    message = (
        f"detective-rollout could not enable Amazon Detective for the newly vended account {label}: "
        f"no root email address was found, and Detective invitations need the account's root email.\n"
        f"Tried: {'; '.join(tried)}.\n"
        f"Fix: add the row '{account.account_id},<root email>' to s3://{bucket}/{REGISTRY_KEY}, then upload a CSV "
        f"with that row under s3://{bucket}/rollouts/ "
        "(or let the scheduled coverage run heal it, with ReconcileMode heal)."
    )
    subject = f"detective-rollout: no root email for vended account {account.account_id}"
    publish_to_topic(sns, topic_arn, subject, message, icon=":warning:", event_type=MISSING_EMAIL_EVENT)
    return message


def start_for_vended_account(
    event: dict[str, Any],
    *,
    sfn: SFNClient,
    organizations: OrganizationsClient,
    s3: S3Client,
    sns: SNSClient,
    state_machine_arn: str,
    bucket: str,
    topic_arn: str,
    retry_access_denied_minutes: int,
) -> StartResult:
    """Start the enable machine for the vended account in all Regions (raises MissingEmail after notifying)."""
    account = vended_account(event)
    email, tried = lookup_email(organizations, s3, bucket, account.account_id)
    if email is None:
        raise MissingEmail(notify_missing_email(sns, topic_arn, account, bucket, tried))
    payload = {
        "accounts": [{"account_id": account.account_id, "email": email}],
        "regions": "all",
        "retry_access_denied_minutes": retry_access_denied_minutes,
        "source": SOURCE,
    }
    name = execution_name("vending", account.account_id, event_id=event_id(event))
    return start_execution(sfn, state_machine_arn, name, payload)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """EventBridge target. A missing email is reported (SNS) and not raised: a retry cannot find it either."""
    settings = {
        "state_machine_arn": required_env("ENABLE_STATE_MACHINE_ARN"),
        "bucket": required_env("REPORT_BUCKET"),
        "topic_arn": required_env("RESULTS_TOPIC_ARN"),
    }
    minutes = int(required_env("RETRY_ACCESS_DENIED_MINUTES"))
    aws = default_aws()
    try:
        result = start_for_vended_account(
            event,
            sfn=aws.client("stepfunctions"),
            organizations=aws.client("organizations"),
            s3=aws.client("s3"),
            sns=aws.client("sns"),
            retry_access_denied_minutes=minutes,
            **settings,
        )
    except MissingEmail as exc:
        logger.error("vended account has no root email", extra={"event_id": event.get("id"), "error": str(exc)})
        return {"status": "MISSING_EMAIL", "error": str(exc)}
    logger.info("enable workflow for vended account", extra=result.log_keys())
    return result.to_dict()
