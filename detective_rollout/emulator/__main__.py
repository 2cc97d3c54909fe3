"""``python -m detective_rollout.emulator serve --scenario FILE [--port N] [--clock SPEC]``.

The same as ``detective-rollout emulator serve``, usable before (or without) the CLI.
"""

from __future__ import annotations

import argparse
import sys

from detective_rollout.emulator.scenario import ScenarioError
from detective_rollout.emulator.server import ListenError, run_server


def port_number(raw: str) -> int:
    """``--port``: a TCP port, 0-65535 (0: any free port), refused with the value before anything starts."""
    try:
        port = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {raw!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {port}")
    return port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detective_rollout.emulator")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulated fleet over HTTP on 127.0.0.1")
    serve.add_argument("--scenario", required=True, help="scenario JSON file (docs/emulator.md)")
    serve.add_argument("--port", type=port_number, default=0, help="port, 0-65535 (default 0: a free one)")
    serve.add_argument("--clock", default="real", help="instant | real | speed=N (default: real)")
    args = parser.parse_args(argv)
    try:
        return run_server(args.scenario, args.port, args.clock)
    except (ScenarioError, ValueError, ListenError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
