"""The group commit's pushes to Redis (session 18): sent by the process's publishing thread
(``rasad.lib.events``, since session 19 the same as every write's), in the order of the groups'
commits, while every request of the group, the leader's too, already has its answer."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest

from rasad.lib import events as bus
from rasad.lib.tests.test_publisher import SlowRedis, publisher  # noqa: F401 (a fixture)
from rasad.live.group_commit import GroupCommitter
from rasad.live.models import AgentCredential, Device, DeviceEvent
from rasad.live.testing import event_item
from rasad.live.tests.test_group_commit import _submission, agents  # noqa: F401


def _event_ids(messages: list[str]) -> list[int]:
    return [json.loads(message)["payload"]["id"] for message in messages]


@pytest.mark.django_db(transaction=True)
def test_a_group_is_answered_before_its_pushes_reach_redis_and_they_keep_the_commits_order(
    agents: list[tuple[Device, AgentCredential]],  # noqa: F811
    publisher: bus._Publisher,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
):
    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    redis = SlowRedis()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(bus, "_redis", lambda: redis)
    committer = GroupCommitter()
    answers = []
    # Four groups, one after the other, each a request alone (its own leader, its own commit):
    # all are answered while Redis has not yet taken the first group's pushes.
    for sequence in (1, 2):
        answers.append(committer.submit(_submission(isfahan_agent, [event_item(isfahan, sequence)])))
        answers.append(committer.submit(_submission(kerman_agent, [event_item(kerman, sequence)])))
    assert [answer.events[0].result.value for answer in answers] == ["created"] * 4
    assert redis.exchanges == []
    redis.through.set()
    assert bus.wait_published()
    # Every event pushed once, in the order of the commits (the stream ids' order).
    pushed = [event_id for exchange in redis.exchanges for event_id in _event_ids(exchange)]
    stream_ids = [cast(int, answer.events[0].stream_id) for answer in answers]
    assert pushed == stream_ids == sorted(stream_ids)
    assert DeviceEvent.objects.filter(pk__in=stream_ids).count() == 4
    # What was handed over while an exchange waited went together in the next one.
    assert len(redis.exchanges) < 4


@pytest.mark.django_db(transaction=True)
def test_without_redis_no_publishing_thread_is_started(
    agents: list[tuple[Device, AgentCredential]],  # noqa: F811
    publisher: bus._Publisher,  # noqa: F811
    settings: Any,
):
    (isfahan, isfahan_agent), _kerman = agents
    settings.EVENT_BUS = "local"
    pushed: list[Any] = []
    unsubscribe = bus.subscribe_local(pushed.append)
    committer = GroupCommitter()
    try:
        answer = committer.submit(_submission(isfahan_agent, [event_item(isfahan, 1)]))
    finally:
        unsubscribe()
    assert [event["payload"]["id"] for event in pushed] == [answer.events[0].stream_id]
    assert answer.events[0].result.value == "created"
    assert publisher._thread is None
