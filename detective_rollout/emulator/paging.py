"""NextToken paging shared by every List* operation.

Tokens carry the sort key of the last item returned (not an offset), so a page boundary
stays correct while other threads add or remove members between two pages, as on AWS.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from detective_rollout.emulator import errors

MAX_PAGE = 200
DEFAULT_PAGE = 100


def page(
    params: dict[str, Any],
    items: list[dict[str, Any]],
    field: str,
    sort_key: Callable[[dict[str, Any]], str],
    max_page: int = MAX_PAGE,
    default_page: int = DEFAULT_PAGE,
) -> dict[str, Any]:
    """One page of ``items`` (already sorted by ``sort_key``) under ``field``, plus NextToken."""
    limit = params.get("MaxResults")
    if limit is None:
        limit = default_page
    if not 1 <= int(limit) <= max_page:
        raise errors.ValidationException(
            f"1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy constraint: "
            f"Member must have value less than or equal to {max_page}"
        )
    token = params.get("NextToken")
    if token:
        after = _decode(token)
        items = [i for i in items if sort_key(i) > after]
    chunk = items[: int(limit)]
    out: dict[str, Any] = {field: chunk}
    if len(items) > len(chunk):
        out["NextToken"] = _encode(sort_key(chunk[-1]))
    return out


def _encode(after: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode()


def _decode(token: str) -> str:
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise errors.ValidationException("Invalid NextToken.") from None
    return str(value)
