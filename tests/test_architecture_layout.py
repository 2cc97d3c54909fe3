"""docs/architecture.md's layout block lists what exists, and everything a maintainer looks for is in it.

Listed: every top-level folder of the project, every package of tasks/ and detective_rollout/, every module of
detective_rollout/ and of its engine, every infra template. A path in the block must exist (``<...>`` names a
pattern, not a file). Indented entries are inside the entry above them; a line indented to the description column
(``CONTINUATION`` spaces or more) continues the description above it.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
CONTINUATION = 16
TOP_LEVEL = ("statemachines", "tasks", "detective_rollout", "infra", "docs", "examples", "tests")


def layout_block(text: str) -> list[str]:
    match = re.search(r"## Layout\n```\n(.*?)```", text, re.S)
    assert match, "docs/architecture.md has no ## Layout code block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def listed_paths(lines: list[str]) -> list[str]:
    """Each entry's path from the root: an indented entry (two spaces a level) is inside the folder above it."""
    parents: list[str] = []
    paths = []
    for line in lines:
        if len(line) - len(line.lstrip(" ")) >= CONTINUATION:
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        parents = parents[:depth]
        paths.append("".join(parents) + name)
        if name.endswith("/"):
            parents.append(name)
    return paths


def expected_paths() -> set[str]:
    expected = {f"{name}/" for name in TOP_LEVEL}
    for package in ("tasks", "detective_rollout"):
        for init in (ROOT / package).rglob("__init__.py"):
            expected.add(init.parent.relative_to(ROOT).as_posix() + "/")
    for folder in ("detective_rollout", "detective_rollout/engine"):
        expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).glob("*.py") if p.name != "__init__.py"}
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "infra").glob("*.yaml")}
    return expected


def test_every_listed_path_exists() -> None:
    missing = [p for p in listed_paths(layout_block(DOC.read_text())) if "<" not in p and not (ROOT / p).exists()]
    assert missing == []


def test_every_folder_package_engine_module_and_template_is_listed() -> None:
    unlisted = sorted(expected_paths() - set(listed_paths(layout_block(DOC.read_text()))))
    assert unlisted == []


def test_nesting_resolves_to_paths_under_the_folder_above() -> None:
    lines = [
        "tasks/  x",
        "  triggers/  y",
        "    vending.py  z",
        " " * CONTINUATION + "more of z",
        "  aws.py  w",
        "infra/  v",
    ]
    assert listed_paths(lines) == ["tasks/", "tasks/triggers/", "tasks/triggers/vending.py", "tasks/aws.py", "infra/"]
