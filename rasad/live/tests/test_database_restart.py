"""PostgreSQL restarted while a post's agent streams events to the real server (issue 17, fault
tests): ``rasad serve`` on a cluster of this test's own, the reference agent (``python -m
rasad.live.agent run``, a process of its own) sending what a producer queues continuously; the
cluster is stopped (fast), kept down a few seconds and started again. Once the agent has
drained its queue, every event it queued is stored exactly once (counted by the agent's UUIDs),
with the device's sequence numbers 1..N, and nothing is parked: an event the server
acknowledged before the stop survived it, an event the agent held (refused with 503 during the
outage, or whose answer was lost) went after it, and a resend was recorded once.

The cluster starts from a copy of the test database (``pg_dump`` of the migrated schema with the
test's post, device and credential): migrating a new database would cost most of a minute.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Generator
from pathlib import Path

import pytest
from django.db import connection

from rasad.live.agent import Queue
from rasad.live.testing import make_credential, make_device
from rasad.testing.cast import Cast
from rasad.testing.ports import free_port
from rasad.testing.postgres import Cluster, dump_database, throwaway_cluster

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.slow]

START_SECONDS = 120  # a cold server on a shared, loaded machine
DRAIN_SECONDS = 60  # the agent's backoff after a few failed tries is a few seconds
DOWN_SECONDS = 3.0
PRODUCE_PAUSE = 0.02  # about 50 events a second queued at the post
SERIAL = "ISF-RESTART-1"


def _copy_test_database(cluster: Cluster, directory: Path) -> str:
    """The test database (its schema and the rows this test committed), restored into
    ``cluster`` as database ``rasad``; returns its URL."""
    dump = directory / "test-database.sql"
    dump_database(connection.settings_dict, connection.settings_dict["NAME"], dump)
    cluster.load(dump, "rasad")
    return cluster.url("rasad")


def _serve(database_url: str, data: Path) -> Generator[str, None, None]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RASAD_DB_POOL": "true",
        "RASAD_DATA_DIR": str(data),
        "REDIS_URL": "",
        "RASAD_EVENT_BUS": "local",
    }
    log = data / "server.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "rasad.cli", "serve", "--no-migrate", "--no-worker", "--workers", "1",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:  # noqa: S310 (loopback)
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _produce(path: Path, stop: threading.Event, queued: list[str]) -> None:
    """The post's sensors: an event queued every PRODUCE_PAUSE, until ``stop``."""
    queue = Queue(path)
    n = 0
    while not stop.is_set():
        n += 1
        queued.append(queue.event(SERIAL, "observation", "low", f"گزارش {n}"))
        time.sleep(PRODUCE_PAUSE)
    queue.db.close()


def _held(path: Path) -> tuple[int, int, int]:
    """What the agent's queue holds now: pending items, parked items, most tries of one item."""
    with sqlite3.connect(path, timeout=30) as db:
        row = db.execute(
            "SELECT COALESCE(SUM(parked = 0), 0), COALESCE(SUM(parked = 1), 0), COALESCE(MAX(attempts), 0) "
            "FROM items"
        ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def test_a_postgresql_restart_during_a_stream_of_events_loses_and_duplicates_nothing(
    cast: Cast, tmp_path: Path
) -> None:
    make_device(cast, cast.isfahan_post, serial=SERIAL)
    _credential, secret = make_credential(cast, cast.isfahan_post)
    queue_path = tmp_path / "queue.sqlite3"
    Queue(queue_path).db.close()
    (tmp_path / "server").mkdir()
    with throwaway_cluster() as cluster:
        database_url = _copy_test_database(cluster, cluster.directory)
        serving = _serve(database_url, tmp_path / "server")
        url = next(serving)
        stop = threading.Event()
        queued: list[str] = []
        producer = threading.Thread(target=_produce, args=(queue_path, stop, queued), daemon=True)
        agent = subprocess.Popen(
            [sys.executable, "-m", "rasad.live.agent", "--queue", str(queue_path), "run", "--url", url,
             "--batch", "20"],
            env={**os.environ, "RASAD_AGENT_SECRET": secret},
        )  # fmt: skip
        started = time.monotonic()
        try:
            producer.start()
            time.sleep(2)
            stored_before = int(cluster.psql("SELECT count(*) FROM live_deviceevent", "rasad"))
            cluster.stop("fast")
            stopped = time.monotonic()
            time.sleep(DOWN_SECONDS)
            pending, _parked, tries = _held(queue_path)
            cluster.start()
            back = time.monotonic()
            time.sleep(2)
            stop.set()
            producer.join(timeout=30)
            deadline = time.monotonic() + DRAIN_SECONDS
            while _held(queue_path)[0] and time.monotonic() < deadline:
                time.sleep(0.2)
            drained = time.monotonic()
            left = _held(queue_path)
        finally:
            stop.set()
            agent.kill()
            agent.wait(timeout=30)
            serving.close()

        rows = cluster.psql(
            "SELECT uuid, sequence FROM live_deviceevent WHERE kind = 'observation'",  # one device
            "rasad",
        ).splitlines()

    # The outage happened while the stream was flowing: events were stored before it, and the
    # agent held events it had tried to send and could not.
    assert stored_before > 0
    assert pending > 0 and tries >= 1, (pending, tries)
    assert left == (0, 0, left[2]), f"the agent still holds {left[0]} items and parked {left[1]}"
    uuids = [row.split("|")[0] for row in rows]
    sequences = sorted(int(row.split("|")[1]) for row in rows)
    assert len(uuids) == len(set(uuids)), "an event was stored twice"
    assert sorted(uuids) == sorted(queued), (
        f"{len(set(queued) - set(uuids))} queued events missing, {len(set(uuids) - set(queued))} unknown"
    )
    assert sequences == list(range(1, len(queued) + 1))
    print(
        f"\n{len(queued)} events; PostgreSQL away {back - stopped:.1f} s with {pending} held; "
        f"drained {drained - back:.1f} s after its return; {drained - started:.1f} s of stream "
        f"(load average {os.getloadavg()[0]:.2f})"
    )
