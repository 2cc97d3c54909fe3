"""InviteMembers' records (tasks.invite_writes): when the Wait state lets the acceptance start, and refused writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from botocore.exceptions import ClientError

from tasks.aws import translate
from tasks.invite_writes import InviteRecord, error_reason, invitations_visible_at, invited_at, start_monitoring

NOW = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)


def waiting(sent: str | None) -> InviteRecord:
    return InviteRecord(None, "invite", "VERIFICATION_IN_PROGRESS", True, True, invited_at=sent)


def enabled() -> InviteRecord:
    return InviteRecord("ENABLED", "none", "ENABLED", False, False)


def test_nothing_to_accept_means_no_wait() -> None:
    assert invitations_visible_at([enabled(), enabled()], 60, NOW) is None
    assert invitations_visible_at([], 60, NOW) is None


def test_the_wait_counts_from_the_newest_invitation() -> None:
    records = [waiting("2026-11-26T08:58:00Z"), waiting("2026-11-26T08:59:30Z"), enabled()]
    assert invitations_visible_at(records, 60, NOW) == "2026-11-26T09:00:30Z"


def test_an_invitation_sent_long_ago_needs_no_more_wait() -> None:
    # The timestamp is in the past: the Wait state ends at once.
    assert invitations_visible_at([waiting("2026-11-25T09:00:00Z")], 60, NOW) == "2026-11-25T09:01:00Z"


def test_an_unknown_sending_time_counts_as_now() -> None:
    assert invitations_visible_at([waiting(None), waiting("2026-11-26T08:00:00Z")], 60, NOW) == "2026-11-26T09:01:00Z"


def test_fractions_of_a_second_round_up_so_the_wait_never_ends_early() -> None:
    assert invitations_visible_at([waiting("2026-11-26T08:59:00.001000Z")], 60, NOW) == "2026-11-26T09:00:01Z"
    assert invitations_visible_at([waiting("2026-11-26T08:59:00Z")], 0, NOW) == "2026-11-26T08:59:00Z"


def test_invited_at_reads_detectives_invited_time_in_utc() -> None:
    sent = datetime(2026, 11, 26, 10, 0, 0, 250000, tzinfo=UTC)
    assert invited_at({"InvitedTime": sent}) == "2026-11-26T10:00:00.250000Z"
    other_zone = sent.astimezone(timezone(timedelta(hours=2)))
    assert invited_at({"InvitedTime": other_zone}) == "2026-11-26T10:00:00.250000Z"
    assert invited_at({"Status": "INVITED"}) is None
    assert invited_at(None) is None


def refusal(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "no"}}, "StartMonitoringMember")


class Refusing:
    """A Detective client whose StartMonitoringMember answers ``code``."""

    def __init__(self, code: str) -> None:
        self.code = code

    def start_monitoring_member(self, **_: Any) -> None:
        raise refusal(self.code)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("ServiceQuotaExceededException", "MEMBER_QUOTA_EXCEEDED"),
        ("TooManyRequestsException", "THROTTLED"),
        ("ValidationException", "ERROR"),
    ],
)
def test_a_refused_start_monitoring_keeps_the_member_disabled_with_the_reason(code: str, reason: str) -> None:
    record = start_monitoring(cast(Any, Refusing(code)), "arn:graph", "200000000001")
    assert (record.action, record.member_status, record.changed) == (
        "start_monitoring",
        "ACCEPTED_BUT_DISABLED",
        False,
    )
    assert record.detail is not None and record.detail.startswith("StartMonitoringMember failed:")
    exc = translate(refusal(code))
    assert record.error == exc.code and error_reason(exc) == reason
