"""The whole suite fails closed: no test can send a request past loopback (docs/reliability.md, "Fail closed").

The engine and the emulator install the guard themselves; installing it here too covers the tests
that use moto or botocore directly. A test of an AWS code path that needs a network failure points
its client at a closed loopback port.
"""

from __future__ import annotations

from detective_rollout.emulator import netguard

netguard.install()
