"""What a replay runs: exactly the FAILED account x Region pairs of a report, with the original emails.

The replay input is an ordinary execution input - per-account ``regions`` name the failed pairs,
the original's options (GuardDuty gate, tags, message, batch size ...) are kept, ``source`` is
"replay" and ``replay_of`` names the original - so the workflow validates it like any other and
its WriteReport merges the result into the original report (tasks/replay.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tasks.actions import ACTIONS
from tasks.problems import Problems
from tasks.validation import parse_accounts_csv

#: Input fields a replay does not carry over: the accounts are the failed pairs, and a replay is
#: neither a dry run nor a whole-graph operation.
NOT_CARRIED = frozenset(
    {
        "accounts",
        "accounts_csv",
        "regions",
        "source",
        "replay_of",
        "dry_run",
        "all_members",
        "delete_graph",
        "confirm_delete_graph",
    }
)


class ReplayError(ValueError):
    """The replay cannot be built (e.g. the original emails are nowhere to be found)."""


def failed_pairs(report: dict[str, Any], reasons: Iterable[str] = ()) -> dict[str, list[str]]:
    """Account -> its FAILED Regions (report order), optionally only rows with one of ``reasons``."""
    wanted = {r.upper() for r in reasons}
    pairs: dict[str, list[str]] = {}
    for row in report.get("results", []):
        if row.get("status") == "FAILED" and (not wanted or str(row.get("reason")).upper() in wanted):
            pairs.setdefault(str(row["account_id"]), []).append(str(row["region"]))
    return pairs


def unknown_reasons(report: dict[str, Any], reasons: Iterable[str]) -> list[str]:
    """The ``--reason`` codes that no report can carry: neither a known reason nor one of this report's rows'.

    A typo must not read as "nothing to replay" (exit 0): the operator would believe nothing failed that way.
    """
    known = set(ACTIONS) | {str(row.get("reason")).upper() for row in report.get("results", []) if row.get("reason")}
    return [r for r in reasons if r.upper() not in known]


def original_emails(original: dict[str, Any], read_csv: Callable[[str], bytes | None]) -> dict[str, str | None] | None:
    """Account -> email as the original input gave it (its list, or the CSV it named); None if unreadable."""
    if isinstance(original.get("accounts"), list):
        return {str(a.get("account_id")): a.get("email") for a in original["accounts"] if isinstance(a, dict)}
    uri = original.get("accounts_csv")
    data = read_csv(str(uri)) if uri else None
    if data is None:
        return None
    return {e.account_id: e.email for e in parse_accounts_csv(data, Problems(), require_email=False)}


def replay_input(
    execution: str,
    original: dict[str, Any],
    pairs: dict[str, list[str]],
    emails: dict[str, str | None],
    *,
    email_required: bool,
) -> dict[str, Any]:
    """The execution input of a replay of ``execution`` over ``pairs``."""
    missing = [a for a in pairs if email_required and not emails.get(a)]
    if missing:
        raise ReplayError(
            f"no email for account(s) {', '.join(missing)} in the original input; give them with --accounts FILE.csv"
        )
    accounts = []
    for account_id, regions in pairs.items():
        entry: dict[str, Any] = {"account_id": account_id}
        if emails.get(account_id):
            entry["email"] = emails[account_id]
        accounts.append({**entry, "regions": regions})
    union = list(dict.fromkeys(r for regions in pairs.values() for r in regions))
    carried = {k: v for k, v in original.items() if k not in NOT_CARRIED and v is not None}
    return {**carried, "accounts": accounts, "regions": union, "source": "replay", "replay_of": execution}
