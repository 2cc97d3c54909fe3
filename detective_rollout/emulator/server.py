"""The HTTP front end (``detective-rollout emulator serve``): the same fleet and wire code over HTTP.

Any unmodified AWS client works against it - the AWS CLI with ``--endpoint-url``, a boto3
script with ``endpoint_url`` or ``AWS_ENDPOINT_URL`` - because the service, Region and caller
come from the SigV4 Authorization header exactly as in-process, not from the hostname.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, TextIO

from detective_rollout.emulator.wire import handle_http

if TYPE_CHECKING:
    from detective_rollout.emulator.fleet import Fleet


class _Handler(BaseHTTPRequestHandler):
    server: _FleetServer
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or "127.0.0.1"
        headers = {k: v for k, v in self.headers.items()}
        answer = handle_http(self.server.fleet, self.command, f"http://{host}{self.path}", headers, body)
        if answer is None:
            status, out_headers = 400, {"Content-Type": "application/json", "x-amzn-ErrorType": "UnknownService"}
            payload = json.dumps(
                {
                    "message": "detective-rollout emulates detective, guardduty, sts, account and "
                    "organizations only (SigV4 credential scope)"
                }
            ).encode()
        else:
            status, out_headers, payload = answer.status, answer.headers, answer.body
        self.send_response(status)
        for name, value in out_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log is not None:
            self.server.log.write(f"{self.address_string()} {format % args}\n")


class _FleetServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fleet: Fleet, log: TextIO | None) -> None:
        super().__init__(address, _Handler)
        self.fleet = fleet
        self.log = log

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}"


def serve(
    fleet: Fleet, host: str = "127.0.0.1", port: int = 0, log: TextIO | None = None
) -> tuple[_FleetServer, threading.Thread]:
    """Start serving ``fleet`` on a daemon thread; ``port=0`` picks a free port (``server.url``).

    Stop with ``server.shutdown(); server.server_close()``.
    """
    server = _FleetServer((host, port), fleet, log)
    thread = threading.Thread(target=server.serve_forever, name="fleet-http", daemon=True)
    thread.start()
    return server, thread


def run_server(scenario_path: str, port: int = 0, clock_spec: str = "real", host: str = "127.0.0.1") -> int:
    """What ``detective-rollout emulator serve`` runs: serve until interrupted, printing the URL.

    ``instant`` is served as ``real``: an instant clock moves only when someone sleeps on it, and
    HTTP clients sleep on their own clocks, so its time would stand still and invitations would
    stay VERIFICATION_IN_PROGRESS for ever. ``speed=N`` is honoured (a fast-forwarded fleet).
    """
    from detective_rollout.clocks import parse_clock
    from detective_rollout.emulator import netguard
    from detective_rollout.emulator.fleet import Fleet
    from detective_rollout.emulator.scenario import load_scenario

    netguard.install()
    if clock_spec == "instant":
        clock_spec = "real"
    fleet = Fleet(load_scenario(scenario_path), parse_clock(clock_spec))
    server, thread = serve(fleet, host, port, log=sys.stderr)
    print(f"Emulated fleet listening on {server.url} (clock {clock_spec}; Ctrl-C stops)", flush=True)
    try:
        thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0
