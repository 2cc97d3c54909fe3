"""Input size caps: a giant accounts CSV costs neither workflow its memory.

ValidateInput and ValidateOffboarding read ``accounts_csv`` through one function: HeadObject first
(an object over 5 MiB is refused from its size alone, never downloaded), then a GetObject read
bounded at the cap + 1 byte, so an object that grows between the two calls is still refused
without being read whole. (The CLI's own --accounts check is in tests/reliability/test_bad_input.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tasks import errors
from tasks.aws import Aws
from tasks.validate_input import validate_input
from tasks.validate_offboarding import validate_offboarding
from tasks.validation import MAX_CSV_BYTES
from tests.helpers.tasks import INPUTS, NOW, SETTINGS, put_csv, written

Validator = Callable[..., dict[str, Any]]
VALIDATORS = [pytest.param(validate_input, id="enable"), pytest.param(validate_offboarding, id="disable")]


class WatchedS3:
    """The real (moto) S3 client, recording GetObject reads; ``head_size`` makes HeadObject lie about the size."""

    def __init__(self, s3: Any, head_size: int | None = None) -> None:
        self._s3, self._head_size = s3, head_size
        self.gets: list[str] = []
        self.read_limits: list[int | None] = []

    def head_object(self, **params: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self._s3.head_object(**params)
        return {**answer, "ContentLength": self._head_size} if self._head_size is not None else answer

    def get_object(self, **params: Any) -> dict[str, Any]:
        self.gets.append(params["Key"])
        answer: dict[str, Any] = self._s3.get_object(**params)
        body = answer["Body"]
        limits = self.read_limits

        class Body:
            def read(self, amount: int | None = None) -> bytes:
                limits.append(amount)
                data: bytes = body.read(amount)
                return data

        return {**answer, "Body": Body()}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s3, name)


class WatchedAws(Aws):
    """The task code's Aws over the emulated fleet, its S3 client the watched one."""

    def __init__(self, s3: WatchedS3) -> None:
        super().__init__()
        self.watched = s3

    def client(self, service: str, region: str | None = None) -> Any:
        return self.watched if service == "s3" else super().client(service, region)


@pytest.fixture(autouse=True)
def fleet(admin_aws: Any) -> None:
    """Every test here validates as the emulated fleet's administrator."""
    admin_aws()


def aws_with(s3: WatchedS3) -> WatchedAws:
    return WatchedAws(s3)


@pytest.mark.parametrize("validator", VALIDATORS)
def test_csv_over_the_cap_is_refused_from_head_object_without_downloading_it(s3: Any, validator: Validator) -> None:
    uri = put_csv(s3, b"2" * (MAX_CSV_BYTES + 1), key="giant.csv")
    watched = WatchedS3(s3)
    with pytest.raises(errors.InvalidInput, match=f"has {MAX_CSV_BYTES + 1} bytes; at most {MAX_CSV_BYTES}"):
        validator(aws_with(watched), SETTINGS, {"accounts_csv": uri}, "caps-1", NOW)
    assert watched.gets == []
    assert written(s3) == []


@pytest.mark.parametrize("validator", VALIDATORS)
def test_csv_that_grew_after_head_object_is_read_only_up_to_the_cap_and_refused(s3: Any, validator: Validator) -> None:
    uri = put_csv(s3, b"2" * (2 * MAX_CSV_BYTES), key="growing.csv")
    watched = WatchedS3(s3, head_size=100)
    with pytest.raises(errors.InvalidInput, match=f"at most {MAX_CSV_BYTES} bytes"):
        validator(aws_with(watched), SETTINGS, {"accounts_csv": uri}, "caps-2", NOW)
    assert watched.gets == ["growing.csv"]
    assert watched.read_limits == [MAX_CSV_BYTES + 1]
    assert written(s3) == []


def test_csv_of_exactly_the_cap_is_read(s3: Any) -> None:
    row = b"200000000001,m1@example.com\n"
    data = row + b"\n" * (MAX_CSV_BYTES - len(row))
    uri = put_csv(s3, data, key="full.csv")
    watched = WatchedS3(s3)
    output = validate_input(aws_with(watched), SETTINGS, {"accounts_csv": uri}, "caps-3", NOW)
    assert output["account_count"] == 1
    assert watched.gets == ["full.csv"]
    assert INPUTS in uri
