"""The committed Mermaid diagrams (docs/diagrams, docs/workflows.md) are what the ASL says - regenerate with
``detective-rollout diagram`` when a definition changes."""

from __future__ import annotations

import json
from pathlib import Path

from detective_rollout.ops import diagram
from tests.helpers.ops import Cli


def test_committed_diagrams_agree_with_the_asl() -> None:
    assert diagram.stale() == [], "run `detective-rollout diagram` and commit docs/diagrams and docs/workflows.md"


def test_every_state_and_every_transition_is_drawn() -> None:
    for machine in diagram.MACHINES:
        definition = json.loads((diagram.ROOT / "statemachines" / f"{machine}.asl.json").read_text())
        text = diagram.render(machine)
        pending = [definition["States"]]
        while pending:
            for name, state in pending.pop().items():
                assert name in text, (machine, name)
                if state.get("Next"):
                    assert f"{name} --> {state['Next']}" in text
                for rule in state.get("Choices", []):
                    assert f"{name} --> {rule['Next']}: " in text
                for catch in state.get("Catch", []):
                    assert f"{name} --> {catch['Next']}: catch {', '.join(catch['ErrorEquals'])}" in text
                processor = state.get("ItemProcessor") or state.get("Iterator")
                if processor:
                    assert f"state {name} {{" in text
                    pending.append(processor["States"])


def test_the_command_writes_and_checks(tmp_path: Path, cli: Cli) -> None:
    result = cli("diagram", "--output-dir", tmp_path)
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disable-detective.mmd", "enable-detective.mmd"]
    assert cli("diagram", "--check", "--output-dir", tmp_path).exit_code == 0
    (tmp_path / "enable-detective.mmd").write_text("stateDiagram-v2\n")
    stale = cli("diagram", "--check", "--output-dir", tmp_path)
    assert stale.exit_code == 1 and "enable-detective.mmd differs" in stale.stderr


def test_page_blocks_are_replaced_between_their_markers() -> None:
    text = "intro\n<!-- diagram:enable-detective -->\nold\n<!-- /diagram -->\nrest\n"
    assert (
        diagram.embed(text, "enable-detective", "new\n")
        == "intro\n<!-- diagram:enable-detective -->\n```mermaid\nnew\n```\n<!-- /diagram -->\nrest\n"
    )
