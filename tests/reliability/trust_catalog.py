"""Issue 16's reproductions (bad values, output a machine can trust, masking, truthful rows), for docs/reliability.md.

Each entry names what was tried, what happens now, and the test that proves it; the design
choices the issue leaves open are stated with them. :mod:`tests.reliability.catalog` renders both.
"""

from __future__ import annotations

#: (what was tried, what happens, the test that proves it)
TRUST_CHECKS: list[tuple[str, str, str]] = [
    (
        "an email whose local part holds `'`, `(`, `[`, `,`, `;`, a quoted part with spaces or a second `@` "
        "(`alice.o'connor@example.com`, `john.smith(ceo)p@example.com`), in a message, free text, an error cause "
        "or a task log line (message, extra keys, traceback)",
        "shown as its first character and its domain only (`a***@example.com`); a property test over generated "
        "addresses (any non-blank characters, or quoted with spaces) proves it for every surface",
        "tests/tasks/test_masking.py",
    ),
    (
        "an account already an ENABLED member of a Region's graph, in a Region the run skips for the "
        "administrator's GuardDuty (no detector, or too young with `guardduty_wait` `skip`)",
        "its row is ENABLED / ALREADY_ENABLED with `member_status` ENABLED and `changed` false (ValidateInput "
        "records the requested accounts already ENABLED); the other accounts of the Region stay SKIPPED",
        "tests/reliability/test_truthful_rows.py",
    ),
    (
        "`replay latest --reason ACCESS_DENIED`, then a plain `replay latest` (the replay of a replay: its merged "
        "report carries rows whose emails only the first execution's accounts CSV holds)",
        "both replays run; the second finds every carried-over row's email by walking `replay_of` back through "
        "the chain of executions, and every account x Region appears in each report",
        "tests/reliability/test_replay_rows.py",
    ),
    (
        "replayed rows that still fail the same way (role still missing, email still wrong, GuardDuty still off; "
        "StartMonitoringMember answered but the member stays ACCEPTED_BUT_DISABLED), a row the replay fixed, rows "
        "carried over",
        "`changed` is true only where this execution changed the pair's membership (invited, re-invited, accepted, "
        "enabled, removed): every row still failing the same way says false alike, the fixed row true, carried "
        "rows false",
        "tests/reliability/test_replay_rows.py, tests/workflow/test_enable_outcomes.py",
    ),
    (
        "`enable --plan` over members that are INVITED, VERIFICATION_FAILED with the same email, ENABLED with no "
        "role, ACCEPTED_BUT_DISABLED with and without GuardDuty, new with no role or no GuardDuty",
        "each PLANNED row predicts the run's row: `reason` is the run's reason and `detail` starts `expected STATUS "
        "[/ REASON]:` - an INVITED member would be accepted (ENABLED), the same failed email would fail again "
        "(VERIFICATION_FAILED); a test plans, then runs, the same fleet and compares every row",
        "tests/reliability/test_plan_predicts.py",
    ),
    (
        "a scenario with `latency_ms` / `seed` NaN or Infinity, `latency_ms` 1e300, an administrator id of "
        'non-ASCII digits, `"regions": ["us-east-1\\n"]`, `guardduty_age_hours` or event `after_s` 1e300, a '
        "`lambda_faults` task or fault `ops` name that does not exist",
        "refused naming the field and the value (`latency_ms` <= 60,000; hours and seconds <= ten years; ids ASCII "
        "digits; patterns matched whole; names checked against the workflows' Task states and the emulated "
        "services' operations); `enable --local` and `emulator serve` exit 2 with that one line, no traceback, no "
        "state dir created",
        "tests/emulator/test_emulator_scenario.py, tests/reliability/test_refused_up_front.py",
    ),
    (
        "workflow input `guardduty_min_age_hours` 1e7 (a run ending in the year 3167) or 1e300 (every row FAILED / "
        "OverflowError)",
        "refused by ValidateInput: `expected a number of hours from 0 to 720`; every numeric option has a range "
        "(README's input table)",
        "tests/tasks/test_validate_input_bad_input.py",
    ),
    (
        "`--clock speed=inf|1e300|nan|1e-300`, `status --watch --interval -1|nan`, `status --limit 0|-1`",
        "usage error naming the option, exit 2 (`speed` 0.1-1,000,000; `--interval` 0-3600 s; `--limit` 1-1000)",
        "tests/reliability/test_machine_output.py",
    ),
    (
        "`enable --json` while a task logs a WARNING (WriteReport's, for a replay of an execution without a report) "
        "and a graph is deleted mid-run, with and without `--verbose`; bad input with `--json`",
        "stdout is exactly one JSON document (nothing on bad input); task logs, the WARNING among them, go to "
        "stderr, and only with `--verbose`",
        "tests/reliability/test_machine_output.py",
    ),
    (
        "bad input to `enable` / `console-input` (a CSV whose rows are all invalid)",
        "`error: ` and one line per problem, the CSV's rows named by the file the user passed, no Lambda error "
        "blob, no repeated prefix, no knock-on `accounts: at least one account is required`",
        "tests/reliability/test_machine_output.py",
    ),
    (
        "`console-input` over a 4,000-row CSV (an input above StartExecution's 262,144 bytes)",
        "refused, exit 2, with the advice `enable` gives: upload the CSV and pass `--accounts s3://...`",
        "tests/reliability/test_machine_output.py",
    ),
]

#: Choices the issue leaves to the project, as a security team would expect them.
DESIGN_CHOICES: list[str] = [
    "**A replay of a replay walks `replay_of`.** A replay's input names only the pairs it redid (with their "
    "emails), so `replay` looks up each account's email in the replayed execution's input first, then in the input "
    "of the execution that one replayed, and so on back to the first (its accounts list or the CSV it named); the "
    "emails are not copied into later inputs or reports, so they stay where the operator put them. `--accounts` "
    "overrides any of them; an account still without an email is refused naming it.",
    "**`changed` means the membership changed.** A row's `changed` is true when this execution changed the pair's "
    "membership: it created the member (CreateMembers), re-created it with a new email (DeleteMembers + "
    "CreateMembers), accepted its invitation (AcceptInvitation), asked Detective to start monitoring an "
    "ACCEPTED_BUT_DISABLED member that is ENABLED afterwards, or (disable) removed it. A call that leaves the "
    "membership as it was (StartMonitoringMember while the member stays ACCEPTED_BUT_DISABLED, a failed call) and a "
    "row a replay carries over are `changed: false`.",
    "**Root emails in the report.** The report keeps the execution input as given, full root emails included, in "
    "`request.input`: `replay` rebuilds the input of the failed pairs from it, and the report lives only in the "
    "private, encrypted, TLS-only report bucket (or the operator's own file). Every other surface masks them: task "
    "logs (every string of a log line is masked as it is serialized), execution causes (every error the tasks raise "
    "masks its message), validation messages, and the SNS / EventBridge notifications, which carry the summary and "
    "the report's location, never rows or input.",
]
