"""The execution alert's deployment: every event-invoked function reports its own failure, the topic wants TLS.

The function itself is tested in tests/tasks/triggers/test_execution_alert.py.
"""

from __future__ import annotations

from typing import Any

from infra_cfn import resources


def test_every_function_an_event_invokes_reports_its_own_failure_on_the_results_topic(template: dict[str, Any]) -> None:
    """Asynchronous invocations: two retries, then the event and the error go to the results topic."""
    invoked = {
        n: f for n, f in resources(template, "AWS::Serverless::Function").items() if f["Properties"].get("Events")
    }
    assert {
        "VendingTriggerFunction",
        "UploadTriggerFunction",
        "OffboardingTriggerFunction",
        "ExecutionAlertFunction",
    } <= set(invoked)
    for name, function in invoked.items():
        config = function["Properties"]["EventInvokeConfig"]
        assert config["MaximumRetryAttempts"] == 2, name
        assert config["DestinationConfig"]["OnFailure"] == {"Type": "SNS", "Destination": {"Ref": "ResultsTopic"}}, name


def test_the_topic_refuses_publishing_without_tls(template: dict[str, Any]) -> None:
    (policy,) = resources(template, "AWS::SNS::TopicPolicy").values()
    assert policy["Properties"]["Topics"] == [{"Ref": "ResultsTopic"}]
    (deny,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and "sns:Publish" in deny["Action"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == {"Ref": "ResultsTopic"}
