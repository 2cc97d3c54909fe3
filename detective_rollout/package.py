"""Finish the Lambda code package (infra/template.yaml ``CodeUri: ../build/lambda``) for the runtime's Python.

``make package`` copies ``tasks/`` and installs ``tasks/requirements.txt`` (pinned by ``constraints.txt``) into
``build/lambda`` without compiling, then runs this on it: console scripts (``bin/``, e.g. jmespath's ``jp.py``) and
every ``__pycache__`` are removed, and every module is compiled once by this interpreter, which must be the
template's runtime version. Lambda's file system is read-only, so bytecode of another version is recompiled in
memory on every cold start; hash-based ``.pyc`` (unchecked) do not depend on the zip's timestamps.
"""

from __future__ import annotations

import compileall
import py_compile
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "infra" / "template.yaml"
EXIT_USAGE = 2


def runtime_version(template: Path = TEMPLATE) -> tuple[int, int]:
    """``(3, 12)`` for ``Runtime: python3.12`` in the template's Globals."""
    found = re.search(r"^\s+Runtime:\s*python(\d+)\.(\d+)\s*$", template.read_text(), re.MULTILINE)
    if found is None:
        raise ValueError(f"{template}: no 'Runtime: pythonX.Y'")
    return int(found.group(1)), int(found.group(2))


def finalize(root: Path) -> list[Path]:
    """Strip ``bin/`` and all ``__pycache__`` under ``root``, compile every module; the removed paths."""
    removed = [root / "bin"] if (root / "bin").is_dir() else []
    removed += sorted(p for p in root.rglob("__pycache__") if p.is_dir())
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    ok = compileall.compile_dir(
        str(root), quiet=1, workers=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    if not ok:
        raise RuntimeError(f"compiling {root} failed (see the messages above)")
    return removed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m detective_rollout.package BUILD_DIR (an existing directory)", file=sys.stderr)
        return EXIT_USAGE
    wanted, running = runtime_version(), sys.version_info[:2]
    if running != wanted:
        print(
            f"the template's runtime is python{wanted[0]}.{wanted[1]} but this is python{running[0]}.{running[1]}: "
            "package with the runtime's version (make finds it; PYTHON= to name it)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    removed = finalize(Path(args[0]))
    print(f"{args[0]}: compiled for python{wanted[0]}.{wanted[1]}, removed {len(removed)} bin/ and __pycache__ dirs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
