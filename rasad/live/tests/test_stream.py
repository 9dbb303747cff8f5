"""Live push: the hub fans events out to streams, each stream carries only what its user may see,
replays what it missed from the event table, and tells a slow tab to refetch instead of queueing
a backlog."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.test import Client

from rasad.core.actions.people import do_create_user, do_grant_role, do_revoke_grant
from rasad.core.models import Role
from rasad.lib import push
from rasad.lib.push import REFETCH, RESYNC, Hub, StreamWriter, ThreadClient, hub, sse, sse_once
from rasad.live.audience import audience_of, forget_audiences
from rasad.live.models import Device, DeviceEvent
from rasad.live.testing import (
    event_item,
    heartbeat_item,
    in_a_loop_of_its_own,
    make_credential,
    make_device,
    send,
)
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


@pytest.fixture(autouse=True)
def _fresh_audiences() -> Iterator[None]:
    forget_audiences()
    yield
    forget_audiences()


@pytest.fixture
def posts(cast: Cast) -> dict[str, Any]:
    isf = make_device(cast, cast.isfahan_post, serial="ISF-1")
    ker = make_device(cast, cast.kerman_post, serial="KER-1")
    return {
        "isf": isf,
        "ker": ker,
        "isf_cred": make_credential(cast, cast.isfahan_post)[0],
        "ker_cred": make_credential(cast, cast.kerman_post)[0],
    }


def event(kind: str, organization_id: int, **payload: Any) -> dict[str, Any]:
    return {"kind": kind, "payload": payload, "organization_ids": [organization_id]}


def test_a_client_takes_only_what_its_filter_admits():
    client = ThreadClient(lambda e: e["organization_ids"] == [1], limit=4)
    assert client.offer(event("live.event", 1, id=1)) is True
    assert client.offer(event("live.event", 2, id=2)) is False
    assert [e["payload"]["id"] for e in client.wait(0)] == [1]


def test_a_slow_client_is_told_to_refetch_instead_of_queueing():
    client = ThreadClient(lambda e: True, limit=3)
    for n in range(5):
        client.offer(event("live.event", 1, id=n))
    # The fourth found the queue full: the three before it are dropped for a refetch; the fifth
    # is news after it.
    assert client.wait(0) == [REFETCH, event("live.event", 1, id=4)]


def test_a_resync_replaces_the_queue():
    client = ThreadClient(lambda e: True, limit=3)
    client.offer(event("live.event", 1, id=1))
    client.offer(RESYNC)
    assert client.wait(0) == [RESYNC]


def test_an_event_is_framed_once_for_every_stream():
    pushed = event("live.event", 1, id=5, text="اصفهان")
    framed = sse_once(pushed, event_id=5)
    assert framed == sse(pushed["payload"], event="live.event", event_id=5)
    # The next stream to send the same event is given the same bytes, not encoded again.
    assert sse_once(pushed, event_id=5) is framed
    # An equal event that is another object (a replay from the table) is encoded for itself.
    again = event("live.event", 1, id=5, text="اصفهان")
    assert sse_once(again, event_id=5) == framed
    assert sse_once(again, event_id=5) is not framed


class _Numbers:
    """A stream body that writes each event's id, and "refetch" (its slow path) for a refetch."""

    def accepts(self, event: dict[str, Any]) -> bool:
        return True

    async def opening(self) -> list[bytes]:
        return [b"open"]

    def render(self, batch: list[dict[str, Any]]) -> bytes | None:
        if REFETCH in batch:
            return None
        return b"".join(str(e["payload"]["id"]).encode() for e in batch) if batch else b"."

    async def render_slowly(self, batch: list[dict[str, Any]]) -> bytes:
        return b"".join(b"refetch" if e is REFETCH else str(e["payload"]["id"]).encode() for e in batch)


class _QuietHub(Hub):
    """A hub that feeds its streams nothing by itself: no keepalive, no Redis listener (whose
    re-read after a reconnection, when an earlier test restarted Redis, would land in the middle
    of a test that counts every write)."""

    def start(self) -> None:
        pass


def test_the_wake_up_writes_each_stream_itself_and_a_slow_reader_is_told_to_refetch(
    monkeypatch: pytest.MonkeyPatch,
):
    """Under the ASGI server the hub's wake-up writes every stream's batch to its connection, with
    no task of the stream's own; a write the server makes wait finishes on a task, what comes
    meanwhile queues on the client, and a full queue is one refetch, in order."""
    import asyncio

    monkeypatch.setattr(push, "_hub", _QuietHub())

    async def scenario() -> dict[str, Any]:
        written: list[bytes] = []
        room = asyncio.Event()
        room.set()

        async def send(message: Mapping[str, Any]) -> None:
            await room.wait()  # the server's buffer for this reader: full while cleared
            written.append(message["body"])

        writer = StreamWriter(_Numbers(), send, limit=3)
        serving = asyncio.ensure_future(writer.serve())
        seen: dict[str, Any] = {}
        try:
            while not written:
                await asyncio.sleep(0)
            writer.offer(event("live.event", 1, id=1))
            writer.set_ready()
            writer.set_ready()  # a keepalive: nothing queued
            seen["at once"] = list(written)
            seen["tasks"] = writer._task
            room.clear()
            for n in range(2, 8):
                writer.offer(event("live.event", 1, id=n))
                writer.set_ready()
            await asyncio.sleep(0.05)
            seen["while full"] = list(written)
            room.set()
            await asyncio.sleep(0.05)
            seen["after"] = list(written)
            seen["serving"] = not serving.done()
        finally:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
        seen["clients"] = writer in hub()._clients
        return seen

    seen = in_a_loop_of_its_own(scenario)
    # The opening, the event and the keepalive, written in the wake-up's own call.
    assert seen["at once"] == [b"open", b"1", b"."]
    assert seen["tasks"] is None
    assert seen["while full"] == [b"open", b"1", b"."]
    # Event 2's write waited; 3, 4 and 5 filled the queue, 6 found it full (a refetch), 7 came after.
    assert seen["after"] == [b"open", b"1", b".", b"2", b"refetch7"]
    assert seen["serving"]
    assert seen["clients"] is False


def test_audiences_follow_the_grants(cast: Cast):
    alice = audience_of(cast.alice.pk)
    assert alice.admits(event("live.event", cast.isfahan_post.pk))
    assert not alice.admits(event("live.event", cast.kerman_post.pk))
    # Only the topics registered for the stream, whatever the organization.
    assert not alice.admits(event("case.changed", cast.isfahan_post.pk))
    assert not audience_of(cast.charlie.pk).admits(event("live.event", cast.isfahan_post.pk))
    assert audience_of(cast.root.pk).admits(event("live.event", cast.kerman_post.pk))


def test_a_withdrawn_grant_stops_deliveries_at_the_next_check(cast: Cast):
    vida = do_create_user("vida", acting_user=None, password=None, organization=cast.isfahan)
    grant = do_grant_role(vida, Role.objects.get(slug="viewer"), acting_user=None, organization=cast.isfahan)
    assert audience_of(vida.pk).admits(event("live.event", cast.isfahan_post.pk))
    do_revoke_grant(grant, acting_user=None)
    # Until the next check the stream keeps its audience; the check reads the grants again.
    assert audience_of(vida.pk).admits(event("live.event", cast.isfahan_post.pk))
    assert audience_of(vida.pk, fresh=True).admits(event("live.event", cast.isfahan_post.pk)) is False


def test_streams_whose_scope_cannot_be_computed_carry_nothing_until_it_can(cast: Cast, settings: Any):
    """The scope of Alice's two streams is due; the one that computes it finds the database away:
    neither keeps the old scope (it may hold a withdrawn grant), and both are due again soon."""
    import asyncio
    import time

    from rasad.live.views import _recheck_soon, _StreamState

    settings.RASAD_LIVE_SCOPE_SECONDS = 30
    streams = [_StreamState(cast.alice.pk, 0), _StreamState(cast.alice.pk, 0)]
    assert all(s.accepts(event("live.event", cast.isfahan_post.pk)) for s in streams)
    forget_audiences()

    def away() -> None:
        raise ConnectionError("the database is away")

    async def scenario() -> None:
        for stream in streams:
            stream.recheck = away  # type: ignore[method-assign]
            _recheck_soon(stream)  # the first computes; the second is handed its result
        async with asyncio.timeout(30):
            while any(s.accepts(event("live.event", cast.isfahan_post.pk)) for s in streams):
                await asyncio.sleep(0.01)

    in_a_loop_of_its_own(scenario)
    assert streams[0].audience is streams[1].audience
    assert not streams[0].audience.active
    assert time.monotonic() - streams[0].audience.computed > settings.RASAD_LIVE_SCOPE_SECONDS - 2


def frames(chunks: Iterator[bytes], count: int) -> list[tuple[str | None, dict[str, Any] | None, str | None]]:
    """The next ``count`` events of a stream as (event name, data, id), skipping comments."""
    found: list[tuple[str | None, dict[str, Any] | None, str | None]] = []
    while len(found) < count:
        chunk = next(chunks).decode()
        if chunk.startswith((":", "retry:")):
            continue
        fields = dict(line.split(": ", 1) for line in chunk.strip().split("\n"))
        found.append((fields.get("event"), json.loads(fields["data"]), fields.get("id")))
    return found


def test_the_stream_replays_then_pushes_only_the_readers_events(
    cast: Cast, posts: dict[str, Any], django_capture_on_commit_callbacks: Any
):
    with django_capture_on_commit_callbacks(execute=True):
        send(posts["isf_cred"], {"events": [event_item(posts["isf"], 1, text="پیش از اتصال")]})
        send(posts["ker_cred"], {"events": [event_item(posts["ker"], 1, text="کرمان پیش از اتصال")]})
    response = signed_in_client(cast.alice).get("/live/stream/?last=0")
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-store, no-transform"
    chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
    try:
        replayed = frames(chunks, 1)
        assert replayed[0][0] == "live.event"
        assert replayed[0][1] is not None and replayed[0][1]["text"] == "پیش از اتصال"
        with django_capture_on_commit_callbacks(execute=True):
            send(posts["ker_cred"], {"events": [event_item(posts["ker"], 2, text="کرمان")]})
            send(posts["isf_cred"], {"events": [event_item(posts["isf"], 2, severity="high", text="اصفهان")]})
        pushed = frames(chunks, 1)
        assert pushed[0][1] is not None and pushed[0][1]["text"] == "اصفهان"
        assert pushed[0][1]["severity"] == "high"
        assert pushed[0][2] == str(DeviceEvent.objects.get(text="اصفهان").pk)
    finally:
        response.close()
    assert hub().client_count == 0


def test_a_reconnect_replays_from_last_event_id(cast: Cast, posts: dict[str, Any]):
    send(posts["isf_cred"], {"events": [event_item(posts["isf"], 1, text="نخست")]})
    first = DeviceEvent.objects.get(text="نخست")
    send(posts["isf_cred"], {"events": [event_item(posts["isf"], 2, text="دوم")]})
    client = Client()
    client.force_login(cast.alice)
    response = client.get("/live/stream/", HTTP_LAST_EVENT_ID=str(first.pk))
    chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
    try:
        texts = [data["text"] for _name, data, _id in frames(chunks, 2) if data is not None]
    finally:
        response.close()
    # A short overlap is replayed (ids can commit out of order); the page drops repeats.
    assert texts == ["نخست", "دوم"]


def test_status_changes_reach_the_stream_with_the_post_status(
    cast: Cast, posts: dict[str, Any], django_capture_on_commit_callbacks: Any
):
    response = signed_in_client(cast.alice).get("/live/stream/")
    chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
    try:
        next(chunks)
        with django_capture_on_commit_callbacks(execute=True):
            send(posts["isf_cred"], {"heartbeats": [heartbeat_item(posts["isf"])]})
        ((name, data, _id),) = frames(chunks, 1)
    finally:
        response.close()
    assert name == "live.event"
    assert data is not None
    assert (data["kind"], data["status"], data["post_status"]) == ("status_changed", "online", "online")
    assert data["post_name"] == cast.isfahan_post.name


def test_the_stream_is_refused_signed_out_and_to_the_unscoped_it_carries_nothing(
    cast: Cast, posts: dict[str, Any], django_capture_on_commit_callbacks: Any
):
    assert Client().get("/live/stream/").status_code == 302
    response = signed_in_client(cast.charlie).get("/live/stream/?last=0")
    chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
    try:
        next(chunks)
        with django_capture_on_commit_callbacks(execute=True):
            send(posts["isf_cred"], {"events": [event_item(posts["isf"], 1)]})
        client = next(iter(hub()._clients))
        assert isinstance(client, ThreadClient)
        # (With Redis, the process's first subscription asks every stream to re-read: not an
        # event, and the re-read finds nothing Charlie may see.)
        assert [event for event in client.wait(0) if event is not RESYNC] == []
    finally:
        response.close()


def test_the_feed_fragment_is_scoped(cast: Cast, posts: dict[str, Any]):
    send(posts["isf_cred"], {"events": [event_item(posts["isf"], 1, text="اصفهان")]})
    send(posts["ker_cred"], {"events": [event_item(posts["ker"], 1, text="کرمان")]})
    html = signed_in_client(cast.bob).get("/live/feed/").content.decode()
    assert "کرمان" in html
    assert "اصفهان" not in html
    assert Device.objects.count() == 2


def send_and_close(credential: Any, body: dict[str, Any]) -> None:
    from django.db import connection

    try:
        send(credential, body)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_asgi_stream_holds_no_thread_and_pushes(cast: Cast, posts: dict[str, Any]):
    """The production path: the ASGI server reads the stream as an async iterator."""
    from django.test import AsyncClient

    async def scenario() -> list[str]:
        client = AsyncClient()
        await client.aforce_login(cast.alice)
        response = await client.get("/live/stream/?last=0")
        assert response["Content-Type"] == "text/event-stream"
        chunks = response.streaming_content.__aiter__()  # type: ignore[attr-defined]
        texts: list[str] = []
        try:
            while len(texts) < 2:
                chunk = (await chunks.__anext__()).decode()
                if chunk.startswith("id:"):
                    data = json.loads(chunk.split("data: ", 1)[1])
                    texts.append(data["text"])
                    if len(texts) == 1:
                        from asgiref.sync import sync_to_async

                        await sync_to_async(send_and_close, thread_sensitive=False)(
                            posts["isf_cred"], {"events": [event_item(posts["isf"], 2, text="زنده")]}
                        )
        finally:
            await chunks.aclose()
        return texts

    send(posts["isf_cred"], {"events": [event_item(posts["isf"], 1, text="پیشین")]})
    assert in_a_loop_of_its_own(scenario) == ["پیشین", "زنده"]


@pytest.mark.redis
def test_events_travel_between_nodes_over_redis_and_a_lost_subscription_resyncs(settings: Any):
    """Another node publishes to Redis; this node's hub (one subscription) hands it to its
    stream. When the subscription is cut, the hub reconnects and tells every stream to re-read
    what it may have missed from the database."""
    import time

    import redis

    from rasad.lib import events as bus
    from rasad.lib.push import Hub

    settings.EVENT_BUS = "redis"
    bus.wait_published()  # an earlier test's pushes are not this one's
    node_b = Hub()
    client = ThreadClient(lambda e: e.get("kind") != "resync", limit=16)
    node_b.register(client)
    assert node_b.connected.wait(5)
    # Subscribed: every stream registered so far re-reads the database once (an event published
    # before the subscription took effect is there, not on the channel).
    assert client.wait(5) == [RESYNC]
    connection = redis.Redis.from_url(settings.REDIS_URL)
    try:
        # "Node A": any process publishing on the channel.
        bus.publish({"kind": "live.event", "payload": {"id": 7}, "organization_ids": [1]})
        received = client.wait(5)
        assert received == [{"kind": "live.event", "payload": {"id": 7}, "organization_ids": [1]}]
        connection.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        deadline = time.monotonic() + 10
        seen: list[Any] = []
        while time.monotonic() < deadline and RESYNC not in seen:
            seen.extend(client.wait(0.5))
        assert RESYNC in seen
        bus.publish({"kind": "live.event", "payload": {"id": 8}, "organization_ids": [1]})
        assert client.wait(5)[-1]["payload"] == {"id": 8}
    finally:
        node_b._stop.set()
        node_b.unregister(client)
        connection.close()
