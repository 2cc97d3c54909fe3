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

from detective_rollout.emulator.wire import HttpResponse, bad_request, handle_http, missing_authentication

if TYPE_CHECKING:
    from detective_rollout.emulator.fleet import Fleet


class _Handler(BaseHTTPRequestHandler):
    server: _FleetServer
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

    def _serve(self) -> None:
        body = self._body()
        if body is None:
            return
        host = self.headers.get("Host") or "127.0.0.1"
        url = f"http://{host}{self.path}"
        headers = {k: v for k, v in self.headers.items()}
        if not self.headers.get("Authorization"):
            answer: HttpResponse | None = missing_authentication(url, body)
        else:
            answer = handle_http(self.server.fleet, self.command, url, headers, body)
        if answer is None:
            answer = HttpResponse(
                400,
                {"Content-Type": "application/json", "x-amzn-ErrorType": "UnknownService"},
                json.dumps(
                    {
                        "message": "detective-rollout emulates detective, guardduty, sts, account and "
                        "organizations only (SigV4 credential scope)"
                    }
                ).encode(),
            )
        self._answer(answer)

    def _body(self) -> bytes | None:
        """The request body; None after answering 400 for a Content-Length that is not a length or not sent.

        A non-numeric or negative Content-Length, or a body shorter than it (read with a one-second
        timeout), is answered at once and the connection closed: reading "until the end" of a
        keep-alive connection would wait for ever.
        """
        raw = self.headers.get("Content-Length") or "0"
        length = int(raw) if raw.strip().isdigit() else -1
        if length < 0:
            self._bad_request(f"Invalid Content-Length {raw!r}")
            return None
        if not length:
            return b""
        self.connection.settimeout(BODY_TIMEOUT_S)
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            body = b""
        finally:
            self.connection.settimeout(None)
        if len(body) < length:
            self._bad_request(f"The request body ended after {len(body)} of {length} bytes (Content-Length)")
            return None
        return body

    def _bad_request(self, message: str) -> None:
        self.close_connection = True
        self._answer(bad_request(dict(self.headers.items()), message))

    def _answer(self, answer: HttpResponse) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log is not None:
            self.server.log.write(f"{self.address_string()} {format % args}\n")


#: Seconds a request's declared body may take to arrive.
BODY_TIMEOUT_S = 1.0


class _FleetServer(ThreadingHTTPServer):
    daemon_threads = True
    #: listen() backlog: socketserver's default of 5 reset connections with 200 clients connecting at once.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], fleet: Fleet, log: TextIO | None) -> None:
        super().__init__(address, _Handler)
        self.fleet = fleet
        self.log = log

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}"


class ListenError(OSError):
    """The port cannot be listened on (in use, or privileged); the message names it."""


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
    try:
        server, thread = serve(fleet, host, port, log=sys.stderr)
    except OSError as exc:  # in use, or not ours to bind: the user picks another --port
        raise ListenError(f"--port {port}: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    print(f"Emulated fleet listening on {server.url} (clock {clock_spec}; Ctrl-C stops)", flush=True)
    try:
        thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0
