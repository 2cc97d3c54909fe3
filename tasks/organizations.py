"""Whether a member account is closed or suspended, from Organizations DescribeAccount where the caller may ask.

An account whose member role cannot be assumed may be gone rather than missing its role: a closed
or suspended account is offboarded, not given the StackSet. DescribeAccount's ``State`` says so
(SUSPENDED, PENDING_CLOSURE, CLOSED; ``Status`` for answers without it: see "Monitor the state of
your Amazon Web Services accounts", Organizations User Guide). Only the management account or a
delegated administrator may call it: anywhere else (AccessDenied, no organization) the state is
unknown and the caller keeps its AccessDenied.
"""

from __future__ import annotations

from tasks import errors
from tasks.aws import Aws, translate_errors
from tasks.log import keys, logger

#: Organizations account states in which no role can be assumed any more and the account is to be offboarded.
CLOSED_STATES = frozenset({"SUSPENDED", "PENDING_CLOSURE", "CLOSED"})


def closed_state(admin: Aws, account_id: str) -> str | None:
    """The account's closed or suspended state (``CLOSED``, ...), or None when it is active or not known here."""
    try:
        with translate_errors():
            account = admin.client("organizations").describe_account(AccountId=account_id)["Account"]
    except errors.RolloutError as exc:
        logger.info("account state not readable", extra={**keys(account=account_id), "error": exc.message})
        return None
    state = account.get("State") or account.get("Status")
    return str(state) if state in CLOSED_STATES else None
