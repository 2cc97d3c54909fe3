"""The local engine never sends a request to a real AWS endpoint: refused in-process, before any DNS lookup."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from detective_rollout.emulator.netguard import NetworkRefused, is_loopback
from tests.reliability.killed import DEADLINE_S, ROOT

KEYS = {"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "example", "region_name": "us-east-1"}


def test_with_the_emulator_torn_down_mid_run_no_socket_is_opened_to_a_non_loopback_address(tmp_path) -> None:
    """The reproduction of Ctrl-C during a run: the handler threads outlive the mocks and keep calling."""
    log = tmp_path / "sockets.log"
    done = subprocess.run(  # noqa: S603 - our own modules
        [sys.executable, "-m", "tests.reliability.audited", str(log), "teardown"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=DEADLINE_S * 2,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["refused"], "the abandoned handlers made no call after the teardown: the probe proved nothing"
    assert all(host.endswith(".amazonaws.com") for host in probe["refused"]), probe
    assert log.read_text() == "", f"DNS lookups / connections past loopback:\n{log.read_text()}"


def test_a_botocore_request_nobody_answers_is_refused_naming_the_host() -> None:
    client = boto3.client("guardduty", config=Config(retries={"max_attempts": 1}), **KEYS)  # type: ignore[call-overload]
    with pytest.raises(NetworkRefused, match="guardduty.us-east-1.amazonaws.com.*only loopback"):
        client.list_detectors()


def test_any_other_client_in_the_process_is_refused_before_the_lookup_or_the_connection() -> None:
    with pytest.raises(NetworkRefused, match="example.com"):
        socket.create_connection(("example.com", 443), timeout=1)
    with socket.socket() as sock, pytest.raises(NetworkRefused, match="192.0.2.1"):
        sock.connect(("192.0.2.1", 443))


def test_a_client_pointed_at_a_closed_loopback_port_gets_a_connection_error_as_on_a_dead_network() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # bound, never listening: the connection is refused
        client = boto3.client(  # type: ignore[call-overload]
            "detective", endpoint_url=f"http://127.0.0.1:{closed}", config=Config(retries={"max_attempts": 1}), **KEYS
        )
        with pytest.raises(EndpointConnectionError):
            client.list_graphs()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("guardduty.us-east-1.amazonaws.com", False),
        ("10.0.0.1", False),
        ("localhost.amazonaws.com", False),
        ("", False),
        (None, False),
    ],
)
def test_only_localhost_and_loopback_literals_count_as_loopback(host: str | None, loopback: bool) -> None:
    assert is_loopback(host) is loopback
