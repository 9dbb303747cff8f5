"""Adversarial check of the PostgreSQL pool (session 17 review): a pooled connection whose
session time zone a request changed (``SET TIME ZONE``) is handed to the next request in the
pool's own zone, so that it reads the stored instants with Django's zone and SQL's dates (a
``::date``, ``date_trunc``) in UTC."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection

from rasad.lib.postgresql.base import DatabaseWrapper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def pool() -> Iterator[Any]:
    """A pool of one connection (each request gets the one the last gave back), made as the
    backend makes its pools."""
    settings = copy.deepcopy(connection.settings_dict)
    settings["OPTIONS"] = {**settings["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}}
    settings["CONN_HEALTH_CHECKS"] = True
    settings["CONN_MAX_AGE"] = 0
    wrapper = DatabaseWrapper(settings, alias="review17-pool")
    made = wrapper.pool
    made.open(wait=True)
    try:
        yield made
    finally:
        made.close()
        wrapper._connection_pools.pop("review17-pool", None)  # type: ignore[attr-defined]


SQL = "SELECT '2026-12-04 22:00:00+00'::timestamptz, '2026-12-04 22:00:00+00'::timestamptz::date"


@pytest.mark.parametrize(
    "change", ["SET TIME ZONE 'Asia/Tehran'", "SELECT set_config('TimeZone', 'Asia/Tehran', false)"]
)
def test_a_pooled_connection_is_handed_on_in_the_pools_time_zone(pool: Any, change: str):
    with pool.connection() as raw:
        raw.execute(change)
        assert raw.execute(SQL).fetchone()[1] == date(2026, 12, 5)  # in Tehran, the next day
    with pool.connection() as raw:
        assert raw.info.parameter_status("TimeZone") == "UTC"
        moment, day = raw.execute(SQL).fetchone()
    assert (moment, moment.tzinfo, day) == (datetime(2026, 12, 4, 22, tzinfo=UTC), UTC, date(2026, 12, 4))


def test_a_time_zone_changed_in_a_rolled_back_transaction_needs_nothing(pool: Any):
    with pool.connection() as raw:
        with raw.transaction(force_rollback=True):
            raw.execute("SET TIME ZONE 'Asia/Tehran'")
        assert raw.info.parameter_status("TimeZone") == "UTC"
    with pool.connection() as raw:
        assert raw.execute(SQL).fetchone()[1] == date(2026, 12, 4)


def test_a_connection_given_back_out_of_autocommit_is_set_back_and_left_idle(pool: Any):
    with pool.connection() as raw:
        raw.autocommit = False
        raw.execute("SET TIME ZONE 'Asia/Tehran'")
        raw.commit()
        backend = raw.info.backend_pid
    with pool.connection() as raw:
        assert raw.info.backend_pid == backend  # the same session, kept
        assert raw.info.parameter_status("TimeZone") == "UTC"
        assert raw.info.transaction_status == raw.info.transaction_status.IDLE


def test_the_reset_leaves_a_closed_connection_alone():
    """psycopg's pool calls its reset on a connection it has just closed (one given back in the
    middle of a statement): nothing is sent, nothing is raised."""
    from rasad.lib.postgresql.base import reset_time_zone

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    import psycopg

    raw = psycopg.connect(**params, autocommit=True)
    raw.execute("SET TIME ZONE 'Asia/Tehran'")
    raw.close()
    reset_time_zone(raw, "UTC")
    assert raw.closed


def test_a_connection_given_back_idle_is_returned_on_the_callers_thread(
    pool: Any, monkeypatch: pytest.MonkeyPatch
):
    """With a reset set, psycopg's pool hands every returned connection to a worker thread (a
    thread switch per request); an idle one is returned at once, on the request's thread, and a
    changed zone is still set back. One left in a transaction still takes the pool's own path."""
    from psycopg_pool.pool import ReturnConnection

    queued: list[Any] = []
    run_task = pool.run_task

    def recorded(task: Any) -> None:
        queued.append(task)
        run_task(task)

    monkeypatch.setattr(pool, "run_task", recorded)
    with pool.connection() as raw:
        raw.execute("SET TIME ZONE 'Asia/Tehran'")
    assert not [task for task in queued if isinstance(task, ReturnConnection)]
    assert pool.get_stats()["pool_available"] == 1
    raw = pool.getconn()  # (``pool.connection()`` commits before giving back)
    assert raw.info.parameter_status("TimeZone") == "UTC"
    raw.autocommit = False
    raw.execute("SELECT 1")
    pool.putconn(raw)  # given back in a transaction
    assert [task for task in queued if isinstance(task, ReturnConnection)]
    pool.wait()
    with pool.connection() as raw:
        assert raw.info.transaction_status == raw.info.transaction_status.IDLE
