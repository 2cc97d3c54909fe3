"""Build for the runtime that runs it: one source of pins, and a code package compiled for the runtime's Python.

pyproject.toml pins the direct dependencies; constraints.txt pins every distribution the venv and the Lambda
package install (the transitive ones too), and ``make .venv`` / ``make package`` install with it;
tasks/requirements.txt (what the package installs) repeats pyproject's runtime pins, checked here.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from infra_cfn import ROOT
from packaging.markers import default_environment
from packaging.requirements import Requirement

from detective_rollout import package

CONSTRAINTS = ROOT / "constraints.txt"
#: Installed with the venv but not part of what the project depends on.
TOOLING = {"pip", "setuptools", "wheel", "detective-rollout"}


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{line}: pin exactly (==)"
            pins[_name(requirement.name)] = spec.version
    return pins


def constraints() -> dict[str, str]:
    return _pins(CONSTRAINTS.read_text().splitlines())


def pyproject() -> tuple[dict[str, str], dict[str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return _pins(project["dependencies"]), _pins(project["optional-dependencies"]["dev"])


def test_pyproject_pins_exactly_what_the_constraints_pin() -> None:
    runtime, dev = pyproject()
    locked = constraints()
    for name, version in {**runtime, **dev}.items():
        assert locked.get(name) == version, f"{name}: pyproject {version}, constraints.txt {locked.get(name)}"


def test_the_lambda_requirements_are_pyprojects_runtime_pins() -> None:
    runtime, _ = pyproject()
    wanted = _pins((ROOT / "tasks" / "requirements.txt").read_text().splitlines())
    assert wanted and all(runtime.get(n) == v for n, v in wanted.items()), (wanted, runtime)


def _closure(names: set[str]) -> set[str]:
    """``names`` and everything they require on the runtime (extras off), from the installed metadata."""
    environment = {**default_environment(), "extra": ""}
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for raw in metadata.requires(name) or []:
            requirement = Requirement(raw)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                todo.append(_name(requirement.name))
    return seen


def test_the_constraints_pin_every_distribution_the_lambda_package_installs() -> None:
    wanted = set(_pins((ROOT / "tasks" / "requirements.txt").read_text().splitlines()))
    missing = _closure(wanted) - set(constraints())
    assert not missing, f"constraints.txt does not pin {sorted(missing)}"


def test_the_venv_holds_exactly_the_constraints() -> None:
    installed = {_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    installed = {n: v for n, v in installed.items() if n not in TOOLING}
    assert installed == constraints(), "make .venv installs with -c constraints.txt; regenerate it with pip freeze"


def test_make_installs_and_packages_with_the_constraints() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install .*-c constraints\.txt .*-e '\.\[dev\]'", makefile)
    assert re.search(r"pip install .*--target build/lambda .*-c constraints\.txt -r tasks/requirements\.txt", makefile)
    assert "python -m detective_rollout.package build/lambda" in makefile


def test_the_package_is_built_with_the_template_runtime_version() -> None:
    assert package.runtime_version() == sys.version_info[:2] == (3, 12)


def test_finalize_strips_scripts_and_foreign_bytecode_and_compiles_for_this_python(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "jp.py").write_text("print('a console script')\n")
    module = tmp_path / "jmespath" / "parser.py"
    module.parent.mkdir()
    module.write_text("X = 1\n")
    stale = tmp_path / "jmespath" / "__pycache__" / "parser.cpython-311.pyc"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    removed = package.finalize(tmp_path)
    assert tmp_path / "bin" in removed and not (tmp_path / "bin").exists()
    caches = sorted(p.name for p in tmp_path.rglob("*.pyc"))
    assert caches == [f"parser.{sys.implementation.cache_tag}.pyc"]
    header = next(tmp_path.rglob("*.pyc")).read_bytes()[4:8]
    assert int.from_bytes(header, "little") == 0b01, "unchecked hash-based pyc: no timestamp to check in the zip"


def test_a_wrong_interpreter_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(package, "runtime_version", lambda: (3, 11))
    assert package.main([str(tmp_path)]) == 2
    assert "runtime is python3.11" in capsys.readouterr().err
