"""Server-sent events: one subscription to the event bus per process, fanned out in memory to
every open stream (SECURITY.md C.3 as docs/live.md applies it).

* The hub subscribes once: to the in-process bus (``RASAD_EVENT_BUS=local``), or with one
  Redis pub/sub connection on a thread of its own (``redis``), so that an event committed on any
  node reaches the streams of every node. It never subscribes to both: with Redis, the local bus
  would deliver this node's own events twice.
* Each stream is a ``Client`` with a filter (what its user may see, decided by the caller: this
  module knows nothing of grants) and a bounded queue. A client whose queue is full is not given a
  backlog: its queue is dropped and it is told to refetch.
* Once the subscription is made (the first time too: a stream that registered before it took
  effect may have read the database before an event that was published before it), and after the
  Redis connection was lost and comes back, every client is told to resynchronise (it reads what
  it missed from the database: pub/sub does not keep messages).

Two kinds of client share the hub: ``AsyncClient`` for the ASGI server (an asyncio event woken
from the hub's thread) and ``ThreadClient`` for a threaded WSGI server (the embedded demo).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from rasad.lib import events

logger = logging.getLogger(__name__)

Event = dict[str, Any]
KEEPALIVE_SECONDS = 15.0
# A marker in a client's queue: the events before it may be incomplete, read them again.
RESYNC: Event = {"kind": "resync"}
# A marker: the queue overflowed and was dropped; the page should refetch its state.
REFETCH: Event = {"kind": "refetch"}


class Client:
    """One open stream: its filter, its bounded queue, and how to wake its reader."""

    def __init__(self, accepts: Callable[[Event], bool], *, limit: int) -> None:
        self.accepts = accepts
        self.limit = limit
        # A list, not a deque: a deque's first block is 760 bytes, for each of thousands of
        # streams whose queue is empty nearly always.
        self._queue: list[Event] = []
        self._lock = threading.Lock()

    def offer(self, event: Event) -> bool:
        """Queue ``event`` if the filter admits it; ``True`` when the reader must be woken (the
        caller wakes it: the hub wakes the streams of one event loop with one call)."""
        if event is not RESYNC:
            try:
                if not self.accepts(event):
                    return False
            except Exception:
                logger.exception("stream filter failed")
                return False
        with self._lock:
            if event is RESYNC or len(self._queue) >= self.limit:
                self._queue.clear()
                self._queue.append(RESYNC if event is RESYNC else REFETCH)
            else:
                self._queue.append(event)
        return True

    def take(self) -> list[Event]:
        with self._lock:
            taken, self._queue = self._queue, []
        return taken

    def wake(self) -> None:
        raise NotImplementedError


class ThreadClient(Client):
    def __init__(self, accepts: Callable[[Event], bool], *, limit: int) -> None:
        super().__init__(accepts, limit=limit)
        self._ready = threading.Event()

    def wake(self) -> None:
        self._ready.set()

    def wait(self, timeout: float) -> list[Event]:
        self._ready.wait(timeout)
        self._ready.clear()
        return self.take()


class AsyncClient(Client):
    def __init__(self, accepts: Callable[[Event], bool], *, limit: int) -> None:
        super().__init__(accepts, limit=limit)
        self.loop = asyncio.get_running_loop()
        # Woken: a flag and the future its reader awaits, if it waits (an asyncio.Event holds a
        # deque of waiters: 760 bytes more for each idle stream).
        self._ready = False
        self._waiter: asyncio.Future[None] | None = None

    def wake(self) -> None:
        _wake_on(self.loop, [self])

    def set_ready(self) -> None:
        """In the client's own loop."""
        self._ready = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def wait(self, timeout: float | None = None) -> list[Event]:
        """The events queued since the last call, once there are any, or empty when woken for a
        keepalive. Without ``timeout`` no timer is armed: the hub's keepalive thread wakes every
        stream every ``KEEPALIVE_SECONDS`` (one timer per stream per wait cost more than the
        fan-out itself at thousands of streams: bench/live_push.py)."""
        if not self._ready:
            self._waiter = self.loop.create_future()
            try:
                if timeout is None:
                    await self._waiter
                else:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(timeout):
                            await self._waiter
            finally:
                self._waiter = None
        self._ready = False
        return self.take()


def _set_all(clients: list[AsyncClient]) -> None:
    for client in clients:
        client.set_ready()


def _wake_on(loop: asyncio.AbstractEventLoop, clients: list[AsyncClient]) -> None:
    """One thread-safe call per loop, however many of its streams an event reaches (each
    ``call_soon_threadsafe`` writes to the loop's wake-up pipe)."""
    with contextlib.suppress(RuntimeError):  # the loop has closed: its streams are gone
        loop.call_soon_threadsafe(_set_all, clients)


class Hub:
    """The process's one subscription and the streams it feeds."""

    def __init__(self) -> None:
        self._clients: set[Client] = set()
        self._lock = threading.Lock()
        self._started = False
        self._stop = threading.Event()
        self.connected = threading.Event()

    def register(self, client: Client) -> None:
        # The client first: the first subscription's re-read (RESYNC) goes to the clients
        # registered when it is confirmed, and the listener may confirm before start() returns.
        with self._lock:
            self._clients.add(client)
        self.start()

    def unregister(self, client: Client) -> None:
        with self._lock:
            self._clients.discard(client)

    @property
    def client_count(self) -> int:
        return len(self._clients)

    def dispatch(self, event: Event) -> None:
        with self._lock:
            clients = list(self._clients)
        by_loop: dict[asyncio.AbstractEventLoop, list[AsyncClient]] = {}
        for client in clients:
            if client.offer(event):
                if isinstance(client, AsyncClient):
                    by_loop.setdefault(client.loop, []).append(client)
                else:
                    client.wake()
        for loop, woken in by_loop.items():
            _wake_on(loop, woken)

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._keepalive, name="rasad-push-keepalive", daemon=True).start()
        if settings.EVENT_BUS == "redis":
            threading.Thread(target=self._listen, name="rasad-push", daemon=True).start()
        else:
            events.subscribe_local(self.dispatch)
            self.connected.set()

    def _keepalive(self) -> None:
        """Wake every stream now and then, so that each sends a keepalive comment (and learns
        that its client has gone, when the write fails)."""
        while not self._stop.wait(KEEPALIVE_SECONDS):
            with self._lock:
                clients = list(self._clients)
            by_loop: dict[asyncio.AbstractEventLoop, list[AsyncClient]] = {}
            for client in clients:
                if isinstance(client, AsyncClient):
                    by_loop.setdefault(client.loop, []).append(client)
                else:
                    client.wake()
            for loop, woken in by_loop.items():
                _wake_on(loop, woken)

    def _listen(self) -> None:
        import redis

        delay = 0.5
        while not self._stop.is_set():
            try:
                connection = redis.Redis.from_url(settings.REDIS_URL, health_check_interval=10)
                pubsub = connection.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call, unused-ignore]
                pubsub.subscribe(settings.EVENT_CHANNEL)
                # Read up to the server's confirmation: from there on, nothing published is missed.
                first = pubsub.get_message(timeout=5.0)
                self.connected.set()
                # What was published while we were away is lost, and so is what was published
                # before the first subscription took effect, after the streams registered so far
                # had read the database: they re-read it (a stream drops what it already sent).
                self.dispatch(RESYNC)
                if first is not None and first.get("type") == "message":
                    self.dispatch(json.loads(first["data"]))
                delay = 0.5
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        self.dispatch(json.loads(message["data"]))
            except Exception:
                self.connected.clear()
                logger.warning("push: lost the Redis subscription; reconnecting in %.1f s", delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)


_hub: Hub | None = None
_hub_lock = threading.Lock()


def hub() -> Hub:
    global _hub
    with _hub_lock:
        if _hub is None:
            _hub = Hub()
        return _hub


def sse(data: Any, *, event: str | None = None, event_id: int | None = None) -> bytes:
    """One server-sent event, as bytes on the wire."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    lines.append(
        "data: " + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    )
    return ("\n".join(lines) + "\n\n").encode()


KEEPALIVE = b": keepalive\n\n"

# The latest events' bytes on the wire, by the event object the hub handed every stream.
_frames: dict[int, tuple[Event, bytes]] = {}
_frames_lock = threading.Lock()
FRAMES_KEPT = 64


def sse_once(event: Event, *, event_id: int | None) -> bytes:
    """``event`` (its payload, under its kind) as ``sse`` writes it, encoded once however many
    streams send it: the hub hands each of them the same object, and a stream's frame depends on
    nothing else. (Encoding it again per stream was a twentieth of the node's time at 2,000
    streams: bench/live.py.)"""
    with _frames_lock:
        kept = _frames.get(id(event))
    if kept is not None and kept[0] is event:
        return kept[1]
    chunk = sse(event.get("payload", {}), event=str(event["kind"]), event_id=event_id)
    with _frames_lock:
        # The event is kept with its bytes, so that its id is not reused while it is here.
        _frames[id(event)] = (event, chunk)
        if len(_frames) > FRAMES_KEPT:
            del _frames[next(iter(_frames))]
    return chunk
