"""Error classes whose names are the error names the state machines' Retry/Catch match.

A Lambda handler that raises one of these reaches Step Functions with the class name as the
error name, so keep names stable: `tests/test_asl_error_names.py` checks that every
ErrorEquals name in statemachines/ is defined here or is a real States.* / Lambda.* name.

Retryable errors (the ASL retries them with back-off) derive from :class:`RetryableError`;
everything else is terminal for the state that raised it.
"""

from __future__ import annotations

from tasks.masking import mask_emails


class RolloutError(Exception):
    """Base of every error the task code raises on purpose.

    Its message becomes an execution's cause, so every email in it is masked here, whatever
    built it (an AWS error message included).
    """

    def __init__(self, message: str, *, code: str | None = None) -> None:
        message = mask_emails(message)
        super().__init__(message)
        self.message = message
        self.code = code or type(self).__name__


class RetryableError(RolloutError):
    """Transient: retrying the same state later may succeed."""


class TerminalError(RolloutError):
    """Retrying the same state with the same input will fail the same way."""


# --- raised by the task code itself -------------------------------------------------------


class InvalidInput(TerminalError):
    """The execution input is malformed; the cause names every offending field and value."""


class WorkStoreError(RetryableError):
    """An intermediate result in the report bucket could not be read or written."""


# --- AWS service errors, translated in one place (tasks.aws.translate_errors) ---------------


class Throttled(RetryableError):
    """TooManyRequestsException / Throttling after botocore's own retries were exhausted."""


class ServiceUnavailable(RetryableError):
    """5xx from an AWS service (InternalServerException, ServiceUnavailable)."""


class AccessDenied(TerminalError):
    """AccessDenied(Exception): a role is missing or its trust/policy does not allow the call."""


class RegionNotEnabled(TerminalError):
    """UnrecognizedClientException: the caller's account has not enabled this opt-in Region."""


class ResourceNotFound(TerminalError):
    """ResourceNotFoundException (e.g. an invitation that is not visible yet, a deleted graph)."""


class Conflict(TerminalError):
    """ConflictException: the resource is not in a state that allows the call."""


class QuotaExceeded(TerminalError):
    """ServiceQuotaExceededException (e.g. more than 1,200 members in a graph)."""


class ValidationFailed(TerminalError):
    """ValidationException: the request was malformed (a bug in the task code)."""


class AwsError(TerminalError):
    """Any other AWS error code; ``code`` keeps the original."""


# --- names used only by Fail states (documented here so the names live in one place) --------


class RolloutIncomplete(TerminalError):
    """Fail state of the enable machine when any report row FAILED (Cause = summary JSON)."""


class OffboardingIncomplete(TerminalError):
    """Fail state of the disable machine when any report row FAILED (Cause = summary JSON)."""


class ReportNotWritten(TerminalError):
    """Fail state reached when the report itself could not be written."""
