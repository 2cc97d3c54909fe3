"""Account list upload -> enable Detective for the accounts in it.

Putting ``rollouts/<anything>.csv`` in the report bucket starts one enable execution over that
file (the workflow reads it itself, so there is no Lambda time limit on the rollout). The template's
rule already matches only that prefix and suffix; the same check here keeps a misconfigured rule
from turning registry edits or reports into rollouts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tasks.aws import default_aws
from tasks.log import logger
from tasks.triggers.common import StartResult, detail, event_id, execution_name, required_env, start_execution

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_stepfunctions import SFNClient

SOURCE = "csv"
PREFIX = "rollouts/"
SUFFIX = ".csv"


def uploaded_object(event: dict[str, Any]) -> tuple[str, str]:
    """(bucket, key) of an S3 "Object Created" EventBridge event (keys arrive unencoded there)."""
    info = detail(event)
    bucket = str((info.get("bucket") or {}).get("name") or "")
    key = str((info.get("object") or {}).get("key") or "")
    return bucket, key


def is_rollout_list(bucket: str, key: str, expected_bucket: str) -> bool:
    return bucket == expected_bucket and key.startswith(PREFIX) and key.lower().endswith(SUFFIX)


def start_for_upload(
    event: dict[str, Any], *, sfn: SFNClient, state_machine_arn: str, bucket: str
) -> StartResult | None:
    """Start the enable machine for an uploaded account list; None (nothing started) for any other object."""
    event_bucket, key = uploaded_object(event)
    if not is_rollout_list(event_bucket, key, bucket):
        return None
    payload = {"accounts_csv": f"s3://{event_bucket}/{key}", "regions": "all", "source": SOURCE}
    stem = key[len(PREFIX) : -len(SUFFIX)]
    name = execution_name("csv", stem, event_id=event_id(event))
    return start_execution(sfn, state_machine_arn, name, payload)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state_machine_arn, bucket = required_env("ENABLE_STATE_MACHINE_ARN"), required_env("REPORT_BUCKET")
    result = start_for_upload(
        event, sfn=default_aws().client("stepfunctions"), state_machine_arn=state_machine_arn, bucket=bucket
    )
    if result is None:
        bucket, key = uploaded_object(event)
        logger.info("not an account list upload; nothing started", extra={"bucket": bucket, "key": key})
        return {"status": "IGNORED", "bucket": bucket, "key": key}
    logger.info("enable workflow for uploaded account list", extra=result.log_keys())
    return result.to_dict()
