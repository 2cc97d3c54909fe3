"""AWS-mode errors as one line naming the problem and what fixes it, with the contract's exit code.

Exit 2 where a flag or a setting fixes it (no Region, an unknown profile, no credentials), 1 for
what AWS or the network answered (an unreachable endpoint, rejected credentials, any other error).
Every command that talks to AWS goes through :func:`explain` (``handles_errors``), so none of them
ends in a traceback; ``doctor`` words its failed checks with it too.
"""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from detective_rollout.ops.exits import EXIT_BAD_INPUT, EXIT_ERROR

NO_REGION = (
    "no AWS Region: pass --region REGION (the Region the stack is deployed in), or set AWS_DEFAULT_REGION "
    "or the profile's region"
)
NO_CREDENTIALS = (
    "no AWS credentials found: pass --profile PROFILE, or set AWS_PROFILE (or AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY); --local SCENARIO.json runs on the embedded engine instead"
)
#: Codes meaning the credentials themselves were refused (expired, unknown key, bad signature).
REJECTED = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
    }
)


def explain(exc: Exception) -> tuple[str, int] | None:
    """The one-line message and exit code for an AWS-side error, or None when ``exc`` is not one."""
    if isinstance(exc, ProfileNotFound):
        profile = exc.kwargs.get("profile", "?")
        return (
            f"AWS profile {profile!r} (from --profile or AWS_PROFILE) is not in the AWS config or credentials "
            "file: pass --profile with a configured profile (`aws configure list-profiles`)",
            EXIT_BAD_INPUT,
        )
    if isinstance(exc, NoRegionError):
        return NO_REGION, EXIT_BAD_INPUT
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return NO_CREDENTIALS, EXIT_BAD_INPUT
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError | ConnectionClosedError):
        endpoint = exc.kwargs.get("endpoint_url", "the AWS endpoint")
        return (
            f"AWS: cannot reach {endpoint}: check the network (or proxy), --region, and AWS_ENDPOINT_URL if set",
            EXIT_ERROR,
        )
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in REJECTED:
            return (
                f"AWS refused the credentials ({code}): refresh them (e.g. `aws sso login`) or pass another --profile",
                EXIT_ERROR,
            )
        return f"AWS: {exc}", EXIT_ERROR
    if isinstance(exc, BotoCoreError):
        return f"AWS: {exc}", EXIT_ERROR
    return None
