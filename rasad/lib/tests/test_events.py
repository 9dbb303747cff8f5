"""Side effects leave only after commit; across nodes they travel over Redis pub/sub."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings
from django.db import transaction

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.lib import events
from rasad.lib.tests.test_publisher import publisher  # noqa: F401 (a fixture)
from rasad.testing.cast import Cast


def _capture():
    received: list[dict[str, object]] = []
    return received, events.subscribe_local(received.append)


def test_event_is_published_after_commit(cast: Cast, django_capture_on_commit_callbacks):
    received, unsubscribe = _capture()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            organization = do_create_organization(
                OrganizationValues(code="EV-1", name="واحد رویداد", kind="site", parent=cast.isfahan),
                acting_user=cast.root,
            )
    finally:
        unsubscribe()
    assert received == [
        {
            "kind": "organization.created",
            "payload": {"id": organization.pk},
            "organization_ids": [organization.pk],
        }
    ]


def _create_then_fail(cast: Cast) -> None:
    with transaction.atomic():
        do_create_organization(
            OrganizationValues(code="EV-2", name="واحد برگشتی", kind="site", parent=cast.isfahan),
            acting_user=cast.root,
        )
        raise RuntimeError("roll back")


def test_rolled_back_write_publishes_nothing(cast: Cast, django_capture_on_commit_callbacks):
    received, unsubscribe = _capture()
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            _create_then_fail(cast)
    finally:
        unsubscribe()
    assert received == []


@pytest.mark.redis
def test_events_cross_nodes_over_redis(cast: Cast, django_capture_on_commit_callbacks):
    import redis

    assert settings.EVENT_BUS == "redis"
    events.wait_published()  # an earlier test's pushes are not this one's
    subscriber = redis.Redis.from_url(settings.REDIS_URL).pubsub()
    subscriber.subscribe(settings.EVENT_CHANNEL)
    subscriber.get_message(timeout=2)  # the subscription confirmation
    with django_capture_on_commit_callbacks(execute=True):
        organization = do_create_organization(
            OrganizationValues(code="EV-3", name="واحد شبکه", kind="site", parent=cast.kerman),
            acting_user=cast.root,
        )
    deadline = time.monotonic() + 5
    message = None
    while message is None and time.monotonic() < deadline:
        message = subscriber.get_message(ignore_subscribe_messages=True, timeout=0.5)
    subscriber.close()
    assert message is not None
    assert json.loads(message["data"]) == {
        "kind": "organization.created",
        "payload": {"id": organization.pk},
        "organization_ids": [organization.pk],
    }


@pytest.mark.redis
def test_login_throttle_counters_live_in_redis(cast: Cast):
    from rasad.lib import counters, throttle

    assert type(counters._store()).__name__ == "_Redis"
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        throttle.record_failure("alice", "192.0.2.1")
    assert throttle.is_throttled("alice", "192.0.2.1")
    assert not throttle.is_throttled("alice", "192.0.2.2")


class _FakeRedis:
    """Counts the exchanges with Redis: a publish alone, or a pipeline's execute."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.exchanges = 0

    def publish(self, channel: str, message: str) -> None:
        self.exchanges += 1
        self.sent.append((channel, message))

    def pipeline(self, transaction: bool) -> _FakePipeline:
        assert transaction is False
        return _FakePipeline(self)


class _FakePipeline:
    def __init__(self, redis: _FakeRedis) -> None:
        self.redis, self.queued = redis, []  # type: ignore[var-annotated]

    def publish(self, channel: str, message: str) -> None:
        self.queued.append((channel, message))

    def execute(self) -> None:
        self.redis.exchanges += 1
        self.redis.sent.extend(self.queued)


@pytest.mark.usefixtures("publisher")
def test_events_published_together_reach_redis_in_one_exchange_in_order(monkeypatch, settings):
    fake = _FakeRedis()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: fake)
    received, unsubscribe = _capture()
    try:
        with events.published_together():
            for n in range(3):
                events.publish(events.make_event("test.together", {"n": n}))
            with events.published_together():  # nested: held for the outer block
                events.publish(events.make_event("test.together", {"n": 3}))
            # This process's subscribers have them at once; Redis has nothing yet.
            assert [e["payload"]["n"] for e in received] == [0, 1, 2, 3]
            assert events.wait_published()
            assert fake.sent == []
        assert events.wait_published()
        assert fake.exchanges == 1
        assert [json.loads(message)["payload"]["n"] for _, message in fake.sent] == [0, 1, 2, 3]
        assert {channel for channel, _ in fake.sent} == {settings.EVENT_CHANNEL}
        # Outside a block, each event is handed over at once.
        events.publish(events.make_event("test.together", {"n": 4}))
        assert events.wait_published()
        assert fake.exchanges == 2
        with events.published_together():
            pass
        assert events.wait_published()
        assert fake.exchanges == 2  # an empty block sends nothing
    finally:
        unsubscribe()


@pytest.mark.usefixtures("publisher")
def test_events_held_together_are_sent_even_when_the_block_fails(monkeypatch, settings):
    """What was published has committed; a later error in the block does not keep it from Redis."""
    fake = _FakeRedis()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(events, "_redis", lambda: fake)

    def publish_then_fail() -> None:
        with events.published_together():
            events.publish(events.make_event("test.together", {"n": 0}))
            raise RuntimeError("after the commit")

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert events.wait_published()
    assert [json.loads(message)["payload"]["n"] for _, message in fake.sent] == [0]
