"""``python -m detective_rollout.emulator serve --scenario FILE [--port N] [--clock SPEC]``.

The same as ``detective-rollout emulator serve``, usable before (or without) the CLI.
"""

from __future__ import annotations

import argparse
import sys

from detective_rollout.emulator.scenario import ScenarioError
from detective_rollout.emulator.server import run_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detective_rollout.emulator")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulated fleet over HTTP on 127.0.0.1")
    serve.add_argument("--scenario", required=True, help="scenario JSON file (docs/emulator.md)")
    serve.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    serve.add_argument("--clock", default="real", help="instant | real | speed=N (default: real)")
    args = parser.parse_args(argv)
    try:
        return run_server(args.scenario, args.port, args.clock)
    except (ScenarioError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
