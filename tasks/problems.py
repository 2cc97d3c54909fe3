"""Problems found in an input, and how values appear in the messages that name them.

Messages end up in execution causes, logs and notifications, so every email in them is masked
(:func:`mask_email`; :func:`show` masks anything email-like in any other value), and one
:class:`Problems` collects every problem of an input so that a single InvalidInput names them all.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tasks.errors import InvalidInput

#: Step Functions causes are capped (32 KiB): list this many problems, then count the rest.
MAX_LISTED_PROBLEMS = 50
#: What a checker returns for an unusable value, after recording why.
BAD: Any = object()

_EMAIL_LIKE = re.compile(r"[^\s@'\",;<>()\[\]{}\\]+@[^\s'\",;<>()\[\]{}\\]*")  # 'a@b@c' is one


def mask_email(email: str) -> str:
    """``alice@example.com`` -> ``a***@example.com``: enough to recognise, not enough to harvest.

    Splits at the LAST '@', so ``a@bob@example.com`` does not reveal ``bob@example.com``.
    """
    local, at, domain = email.rpartition("@") if "@" in email else (email, "", "")
    return f"{local[:1]}***{at}{domain}"


def show(value: Any, limit: int = 60) -> str:
    """A value as it appears in a message: JSON-ish, short, anything email-like masked."""
    try:
        text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=repr)[:1000]
    except (TypeError, ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    text = _EMAIL_LIKE.sub(lambda m: mask_email(m.group()), text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Problems:
    """Every problem found in one input; :meth:`raise_if_any` turns them into one InvalidInput."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def bad(self, where: str, message: str) -> Any:
        """Record a problem and return the marker a checker returns for an unusable value."""
        self.add(where, message)
        return BAD

    def raise_if_any(self) -> None:
        if not self.items:
            return
        listed = self.items[:MAX_LISTED_PROBLEMS]
        more = f"; ... and {len(self.items) - len(listed)} more" if len(self.items) > len(listed) else ""
        count = f"{len(self.items)} problem{'s' if len(self.items) > 1 else ''}"
        raise InvalidInput(f"invalid input ({count}): " + "; ".join(listed) + more)
