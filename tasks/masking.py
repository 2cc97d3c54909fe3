"""Email masking: what any message, log line or error cause may show of an address.

An address shows its first character and its domain (``a***@example.com``), whatever its local
part holds: RFC 5322 allows ``'``, ``(``, ``,``, ``"`` and, quoted, even spaces there, so the local
part is never found by listing the characters it may hold. In free text an address is either a
quoted local part (``"john smith"@example.com``) or the whole run of non-blank characters that
ends at its LAST ``@`` (``o'connor(ceo)@example.com``, ``a@b@example.com``); its domain runs to
the first character a domain cannot hold. Masking too much (an account id glued to an email by a
comma) is preferred to masking too little. Masking is idempotent: a run that already reads as
masked (``a***``, after any opening quotes or brackets of the message around it) is left as it is,
so an error message built from masked values keeps their first characters.
"""

from __future__ import annotations

import re

_DOMAIN = r"[^\s'\",;<>()\[\]{}\\@]*"
_ADDRESS = re.compile(rf'(?:"(?:[^"\\\n]|\\.)*"|\S+)@({_DOMAIN})')
_MASKED = re.compile(r"[\'\"(\[{<]*[^\s@]?\*\*\*")


def mask_email(email: str) -> str:
    """``alice@example.com`` -> ``a***@example.com``: enough to recognise, not enough to harvest.

    Splits at the LAST '@', so ``a@bob@example.com`` does not reveal ``bob@example.com``.
    """
    local, at, domain = email.rpartition("@") if "@" in email else (email, "", "")
    return f"{local[:1]}***{at}{domain}"


def mask_emails(text: str) -> str:
    """``text`` with every email-like run in it masked (:func:`mask_email`)."""
    if "@" not in text:
        return text
    return _ADDRESS.sub(_mask_match, text)


def _mask_match(match: re.Match[str]) -> str:
    run = match.group()
    local = run[: len(run) - len(match.group(1)) - 1]
    if _MASKED.fullmatch(local):
        return run
    return f"{run[:1]}***@{match.group(1)}"


def mask_tree(value: object) -> object:
    """A JSON-like value with every string in it (dict keys too) masked, for a log line or a message."""
    if isinstance(value, str):
        return mask_emails(value)
    if isinstance(value, dict):
        return {mask_tree(k): mask_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_tree(v) for v in value]
    return value
