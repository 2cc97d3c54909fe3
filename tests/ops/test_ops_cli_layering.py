"""The CLI is one layer: cli.py is the click surface, and nothing below it imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

import detective_rollout

PACKAGE = Path(detective_rollout.__file__).resolve().parent
CLI = PACKAGE / "cli.py"


def _imports_cli(tree: ast.AST) -> list[int]:
    """Line numbers of any import of ``detective_rollout.cli`` (absolute, ``from ... import cli``, relative)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            relative = "detective_rollout" + (f".{node.module}" if node.module else "")  # anchored at the package
            base = relative if node.level else (node.module or "")
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            continue
        if any(n == "detective_rollout.cli" or n.startswith("detective_rollout.cli.") for n in names):
            lines.append(node.lineno)
    return lines


def test_no_module_below_the_cli_imports_the_cli_module() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != CLI
        for line in _imports_cli(ast.parse(path.read_text(), str(path)))
    ]
    assert offenders == []


def test_the_layering_check_sees_every_spelling_of_an_import_of_the_cli() -> None:
    spellings = [
        "import detective_rollout.cli",
        "from detective_rollout.cli import main",
        "from detective_rollout import cli",
        "from .. import cli",
        "from ..cli import main",
        "def f():\n    from detective_rollout.cli import main\n",
    ]
    assert [bool(_imports_cli(ast.parse(code))) for code in spellings] == [True] * len(spellings)
    assert _imports_cli(ast.parse("from detective_rollout.ops import cli_options")) == []


def test_cli_module_defines_no_helpers_only_click_commands() -> None:
    tree = ast.parse(CLI.read_text())
    plain = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
        and not any(isinstance(d, ast.Call | ast.Attribute) for d in getattr(node, "decorator_list", []))
    ]
    assert plain == []
