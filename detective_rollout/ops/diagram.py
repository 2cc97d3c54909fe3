"""Mermaid state diagrams generated from the ASL, so the pictures in the docs cannot drift from it.

``detective-rollout diagram`` writes ``docs/diagrams/<machine>.mmd`` for both state machines and
refreshes the copies embedded in docs/workflows.md (between ``<!-- diagram:<machine> -->`` markers,
which GitHub renders); a test fails when a committed diagram and the ASL disagree. Every
transition is drawn: Next, Choice branches (with their condition), Default, and Catch (with the
error names), Map iterations as nested composite states.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MACHINES = ("enable-detective", "disable-detective")
DIAGRAMS = ROOT / "docs" / "diagrams"
#: The page that embeds both diagrams (GitHub renders the Mermaid blocks).
PAGE = ROOT / "docs" / "workflows.md"
_COMPARISONS = (
    "StringEquals",
    "NumericEquals",
    "BooleanEquals",
    "TimestampEquals",
    "NumericGreaterThan",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "NumericLessThanEquals",
    "IsPresent",
    "IsNull",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "StringMatches",
)
_LABEL_UNSAFE = re.compile(r"[:;{}#\"]")


def _label(text: str) -> str:
    return _LABEL_UNSAFE.sub("", text.replace('"', "'")).strip()


def condition(rule: Mapping[str, Any]) -> str:
    """A Choice rule as short text: ``gate == 'READY' and wait == 'wait'``."""
    if "And" in rule:
        return " and ".join(condition(r) for r in rule["And"])
    if "Or" in rule:
        return " or ".join(condition(r) for r in rule["Or"])
    if "Not" in rule:
        return f"not ({condition(rule['Not'])})"
    variable = str(rule.get("Variable", "?")).rsplit(".", 1)[-1]
    for op in _COMPARISONS:
        for key in (op, op + "Path"):
            if key in rule:
                value = rule[key]
                shown = f"'{value}'" if isinstance(value, str) and key == op else json.dumps(value)
                symbol = {
                    "Equals": "==",
                    "GreaterThan": ">",
                    "LessThan": "<",
                    "GreaterThanEquals": ">=",
                    "LessThanEquals": "<=",
                }.get(re.sub(r"^(String|Numeric|Boolean|Timestamp)", "", op))
                return f"{variable} {symbol} {shown}" if symbol else f"{variable} {op} {shown}"
    return variable


def _states(states: Mapping[str, Any], indent: str) -> Iterable[str]:
    for name, state in states.items():
        kind = state["Type"]
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if kind == "Map" and processor:
            yield f"{indent}state {name} {{"
            yield f"{indent}    [*] --> {processor['StartAt']}"
            yield from _states(processor["States"], indent + "    ")
            yield f"{indent}}}"
        elif kind in ("Choice", "Wait", "Fail", "Parallel"):
            yield f'{indent}state "{name} ({kind})" as {name}'
        for target, label in _edges(state):
            yield f"{indent}{name} --> {target}" + (f": {_label(label)}" if label else "")


def _edges(state: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    if state.get("Next"):
        yield state["Next"], ""
    for rule in state.get("Choices", []):
        yield rule["Next"], condition(rule)
    if state.get("Default"):
        yield state["Default"], "otherwise"
    for catch in state.get("Catch", []):
        yield catch["Next"], "catch " + ", ".join(catch.get("ErrorEquals", []))
    if state.get("End") or state["Type"] in ("Succeed", "Fail"):
        yield "[*]", ""


def mermaid(definition: Mapping[str, Any], title: str) -> str:
    """The state diagram of one ASL definition (deterministic: definition order)."""
    lines = [f"%% {title}", "stateDiagram-v2", f"    [*] --> {definition['StartAt']}"]
    lines += _states(definition["States"], "    ")
    return "\n".join(lines) + "\n"


def render(machine: str, statemachines: Path = ROOT / "statemachines") -> str:
    definition = json.loads((statemachines / f"{machine}.asl.json").read_text())
    return mermaid(
        definition,
        f"{machine}: generated from statemachines/{machine}.asl.json by `detective-rollout diagram`; do not edit",
    )


def embed(page: str, machine: str, diagram: str) -> str:
    """``page`` with the block between ``<!-- diagram:<machine> -->`` and ``<!-- /diagram -->`` replaced."""
    pattern = re.compile(rf"(<!-- diagram:{re.escape(machine)} -->\n).*?(<!-- /diagram -->)", re.DOTALL)
    return pattern.sub(lambda m: f"{m.group(1)}```mermaid\n{diagram}```\n{m.group(2)}", page)


def write_all(out_dir: Path = DIAGRAMS, page: Path | None = PAGE) -> list[Path]:
    """Write every diagram (and refresh the page's embedded copies); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    text = page.read_text() if page and page.exists() else None
    for machine in MACHINES:
        diagram = render(machine)
        path = out_dir / f"{machine}.mmd"
        path.write_text(diagram)
        written.append(path)
        if text is not None:
            text = embed(text, machine, diagram)
    if page and text is not None and text != page.read_text():
        page.write_text(text)
        written.append(page)
    return written


def stale(out_dir: Path = DIAGRAMS, page: Path | None = PAGE) -> list[str]:
    """What disagrees with the ASL: missing/outdated .mmd files, the page's blocks not matching them."""
    problems = []
    text = page.read_text() if page and page.exists() else ""
    for machine in MACHINES:
        diagram = render(machine)
        path = out_dir / f"{machine}.mmd"
        if not path.exists() or path.read_text() != diagram:
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            problems.append(f"{shown} differs from statemachines/{machine}.asl.json")
        if f"<!-- diagram:{machine} -->" in text and embed(text, machine, diagram) != text:
            problems.append(f"the embedded {machine} diagram in {page.name if page else 'the page'} is outdated")
    return problems
