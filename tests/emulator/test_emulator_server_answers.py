"""The HTTP front end answers every request as AWS documents, within a second, and under load.

A body of the wrong type, a body that is not UTF-8, a Content-Length that is not a length: 400 in
the protocol's error shape (not an empty reply or a hang). No Authorization header: 403
MissingAuthenticationToken. 200 clients at once: no connection reset (listen backlog).
"""

from __future__ import annotations

import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from detective_rollout.emulator import Fleet

AUTH = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/{service}/aws4_request, Signature=x"


def _request(
    url: str, path: str, body: bytes, headers: dict[str, str], service: str | None = "detective"
) -> tuple[int, dict[str, str], bytes, float]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    started = time.monotonic()
    connection.putrequest("POST", path)
    sent = {**({"Authorization": AUTH.format(service=service)} if service else {}), **headers}
    if "Content-Length" not in sent:
        sent["Content-Length"] = str(len(body))
    for name, value in sent.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    answer = response.read()
    elapsed = time.monotonic() - started
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, answer, elapsed


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/graphs/list", b'{"MaxResults": "x"}', "MaxResults"),
        ("/graph", b'{"Tags": "x"}', "Tags"),
        ("/graph", b'{"Tags": {"k": 1}}', "Tags.k"),
        ("/graph", b"[]", "CreateGraphRequest"),
    ],
)
def test_a_body_of_the_wrong_type_is_a_validation_exception(
    served: tuple[Fleet, str], path: str, body: bytes, field: str
) -> None:
    _, url = served
    status, headers, answer, elapsed = _request(url, path, body, {})
    assert (status, headers["x-amzn-errortype"]) == (400, "ValidationException")
    error = json.loads(answer)
    assert field in error["message"]
    assert error["ErrorCode"] == "INVALID_REQUEST_BODY" and error["ErrorCodeReason"] == error["message"]
    assert elapsed < 1.0


def test_a_body_that_is_not_utf8_is_answered_400_in_each_protocol(served: tuple[Fleet, str]) -> None:
    _, url = served
    status, headers, _, elapsed = _request(url, "/graph", b'{"Tags": "\xff\xfe"}', {})
    assert (status, headers["x-amzn-errortype"], elapsed < 1.0) == (400, "ValidationException", True)
    status, _, answer, elapsed = _request(url, "/", b"Action=GetCallerIdentity&x=\xff", {}, service="sts")
    assert status == 400 and b"<Code>ValidationError</Code>" in answer and elapsed < 1.0


@pytest.mark.parametrize("length", ["abc", "-1", "12abc", "100"])
def test_a_content_length_that_is_not_the_bodys_length_is_answered_400_within_a_second(
    served: tuple[Fleet, str], length: str
) -> None:
    _, url = served
    status, headers, answer, elapsed = _request(url, "/graphs/list", b"{}", {"Content-Length": length})
    assert status == 400 and headers["x-amzn-errortype"] == "ValidationException" and "Content-Length" in str(answer)
    assert elapsed < 2.0  # a declared body that never comes is waited for one second


def test_a_request_without_authorization_is_403_missing_authentication_token(served: tuple[Fleet, str]) -> None:
    _, url = served
    status, headers, answer, _ = _request(url, "/graphs/list", b"{}", {}, service=None)
    assert (status, headers["x-amzn-errortype"]) == (403, "MissingAuthenticationToken")
    assert json.loads(answer)["message"] == "Request is missing Authentication Token"
    status, _, answer, _ = _request(url, "/", b"Action=GetCallerIdentity&Version=2011-06-15", {}, service=None)
    assert status == 403 and b"<Code>MissingAuthenticationToken</Code>" in answer


def test_two_hundred_concurrent_clients_of_five_requests_each_are_all_served(served: tuple[Fleet, str]) -> None:
    _, url = served
    parts = urlsplit(url)
    headers = {"Authorization": AUTH.format(service="detective"), "Content-Type": "application/json"}

    def client(_: int) -> list[int]:
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        statuses = []
        try:
            for _ in range(5):  # one keep-alive connection per client, as botocore's pool uses them
                connection.request("POST", "/graphs/list", body=b"{}", headers=headers)
                response = connection.getresponse()
                response.read()
                statuses.append(response.status)
        finally:
            connection.close()
        return statuses

    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(client, range(200)))
    assert [s for statuses in results for s in statuses] == [200] * 1000
