"""The reference agent against a running Rasad over HTTP: it deletes an item only after its
acknowledgment, a resend after a lost answer is recorded once, a refused item is parked for good,
no link keeps everything queued with a backoff, and a revoked credential stops it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from rasad.live.actions import do_revoke_credential
from rasad.live.agent import Agent, Queue, Stop, main, uuid7
from rasad.live.models import DeviceEvent, Heartbeat
from rasad.live.testing import make_credential, make_device
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def agent(cast: Cast, live_server: Any, tmp_path: Path) -> Agent:
    make_device(cast, cast.isfahan_post, serial="GS-1")
    _credential, secret = make_credential(cast, cast.isfahan_post)
    return Agent(Queue(tmp_path / "queue.sqlite3"), live_server.url, secret)


def test_uuid7_sorts_by_time():
    first = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert first.version == 7 and second.version == 7
    assert str(first) < str(second)


def test_queued_items_are_sent_and_deleted_only_after_their_ack(agent: Agent):
    agent.queue.heartbeat("GS-1", battery=80, link=60)
    agent.queue.event("GS-1", "sensor_alarm", "high", "حرکت در محدودهٔ حسگر")
    agent.queue.event("GS-1", "observation", "low", "گشت عادی")
    assert agent.send_once() == 3
    assert agent.queue.counts() == {"pending": 0, "parked": 0}
    assert [e.sequence for e in DeviceEvent.objects.exclude(kind="status_changed").order_by("sequence")] == [
        1,
        2,
    ]
    assert Heartbeat.objects.count() == 1


def test_a_resend_after_a_lost_answer_is_recorded_once(agent: Agent):
    agent.queue.event("GS-1", "tamper", "high", "باز شدن درب جعبه")
    ((item_id, _kind, body, _attempts),) = agent.queue.due(10)
    agent.send_once()
    # The answer was lost before the delete: the item is still in the queue, and goes again.
    agent.queue._add("event", body)
    assert agent.send_once() == 1
    assert agent.queue.counts()["pending"] == 0
    assert DeviceEvent.objects.filter(uuid=item_id).count() == 1


def test_a_refused_item_is_parked_and_the_rest_go(agent: Agent):
    agent.queue.event("NO-SUCH-DEVICE", "sensor_alarm")
    agent.queue.event("GS-1", "sensor_alarm")
    assert agent.send_once() == 2
    assert agent.queue.counts() == {"pending": 0, "parked": 1}
    assert agent.queue.parked()[0][1].startswith("unknown_device")
    assert agent.send_once() == 0  # never sent again


def test_without_a_link_nothing_is_lost_and_it_backs_off(agent: Agent):
    agent.url = "http://127.0.0.1:9"  # nothing listens there
    agent.queue.event("GS-1", "power_loss", "high")
    assert agent.send_once() == 0
    assert agent.queue.counts() == {"pending": 1, "parked": 0}
    assert agent.queue.db.execute("SELECT attempts FROM items").fetchone()[0] == 1
    assert not DeviceEvent.objects.filter(kind="power_loss").exists()


def test_a_revoked_credential_stops_the_agent_and_deletes_nothing(cast: Cast, agent: Agent):
    do_revoke_credential(cast.isfahan_post.agent_credentials.get(), acting_user=cast.root)
    agent.queue.event("GS-1", "sensor_alarm")
    with pytest.raises(Stop):
        agent.send_once()
    assert agent.queue.counts() == {"pending": 1, "parked": 0}


def test_the_command_line_queues_and_reports(tmp_path: Path, capsys: Any):
    queue = tmp_path / "q.sqlite3"
    assert main(["--queue", str(queue), "event", "GS-1", "--kind", "observation", "--text", "گزارش"]) == 0
    assert main(["--queue", str(queue), "heartbeat", "GS-1", "--battery", "50"]) == 0
    assert main(["--queue", str(queue), "status"]) == 0
    assert '{"pending": 2, "parked": 0}' in capsys.readouterr().out


def test_kill_9_of_the_agent_loses_nothing_and_duplicates_nothing(agent: Agent, tmp_path: Path):
    import os
    import signal
    import subprocess
    import sys

    sent = [agent.queue.event("GS-1", "observation", "low", f"گزارش {n}") for n in range(300)]
    env = {**os.environ, "RASAD_AGENT_SECRET": agent.secret}
    command = [sys.executable, "-m", "rasad.live.agent", "--queue", str(tmp_path / "queue.sqlite3")]
    process = subprocess.Popen([*command, "run", "--url", agent.url, "--batch", "5"], env=env)
    deadline = time.monotonic() + 60
    while DeviceEvent.objects.filter(kind="observation").count() < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = DeviceEvent.objects.filter(kind="observation").count()
    assert 0 < killed_at < 300
    again = subprocess.run(
        [*command, "run", "--url", agent.url, "--batch", "50", "--rounds", "20"], env=env, timeout=120
    )
    assert again.returncode == 0
    stored = list(DeviceEvent.objects.filter(kind="observation").values_list("uuid", flat=True))
    assert sorted(str(u) for u in stored) == sorted(sent)
    assert Queue(tmp_path / "queue.sqlite3").counts() == {"pending": 0, "parked": 0}
