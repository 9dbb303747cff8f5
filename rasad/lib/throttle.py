"""Login throttling that nobody can use to lock someone else out.

Failures are counted per (account, client address) pair and, separately and more generously, per
client address. A burst of wrong passwords for Alice from Mallory's machine blocks Mallory's
machine for Alice's account only; Alice signing in from her own address is unaffected. The
address is the client's, not a reverse proxy's (``RASAD_TRUSTED_PROXIES``). Counters are shared by
every worker (``rasad.lib.counters``: Redis, or a SQLite file on the machine) and start again
``LOGIN_FAILURE_WINDOW_SECONDS`` after the first failure.

If the counters cannot be read, sign-in is refused as throttled (fail closed): an outage of the
store must not open the door to unlimited guessing.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings

from rasad.lib import counters

ADDRESS_MULTIPLIER = 4
logger = logging.getLogger(__name__)


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"login:{kind}:{digest}"


def _keys(username: str, ip: str) -> tuple[str, str]:
    return _key("pair", username.strip().lower(), ip), _key("ip", ip)


def is_throttled(username: str, ip: str) -> bool:
    pair_key, ip_key = _keys(username, ip)
    limit = settings.LOGIN_FAILURE_LIMIT
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    try:
        pair, address = counters.get(pair_key, window), counters.get(ip_key, window)
    except Exception:
        logger.exception("login throttle counters unavailable: refusing sign-in")
        return True
    return pair.count >= limit or address.count >= limit * ADDRESS_MULTIPLIER


def record_failure(username: str, ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    try:
        for key in _keys(username, ip):
            counters.hit(key, window)
    except Exception:
        logger.exception("login throttle counters unavailable: failure not counted")


def record_success(username: str, ip: str) -> None:
    pair_key, _ip_key = _keys(username, ip)
    counters.reset(pair_key)
