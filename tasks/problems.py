"""Problems found in an input, and how values appear in the messages that name them.

Messages end up in execution causes, logs and notifications, so every email in them is masked
(:mod:`tasks.masking`; :func:`show` masks every string inside the value it shows), and one
:class:`Problems` collects every problem of an input so that a single InvalidInput names them all.
"""

from __future__ import annotations

import json
from typing import Any

from tasks.errors import InvalidInput
from tasks.masking import mask_email, mask_emails, mask_tree

__all__ = ["BAD", "MAX_LISTED_PROBLEMS", "Problems", "mask_email", "show"]

#: Step Functions causes are capped (32 KiB): list this many problems, then count the rest.
MAX_LISTED_PROBLEMS = 50
#: What a checker returns for an unusable value, after recording why.
BAD: Any = object()


def show(value: Any, limit: int = 60) -> str:
    """A value as it appears in a message: JSON-ish, short, every email in it masked.

    Strings are masked before they are quoted, so the quoting cannot split an address in two.
    """
    try:
        if isinstance(value, str):
            text = repr(mask_emails(value))
        else:
            masked = mask_tree(value)
            text = json.dumps(masked, ensure_ascii=False, default=lambda o: mask_emails(repr(o)))[:1000]
    except (TypeError, ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
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
        more = f"\n... and {len(self.items) - len(listed)} more" if len(self.items) > len(listed) else ""
        count = f"{len(self.items)} problem{'s' if len(self.items) > 1 else ''}"
        # One problem a line: values are shown quoted (a newline in one is escaped), so lines split cleanly.
        raise InvalidInput(f"invalid input ({count}):\n" + "\n".join(listed) + more)
