"""The engine's speed hooks: the same executions, faster. Switchable, on by default.

Each one removes CPU the interpreter spends again and again on one core (see docs/engine.md, "Hooks"):

* ``AmazonStateLanguageParser.parse`` -> the ANTLR parse tree of a definition is kept; each execution
  still gets fresh evaluation components from moto's Preprocessor. moto parses the whole definition
  at every StartExecution (0.1-0.2 s of CPU for the enable machine, before the first state).
* ``json_path.parse`` and ``result_path.parse`` -> cached: jsonpath_ng builds a new parser for every
  expression it parses (milliseconds each), and moto parses a state's paths again at every visit.
* ``copy`` of the interpreter modules that deep-copy state data -> :class:`hooks.CopyShim`: a pickle
  round trip for dicts and lists. copy.deepcopy of the state's data, about eight times per state,
  costs more than the rest of a transition.
* ``botocore.endpoint.uuid`` -> invocation ids without a system call each (detective_rollout.ids).

``DETECTIVE_ROLLOUT_ENGINE_SPEED_HOOKS=0`` leaves them all out, e.g. to try a moto upgrade with the
correctness hooks alone.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

from detective_rollout.engine import hooks

SWITCH = "DETECTIVE_ROLLOUT_ENGINE_SPEED_HOOKS"


def enabled() -> bool:
    """Whether the speed hooks are installed: yes unless ``DETECTIVE_ROLLOUT_ENGINE_SPEED_HOOKS`` is ``0``."""
    return os.environ.get(SWITCH, "1").strip() != "0"


def _parse_once(parse: Callable[[str], tuple[Any, Any]]) -> Callable[[str], tuple[Any, Any]]:
    """moto's parse, with each definition's parse tree kept (the tree is only read afterwards)."""
    preprocessor = getattr(*hooks.resolve(hooks.PREPROCESSOR, "Preprocessor"))
    trees: dict[str, Any] = {}

    def parse_once(definition: str) -> tuple[Any, Any]:
        tree = trees.get(definition)
        if tree is None:  # first time (a syntax error raises here and is not kept)
            program, trees[definition] = parse(definition)
            return program, trees[definition]
        return preprocessor().visit(tree), tree

    return parse_once


def install(patches: hooks.Patches) -> None:
    """Every speed hook, recorded in ``patches`` (restored by the caller)."""
    parse = getattr(*hooks.resolve(hooks.ASL_PARSER, "AmazonStateLanguageParser.parse"))
    patches.set(hooks.ASL_PARSER, "AmazonStateLanguageParser.parse", staticmethod(_parse_once(parse)))
    for module in (hooks.JSON_PATH, hooks.RESULT_PATH):
        patches.set(module, "parse", functools.lru_cache(maxsize=1024)(getattr(*hooks.resolve(module, "parse"))))

    for module in hooks.DEEPCOPY_USERS:
        patches.set(module, "copy", hooks.CopyShim())

    hooks.patch_botocore_ids(patches)
