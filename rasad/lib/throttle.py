"""Login throttling that nobody can use to lock someone else out.

Failures are counted per (account, client address) pair and, separately and more generously, per
client address. A burst of wrong passwords for Alice from Mallory's machine blocks Mallory's
machine for Alice's account only; Alice signing in from her own address is unaffected. Counters
live in the cache (Redis across nodes) and expire after the window.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

ADDRESS_MULTIPLIER = 4


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"rasad:login:{kind}:{digest}"


def _keys(username: str, ip: str) -> tuple[str, str]:
    return _key("pair", username.strip().lower(), ip), _key("ip", ip)


def is_throttled(username: str, ip: str) -> bool:
    pair_key, ip_key = _keys(username, ip)
    limit = settings.LOGIN_FAILURE_LIMIT
    return int(cache.get(pair_key, 0)) >= limit or int(cache.get(ip_key, 0)) >= limit * ADDRESS_MULTIPLIER


def record_failure(username: str, ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _keys(username, ip):
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)


def record_success(username: str, ip: str) -> None:
    pair_key, _ip_key = _keys(username, ip)
    cache.delete(pair_key)
