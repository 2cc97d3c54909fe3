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
]

#: Choices the issue leaves to the project, as a security team would expect them.
DESIGN_CHOICES: list[str] = [
    "**Root emails in the report.** The report keeps the execution input as given, full root emails included, in "
    "`request.input`: `replay` rebuilds the input of the failed pairs from it, and the report lives only in the "
    "private, encrypted, TLS-only report bucket (or the operator's own file). Every other surface masks them: task "
    "logs (every string of a log line is masked as it is serialized), execution causes (every error the tasks raise "
    "masks its message), validation messages, and the SNS / EventBridge notifications, which carry the summary and "
    "the report's location, never rows or input.",
]
