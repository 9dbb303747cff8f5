"""Adversarial check of group commit (session 16 review): after a group's transaction fails,
the agents' resends are recorded exactly once, each acknowledged with its event's stream id."""

from __future__ import annotations

import pytest

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
