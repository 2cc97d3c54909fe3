"""The report bucket is private, encrypted, versioned, TLS-only and expires scratch data; the topic is encrypted."""

from __future__ import annotations

from typing import Any

from infra_cfn import resources


def _bucket(template: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = resources(template)["ReportBucket"]["Properties"]
    return props


def test_bucket_blocks_public_access(template: dict[str, Any]) -> None:
    block = _bucket(template)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert _bucket(template)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_bucket_is_encrypted_and_versioned(template: dict[str, Any]) -> None:
    (rule,) = _bucket(template)["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert _bucket(template)["VersioningConfiguration"] == {"Status": "Enabled"}


def test_bucket_policy_denies_insecure_transport(template: dict[str, Any]) -> None:
    policy = resources(template, "AWS::S3::BucketPolicy")["ReportBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "ReportBucket"}
    (deny,) = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [{"Fn::GetAtt": ["ReportBucket", "Arn"]}, {"Fn::Sub": "${ReportBucket.Arn}/*"}]
    assert all(s["Effect"] == "Deny" for s in policy["PolicyDocument"]["Statement"]), "the bucket grants nobody"


def test_lifecycle_expires_work_and_keeps_reports(template: dict[str, Any]) -> None:
    rules = {r["Prefix"]: r for r in _bucket(template)["LifecycleConfiguration"]["Rules"] if "Prefix" in r}
    assert rules["work/"]["ExpirationInDays"] == {"Ref": "WorkRetentionDays"}
    assert template["Parameters"]["WorkRetentionDays"]["Default"] == 14
    reports = rules["reports/"]
    assert reports["ExpirationInDays"] == {"Ref": "ReportRetentionDays"}
    assert template["Parameters"]["ReportRetentionDays"]["Default"] > 14
    assert reports["Transitions"][0]["StorageClass"] == "STANDARD_IA"
    assert rules["coverage/"]["ExpirationInDays"] == {"Ref": "ReportRetentionDays"}  # the daily coverage pages
    assert all(r["Status"] == "Enabled" for r in _bucket(template)["LifecycleConfiguration"]["Rules"])


def test_bucket_sends_events_to_eventbridge(template: dict[str, Any]) -> None:
    """The upload trigger listens on EventBridge, not on a bucket notification (no dependency cycle)."""
    notification = _bucket(template)["NotificationConfiguration"]
    assert notification == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}


def test_topic_is_encrypted_and_email_is_optional(template: dict[str, Any]) -> None:
    topic = resources(template)["ResultsTopic"]["Properties"]
    assert topic["KmsMasterKeyId"]
    subscription = resources(template)["ResultsEmailSubscription"]
    assert subscription["Condition"] == "HasNotificationEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "NotificationEmail"}
    assert template["Parameters"]["NotificationEmail"]["Default"] == ""


def test_state_machine_logs_keep_execution_data_out(template: dict[str, Any]) -> None:
    """Execution data holds root emails: the logs record errors, not payloads."""
    for machine in resources(template, "AWS::Serverless::StateMachine").values():
        assert machine["Properties"]["Logging"]["IncludeExecutionData"] is False
    for group in resources(template, "AWS::Logs::LogGroup").values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
