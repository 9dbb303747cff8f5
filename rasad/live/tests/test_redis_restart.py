"""Redis restarted while browsers hold the live stream open (issue 17, fault tests): two ASGI
nodes share events through a Redis of this test's own; a reader follows ``/live/stream/`` on each
node as a browser's EventSource does (when a stream ends it reconnects with ``Last-Event-ID``).
Redis is killed, stays down while the agent sends events to node A (they commit; their push is
lost), and starts again; more events follow. Every event reaches both readers, none twice on one
connection: the nodes' subscriptions come back and the open streams read what they missed from
the event table (or, had a stream ended, its reconnect replays it).

Before the restart, more streams are opened on node B: an open stream holds no database
connection (each would otherwise keep its request's connection until it ends, and the pool's
twenty connections would go to the first twenty streams).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from rasad.live.agent import Agent, Queue
from rasad.live.models import DeviceEvent
from rasad.live.testing import make_credential, make_device
from rasad.live.tests.test_two_nodes import Node, Stream, _send, _session_cookie, _start, _wait_ready
from rasad.testing.cast import Cast
from rasad.testing.redis import throwaway_redis

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
]

DOWN_SECONDS = 3.0
EXTRA_STREAMS = 12
WAIT_SECONDS = 30


class Follower:
    """A browser tab's EventSource on one node: each connection's live events in order; when a
    connection ends it opens another with the last id it had."""

    def __init__(self, node: Node, cookie: str) -> None:
        self.node = node
        self.cookie = cookie
        self.connections: list[list[int]] = []
        self.stop = threading.Event()
        self.opened = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)

    def start(self) -> Follower:
        self._thread.start()
        assert self.opened.wait(WAIT_SECONDS), f"no stream from {self.node.name}"
        return self

    def ids(self) -> set[int]:
        return {event_id for ids in self.connections for event_id in ids}

    def _follow(self) -> None:
        last: str | None = None
        while not self.stop.is_set():
            stream = Stream(self.node.url, self.cookie, last_event_id=last)
            received: list[int] = []
            self.connections.append(received)
            try:
                stream.start()
            except AssertionError:
                time.sleep(0.5)
                continue
            self.opened.set()
            while not self.stop.is_set() and not (stream.closed.is_set() and stream.events.empty()):
                with contextlib.suppress(queue.Empty):
                    event: dict[str, Any] = stream.events.get(timeout=0.2)
                    if event["event"] == "live.event" and event["data"].get("kind") != "status_changed":
                        received.append(int(event["id"]))
                        last = event["id"]
            time.sleep(0.5)  # the server's "retry" is longer; quicker here keeps the test short

    def wait_for(self, wanted: set[int]) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not wanted <= self.ids():
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{self.node.name}: after {WAIT_SECONDS} s missing {sorted(wanted - self.ids())}; "
                    f"connections {self.connections}"
                )
            time.sleep(0.1)


def _backends() -> int:
    """Connections to the test database other than the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def _stored() -> set[int]:
    return set(DeviceEvent.objects.exclude(kind="status_changed").values_list("pk", flat=True))


def test_a_redis_restart_loses_no_event_on_open_streams(cast: Cast, tmp_path: Path) -> None:
    if connection.vendor != "postgresql" or settings.EVENT_BUS != "redis":
        pytest.fail("the nodes need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    make_device(cast, cast.isfahan_post, serial="ISF-GS1")
    _credential, secret = make_credential(cast, cast.isfahan_post)
    cookie = _session_cookie(cast.alice)
    with throwaway_redis(tmp_path) as redis_server:
        nodes = {name: _start(name, tmp_path, redis_server.url) for name in ("a", "b")}
        followers: list[Follower] = []
        try:
            for node in nodes.values():
                _wait_ready(node)
            agent = Agent(Queue(tmp_path / "queue.sqlite3"), nodes["a"].url, secret)
            followers = [Follower(node, cookie).start() for node in nodes.values()]
            _send(agent, "ISF-GS1", *[f"پیش از راه‌اندازی دوباره {n}" for n in range(3)])
            before = _stored()
            for follower in followers:
                follower.wait_for(before)
            idle = _backends()
            extra = [Stream(nodes["b"].url, cookie).start() for _ in range(EXTRA_STREAMS)]
            time.sleep(1)
            held = _backends() - idle
            assert held < EXTRA_STREAMS, f"{EXTRA_STREAMS} more open streams hold {held} more connections"
            assert not any(stream.closed.is_set() for stream in extra)

            began = time.monotonic()
            redis_server.stop()
            _send(agent, "ISF-GS1", *[f"هنگام خاموشی ردیس {n}" for n in range(3)])
            time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - began)))
            redis_server.start()
            back = time.monotonic()
            _send(agent, "ISF-GS1", *[f"پس از راه‌اندازی دوباره {n}" for n in range(3)])
            stored = _stored()
            for follower in followers:
                follower.wait_for(stored)
            recovered = time.monotonic()
        finally:
            for follower in followers:
                follower.stop.set()
            for node in nodes.values():
                node.kill()

    assert len(stored) == 9
    for follower in followers:
        assert follower.ids() == stored
        for ids in follower.connections:
            assert len(ids) == len(set(ids)), f"{follower.node.name}: an event came twice on a stream: {ids}"
    print(
        f"\nRedis away {back - began:.1f} s; every event on both nodes {recovered - back:.1f} s after its "
        f"return; connections per reader {[len(f.connections) for f in followers]} "
        f"(load average {os.getloadavg()[0]:.2f})"
    )
