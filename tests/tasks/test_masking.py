"""Masking masks: any email, whatever its local part holds, shows at most its first character and its domain.

Checked where an address can surface: a value shown in a message (:func:`tasks.problems.show`),
free text, an error's message (an execution cause) and a task log line.
"""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import domains

from tasks import errors
from tasks.log import logger
from tasks.masking import mask_emails
from tasks.problems import show

#: Any character but blanks: RFC 5322 local parts hold ', (, ), [, ,, ;, " and more; '@' too (the LAST '@' splits).
LOCAL = st.text(st.characters(exclude_categories=("Cs",)).filter(lambda c: not c.isspace()), min_size=1, max_size=64)
#: A quoted local part, which may hold spaces.
QUOTED = st.text(st.characters(exclude_categories=("Cs",), exclude_characters='"\\\n'), max_size=30).map(
    lambda s: f'"{s}"'
)
DOMAIN = domains(max_length=80)


def masked(local: str, domain: str) -> str:
    """What an address shows: its first character; a local part that already reads masked stays (idempotence)."""
    if re.fullmatch(r"['\"(\[{<]*[^\s@]?\*\*\*", local):
        return f"{local}@{domain}"
    return f"{local[:1]}***@{domain}"


def test_masking_a_message_twice_keeps_the_first_characters() -> None:
    message = f"got {show('bob@')} and {show(['alice@example.com'])}"
    assert message == "got 'b***@' and [\"a***@example.com\"]"
    assert errors.InvalidInput(message).message == message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("alice.o'connor@example.com", "'a***@example.com'"),
        ("john.smith(ceo)p@example.com", "'j***@example.com'"),
        ("a[1],b;c@example.com", "'a***@example.com'"),
        ("alice@bob@example.com", "'a***@example.com'"),
        ('"john smith"@example.com', "'\"***@example.com'"),
    ],
)
def test_show_masks_the_issue_16_addresses_to_first_character_and_domain(text: str, shown: str) -> None:
    assert show(text) == shown


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(local=LOCAL | QUOTED, domain=DOMAIN)
def test_any_address_shows_only_its_first_character_and_domain_in_values_text_and_causes(
    local: str, domain: str
) -> None:
    email = f"{local}@{domain}"
    expected = masked(local, domain)
    assert show(email, limit=10_000) == repr(expected)
    assert show({"email": email, "list": [email]}, limit=10_000) == json.dumps(
        {"email": expected, "list": [expected]}, ensure_ascii=False
    )
    assert mask_emails(f"sent to {email}, twice") == f"sent to {expected}, twice"
    assert errors.InvalidInput(f"accounts[0].email: {email}").message == f"accounts[0].email: {expected}"


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(local=LOCAL, domain=DOMAIN)
def test_any_address_in_a_task_log_line_shows_only_its_first_character_and_domain(local: str, domain: str) -> None:
    email = f"{local}@{domain}"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    level = logger.log_level
    logger.setLevel("DEBUG")  # a CLI test in the same process may have quieted the task logger
    try:
        try:
            raise ValueError(email)
        except ValueError:
            logger.exception(f"member {email} failed", extra={"emails": [email]})
    finally:
        logger.setLevel(level)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    expected = masked(local, domain)
    assert line["message"] == f"member {expected} failed"
    assert line["emails"] == [expected]
    assert email not in stream.getvalue() or local[1:] == ""
    assert line["exception"].endswith(f"ValueError: {expected}")
