"""``python -m detective_rollout.bench``: run the parts, each in its own process, and print the JSON.

Each part (small, baseline, large) runs in a fresh interpreter, so one part's memory and warm
caches do not flatter or burden another, and ``peak_rss_mb`` is the large rollout's own. Progress
and the checks behind each figure go to earlier lines; the last line is the one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from detective_rollout.bench.fleet import Size
from detective_rollout.emulator import netguard

PARTS = ("small", "baseline", "large")
SMALL_KEYS = (
    "accounts",
    "regions",
    "wall_s",
    "baseline_wall_s",
    "speedup",
    "critical_path_s",
    "wall_over_critical_path",
    "state_transitions",
    "transitions_per_account_region",
    "max_history_events",
    "max_payload_bytes",
    "api_calls",
    "mutating_calls_on_rerun",
    "throttled_wall_ratio",
)
LARGE_KEYS = (
    "accounts",
    "regions",
    "wall_s",
    "api_calls",
    "effective_concurrency",
    "state_transitions",
    "transitions_per_account_region",
    "max_history_events",
    "max_payload_bytes",
    "peak_rss_mb",
)


def size(text: str) -> Size:
    try:
        accounts, regions = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ACCOUNTSxREGIONS (e.g. 80x17), got {text!r}") from None
    return Size(accounts, regions)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m detective_rollout.bench", description=__doc__)
    p.add_argument("--small", type=size, default=Size(80, 17), help="ACCOUNTSxREGIONS (default 80x17)")
    p.add_argument("--large", type=size, default=Size(1200, 21), help="ACCOUNTSxREGIONS (default 1200x21)")
    p.add_argument("--latency-ms", type=float, default=50.0, help="wall latency of every API call (default 50)")
    p.add_argument("--throttle-rate", type=float, default=0.2, help="throttling of the repeated small run (0.2)")
    p.add_argument("--clock-speed", type=float, default=100.0, help="SpeedClock factor: waits scaled 1/N (100)")
    p.add_argument("--parts", default=",".join(PARTS), help="comma-separated subset of small,baseline,large")
    p.add_argument("--batch-size", type=int, help="execution input batch_size (default: the deployment's)")
    p.add_argument("--max-concurrency", type=int, help="execution input max_concurrency (default: the deployment's)")
    p.add_argument("--invitation-wait-seconds", type=int, help="execution input (default: the deployment's)")
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Lambda worker processes of the engine runs, one per CPU (default 2; 0: the handlers run "
        "in the engine's own process, pinned to one CPU)",
    )
    p.add_argument(
        "--no-pin",
        action="store_true",
        help="let each process run on every CPU (default: pinned, see docs/performance.md)",
    )
    p.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)  # internal: run one part in this process
    return p


def options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "batch_size": args.batch_size,
        "max_concurrency": args.max_concurrency,
        "invitation_wait_seconds": args.invitation_wait_seconds,
    }


def run_part(args: argparse.Namespace) -> dict[str, Any]:
    from detective_rollout.bench import baseline, runs

    if args.part == "baseline":
        if not args.no_pin:
            runs.pin_to_one_cpu()
        return baseline.run_baseline(args.small, latency_ms=args.latency_ms, clock_speed=args.clock_speed)
    engine = runs.EngineSetup(args.workers, pin=not args.no_pin)
    if args.part == "small":
        return runs.small(
            args.small,
            latency_ms=args.latency_ms,
            clock_speed=args.clock_speed,
            throttle_rate=args.throttle_rate,
            options=options(args),
            engine=engine,
        )
    return runs.large(
        args.large, latency_ms=args.latency_ms, clock_speed=args.clock_speed, options=options(args), engine=engine
    )


def spawn(part: str, argv: list[str]) -> dict[str, Any]:
    started = time.monotonic()
    print(f"# {part}: running", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "detective_rollout.bench", *argv, "--part", part],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"bench part {part} failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(lines[-1])
    print(f"# {part} ({time.monotonic() - started:.0f} s): {json.dumps(result)}", flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    netguard.install()  # the bench runs the engine: it never reaches AWS
    if args.part:
        print(json.dumps(run_part(args)))
        return
    wanted = [p for p in args.parts.split(",") if p]
    unknown = sorted(set(wanted) - set(PARTS))
    if unknown:
        raise SystemExit(f"--parts: unknown {unknown}; choose from {','.join(PARTS)}")
    results = {part: spawn(part, argv) for part in PARTS if part in wanted}
    out: dict[str, Any] = {"latency_ms": args.latency_ms, "clock_speed": args.clock_speed, "workers": args.workers}
    if "small" in results:
        small = dict(results["small"])
        base = results.get("baseline", {}).get("wall_s")
        small["baseline_wall_s"] = base
        small["speedup"] = round(base / small["wall_s"], 1) if base else None
        out["small"] = {k: small.get(k) for k in SMALL_KEYS}
    if "large" in results:
        out["large"] = {k: results["large"].get(k) for k in LARGE_KEYS}
        if args.workers:
            out["large"]["worker_peak_rss_mb"] = results["large"].get("worker_peak_rss_mb")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
