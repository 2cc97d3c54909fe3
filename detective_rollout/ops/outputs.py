"""Output paths (``--report``, ``--output``, ``--output-dir``), checked while the options are parsed.

A rollout that runs for an hour and then cannot write its report has done its work and lost the
record of it, so every output path is checked before anything starts: a usage error naming the
option and the path (exit 2), nothing started, nothing written. Folders missing on the way are
created when the file is written (``--report build/demo/report.json`` works in a fresh checkout),
so the check is on the nearest folder that exists: it must be a folder the user may write into.
"""

from __future__ import annotations

import os
from pathlib import Path

import click


def output_problem(value: str, *, directory: bool = False) -> str | None:
    """Why ``value`` cannot be written (as a file, or as a folder of files with ``directory``), or None."""
    path = Path(value)
    if not value.strip():
        return "an empty path"
    if path.exists():
        if directory and not path.is_dir():
            return f"{value!r} is a file, not a directory"
        if not directory and path.is_dir():
            return f"{value!r} is a directory; give the path of a file to write"
        return None if os.access(path, os.W_OK) else f"{value!r} is not writable"
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{str(ancestor)!r} is not a directory, so {value!r} cannot be created"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"directory {str(ancestor)!r} is not writable, so {value!r} cannot be created"
    return None


def checked_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback of a file option: refuse, at parse time, a path that cannot be written."""
    del ctx
    if value is not None and (problem := output_problem(value)):
        raise click.BadParameter(problem, param_hint=f"'{param.opts[0]}'")
    return value


def checked_directory(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback of a folder option: refuse, at parse time, a folder that cannot be written into."""
    del ctx
    if value is not None and (problem := output_problem(value, directory=True)):
        raise click.BadParameter(problem, param_hint=f"'{param.opts[0]}'")
    return value
