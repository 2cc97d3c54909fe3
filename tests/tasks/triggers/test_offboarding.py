"""tasks.triggers.offboarding: an account leaving the organization starts the disable machine for that account."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tasks.triggers import offboarding
from tasks.triggers.common import TriggerError
from tests.helpers.triggers import DISABLE_ARN, StubbedAws, sample_event, stubbed

STARTED = {"executionArn": "arn:aws:states:eu-west-1:111111111111:execution:x:y", "startDate": "2026-03-05T09:30:01Z"}


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


OFFBOARDING = {
    "organizations-close-account": ("222233334444", "9b62d370-c16e-4e97-b518-723fa05d6e54"),
    "organizations-remove-account": ("222233335555", "ac73e481-d27f-4fa8-8629-834fb16e7f65"),
    "organizations-close-account-result": ("222233334444", "5e0c1a7b-3f2d-4c8e-9b6a-7d1e2f3a4b5c"),
    "organizations-account-departed": ("222233336666", "6f1d2b8c-4a3e-4d9f-8c7b-8e2f3a4b5c6d"),
}


@pytest.mark.parametrize("name", sorted(OFFBOARDING))
def test_departure_starts_the_disable_machine_for_that_account(name: str) -> None:
    account, event_id = OFFBOARDING[name]
    payload = {"accounts": [{"account_id": account}], "regions": "all", "source": "offboarding-event"}
    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_response(
            "start_execution",
            STARTED,
            {"stateMachineArn": DISABLE_ARN, "name": f"offboarding-{account}-{event_id}", "input": _json(payload)},
        )
        result = offboarding.start_for_departed_account(sample_event(name), sfn=sfn, state_machine_arn=DISABLE_ARN)
    assert result.status == "STARTED"


def test_offboarding_duplicate_delivery_is_success() -> None:
    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_client_error("start_execution", "ExecutionAlreadyExists")
        result = offboarding.start_for_departed_account(
            sample_event("organizations-close-account"), sfn=sfn, state_machine_arn=DISABLE_ARN
        )
    assert result.status == "ALREADY_STARTED"
    assert result.execution_arn.endswith(
        ":execution:dr-disable-detective:offboarding-222233334444-9b62d370-c16e-4e97-b518-723fa05d6e54"
    )


def test_a_failed_call_starts_nothing() -> None:
    with pytest.raises(TriggerError, match="did not leave"):
        offboarding.departed_account(sample_event("organizations-remove-account-failed"))


def test_a_failed_closure_result_starts_nothing() -> None:
    event = sample_event("organizations-close-account-result")
    event["detail"]["serviceEventDetails"]["closeAccountStatus"]["state"] = "FAILED"
    with pytest.raises(TriggerError, match="was not closed"):
        offboarding.departed_account(event)


def test_a_departure_event_without_an_account_id_is_refused_not_guessed() -> None:
    """The management account's own id (recipientAccountId) must never be taken for the departed account's."""
    event = sample_event("organizations-account-departed")
    event["detail"]["serviceEventDetails"] = {"departureMethod": "LEFT", "departureTime": "2026-03-05T09:30:00Z"}
    with pytest.raises(TriggerError, match="no valid 12-digit account id"):
        offboarding.departed_account(event)


def test_leave_organization_is_not_an_event_this_trigger_receives() -> None:
    with pytest.raises(TriggerError, match="not an offboarding event"):
        offboarding.departed_account(sample_event("organizations-leave-organization"))


def test_other_start_errors_propagate_for_eventbridge_to_retry() -> None:
    from botocore.exceptions import ClientError

    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_client_error("start_execution", "ThrottlingException", http_status_code=400)
        with pytest.raises(ClientError):
            offboarding.start_for_departed_account(
                sample_event("organizations-close-account"), sfn=sfn, state_machine_arn=DISABLE_ARN
            )


def test_handlers_refuse_to_run_without_their_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISABLE_STATE_MACHINE_ARN", raising=False)
    monkeypatch.setattr(offboarding, "default_aws", lambda: StubbedAws({}))
    with pytest.raises(TriggerError, match="DISABLE_STATE_MACHINE_ARN"):
        offboarding.lambda_handler(sample_event("organizations-close-account"), None)


def test_offboarding_handler_starts_the_disable_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISABLE_STATE_MACHINE_ARN", DISABLE_ARN)
    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_response("start_execution", STARTED)
        monkeypatch.setattr(offboarding, "default_aws", lambda: StubbedAws({"stepfunctions": sfn}))
        result = offboarding.lambda_handler(sample_event("organizations-account-departed"), None)
    assert result["status"] == "STARTED" and result["input"]["accounts"] == [{"account_id": "222233336666"}]
