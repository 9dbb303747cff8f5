"""Typed readers for settings that come from environment variables.

Every setting Rasad reads from the environment goes through one of these helpers, so that a
wrong value stops start-up with a message naming the variable and what was expected, instead of
surfacing later as a confusing failure. Secrets may also be read from a file named by
``<NAME>_FILE`` (Docker and systemd credentials work that way).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit


class SettingError(Exception):
    """Raised when an environment variable has a value Rasad cannot use."""

    def __init__(self, name: str, expected: str, value: str) -> None:
        super().__init__(f"Environment variable {name}={value!r} is invalid: expected {expected}.")
        self.name = name


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        file_name = os.environ.get(f"{name}_FILE")
        if file_name:
            try:
                value = Path(file_name).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SettingError(f"{name}_FILE", "a readable file", file_name) from exc
    return value


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(name, "one of true/false/1/0/yes/no/on/off", value)


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(name, "a whole number", value) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise SettingError(name, f"a whole number between {minimum} and {maximum}", value)
    return number


def env_number(name: str, default: float, *, minimum: float, maximum: float) -> float:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingError(name, "a number", value) from None
    if not minimum <= number <= maximum:  # NaN included
        raise SettingError(name, f"a number between {minimum:g} and {maximum:g}", value)
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise SettingError(name, "one of " + ", ".join(choices), value)
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# How many explicit joins PostgreSQL's planner may reorder at once (its default is 8).
JOIN_COLLAPSE_LIMIT: Final = 4
# What the planner reckons a page read out of order costs against one read in sequence (its
# default, 4, is for spinning disks; 1.1 is the usual value for SSDs). RASAD_PG_RANDOM_PAGE_COST
# changes it.
RANDOM_PAGE_COST: Final = 1.1


def database_from_url(name: str, url: str, *, pool: bool = False) -> dict[str, object]:
    """Turn ``postgres://user:pass@host:port/db`` into a Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SettingError(name, "a postgres:// or postgresql:// URL", url)
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise SettingError(name, "a URL that names a database (postgres://host/dbname)", url)
    try:
        port = parts.port
    except ValueError:
        raise SettingError(name, "a URL with a numeric port", url) from None
    join_collapse_limit = env_int("RASAD_PG_JOIN_COLLAPSE_LIMIT", JOIN_COLLAPSE_LIMIT, minimum=1, maximum=64)
    random_page_cost = env_number("RASAD_PG_RANDOM_PAGE_COST", RANDOM_PAGE_COST, minimum=0.1, maximum=100)
    planner = f"-c join_collapse_limit={join_collapse_limit} -c random_page_cost={random_page_cost:g}"
    return {
        # Django's backend, failing fast while the server is away and recovering within seconds
        # of its return (docs/operations.md).
        "ENGINE": "rasad.lib.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        # Under ASGI a request's synchronous code may run on a fresh thread, so thread-bound
        # persistent connections are not reused; psycopg's pool is (Django 5.1+).
        "CONN_MAX_AGE": 0 if pool else 60,
        # A persistent or pooled connection is checked before use, so one the server dropped
        # (a restart) is replaced instead of failing a request.
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
        # The pool's timeout bounds a request's wait for a connection: past it the request is
        # answered 503, so that a client learns within two seconds that it should retry.
        "OPTIONS": {
            "connect_timeout": 2,
            # The planner reorders at most four explicit joins at a time. A list query joins
            # up to nine tables for the codes it shows, and planning every join order cost
            # 13.5 ms against 0.6 ms of execution for a page of 50 cases; with 4, 2 ms
            # (docs/development/benchmarks.md, "Query planning").
            # Pages read out of order cost about what pages read in sequence do (SSDs, and a
            # database its cache holds): with PostgreSQL's default, at 10x data the case list's
            # count scanned every case (13 ms) instead of its index (4 ms), and a filtered case
            # page sorted every match (18 ms) instead of walking the index (2 ms)
            # (docs/development/benchmarks.md, "Session 17").
            "options": planner,
            **({"pool": {"min_size": 2, "max_size": 20, "timeout": 1.5}} if pool else {}),
        },
    }
