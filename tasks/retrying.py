"""Bounded in-task retries (tenacity) on the shared clock - never a bare sleep loop.

botocore already retries throttling and 5xx per call; these wrap a whole step (an invitation
that is not visible yet, a chunk still throttled after botocore gave up) a few more times.
"""

from __future__ import annotations

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from tasks import clock, errors


def bounded(
    *retry_on: type[BaseException],
    attempts: int = 3,
    first_wait: float = 2.0,
    max_wait: float = 30.0,
) -> Retrying:
    """A tenacity retrier: ``attempts`` tries, exponential waits on the task clock, re-raises at the end."""
    return Retrying(
        retry=retry_if_exception_type(retry_on or (errors.RetryableError,)),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=first_wait, max=max_wait),
        sleep=clock.sleep,
        reraise=True,
    )
