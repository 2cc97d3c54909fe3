"""AWS errors the emulated services raise, moto-style: the class name IS the wire error code.

Each class carries the HTTP status the API reference gives for it, so the wire layer can
serialise any of them in any protocol and botocore's real error parser and retry logic see
exactly what AWS would send.
"""

from __future__ import annotations


class AwsError(Exception):
    """An error answer of an emulated AWS API (code = class name unless ``code`` is set)."""

    status: int = 400
    #: ``Sender`` or ``Receiver`` (the query protocol's ErrorResponse/Error/Type).
    fault: str = "Sender"

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        #: Modelled members of the error shape besides the message (written only where the shape has them).
        self.fields: dict[str, str] = {}

    @property
    def code(self) -> str:
        return type(self).__name__


class ServerError(AwsError):
    status = 500
    fault = "Receiver"


# Detective / Account (rest-json) ------------------------------------------------------------
class AccessDeniedException(AwsError):
    status = 403


class ConflictException(AwsError):
    status = 409


class InternalServerException(ServerError):
    pass


class ResourceNotFoundException(AwsError):
    status = 404


class ServiceQuotaExceededException(AwsError):
    status = 402


class TooManyRequestsException(AwsError):
    status = 429


class ValidationException(AwsError):
    """Detective's carries ErrorCode and ErrorCodeReason ("ValidationException", Amazon Detective API Reference).

    ``error_code``: INVALID_GRAPH_ARN, INVALID_REQUEST_BODY (the default) or INTERNAL_ERROR; the reason
    is the message. The wire layer writes them where the service's error shape has them.
    """

    status = 400

    def __init__(self, message: str, status: int | None = None, error_code: str = "INVALID_REQUEST_BODY") -> None:
        super().__init__(message, status)
        self.fields = {"ErrorCode": error_code, "ErrorCodeReason": message}


class UnrecognizedClientException(AwsError):
    """What every call in an opt-in Region the caller has not enabled gets."""

    status = 403

    def __init__(self, message: str = "The security token included in the request is invalid.") -> None:
        super().__init__(message)


# GuardDuty (rest-json) ----------------------------------------------------------------------
class BadRequestException(AwsError):
    status = 400


class InternalServerErrorException(ServerError):
    pass


class ThrottlingException(AwsError):
    status = 429


# STS (query) --------------------------------------------------------------------------------
class AccessDenied(AwsError):
    status = 403


class Throttling(AwsError):
    status = 400


class ValidationError(AwsError):
    status = 400


class InternalFailure(ServerError):
    pass


# Organizations (json) -----------------------------------------------------------------------
class AccountNotFoundException(AwsError):
    status = 400


class ServiceException(ServerError):
    pass


# Emulator-level -----------------------------------------------------------------------------
class NotImplementedOperation(AwsError):
    """An operation the real service has but the emulator does not model."""

    status = 501
    fault = "Receiver"

    @property
    def code(self) -> str:
        return "NotImplemented"


class UnknownEndpoint(AwsError):
    """The service is not offered in the Region: on AWS the endpoint does not even resolve.

    The in-process hook turns this into botocore's ``EndpointConnectionError``; over HTTP the
    server can only answer, so it answers 404 with this code.
    """

    status = 404


class MissingAuthenticationToken(AwsError):
    status = 403


#: The throttling error (class, HTTP status) each service answers with.
THROTTLING: dict[str, tuple[type[AwsError], int]] = {
    "detective": (TooManyRequestsException, 429),
    "guardduty": (ThrottlingException, 429),
    "sts": (Throttling, 400),
    "account": (TooManyRequestsException, 429),
    "organizations": (TooManyRequestsException, 400),
}

#: The 5xx error each service answers with (injected by ``error_rate`` and ``error_burst``).
SERVER_ERROR: dict[str, type[AwsError]] = {
    "detective": InternalServerException,
    "guardduty": InternalServerErrorException,
    "sts": InternalFailure,
    "account": InternalServerException,
    "organizations": ServiceException,
}


def throttled(service: str, operation: str) -> AwsError:
    cls, status = THROTTLING[service]
    return cls("Rate exceeded" if service == "sts" else f"Too many requests for {operation}; slow down.", status)


def server_error(service: str, operation: str) -> AwsError:
    return SERVER_ERROR[service](f"An internal error occurred while processing {operation}. Try again.")
