"""Rows that tell the truth where the run itself does little: Regions skipped for the administrator's GuardDuty.

An account already an ENABLED member of a Region's graph is reported ENABLED / ALREADY_ENABLED
there even when the run skips the Region (no detector, or one too young with ``guardduty_wait``
``skip``); the run writes nothing for it, so ``changed`` is false. Accounts that are not members
stay SKIPPED with the gate's reason.
"""

from __future__ import annotations

import pytest

from tests.helpers.workflow import Runner, member, rows_by_pair, scenario

M1, M2 = member(1)["account_id"], member(2)["account_id"]


@pytest.mark.parametrize(
    ("admin_guardduty", "fields", "skipped_reason"),
    [
        ({"us-east-1": 72}, {}, "GUARDDUTY_NOT_ENABLED"),
        ({"us-east-1": 72, "eu-west-1": 2}, {"guardduty_wait": "skip"}, "GUARDDUTY_TOO_YOUNG"),
    ],
    ids=["no detector", "detector too young, skip"],
)
def test_already_enabled_member_in_a_region_skipped_for_guardduty_is_reported_enabled(
    enable: Runner, admin_guardduty: dict[str, float], fields: dict[str, str], skipped_reason: str
) -> None:
    spec = scenario(
        [member(1, existing_membership={"eu-west-1": "ENABLED"}), member(2)],
        administrator={"guardduty_age_hours": admin_guardduty, "existing_graph_regions": ["eu-west-1"]},
    )
    run = enable(spec, **fields)
    rows = rows_by_pair(run)

    already = rows[(M1, "eu-west-1")]
    assert (already["status"], already["reason"], already["member_status"]) == ("ENABLED", "ALREADY_ENABLED", "ENABLED")
    assert already["changed"] is False
    assert run.fleet.member("eu-west-1", M1).status == "ENABLED"
    other = rows[(M2, "eu-west-1")]
    assert (other["status"], other["reason"], other["member_status"]) == ("SKIPPED", skipped_reason, None)
    assert run.fleet.member("eu-west-1", M2) is None
    assert rows[(M1, "us-east-1")]["status"] == rows[(M2, "us-east-1")]["status"] == "ENABLED"
