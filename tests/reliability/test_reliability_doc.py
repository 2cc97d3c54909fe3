"""docs/reliability.md is generated from the tables the reliability tests assert, so it cannot drift from them."""

from __future__ import annotations

from tests.reliability.catalog import CLI_BAD_INPUTS, DISABLE_BAD_INPUTS, DOC, ENABLE_TASKS, FAULTS, render


def test_docs_reliability_md_is_the_rendering_of_the_tested_tables() -> None:
    regenerate = "run .venv/bin/python -m tests.reliability.catalog"
    assert DOC.exists(), f"docs/reliability.md is missing: {regenerate}"
    assert DOC.read_text() == render(), f"docs/reliability.md is stale: {regenerate}"


def test_the_matrix_covers_every_fault_issue_9_names() -> None:
    ids = {case.id for case in FAULTS}
    assert {f"lambda-service-{t}" for t in ENABLE_TASKS} <= ids
    assert {f"lambda-crash-{t}" for t in ENABLE_TASKS} <= ids
    assert {
        "throttle-10",
        "throttle-50",
        "5xx-burst",
        "access-denied",
        "invitation-invisible",
        "verification-fails",
        "volume-too-high",
        "region-disabled-mid-run",
        "graph-deleted-mid-run",
    } <= ids
    assert len(ids) == len(FAULTS), "two cases share an id"
    surfaces = {bad.surface for bad in CLI_BAD_INPUTS + DISABLE_BAD_INPUTS}
    assert surfaces == {"CLI enable", "CLI disable", "disable workflow"}


def test_every_fail_closed_and_killed_run_case_names_test_files_that_exist() -> None:
    from tests.reliability.catalog import ROOT
    from tests.reliability.runtime_catalog import RUNTIME_CASES

    named = {path.strip() for _what, _outcome, where in RUNTIME_CASES for path in where.split(",")}
    assert named and all((ROOT / path).is_file() for path in named), named
