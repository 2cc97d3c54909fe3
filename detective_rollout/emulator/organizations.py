"""AWS Organizations DescribeAccount: root-email lookup for vended accounts.

Answers from the scenario's optional ``organization`` section, and only to the
administrator (as the delegated administrator it would have to be); without the section the
fleet has no Organizations access at all and every call is AccessDeniedException.
"""

from __future__ import annotations

from typing import Any

from detective_rollout.emulator import errors
from detective_rollout.emulator.base import Call, Params, ServiceModel


class Organizations(ServiceModel):
    service = "organizations"

    def describe_account(self, call: Call, params: Params) -> dict[str, Any]:
        org = self.scenario.organization
        if org is None or call.account_id != self.scenario.administrator.account_id:
            raise errors.AccessDeniedException("You don't have permissions to access this resource.")
        account_id = params["AccountId"]
        email = org.accounts.get(account_id)
        if email is None:
            raise errors.AccountNotFoundException("You specified an account that doesn't exist.")
        management = org.management_account or self.scenario.administrator.account_id
        member = self.scenario.member_account(account_id)
        closed = member is not None and any(f.type == "closed" for f in member.faults)
        return {
            "Account": {
                "Id": account_id,
                "Arn": f"arn:aws:organizations::{management}:account/o-emulated/{account_id}",
                "Email": email,
                "Name": f"account-{account_id}",
                "Status": "SUSPENDED" if closed else "ACTIVE",
                "State": "CLOSED" if closed else "ACTIVE",
                "JoinedMethod": "CREATED",
                "JoinedTimestamp": self.fleet.started_at,
            }
        }
