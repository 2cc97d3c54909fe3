"""What the commands read from their options: ``--regions``, ``--accounts`` and ``--input``.

Shared by ``enable``/``disable`` (local and AWS), ``replay`` and ``console-input``, so one file or
value is refused with the same message everywhere (exit 2, naming the option and the value).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from detective_rollout.ops.exits import fail
from tasks.nesting import parse_json
from tasks.validation import MAX_CSV_BYTES


def parse_regions(value: str | None) -> list[str] | str | None:
    """``--regions``: a list, ``"all"``, or None when the option was not given."""
    if value is None:
        return None
    if value.strip() == "all":
        return "all"
    regions = [r.strip() for r in value.split(",") if r.strip()]
    if not regions:
        raise click.BadParameter(f"expected a comma-separated list of Regions or 'all', got {value!r}")
    return regions


def read_accounts_file(value: str) -> tuple[str | None, str | None]:
    """``--accounts``: (csv text of a local file, or an s3:// URI the workflow reads itself)."""
    if value.startswith("s3://"):
        return None, value
    path = Path(value)
    if path.is_dir():
        fail(f"--accounts: {value!r} is a directory, not a CSV file")
    if not path.is_file():
        fail(f"--accounts: no such file {value!r}")
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:  # refused from its size alone, never read whole
        fail(f"--accounts: {value!r} has {size} bytes; at most {MAX_CSV_BYTES} (5 MiB)")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        fail(f"--accounts: {value!r} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})")


def read_input_file(value: str) -> dict[str, Any]:
    """``--input``: a console-style execution input, which must be a JSON object."""
    try:
        loaded = parse_json(Path(value).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"--input: {value}: {exc}")
    if not isinstance(loaded, dict):
        fail(
            f"--input: {value}: expected a JSON object (the execution input), got {type(loaded).__name__} "
            f"{json.dumps(loaded)[:60]}"
        )
    return dict(loaded)
