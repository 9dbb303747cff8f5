"""The process's publishing thread (``rasad.lib.events._Publisher``): every push for Redis goes
through it after its commit, so that no request waits for Redis, and the pushes reach Redis once
each, in the order they were handed over."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from rasad.conftest import client_for
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
    """Redis whose exchanges wait until the test lets them through, and that keeps what it got."""

    def __init__(self) -> None:
        self.through = threading.Event()
        self.exchanges: list[list[str]] = []

    def publish(self, channel: str, message: str) -> None:
        self.exchange([message])

    def pipeline(self, transaction: bool) -> _Pipeline:
        assert transaction is False
        return _Pipeline(self)

    def exchange(self, messages: list[str]) -> None:
        assert self.through.wait(10), "the test let the exchange through"
        self.exchanges.append(messages)

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


@pytest.mark.django_db(transaction=True)
def test_writes_are_answered_while_redis_stalls_then_each_push_reaches_it_once_in_commit_order(
    cast: Cast, publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    assign(cast.isfahan, "ELEC_CONS", since=from_jalali(1400, 1, 1))
    redis = SlowRedis()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    local: list[dict[str, Any]] = []
    unsubscribe = events.subscribe_local(local.append)
    client = client_for(cast.ali)
    periods = ["1402-01", "1402-02", "1402-03", "1402-04"]
    try:
        # Each write commits (a transactional test) and publishes on commit: all four are answered
        # while Redis has not taken the first one's push.
        for n, period in enumerate(periods):
            _write(client, n, period)
    finally:
        unsubscribe()
    assert redis.exchanges == []
    # This process's subscribers had each event at once, on the request's thread.
    recorded = [e for e in local if e["kind"] == "indicators.observations.recorded"]
    assert [e["payload"]["periods"] for e in recorded] == [[period] for period in periods]
    redis.through.set()
    assert events.wait_published()
    # Redis got every event once, in the order they were published (the writes' commits').
    assert redis.sent() == [_as_sent(e) for e in local]
    # What was handed over while the first exchange waited went together in the next one.
    assert len(redis.exchanges) <= 2


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
    """Redis that refuses the first exchange and takes the next ones."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.failed = False

    def publish(self, channel: str, message: str) -> None:
        if not self.failed:
            self.failed = True
            raise ConnectionError("Redis is away")
        self.sent.append(message)


def test_a_failed_send_loses_only_its_messages_and_the_thread_goes_on(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    redis = _FailingOnce()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    events.publish(events.make_event("test.publisher", {"n": 0}))
    assert events.wait_published()
    events.publish(events.make_event("test.publisher", {"n": 1}))
    assert events.wait_published()
    assert redis.failed
    assert [json.loads(message)["payload"]["n"] for message in redis.sent] == [1]
    assert publisher._thread is not None
    assert publisher._thread.is_alive()


def test_closing_sends_what_is_queued_then_stops_the_thread(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    redis = SlowRedis()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    for n in range(3):
        events.publish(events.make_event("test.publisher", {"n": n}))
    redis.through.set()
    publisher.close()  # as at the process's exit
    assert [message["payload"]["n"] for message in redis.sent()] == [0, 1, 2]
    assert publisher._thread is not None
    assert not publisher._thread.is_alive()


def test_without_a_thread_to_be_had_the_push_is_sent_at_once(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    """A process out of threads: the write has committed, so its push goes from the publishing
    request's own thread rather than failing it."""
    redis = SlowRedis()
    redis.through.set()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", refuse)
        events.publish(events.make_event("test.publisher", {"n": 0}))
    assert [message["payload"]["n"] for message in redis.sent()] == [0]
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


class _ClosedMeanwhile:
    """The publisher's queue, where the threads' shutdown closes the publisher between a hand
    over's look at ``_closed`` (not closed yet) and its ``put``: ``close`` runs on the first put
    of a push once armed, before the push is queued."""

    def __init__(self, publisher: events._Publisher) -> None:
        self.publisher, self.queue, self.armed = publisher, publisher._queue, True

    def put(self, item: Any) -> None:
        if self.armed and isinstance(item, list):
            self.armed = False
            self.publisher.close()
        self.queue.put(item)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.queue, name)


def test_a_push_handed_over_while_the_thread_stops_is_still_sent(
    publisher: events._Publisher, monkeypatch: pytest.MonkeyPatch, settings: Any
):
    """Review 21: review 20's fix looks at ``_closed`` and then queues the push; a shutdown that
    stops the thread in between left the push in a queue nobody reads any more (lost)."""
    redis = SlowRedis()
    redis.through.set()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: redis)
    events.publish(events.make_event("test.publisher", {"n": 0}))
    assert events.wait_published()
    monkeypatch.setattr(publisher, "_queue", _ClosedMeanwhile(publisher))
    events.publish(events.make_event("test.publisher", {"n": 1}))
    assert publisher._thread is not None
    assert not publisher._thread.is_alive()
    assert [message["payload"]["n"] for message in redis.sent()] == [0, 1]
