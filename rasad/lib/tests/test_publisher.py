"""How a push reaches Redis (``rasad.lib.events``): a write's from its request's own thread after
its commit, before its answer, once, in commit order; a stalled Redis holds that write no longer
than the client's send timeout, the write stands, and the pushes that follow go to the process's
publishing thread until Redis answers again. A group commit's pushes (``published_together``) go
through the publishing thread, and a push published while some are unsent goes behind them."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from rasad.conftest import client_for
from rasad.indicators.models import Observation
from rasad.indicators.testing import assign
from rasad.lib import events
from rasad.lib.jalali import from_jalali
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"


@pytest.fixture
def publisher(monkeypatch: pytest.MonkeyPatch) -> Iterator[events._Publisher]:
    """A publisher of the test's own, so that no other test's messages pass through the test's
    Redis (nor the test's through another's); stopped at the end."""
    fresh = events._Publisher()
    monkeypatch.setattr(events, "_publisher", fresh)
    yield fresh
    fresh.close()


class SlowRedis:
    """Redis whose exchanges wait until the test lets them through, and that keeps what it got
    and the name of the thread each exchange came from."""

    def __init__(self) -> None:
        self.through = threading.Event()
        self.exchanges: list[list[str]] = []
        self.threads: list[str] = []

    def publish(self, channel: str, message: str) -> None:
        self.exchange([message])

    def pipeline(self, transaction: bool) -> _Pipeline:
        assert transaction is False
        return _Pipeline(self)

    def exchange(self, messages: list[str]) -> None:
        assert self.through.wait(10), "the test let the exchange through"
        self.exchanges.append(messages)
        self.threads.append(threading.current_thread().name)

    def sent(self) -> list[dict[str, Any]]:
        return [json.loads(message) for exchange in self.exchanges for message in exchange]


class _Pipeline:
    def __init__(self, redis: SlowRedis) -> None:
        self.redis = redis
        self.messages: list[str] = []

    def publish(self, channel: str, message: str) -> None:
        self.messages.append(message)

    def execute(self) -> None:
        self.redis.exchange(self.messages)


def _as_sent(event: dict[str, Any]) -> Any:
    return json.loads(json.dumps(event, cls=DjangoJSONEncoder))


def _write(client: Any, n: int, period: str) -> None:
    row = {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": period, "value": n}
    response = client.post(BULK, {"batch_id": f"publish-{n}", "observations": [row]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1


def _recorded(sent: list[dict[str, Any]]) -> list[list[str]]:
    return [e["payload"]["periods"] for e in sent if e["kind"] == "indicators.observations.recorded"]


@pytest.mark.django_db(transaction=True)
def test_each_writes_push_reaches_redis_from_its_own_thread_before_its_answer_once_in_commit_order(
    cast: Cast, publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    assign(cast.isfahan, "ELEC_CONS", since=from_jalali(1400, 1, 1))
    redis = SlowRedis()
    redis.through.set()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    local: list[dict[str, Any]] = []
    unsubscribe = events.subscribe_local(local.append)
    client = client_for(cast.ali)
    periods = ["1402-01", "1402-02", "1402-03", "1402-04"]
    try:
        for n, period in enumerate(periods):
            _write(client, n, period)
            # Answered once Redis had the write's push (sent after the commit: a transactional test).
            assert _recorded(redis.sent())[-1] == [period]
    finally:
        unsubscribe()
    # Redis got every event once, in the order they were published (the writes' commits'), as
    # this process's subscribers did, from the requests' thread; no publishing thread started.
    assert _recorded(local) == [[period] for period in periods]
    assert redis.sent() == [_as_sent(e) for e in local]
    assert set(redis.threads) == {threading.current_thread().name}
    assert publisher._thread is None


class _StalledRedis:
    """A server that takes connections and never answers (a Redis stopped, or its host gone)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.held: list[socket.socket] = []
        threading.Thread(target=self._take, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def _take(self) -> None:
        with self.server:
            while True:
                try:
                    connection, _ = self.server.accept()
                except OSError:  # closed by the test
                    return
                self.held.append(connection)

    def connections(self) -> int:
        """How many connections it has taken (those the kernel holds accepted first)."""
        deadline = time.monotonic() + 5
        while not self.held and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.held)

    def close(self) -> None:
        self.server.close()
        for connection in self.held:
            connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_stalled_redis_holds_a_write_for_the_send_timeout_then_the_next_pushes_go_to_the_thread(
    cast: Cast,
    publisher: events._Publisher,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
):
    assign(cast.isfahan, "ELEC_CONS", since=from_jalali(1400, 1, 1))
    stalled = _StalledRedis()
    timeout = 0.5
    settings.EVENT_BUS = "redis"
    settings.REDIS_URL = stalled.url
    monkeypatch.setattr(events, "SEND_TIMEOUT_SECONDS", timeout)
    monkeypatch.setattr(events, "_redis_client", None)  # a client with the test's timeout
    sent_from: list[str] = []
    send = events._send

    def recording_send(messages: list[str]) -> bool:
        sent_from.append(threading.current_thread().name)
        return send(messages)

    monkeypatch.setattr(events, "_send", recording_send)
    client = client_for(cast.ali)
    try:
        with caplog.at_level(logging.ERROR, logger="rasad.lib.events"):
            started = time.monotonic()
            _write(client, 0, "1402-01")
            held = time.monotonic() - started
            # The first push was tried from the request's thread, once (one connection: redis-py
            # does not retry a timeout): the answer waited for the client's timeout, and not
            # for a second one (the bound leaves room for the write itself on a loaded machine).
            assert sent_from[0] == threading.current_thread().name
            assert stalled.connections() == 1
            assert timeout <= held < timeout + 10.0
            assert "could not publish 1 event(s) to Redis" in caplog.text
            assert publisher.failing
            # Redis still stalls: the next write's pushes are handed to the publishing thread.
            before = len(sent_from)
            _write(client, 1, "1402-02")
            assert events.wait_published(timeout=10 * timeout)
    finally:
        stalled.close()
    assert set(sent_from[before:]) == {"rasad-publish"}
    # Both writes stand.
    values = Observation.objects.filter(indicator__code="ELEC_CONS").values_list("value", flat=True)
    assert sorted(values) == [0, 1]


@pytest.mark.django_db(transaction=True)
def test_without_redis_a_write_publishes_in_process_and_starts_no_thread(
    cast: Cast, publisher: events._Publisher, settings: Any
):
    assign(cast.isfahan, "ELEC_CONS", since=from_jalali(1400, 1, 1))
    settings.EVENT_BUS = "local"
    local: list[dict[str, Any]] = []
    unsubscribe = events.subscribe_local(local.append)
    try:
        _write(client_for(cast.ali), 0, "1402-01")
    finally:
        unsubscribe()
    assert [e["payload"]["periods"] for e in local if e["kind"] == "indicators.observations.recorded"] == [
        ["1402-01"]
    ]
    assert publisher._thread is None


class _FailingOnce:
    """Redis that refuses the first exchange and takes the next ones, noting whose they were."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []  # (the message's n, the sending thread's name)
        self.failed = False

    def publish(self, channel: str, message: str) -> None:
        if not self.failed:
            self.failed = True
            raise ConnectionError("Redis is away")
        self.sent.append((json.loads(message)["payload"]["n"], threading.current_thread().name))


def test_after_a_failed_send_pushes_go_to_the_thread_until_redis_answers_again(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    redis = _FailingOnce()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    here = threading.current_thread().name
    events.publish(events.make_event("test.publisher", {"n": 0}))  # refused: lost, logged
    assert redis.failed
    assert publisher.failing
    events.publish(events.make_event("test.publisher", {"n": 1}))
    assert events.wait_published()
    assert not publisher.failing
    events.publish(events.make_event("test.publisher", {"n": 2}))
    assert redis.sent == [(1, "rasad-publish"), (2, here)]


def test_a_push_published_while_a_groups_pushes_are_unsent_goes_behind_them(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    """A push is sent from its thread only when nothing handed to the publishing thread waits:
    otherwise it would overtake pushes published before it."""
    redis = SlowRedis()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    here = threading.current_thread().name
    with events.published_together():  # a group commit's pushes, handed over at the block's end
        for n in (0, 1):
            events.publish(events.make_event("test.publisher", {"n": n}))
    events.publish(events.make_event("test.publisher", {"n": 2}))  # handed over behind them
    assert redis.exchanges == []
    redis.through.set()
    assert events.wait_published()
    assert [message["payload"]["n"] for message in redis.sent()] == [0, 1, 2]
    assert set(redis.threads) == {"rasad-publish"}
    # Nothing unsent any more: the next push goes from this thread.
    events.publish(events.make_event("test.publisher", {"n": 3}))
    assert [message["payload"]["n"] for message in redis.sent()] == [0, 1, 2, 3]
    assert redis.threads[-1] == here


def _hand_group(numbers: range) -> None:
    with events.published_together():
        for n in numbers:
            events.publish(events.make_event("test.publisher", {"n": n}))


def test_closing_sends_what_is_queued_then_stops_the_thread(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    redis = SlowRedis()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    _hand_group(range(3))
    redis.through.set()
    publisher.close()  # as at the process's exit
    assert [message["payload"]["n"] for message in redis.sent()] == [0, 1, 2]
    assert publisher._thread is not None
    assert not publisher._thread.is_alive()


def test_without_a_thread_to_be_had_a_groups_pushes_are_sent_at_once(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    """A process out of threads: the group has committed, so its pushes go from the thread that
    handed them over rather than failing it."""
    redis = SlowRedis()
    redis.through.set()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", refuse)
        _hand_group(range(2))
    assert [message["payload"]["n"] for message in redis.sent()] == [0, 1]
    assert redis.threads == [threading.current_thread().name]
    assert publisher._thread is None


def test_a_push_handed_over_after_the_thread_stopped_is_still_sent(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    """Review 20: the thread stops at the threads' shutdown (``close``), and a write that commits
    after it (another thread's, still running) handed its push to a queue nobody read any more:
    the push was lost (the group commit's own publisher, in session 18, started a thread again
    for it). It is sent at once, from the thread that hands it over: a thread started as the
    process ends might not run before it does."""
    redis = SlowRedis()
    redis.through.set()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    events.publish(events.make_event("test.publisher", {"n": 0}))
    publisher.close()  # as at the threads' shutdown
    events.publish(events.make_event("test.publisher", {"n": 1}))
    assert [message["payload"]["n"] for message in redis.sent()] == [0, 1]
