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

Three kinds of client share the hub: ``StreamWriter`` for the ASGI server (``rasad.asgi``: the
hub's wake-up writes the stream's frames to the connection itself, on the event loop, with no
task of the stream's own to wake), ``AsyncClient`` (a reader woken from the hub's thread: what an
``AsyncClient`` of Django's test client iterates) and ``ThreadClient`` for a threaded WSGI server
(the embedded demo).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import types
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import Any, Protocol

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

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


Send = Callable[[Mapping[str, Any]], Awaitable[None]]


class StreamBody(Protocol):
    """What a stream writes, decided by its caller (what its user may see, how it replays)."""

    def accepts(self, event: Event) -> bool:
        """The hub's filter (on the hub's thread)."""

    async def opening(self) -> list[bytes]:
        """The first chunks (a replay after a reconnect), before any pushed event."""

    def render(self, batch: list[Event]) -> bytes | None:
        """A batch's bytes (a keepalive for an empty one), on the event loop without waiting;
        ``None`` when it needs ``render_slowly`` (a database read)."""

    async def render_slowly(self, batch: list[Event]) -> bytes:
        """A batch's bytes, when ``render`` could not make them."""


class StreamWriter(AsyncClient):
    """A stream whose frames the hub's wake-up writes to the connection itself (``send``, the ASGI
    server's), on the event loop: one callback for all the streams an event reaches, each a
    filter already applied, a frame already encoded and a write that does not wait.

    Waking a task per stream instead (its reader, Django's streaming response three async
    generators deep, then the server's send) was most of a node's time per event at 5,000
    streams (bench/live.py). A write the server makes wait (its buffer for a slow reader is full)
    or a batch that needs the database continues on a task of its own; meanwhile new events
    queue on the client, and a full queue becomes one "refetch", as for any client."""

    def __init__(self, body: StreamBody, send: Send, *, limit: int) -> None:
        super().__init__(body.accepts, limit=limit)
        self.body = body
        self.send = send
        # Writing (the opening, a write the server made wait, a slow batch): the wake-up leaves
        # the queue to the writing, which takes it up when it ends.
        self._busy = True
        self._ended: asyncio.Future[None] = self.loop.create_future()
        self._task: asyncio.Task[None] | None = None

    async def serve(self) -> None:
        """Write the opening, then leave the stream to the hub until the client goes (the
        server cancels this) or a write fails."""
        hub().register(self)
        try:
            for chunk in await self.body.opening():
                await self.send(_body(chunk))
            self._busy = False
            if self._queue:  # what came during the opening
                self.set_ready()
            await self._ended
        finally:
            hub().unregister(self)
            if self._task is not None:
                self._task.cancel()

    def set_ready(self) -> None:
        """On the event loop: write what is queued, or a keepalive when nothing is."""
        if self._busy or self._ended.done():
            return
        batch = self.take()
        try:
            chunk = self.body.render(batch)
        except Exception as error:
            self._end(error)
            return
        if chunk is None:
            self._continue(self._render_slowly(batch))
        elif chunk:
            self._write(chunk)

    def _write(self, chunk: bytes) -> None:
        """Start the write; if the server makes it wait, finish it on a task."""
        try:
            steps = self.send(_body(chunk)).__await__()
            blocked = next(steps)
        except StopIteration:
            return  # written (granian's send does not wait while its buffer has room)
        except Exception as error:
            self._end(error)
            return
        self._continue(_resume(blocked, steps))

    def _continue(self, work: Awaitable[Any]) -> None:
        self._busy = True

        async def then() -> None:
            try:
                await work
            except Exception as error:
                self._end(error)
                return
            self._busy = False
            self._task = None
            if self._queue:
                self.set_ready()

        self._task = self.loop.create_task(then())

    async def _render_slowly(self, batch: list[Event]) -> None:
        chunk = await self.body.render_slowly(batch)
        if chunk:
            await self.send(_body(chunk))

    def _end(self, error: BaseException) -> None:
        if not self._ended.done():
            logger.warning("push: a stream ended: %r", error)
            self._ended.set_exception(error)


def _body(chunk: bytes) -> dict[str, Any]:
    return {"type": "http.response.body", "body": chunk, "more_body": True}


@types.coroutine
def _resume(blocked: Any, steps: Iterator[Any]) -> Generator[Any, None, Any]:
    """The rest of an awaitable that was stepped once by hand and had to wait on ``blocked``:
    what ``await`` would have done after that first step (a task drives it)."""
    yield blocked
    return (yield from steps)


class PushResponse(StreamingHttpResponse):
    """A server-sent event stream written by the hub (``StreamWriter``). ``rasad.asgi``'s handler
    hands it the server's ``send`` (``connect``) before Django iterates it; then the one
    iteration is the whole stream. Any other handler (Django's own, the test client) iterates
    the same writer's chunks."""

    def __init__(self, body: StreamBody, *, limit: int) -> None:
        self.body = body
        self.limit = limit
        self._send: Send | None = None
        super().__init__(self._content(), content_type="text/event-stream")

    def connect(self, send: Send) -> None:
        self._send = send

    async def _content(self) -> AsyncIterator[bytes]:
        if self._send is not None:
            await StreamWriter(self.body, self._send, limit=self.limit).serve()
            return
        async for chunk in self._chunks():
            yield chunk

    async def _chunks(self) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=4)

        async def send(message: Mapping[str, Any]) -> None:
            await queue.put(message["body"])

        serving = asyncio.ensure_future(StreamWriter(self.body, send, limit=self.limit).serve())
        taking: asyncio.Future[bytes] | None = None
        try:
            while True:
                taking = asyncio.ensure_future(queue.get())
                await asyncio.wait({taking, serving}, return_when=asyncio.FIRST_COMPLETED)
                if taking.done():
                    yield taking.result()
                    continue
                taking.cancel()
                while not queue.empty():
                    yield queue.get_nowait()
                serving.result()  # how it ended, if it failed
                return
        finally:
            serving.cancel()
            if taking is not None:
                taking.cancel()


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
