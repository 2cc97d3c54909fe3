"""``doctor --local``: the pre-flight checks that exist locally, passing and failing, one line each."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.ops import ADMIN, FAULTY, HEALTHY, REGIONS, Cli, write_scenario


def lines_by_check(output: str) -> dict[str, str]:
    """``{"member role 333...": "✗ member role 333...: ..."}`` - the check's name is before the colon."""
    found = {}
    for line in output.splitlines():
        name = line[2:].split(":", 1)[0].removesuffix(" (not checked)")
        found[name] = line
    return found


def test_doctor_passes_every_check_on_a_healthy_fleet(cli: Cli, tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "s.json", fault=None)
    result = cli("doctor", "--local", scenario)
    checks = lines_by_check(result.stdout)
    assert result.exit_code == 0, result.output
    assert set(checks) == {
        "Region",
        "credentials",
        "local deployment",
        "enable state machine",
        "disable state machine",
        "report bucket",
        *(f"GuardDuty {r}" for r in REGIONS),
        *(f"member role {a}" for a in [*HEALTHY, FAULTY]),
    }
    assert all(line.startswith("✓ ") for line in checks.values()), result.stdout
    assert f"(account {ADMIN})" in checks["credentials"]
    assert "72.0 h" in checks["GuardDuty us-east-1"]


def test_doctor_fails_a_young_detector_and_a_missing_member_role_saying_what_to_do(cli: Cli, tmp_path: Path) -> None:
    scenario = write_scenario(
        tmp_path / "s.json",
        administrator={"account_id": ADMIN, "guardduty_age_hours": {"us-east-1": 72, "eu-west-1": 10}},
    )
    result = cli("doctor", "--local", scenario)
    checks = lines_by_check(result.stdout)
    assert result.exit_code == 1
    young = checks["GuardDuty eu-west-1"]
    assert young.startswith("✗ ") and "10.0 h ago" in young and "--guardduty-wait skip" in young
    assert " UTC" in young  # until when the run would wait
    missing = checks[f"member role {FAULTY}"]
    assert missing.startswith("✗ ") and "deploy the member-role StackSet" in missing
    assert [name for name, line in checks.items() if line.startswith("✗")] == [
        "GuardDuty eu-west-1",
        f"member role {FAULTY}",
    ]


def test_doctor_checks_only_the_member_roles_of_the_accounts_file(cli: Cli, tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "s.json")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(f"account_id\n{HEALTHY[0]}\n")
    result = cli("doctor", "--local", scenario, "--accounts", accounts, "--regions", "us-east-1")
    checks = lines_by_check(result.stdout)
    assert result.exit_code == 0, result.output
    assert [n for n in checks if n.startswith(("member role", "GuardDuty"))] == [
        "GuardDuty us-east-1",
        f"member role {HEALTHY[0]}",
    ]


def test_doctor_refuses_an_unreadable_accounts_file_with_exit_2(cli: Cli, tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "s.json")
    bad = tmp_path / "bad.csv"
    bad.write_text("account_id\n12\n")
    result = cli("doctor", "--local", scenario, "--accounts", bad)
    assert result.exit_code == 2
    assert "--accounts" in result.stderr and "12" in result.stderr
