"""How many envelopes the inbox takes from one peer per minute.

Counted per (sending centre as the envelope names it, client address) in a one-minute window,
*before* any signature is checked, so that a flood costs this node a header parse and a cache
increment rather than a verification and a database write. Keying on the pair means nobody can
use up a real peer's allowance from another address by writing its code into forged headers.
Counters live in the cache (Redis across app nodes; per process with the local cache).

A refused push is answered 429; the sending node's outbox treats that like an unreachable peer
and retries with backoff, so nothing is lost, only slowed.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def _key(sender: str, address: str, window: int) -> str:
    digest = hashlib.sha256(f"{sender}\x1f{address}".encode()).hexdigest()[:32]
    return f"rasad:comms-inbox:{window}:{digest}"


def allow(sender: str, address: str, *, now: float | None = None) -> bool:
    """Count one envelope from ``sender`` at ``address``; False once the minute's allowance is
    used up."""
    window = int((time.time() if now is None else now) // WINDOW_SECONDS)
    key = _key(sender, address, window)
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return int(count) <= settings.COMMS_INBOX_PER_MINUTE
