"""``make bench``: the enable workflow at 80 x 17 and 1,200 x 21 on the embedded engine, against a baseline.

Every run uses the emulated fleet with injected per-call latency (wall milliseconds, see
:mod:`detective_rollout.bench.fleet`) and a SpeedClock, so waits and sleeps are scaled down by the
clock speed while each API call still costs its latency in wall time. ``python -m
detective_rollout.bench --help`` lists the flags; the last line printed is one JSON object
(docs/performance.md says what each figure means).
"""
