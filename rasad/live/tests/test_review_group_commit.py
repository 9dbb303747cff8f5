"""Adversarial check of group commit (session 16 review): after a group's transaction fails,
the agents' resends are recorded exactly once, each acknowledged with its event's stream id."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.lib.tests.test_publisher import publisher  # noqa: F401 (a fixture)
from rasad.live import group_commit
from rasad.live.group_commit import GroupCommitter
from rasad.live.models import AgentCredential, Device, DeviceEvent
from rasad.live.testing import event_item
from rasad.live.tests.test_group_commit import _Boom, _failing_for, _group, _submission, agents  # noqa: F401


def test_after_a_failed_group_each_resend_is_recorded_once(
    agents: list[tuple[Device, AgentCredential]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
):
    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    good_item, bad_item = event_item(isfahan, 1), event_item(kerman, 1)
    with monkeypatch.context() as patch:
        patch.setattr(group_commit, "do_ingest_batches", _failing_for(kerman.organization_id))
        first = _group(
            GroupCommitter(), [_submission(isfahan_agent, [good_item]), _submission(kerman_agent, [bad_item])]
        )
    assert isinstance(first[1], _Boom)
    created = first[0].events[0]
    assert created.result.value == "created"
    # Both agents send again (the first never read its answer; the second got an error), in one
    # group, now healthy: the first is a duplicate with its first acknowledgment, the second is
    # recorded now.
    committer = GroupCommitter()
    again = _group(
        committer, [_submission(isfahan_agent, [good_item]), _submission(kerman_agent, [bad_item])]
    )
    assert [answer.events[0].result.value for answer in again] == ["duplicate", "created"]
    assert again[0].events[0].stream_id == created.stream_id
    recorded = list(
        DeviceEvent.objects.filter(uuid__in=[good_item["id"], bad_item["id"]]).values_list("pk", flat=True)
    )
    assert sorted(recorded) == sorted([created.stream_id, again[1].events[0].stream_id])
    assert committer._leading is False


class _DownRedis:
    """Redis while it is away: every exchange fails."""

    def __init__(self) -> None:
        self.tries = 0

    def publish(self, channel: str, message: str) -> None:
        self.tries += 1
        raise ConnectionError("Redis is away")

    def pipeline(self, transaction: bool) -> _DownRedis:
        return self

    def execute(self) -> None:
        self.tries += 1
        raise ConnectionError("Redis is away")


@pytest.mark.usefixtures("publisher")
def test_with_redis_away_a_group_is_recorded_acknowledged_and_pushed_in_process(
    agents: list[tuple[Device, AgentCredential]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
):
    """The group's pushes leave after its commit, in one exchange with Redis; with Redis away
    that exchange fails, and nothing else does: the events are recorded (a stream resynchronises
    from them) and acknowledged, and this process's subscribers had them."""
    from rasad.lib import events as bus

    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    redis = _DownRedis()
    settings.EVENT_BUS = "redis"
    monkeypatch.setattr(bus, "_redis", lambda: redis)
    pushed: list[Any] = []
    unsubscribe = bus.subscribe_local(pushed.append)
    items = [event_item(isfahan, 1), event_item(kerman, 1)]
    committer = GroupCommitter()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            answers = _group(
                committer, [_submission(isfahan_agent, [items[0]]), _submission(kerman_agent, [items[1]])]
            )
    finally:
        unsubscribe()
    assert bus.wait_published(), "the publishing thread tried Redis"
    assert [answer.events[0].result.value for answer in answers] == ["created", "created"]
    assert DeviceEvent.objects.filter(uuid__in=[item["id"] for item in items]).count() == 2
    assert redis.tries >= 1, "Redis was tried"
    stream_ids = {answer.events[0].stream_id for answer in answers}
    assert stream_ids <= {event["payload"].get("id") for event in pushed}
