"""``make bench`` end to end at a toy size, so the benchmark cannot break unnoticed (it is not part of make test).

The figures at this size mean nothing; what is checked is the contract of the last line (one
JSON object with the issue's keys) and that every engine run behind it enabled every pair.
"""

from __future__ import annotations

import json
import subprocess
import sys

from detective_rollout.bench.__main__ import LARGE_KEYS, SMALL_KEYS


def test_bench_prints_one_json_object_with_every_key_on_its_last_line() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "detective_rollout.bench",
            "--small",
            "3x2",
            "--large",
            "4x2",
            "--parts",
            "small,large",
            "--workers",
            "1",
            "--latency-ms",
            "2",
            "--clock-speed",
            "1000",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert (result["latency_ms"], result["clock_speed"], result["workers"]) == (2.0, 1000.0, 1)
    assert set(SMALL_KEYS) <= set(result["small"]) and set(LARGE_KEYS) <= set(result["large"])
    assert (result["small"]["accounts"], result["small"]["regions"]) == (3, 2)
    assert result["small"]["mutating_calls_on_rerun"] == 0
    assert result["large"]["worker_peak_rss_mb"] > 0
    # The progress lines carry each part's checks: every pair ENABLED, throttled or not.
    parts = {line.split()[1]: json.loads(line.split(": ", 1)[1]) for line in lines[:-1] if line.startswith("# ")}
    small, large = parts["small"]["_check"], parts["large"]["_check"]
    assert small["status"] == "SUCCEEDED" and small["summary"] == {"ENABLED": 6, "total": 6}
    assert small["throttled_summary"] == small["summary"] and small["rerun_summary"] == small["summary"]
    assert large["status"] == "SUCCEEDED" and large["summary"] == {"ENABLED": 8, "total": 8}
