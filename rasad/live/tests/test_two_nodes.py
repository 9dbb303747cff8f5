"""Two app processes behind one Redis and one PostgreSQL, as in production (docs/live.md, "Several
app nodes"): two ASGI servers (uvicorn, each its own process with its own hub and its one Redis
subscription) on free ports, a post agent sending to one node, a browser-like client reading the
server-sent event stream of the other over HTTP.

* An event ingested on node A reaches a stream on node B, and only the streams whose reader may
  see it.
* Node A is killed (SIGKILL) while streams are open on both: the stream on B keeps receiving what
  the agent now sends to B, and the client that was on A reconnects to B with ``Last-Event-ID``
  and gets every event it missed, none lost (repeats of the replay overlap are dropped, as the
  command view drops them).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from rasad.live.agent import Agent, Queue
from rasad.live.models import DeviceEvent
from rasad.live.testing import make_credential, make_device
from rasad.testing.cast import Cast
from rasad.testing.ports import free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
]

START_SECONDS = 120  # a cold Django process on a shared, loaded machine
WAIT_SECONDS = 30


def _database_url() -> str:
    """The test database, as the application's role connects to it (``RASAD_TEST_APP_ROLE``, as
    in production and CI), else as the test's own user."""
    s = connection.settings_dict
    user = os.environ.get("RASAD_TEST_APP_ROLE") or s["USER"] or ""
    auth = quote(user, safe="")
    if s["PASSWORD"] and not os.environ.get("RASAD_TEST_APP_ROLE"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def _start(name: str, tmp_path: Path, redis_url: str | None = None) -> Node:
    port = free_port()
    data = tmp_path / name
    data.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RASAD_", "DJANGO_"))},
        # PYTEST_XDIST_WORKER stays: with RASAD_TESTING it names this worker's event channel, the
        # one the test's own process would use.
        "RASAD_TESTING": "true",
        "RASAD_DATA_DIR": str(data),
        "DATABASE_URL": _database_url(),
        "RASAD_DB_POOL": "false",
        "RASAD_EVENT_BUS": "redis",
        "RASAD_LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url or os.environ["REDIS_URL"],
    }
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "rasad.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return Node(name, port, process, log)


def _wait_ready(node: Node) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            pytest.fail(f"node {node.name} stopped: {node.log.read_text(errors='replace')[-3000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{node.url}/healthz", timeout=5) as answer,  # noqa: S310 (loopback)
        ):
            if answer.status == 200:
                return
        time.sleep(0.3)
    pytest.fail(f"node {node.name} did not answer in {START_SECONDS} s")


@pytest.fixture
def nodes(cast: Cast, tmp_path: Path) -> Iterator[dict[str, Node]]:
    if connection.vendor != "postgresql" or settings.EVENT_BUS != "redis":
        pytest.fail("two app nodes need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    started = {name: _start(name, tmp_path) for name in ("a", "b")}
    try:
        for node in started.values():
            _wait_ready(node)
        yield started
    finally:
        for node in started.values():
            node.kill()


@dataclass
class Stream:
    """A client of ``/live/stream/`` over HTTP, as a browser's EventSource: reads on a thread of
    its own and hands each event over; ``closed`` is set when the server goes away."""

    url: str
    cookie: str
    last_event_id: str | None = None
    events: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    closed: threading.Event = field(default_factory=threading.Event)
    opened: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Stream:
        threading.Thread(target=self._read, daemon=True).start()
        assert self.opened.wait(WAIT_SECONDS), f"no stream from {self.url}"
        return self

    def _read(self) -> None:
        host, port = self.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=WAIT_SECONDS * 4)
        headers = {"Cookie": self.cookie, "Accept": "text/event-stream"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        try:
            conn.request("GET", "/live/stream/", headers=headers)
            response = conn.getresponse()
            assert response.status == 200, response.status
            assert response.getheader("Content-Type", "").startswith("text/event-stream")
            self.opened.set()
            fields: dict[str, str] = {}
            while True:
                line = response.readline()
                if not line:
                    break
                text = line.decode().rstrip("\n")
                if text == "":
                    if "data" in fields:
                        self.events.put(
                            {
                                "event": fields.get("event"),
                                "id": fields.get("id"),
                                "data": json.loads(fields["data"]),
                            }
                        )
                    fields = {}
                elif not text.startswith(":") and ": " in text:
                    key, value = text.split(": ", 1)
                    fields[key] = value
        except (OSError, http.client.HTTPException):
            pass
        finally:
            self.closed.set()
            conn.close()

    def texts_until(self, wanted: set[str], seen: dict[int, str]) -> dict[int, str]:
        """Read live events until every text in ``wanted`` has come; ``seen`` (id -> text)
        keeps each event once, as the page does."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not wanted <= set(seen.values()):
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"waited {WAIT_SECONDS} s for {sorted(wanted - set(seen.values()))}; got {seen}")
            with contextlib.suppress(queue.Empty):
                event = self.events.get(timeout=min(left, 1.0))
                if event["event"] == "live.event" and event["data"].get("kind") != "status_changed":
                    seen.setdefault(int(event["id"]), event["data"].get("text", ""))
        return seen


def _session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _send(agent: Agent, serial: str, *texts: str) -> None:
    for text in texts:
        agent.queue.event(serial, "observation", "medium", text)
    assert agent.send_once() == len(texts)
    assert agent.queue.counts() == {"pending": 0, "parked": 0}


@pytest.fixture
def agents(cast: Cast, tmp_path: Path) -> dict[str, Agent]:
    make_device(cast, cast.isfahan_post, serial="ISF-GS1")
    make_device(cast, cast.kerman_post, serial="KER-GS1")
    _isf, isf_secret = make_credential(cast, cast.isfahan_post)
    _ker, ker_secret = make_credential(cast, cast.kerman_post)
    return {
        "isf": Agent(Queue(tmp_path / "isf.sqlite3"), "", isf_secret),
        "ker": Agent(Queue(tmp_path / "ker.sqlite3"), "", ker_secret),
    }


def test_an_event_ingested_on_one_node_reaches_a_stream_on_the_other(
    cast: Cast, nodes: dict[str, Node], agents: dict[str, Agent]
):
    alice_on_b = Stream(nodes["b"].url, _session_cookie(cast.alice)).start()
    bob_on_b = Stream(nodes["b"].url, _session_cookie(cast.bob)).start()
    agents["isf"].url = agents["ker"].url = nodes["a"].url
    _send(agents["isf"], "ISF-GS1", "گزارش اصفهان از گره الف")
    _send(agents["ker"], "KER-GS1", "گزارش کرمان از گره الف")

    alice = alice_on_b.texts_until({"گزارش اصفهان از گره الف"}, {})
    bob = bob_on_b.texts_until({"گزارش کرمان از گره الف"}, {})
    stored = {e.pk: e.text for e in DeviceEvent.objects.exclude(kind="status_changed")}
    assert alice == {pk: text for pk, text in stored.items() if text == "گزارش اصفهان از گره الف"}
    assert bob == {pk: text for pk, text in stored.items() if text == "گزارش کرمان از گره الف"}
    # Each reader only what their grants let them see, whichever node the event came in on.
    time.sleep(1)
    leaked = [e["data"].get("text") for e in list(alice_on_b.events.queue) if e["event"] == "live.event"]
    assert "گزارش کرمان از گره الف" not in leaked


def test_a_killed_node_loses_no_event(cast: Cast, nodes: dict[str, Node], agents: dict[str, Agent]):
    cookie = _session_cookie(cast.alice)
    on_a = Stream(nodes["a"].url, cookie).start()
    on_b = Stream(nodes["b"].url, cookie).start()
    agent = agents["isf"]
    agent.url = nodes["a"].url
    before = {f"پیش از خاموشی {n}" for n in range(3)}
    _send(agent, "ISF-GS1", *sorted(before))
    seen_a = on_a.texts_until(before, {})
    seen_b = on_b.texts_until(before, {})

    nodes["a"].kill()
    assert on_a.closed.wait(WAIT_SECONDS), "the stream on the killed node did not end"
    # The agent fails over to the surviving node (what a reverse proxy does for it).
    agent.url = nodes["b"].url
    after = {f"پس از خاموشی {n}" for n in range(3)}
    _send(agent, "ISF-GS1", *sorted(after))
    seen_b = on_b.texts_until(before | after, seen_b)

    # The client of the dead node comes back on B from the last event it had: it misses nothing.
    back = Stream(nodes["b"].url, cookie, last_event_id=str(max(seen_a))).start()
    seen_a = back.texts_until(before | after, seen_a)
    _send(agent, "ISF-GS1", "پس از بازگشت")
    seen_a = back.texts_until({"پس از بازگشت"}, seen_a)
    seen_b = on_b.texts_until({"پس از بازگشت"}, seen_b)

    stored = dict(DeviceEvent.objects.exclude(kind="status_changed").values_list("pk", "text"))
    assert len(stored) == 7  # every event acknowledged to the agent was stored, once
    assert seen_a == stored
    assert seen_b == stored
