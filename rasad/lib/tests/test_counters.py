"""Fixed-window counters shared by worker processes (SQLite here, Redis in the Redis run)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from rasad.lib import counters


def test_a_counter_counts_and_says_when_its_window_ends(tmp_path: Path) -> None:
    # The window arithmetic of the file store, on a clock the test moves (Redis keeps its own
    # clock: its windows are the keys' TTLs, exercised by the Redis test below).
    store = counters._SQLite(tmp_path / "counters.sqlite3")
    now = 1000.0
    assert store.hit("k", 60, now) == counters.Count(1, 60)
    now += 15.5
    assert store.hit("k", 60, now) == counters.Count(2, 45)
    assert store.get("k", 60, now).count == 2
    now += 45  # the window opened at the first hit has closed
    assert store.get("k", 60, now).count == 0
    assert store.hit("k", 60, now) == counters.Count(1, 60)


def test_reset_forgets_one_counter() -> None:
    counters.hit("a", 60)
    counters.hit("b", 60)
    counters.reset("a")
    assert (counters.get("a", 60).count, counters.get("b", 60).count) == (0, 1)


def _hammer(path: str, times: int) -> None:
    store = counters._SQLite(Path(path))
    import time

    for _ in range(times):
        store.hit("shared", 600, time.time())


def test_worker_processes_count_together(tmp_path: Path) -> None:
    path = str(tmp_path / "counters.sqlite3")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(path, 200)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    import time

    assert counters._SQLite(Path(path)).get("shared", 600, time.time()).count == 600


@pytest.mark.redis
def test_counters_live_in_redis_when_it_is_configured() -> None:
    assert type(counters._store()).__name__ == "_Redis"
    assert counters.hit("r", 60) == counters.Count(1, 60)
    assert counters.hit("r", 60).count == 2
    assert 1 <= counters.get("r", 60).retry_after <= 60
    counters.reset("r")
    assert counters.get("r", 60) == counters.Count(0, 60)
