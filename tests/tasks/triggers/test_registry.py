"""tasks.triggers.registry: the account registry CSV (id -> email) the vending trigger falls back on."""

from __future__ import annotations

from tasks.triggers.registry import parse_registry


def test_registry_parsing() -> None:
    text = (
        "\ufeffaccount_id,email,regions\n012345678901, a@example.com ,eu-west-1\n12345678901,dup@example.com\n"
        "222222222222,\nnot-an-id,x@example.com\n333333333333,b@example.com\n"
    )
    assert parse_registry(text) == {"012345678901": "a@example.com", "333333333333": "b@example.com"}
