"""How deep an execution input may nest (32 levels), checked without recursion.

The deepest valid input is four levels (``input.accounts[0].regions[0]``); anything nested much
deeper is a mistake or an attack. Python's own JSON parser, ``copy.deepcopy``, pickle and the
masking of values in messages all recurse once per level and fail (RecursionError) somewhere
between a few hundred and a thousand levels, so the limit is checked first, by loops that never
recurse: :func:`too_deep` on a parsed value (the validation states, whose input the Lambda runtime
already parsed) and :func:`too_deep_text` on JSON text before it is parsed (the CLI's files).
Both name the path of the first value past the limit, e.g. ``input.accounts[0].x[0]``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tasks.problems import Problems, show

#: Levels of objects and arrays an execution input may hold (the input object itself is level 1).
MAX_DEPTH = 32

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: A JSON string (escapes included), or one structural character; everything else is skipped.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]', re.DOTALL)


def _step(key: Any) -> str:
    """How one key or index appears in a path: ``.name``, ``[3]`` or ``["odd key"]`` (emails masked)."""
    if isinstance(key, int):
        return f"[{key}]"
    if isinstance(key, str) and _NAME.fullmatch(key):
        return f".{key}"
    return f"[{show(key, limit=40)}]"


def too_deep(value: Any, root: str = "input", limit: int = MAX_DEPTH) -> str | None:
    """The path of the first object or array nested deeper than ``limit`` levels in ``value``; None if none is."""
    todo: list[tuple[Any, str, int]] = [(value, root, 1)]
    while todo:
        item, path, level = todo.pop()
        if isinstance(item, dict):
            children = [(child, path + _step(key)) for key, child in item.items()]
        elif isinstance(item, list):
            children = [(child, path + _step(index)) for index, child in enumerate(item)]
        else:
            continue
        if level > limit:
            return path
        todo.extend((child, where, level + 1) for child, where in reversed(children) if isinstance(child, dict | list))
    return None


def too_deep_text(text: str, root: str = "input", limit: int = MAX_DEPTH) -> str | None:
    """:func:`too_deep` for JSON text, before it is parsed: a scan of its brackets outside strings.

    Text that is not JSON may pass (the parser then says why) but is never refused for depth it
    does not have.
    """
    open_: list[list[Any]] = []  # per open container: [kind, current key (object) or index (array)]
    last_string: str | None = None
    for match in _TOKEN.finditer(text):
        token = match.group()
        kind = token[0]
        if kind == '"':
            last_string = token
            continue
        if kind in "[{":
            if len(open_) >= limit:
                return root + "".join(_step(key) for _kind, key in open_)
            open_.append([kind, 0 if kind == "[" else None])
        elif kind in "]}":
            if open_:
                open_.pop()
        elif kind == ":" and open_ and open_[-1][0] == "{" and last_string is not None:
            open_[-1][1] = _decoded(last_string)
        elif kind == "," and open_:
            open_[-1][1] = open_[-1][1] + 1 if open_[-1][0] == "[" else None
        last_string = None
    return None


class TooDeep(ValueError):
    """JSON text nested deeper than :data:`MAX_DEPTH`; the message names the path."""


def parse_json(text: str, root: str = "input") -> Any:
    """``json.loads(text)``, refusing text nested too deep before parsing it (TooDeep, a ValueError)."""
    path = too_deep_text(text, root)
    if path is not None:
        raise TooDeep(f"{path}: {depth_problem()}")
    return json.loads(text)


def parse_json_or_none(text: Any) -> Any:
    """:func:`parse_json` for text from elsewhere (an execution's input, output or cause): None when it is not
    a string, not JSON, or nested too deep."""
    try:
        return parse_json(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _decoded(token: str) -> str:
    try:
        return str(json.loads(token))  # a flat string: no recursion
    except ValueError:
        return token[1:-1]


def refuse_deep_input(value: Any) -> None:
    """A validation state's first check: InvalidInput naming the path when ``value`` nests too deep.

    Raised alone and at once: the other checks walk the value and must not meet such depth.
    """
    path = too_deep(value)
    if path is not None:
        problems = Problems()
        problems.add(path, depth_problem())
        problems.raise_if_any()


def depth_problem() -> str:
    """What is wrong with a value too deep, in a message."""
    return f"nested deeper than {MAX_DEPTH} levels of objects and arrays"
