"""tasks.member_guardduty over the emulated fleet: a detector in the member, then Detective is asked to monitor it.

CreateDetector is signed with the member role, which may create a detector only with the StackSet's
AllowGuardDutyEnable=true (scenario ``member_role_allow_guardduty_enable``); StartMonitoringMember is
asked again, a bounded number of times on the task clock, while the member stays ACCEPTED_BUT_DISABLED.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from detective_rollout.emulator import Fleet
from tasks.aws import Aws, default_aws, member_role_arn
from tasks.member_guardduty import MONITOR_ATTEMPTS, NOT_ALLOWED, create_detector, start_monitoring
from tests.helpers.tasks import ADMIN, fleet_for_tasks
from tests.helpers.workflow import member, scenario

REGION = "us-east-1"
DISABLED = {REGION: {"status": "ACCEPTED_BUT_DISABLED", "disabled_reason": "VOLUME_UNKNOWN"}}
NO_GD = member(1, guardduty=False, existing_membership=DISABLED)
TOO_HIGH = member(2, existing_membership=DISABLED, faults=["volume_too_high"])


@pytest.fixture
def fleet(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fleet]:
    """The two members' fleet; ``request.param`` (indirect): AllowGuardDutyEnable, default true."""
    allowed = bool(getattr(request, "param", True))
    spec: dict[str, Any] = scenario([NO_GD, TOO_HIGH], regions=[REGION], member_role_allow_guardduty_enable=allowed)
    with fleet_for_tasks(spec, monkeypatch) as found:
        yield found


def as_member(account_id: str) -> Aws:
    return default_aws().assume_role(member_role_arn(account_id, "DetectiveMemberRole"), "test")


@pytest.mark.parametrize("fleet", [False, True], ids=["not allowed", "allowed"], indirect=True)
def test_the_detector_is_created_only_where_the_member_role_may(fleet: Fleet) -> None:
    allowed = fleet.scenario.member_role_allow_guardduty_enable
    why = create_detector(as_member(NO_GD["account_id"]), REGION)
    assert why == (None if allowed else NOT_ALLOWED)
    assert (fleet.guardduty.detector(NO_GD["account_id"], REGION) is not None) is allowed
    if allowed:  # one detector per account and Region: a second one is refused, and said so
        again = create_detector(as_member(NO_GD["account_id"]), REGION)
        assert again is not None and again.startswith("GuardDuty CreateDetector failed: ")


def test_start_monitoring_ends_enabled_once_detective_can_size_the_member(fleet: Fleet) -> None:
    assert create_detector(as_member(NO_GD["account_id"]), REGION) is None
    arn = fleet.graph_arn(REGION)
    assert arn is not None
    detective = default_aws().client("detective", REGION)
    assert start_monitoring(detective, arn, NO_GD["account_id"]) == "ENABLED"
    assert fleet.member(REGION, NO_GD["account_id"]).status == "ENABLED"  # type: ignore[union-attr]


def test_start_monitoring_gives_up_after_bounded_tries_when_the_member_stays_disabled(fleet: Fleet) -> None:
    arn = fleet.graph_arn(REGION)
    assert arn is not None
    started = fleet.clock.now()
    status = start_monitoring(default_aws().client("detective", REGION), arn, TOO_HIGH["account_id"])
    assert status == "ACCEPTED_BUT_DISABLED"
    tries = [c for c in fleet.calls if c.operation == "StartMonitoringMember" and c.account_id == ADMIN]
    assert len(tries) == MONITOR_ATTEMPTS
    assert 60 <= (fleet.clock.now() - started).total_seconds() <= 120  # waits of 5, 10, 20, 40 s on the task clock
