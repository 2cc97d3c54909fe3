"""How an account is a member: ORGANIZATION (enabled by the organization's Detective administrator) or INVITATION.

The MemberDetail's InvitationType says it ("MemberDetail", Amazon Detective API Reference: "For an
organization account in the organization behavior graph, the type is ORGANIZATION. For an account that
was invited to a behavior graph, the type is INVITATION."). ListMembers, GetMembers and CreateMembers all
answer it, so the administrator knows each member's kind from Detective itself: authoritative for this graph,
and without Organizations access (ListAccounts needs the management account or a delegated administrator, and
would still not say which accounts Detective enables). "CreateMembers": "For organization accounts in the
organization behavior graph, CreateMembers attempts to enable the accounts. The organization accounts do not
receive invitations."
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ORGANIZATION = "ORGANIZATION"
INVITATION = "INVITATION"
#: Statuses of an invited account that has not accepted yet.
WAITING = frozenset({"INVITED", "VERIFICATION_IN_PROGRESS"})


def enrollment_of(member: Mapping[str, Any] | None) -> str | None:
    """ORGANIZATION or INVITATION, as the MemberDetail says (INVITATION when it does not say)."""
    return None if member is None else str(member.get("InvitationType") or INVITATION)


def waits_for_invitation(status: str | None, enrollment: str | None) -> bool:
    """An invited account still to accept; an organization account never receives an invitation."""
    return status in WAITING and enrollment != ORGANIZATION
