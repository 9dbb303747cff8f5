"""Run the tests in another order, to find those that depend on what ran before them in their
worker or leave process-wide state behind (a pytest plugin, ``-p rasad.testing.order``):

    pytest -p rasad.testing.order --test-order=reversed rasad/api
    pytest -p rasad.testing.order --test-order=shuffled:17 rasad/cases

The order the run has been given (rasad/conftest.py: the ``slow`` tests first, the transactional
ones after every other, as pytest-django puts them) is kept between those groups: within each
group the modules are reversed or shuffled, and the tests within each module too. A module's
tests stay together, so its module fixtures (the shared cast, a module's transaction) are still
built once. The same seed gives the same order in every pytest-xdist worker, as the scheduler
requires. Not used by the test command: a tool for finding order-dependent tests.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import groupby
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--test-order",
        default="",
        help="reversed, or shuffled:SEED: reorder the modules and the tests within each module",
    )
    parser.addoption(
        "--check-state",
        default="",
        metavar="FILE",
        help="write to FILE each test that leaves process-wide state changed, and what it changed",
    )


def _group(item: pytest.Item) -> tuple[bool, bool]:
    from rasad.conftest import _is_transactional

    return item.get_closest_marker("slow") is not None, _is_transactional(item)


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def reordered(items: list[pytest.Item], order: str) -> list[pytest.Item]:
    """``items`` in ``order`` (``reversed`` or ``shuffled:SEED``), each run of one group (slow,
    transactional) kept in its place and each module's tests together."""
    rearrange: Callable[[list[Any]], None]
    if order == "reversed":

        def rearrange(part: list[Any]) -> None:
            part.reverse()

    elif order.startswith("shuffled:"):
        shuffle = random.Random(int(order.removeprefix("shuffled:"))).shuffle

        def rearrange(part: list[Any]) -> None:
            shuffle(part)

    else:
        raise pytest.UsageError(f"--test-order is reversed or shuffled:SEED, not {order!r}")
    result: list[pytest.Item] = []
    for _key, in_group in groupby(items, key=_group):
        modules = [list(tests) for _module_name, tests in groupby(in_group, key=_module)]
        for tests in modules:
            rearrange(tests)
        rearrange(modules)
        result.extend(test for tests in modules for test in tests)
    return result


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    order = config.getoption("--test-order")
    if order:
        items[:] = reordered(items, order)


# --- Process-wide state a test leaves changed -------------------------------------------------


def _signals() -> dict[str, int]:
    from django.core import signals as core_signals
    from django.db.backends import signals as backend_signals
    from django.db.models import signals as model_signals
    from django.dispatch import Signal
    from django.test import signals as test_signals

    counted: dict[str, int] = {}
    for module in (core_signals, backend_signals, model_signals, test_signals):
        for name, signal in vars(module).items():
            # ``setting_changed`` is left out: storages connect to it weakly and go when collected.
            if isinstance(signal, Signal) and name != "setting_changed":
                counted[f"{module.__name__}.{name}"] = len(signal.receivers)
    return counted


def _database_sessions() -> dict[str, Any]:
    from django.db import connections

    sessions: dict[str, Any] = {}
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.needs_rollback:
            continue
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_user, current_setting('TimeZone'), current_setting('search_path'),"
                    " current_setting('statement_timeout'), current_setting('lock_timeout'),"
                    " current_setting('plan_cache_mode'), current_setting('work_mem')"
                )
                sessions[connection.alias] = cursor.fetchone()
    return sessions


def state() -> dict[str, Any]:
    """What a test may change in its process and must set back: settings, the active language
    and time zone, the environment, the working directory, signal receivers, logging, module
    globals of rasad that are not caches, and each open database session's settings."""
    import logging
    import os
    import threading

    from django.conf import settings
    from django.utils import timezone, translation

    from rasad.indicators import breaches
    from rasad.lib import events, prepared

    wrapped = vars(settings)["_wrapped"]  # what LazySettings holds: Settings, or an override
    return {
        "settings": {name: repr(getattr(settings, name)) for name in dir(wrapped) if name.isupper()},
        "settings holder": type(wrapped).__name__,
        "language": translation.get_language(),
        "time zone": timezone.get_current_timezone_name(),
        "environment": dict(os.environ),
        "directory": os.getcwd(),
        "signals": _signals(),
        "logging": (
            logging.root.manager.disable,
            logging.root.level,
            len(logging.root.handlers),
            logging.getLogger("rasad").level,
        ),
        "threads": sorted(thread.name for thread in threading.enumerate()),
        "replanned": prepared._replanned,
        "local subscribers": len(events._local_subscribers),
        "breach handlers": len(breaches._handlers),
        "database sessions": _database_sessions(),
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for key, was in before.items():
        now = after[key]
        if isinstance(was, dict) and isinstance(now, dict):
            for name in sorted(set(was) | set(now)):
                if was.get(name) != now.get(name):
                    changed.append(f"{key}: {name}: {was.get(name)!r} -> {now.get(name)!r}")
        elif was != now:
            changed.append(f"{key}: {was!r} -> {now!r}")
    return changed


_before = pytest.StashKey[dict[str, Any]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    path = item.config.getoption("--check-state")
    if not path:
        return (yield)
    from pytest_django.plugin import blocking_manager_key

    manager = item.config.stash[blocking_manager_key]
    with manager.unblock():
        before = state()
    result = yield
    with manager.unblock():
        after = state()
    changed = _changes(before, after)
    if changed:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{item.nodeid}\n" + "".join(f"    {line}\n" for line in changed))
    return result
