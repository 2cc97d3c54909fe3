"""AcceptInvitations asks Organizations whether a denied account is closed: its role holds that one read."""

from __future__ import annotations

from typing import Any

from infra_cfn import permission_statements


def test_accept_invitations_may_describe_accounts_and_no_other_enable_task_may(template: dict[str, Any]) -> None:
    holders = {s.owner for s in permission_statements(template) if "organizations:DescribeAccount" in s.actions}
    assert "AcceptInvitationsRole" in holders
    statement = next(
        s
        for s in permission_statements(template)
        if s.owner == "AcceptInvitationsRole" and "organizations:DescribeAccount" in s.actions
    )
    assert statement.actions == ["organizations:DescribeAccount"]
    assert statement.resources == [{"Fn::Sub": "arn:${AWS::Partition}:organizations::*:account/o-*/*"}]
    assert holders <= {"AcceptInvitationsRole", "VendingTriggerFunction"}
