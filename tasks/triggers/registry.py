"""The account registry ``registry/accounts.csv`` in the report bucket: account id -> root email.

Root emails cannot be looked up without Organizations management (or delegated admin) access, so
teams keep them in this file - the same ``account_id,email[,regions]`` format the enable workflow
reads, header optional. Spreadsheet tools drop leading zeros, so short numeric ids are padded.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client

REGISTRY_KEY = "registry/accounts.csv"


def parse_registry(text: str) -> dict[str, str]:
    """Emails by account id; later rows do not override earlier ones, rows without an email are ignored."""
    emails: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 2:
            continue
        account, email = normalize_account_id(row[0]), row[1].strip()
        if len(account) == 12 and account.isdigit() and email:
            emails.setdefault(account, email)
    return emails


def normalize_account_id(value: str) -> str:
    value = value.strip().lstrip("\ufeff")
    return value.zfill(12) if value.isdigit() and len(value) < 12 else value


def read_registry(s3: S3Client, bucket: str, key: str = REGISTRY_KEY) -> dict[str, str] | None:
    """The registry's emails, or None when the file does not exist."""
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            return None
        raise
    return parse_registry(body.decode("utf-8-sig"))
