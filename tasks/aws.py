"""Sessions, clients and AWS error translation for the task code.

Every AWS call of the task code goes through a client from :class:`Aws`, which carries
botocore's standard retry mode (exponential back-off with jitter on throttling and 5xx), and
through :func:`translate_errors`, the one place a ``ClientError`` becomes a task error whose
class name the state machines can Retry/Catch.
"""

from __future__ import annotations

import os
import platform
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, overload

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.utils import parse_timestamp

from tasks import errors
from tasks.member_clients import member_client, reset_member_clients

if TYPE_CHECKING:  # the stubs are a dev dependency: the Lambda package never imports them
    from types_boto3_account import AccountClient
    from types_boto3_detective import DetectiveClient
    from types_boto3_guardduty import GuardDutyClient
    from types_boto3_organizations import OrganizationsClient
    from types_boto3_s3 import S3Client
    from types_boto3_sns import SNSClient
    from types_boto3_stepfunctions import SFNClient
    from types_boto3_sts import STSClient

#: botocore rebuilds its User-Agent string twice per request from ~30 sanitised components, ~10% of
#: a call's CPU at 25,000 calls a rollout; the same facts (SDK, OS, language, execution environment)
#: as one string, built once per process, cost nothing per call. Only per-call feature codes are lost.
USER_AGENT = " ".join(
    part
    for part in (
        f"Boto3/{boto3.__version__} md/Botocore#{botocore.__version__} ua/2.1",
        f"os/{platform.system().lower()}#{platform.release()} md/arch#{platform.machine().lower()}",
        f"lang/python#{platform.python_version()} md/pyimpl#{platform.python_implementation()}",
        f"exec-env/{os.environ['AWS_EXECUTION_ENV']}" if os.environ.get("AWS_EXECUTION_ENV") else "",
        "cfg/retry-mode#standard",
    )
    if part
)

#: botocore retries throttling and 5xx itself (standard mode); the ASL retries what is left.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 6},
    connect_timeout=5,
    read_timeout=30,
    user_agent=USER_AGENT,
    user_agent_extra="detective-rollout",
    # One client serves every thread of a task's fan-out (tasks.fanout.MAX_THREADS calls in flight).
    max_pool_connections=64,
)

_CODE_TO_ERROR: dict[str, type[errors.RolloutError]] = {
    "TooManyRequestsException": errors.Throttled,
    "Throttling": errors.Throttled,
    "ThrottlingException": errors.Throttled,
    "RequestLimitExceeded": errors.Throttled,
    "InternalServerException": errors.ServiceUnavailable,
    "InternalFailure": errors.ServiceUnavailable,
    "InternalError": errors.ServiceUnavailable,
    "ServiceUnavailable": errors.ServiceUnavailable,
    "ServiceUnavailableException": errors.ServiceUnavailable,
    "AccessDenied": errors.AccessDenied,
    "AccessDeniedException": errors.AccessDenied,
    "UnrecognizedClientException": errors.RegionNotEnabled,
    "ResourceNotFoundException": errors.ResourceNotFound,
    "BadRequestException": errors.ValidationFailed,
    "ConflictException": errors.Conflict,
    "ServiceQuotaExceededException": errors.QuotaExceeded,
    "ValidationException": errors.ValidationFailed,
}


def translate(exc: ClientError | BotoCoreError) -> errors.RolloutError:
    """Map a botocore error to the task error the ASL names (keeping the AWS code)."""
    if isinstance(exc, BotoCoreError):
        return errors.ServiceUnavailable(str(exc), code=type(exc).__name__)
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or exc)
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    cls = _CODE_TO_ERROR.get(code)
    if cls is None:
        cls = errors.ServiceUnavailable if status >= 500 else errors.AwsError
    return cls(f"{code}: {message}", code=code)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Raise botocore errors inside the block as task errors (``raise X(...) from exc``)."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise translate(exc) from exc


_session_lock = threading.Lock()
_shared_session: boto3.Session | None = None
_default: Aws | None = None


def _session() -> boto3.Session:
    """One botocore session per process: service models and endpoint data load once, as in a warm Lambda."""
    global _shared_session
    if _shared_session is None:
        session = boto3.Session()
        session._session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=fast_timestamp)
        _shared_session = session
    return _shared_session


def fast_timestamp(value: Any) -> datetime:
    """botocore's timestamp parsing, with ISO 8601 strings (what Detective answers) read by the standard library.

    botocore hands every timestamp string to dateutil (~50 us each); a GetMembers or CreateMembers
    answer carries several per member, 50 members per call, so dateutil was the largest single
    cost of the rollout's API calls. Same result (an aware UTC datetime); anything else still
    goes to botocore's parser.
    """
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return parse_timestamp(value)  # type: ignore[no-any-return]
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
    return parse_timestamp(value)  # type: ignore[no-any-return]


def default_aws() -> Aws:
    """Clients with the function's own credentials, reused across invocations of a warm container."""
    global _default
    with _session_lock:
        if _default is None:
            _default = Aws()
        return _default


def reset() -> None:
    """Forget cached sessions and clients (the embedded engine calls this when it starts)."""
    global _shared_session, _default
    with _session_lock:
        _shared_session, _default = None, None
    reset_member_clients()


class Aws:
    """Clients for one set of credentials, created lazily and shared between threads.

    boto3 clients are thread-safe, sessions are not: clients are created under a lock, from the
    process's one session, with explicit credentials for assumed roles.
    """

    def __init__(self, credentials: dict[str, str] | None = None, account_id: str | None = None) -> None:
        self._credentials = credentials or {}
        self._clients: dict[tuple[str, str | None], Any] = {}
        self.account_id = account_id

    @overload
    def client(self, service: Literal["account"], region: str | None = None) -> AccountClient: ...
    @overload
    def client(self, service: Literal["detective"], region: str | None = None) -> DetectiveClient: ...
    @overload
    def client(self, service: Literal["guardduty"], region: str | None = None) -> GuardDutyClient: ...
    @overload
    def client(self, service: Literal["organizations"], region: str | None = None) -> OrganizationsClient: ...
    @overload
    def client(self, service: Literal["s3"], region: str | None = None) -> S3Client: ...
    @overload
    def client(self, service: Literal["sns"], region: str | None = None) -> SNSClient: ...
    @overload
    def client(self, service: Literal["stepfunctions"], region: str | None = None) -> SFNClient: ...
    @overload
    def client(self, service: Literal["sts"], region: str | None = None) -> STSClient: ...
    def client(self, service: str, region: str | None = None) -> Any:
        """The service's client in ``region``, typed by service name (the types-boto3 stubs)."""
        if self._credentials:  # an assumed role: the process's shared client, signing with these keys
            return member_client(self._credentials, lambda: _shared_member_client(service, region), service, region)
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            with _session_lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._new_client(service, region, self._credentials)
                    self._clients[key] = client
        return client

    @staticmethod
    def _new_client(service: str, region: str | None, credentials: dict[str, str]) -> Any:
        return _session().client(service, region_name=region, config=CLIENT_CONFIG, **credentials)

    def caller_account(self) -> str:
        """The account these credentials act as (STS GetCallerIdentity, cached)."""
        if self.account_id is None:
            with translate_errors():
                self.account_id = str(self.client("sts").get_caller_identity()["Account"])
        return self.account_id

    def assume_role(self, role_arn: str, session_name: str, external_id: str | None = None) -> Aws:
        """Credentials of ``role_arn`` as a new :class:`Aws` (raises AccessDenied when refused)."""
        params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name[:64]}
        if external_id:
            params["ExternalId"] = external_id
        with translate_errors():
            creds = self.client("sts").assume_role(**params)["Credentials"]
        credentials = {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }
        return Aws(credentials, account_id=role_arn.split(":")[4])


def _shared_member_client(service: str, region: str | None) -> Any:
    """The client all assumed roles share (tasks.member_clients); its own keys never sign anything."""
    with _session_lock:
        return Aws._new_client(service, region, _UNUSED_KEYS)


#: Credentials of the shared member clients: every request is signed with its role's keys instead.
_UNUSED_KEYS = {"aws_access_key_id": "UNUSED-MEMBER-CLIENT", "aws_secret_access_key": "unused"}


def member_role_arn(account_id: str, role_name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"
