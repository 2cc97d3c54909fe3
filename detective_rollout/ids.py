"""Unique ids without a system call per id.

``uuid.uuid4()`` reads os.urandom: a system call that releases the GIL, after which the calling
thread queues for the GIL again behind every other in-flight call of a fan-out. The emulator's
request ids and, on the engine, botocore's per-request invocation ids come from here instead:
a random prefix drawn once per process, then a counter - still unique, still version-4 UUIDs.
"""

from __future__ import annotations

import itertools
import uuid

_PREFIX = uuid.uuid4().int >> 48 << 48
_numbers = itertools.count(1)


def unique_uuid() -> uuid.UUID:
    return uuid.UUID(int=_PREFIX | next(_numbers) & 0xFFFF_FFFF_FFFF)
