"""Side effects that leave only after the transaction commits.

Actions call ``send_event_on_commit``; nothing is pushed for a write that rolls back. The bus is
in-process by default (``RASAD_EVENT_BUS=local``) and Redis pub/sub across nodes
(``RASAD_EVENT_BUS=redis``), so live push and background jobs plug in here without touching the
modules that emit events.

This process's subscribers (``subscribe_local``) get an event at once, on the thread that
published it. Redis gets it from the process's publishing thread (``_Publisher``): no request
waits for that round trip, and what the process's requests published while one send was on its
way goes together in the next, one pipeline. A message is handed to the thread after its commit
(``send_event_on_commit``), and sent in the order handed over: a thread's commits' order, and a
group commit's groups' (``rasad.live.group_commit`` hands each group over before the next
commits). If Redis is away, or the process dies before the thread has sent a message, the push
is lost and the write is not. Only the devices' events (``live.event``) are replayed: they are
in their table, read again by a stream that reconnects or whose node's subscription comes back
(``rasad.lib.push``). The crisis room (``media.*``) and a person's exports (``jobs.*``) refetch
what they show when their stream (re)opens; the command view reads the states and
incidents that ``live.outage`` and ``live.device`` announce again whenever its stream opens; the
other kinds reach no page. A write's push sent from its own thread was measured against the
publishing thread in sessions 19 and 20 and not kept (docs/development/benchmarks.md, "What a
one-row write costs").
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)

Event = dict[str, Any]
Subscriber = Callable[[Event], None]

_local_subscribers: list[Subscriber] = []


def subscribe_local(subscriber: Subscriber) -> Callable[[], None]:
    """Receive every event published in this process; returns an unsubscribe function."""
    _local_subscribers.append(subscriber)
    return lambda: _local_subscribers.remove(subscriber)


def publish(event: Event) -> None:
    """Hand ``event`` to this process's subscribers now, and to Redis through the publisher."""
    for subscriber in list(_local_subscribers):  # noqa: PERF101 (a copy: a handler may unsubscribe)
        try:
            subscriber(event)
        except Exception:
            logger.exception("event subscriber failed")
    if settings.EVENT_BUS == "redis":
        message = json.dumps(event, cls=DjangoJSONEncoder, ensure_ascii=False)
        held = getattr(_together, "messages", None)
        if held is None:
            _publisher.hand([message])
        else:
            held.append(message)


# Messages held by ``published_together`` in this thread (None: hand each over at once).
_together = threading.local()


@contextmanager
def published_together() -> Iterator[None]:
    """Events published inside the block reach this process's subscribers at once, and are handed
    to the publisher together when the block ends, to reach Redis in one round trip, in order: a
    group commit's hundred events cost one exchange with Redis instead of up to a hundred
    (``rasad.live.group_commit``). A nested block adds to the outer one. What was published is
    handed over even when the block fails: it has committed."""
    if getattr(_together, "messages", None) is not None:
        yield
        return
    _together.messages = []
    try:
        yield
    finally:
        messages, _together.messages = _together.messages, None
        _publisher.hand(messages)


# How long the publisher waits for Redis to connect or answer before it gives a send up (its
# messages are then lost, as when Redis is away): a stalled Redis holds only this thread, and the
# messages handed over meanwhile are what this many seconds of writes publish.
SEND_TIMEOUT_SECONDS = 5.0


class _Publisher:
    """This process's messages for Redis, sent by a thread of its own in the order they were
    handed over; what was handed over while a send was on its way goes in the next, together.
    The thread starts with the first message (never without Redis) and starts again in a forked
    child, whose copy of the queue is dropped (the parent sends it)."""

    def __init__(self) -> None:
        self._forget()

    def _forget(self) -> None:
        self._queue: queue.SimpleQueue[list[str] | threading.Event | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self._closed = False

    def hand(self, messages: list[str]) -> None:
        """Queue ``messages`` (in order) for Redis."""
        if not messages:
            return
        if self._closed:
            # The threads' shutdown has stopped the thread and a thread still running commits:
            # sent from here, since a thread started now might not run before the process ends.
            _send(messages)
            return
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    thread = threading.Thread(target=self._run, name="rasad-publish", daemon=True)
                    try:
                        thread.start()
                    except RuntimeError:
                        # No thread to be had (the process is out of them): sent from here, as
                        # before there was a thread; the caller's write has committed.
                        logger.exception("could not start the publishing thread")
                        _send(messages)
                        return
                    self._thread = thread
                    # Run at the threads' shutdown, which a multiprocessing child (granian's
                    # workers) runs too, ending with os._exit and never reaching atexit's
                    # handlers (review19); at a normal exit it runs before them.
                    with contextlib.suppress(RuntimeError):  # the interpreter is exiting already
                        threading._register_atexit(self.close)  # type: ignore[attr-defined]
        self._queue.put(messages)
        if self._closed:
            # ``close`` ran between the look above and the put (review 21): the thread may have
            # stopped without these; what it left is sent from here once it has.
            self._send_left()

    def _send_left(self) -> None:
        """Send what the stopped thread left in the queue (it takes each item once)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout=SEND_TIMEOUT_SECONDS)
        messages: list[str] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, list):
                messages += item
            elif isinstance(item, threading.Event):
                item.set()
        if messages:
            _send(messages)

    def wait(self, timeout: float = 10.0) -> bool:
        """Wait until everything handed over so far has been sent (or failed to be); whether it
        was within ``timeout``."""
        if self._thread is None or not self._thread.is_alive():
            return True  # no thread, or stopped (its queue was sent at close)
        sent = threading.Event()
        self._queue.put(sent)
        return sent.wait(timeout)

    def close(self) -> None:
        """Send what is queued, then stop the thread (at the process's exit)."""
        self._closed = True
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout=SEND_TIMEOUT_SECONDS)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            messages: list[str] = []
            reached: list[threading.Event] = []
            stop = False
            while True:
                if item is None:
                    stop = True
                elif isinstance(item, threading.Event):
                    reached.append(item)
                else:
                    messages += item
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if messages:
                _send(messages)  # logs a failure itself: the events are committed
            for event in reached:
                event.set()
            if stop:
                return


_publisher = _Publisher()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_publisher._forget)


def wait_published(timeout: float = 10.0) -> bool:
    """Wait until what this process published so far has gone to Redis (or failed to): for tests
    and benchmarks; a request never waits for it."""
    return _publisher.wait(timeout)


def _send(messages: list[str]) -> None:
    try:
        if len(messages) == 1:
            _redis().publish(settings.EVENT_CHANNEL, messages[0])
        else:
            pipeline = _redis().pipeline(transaction=False)
            for message in messages:
                pipeline.publish(settings.EVENT_CHANNEL, message)
            pipeline.execute()
    except Exception:
        # The write has committed; only its push is lost. Open streams resynchronise from the
        # database when their node's subscription comes back (rasad.lib.push).
        logger.exception("could not publish %d event(s) to Redis", len(messages))


def make_event(
    kind: str, payload: dict[str, Any], *, organization_ids: Iterable[int] = (), user_ids: Iterable[int] = ()
) -> Event:
    """An event as the bus carries it. ``organization_ids`` say whose event it is, so that a push
    channel delivers it only to users whose scope includes one of them; ``user_ids``, for a
    personal event (the progress of a person's own export), name the only people who get it."""
    event: Event = {"kind": kind, "payload": payload, "organization_ids": sorted(set(organization_ids))}
    if user_ids:
        event["user_ids"] = sorted(set(user_ids))
    return event


def send_event_on_commit(
    kind: str, payload: dict[str, Any], *, organization_ids: Iterable[int] = (), user_ids: Iterable[int] = ()
) -> None:
    """Queue an event for after the current transaction commits (or now, outside a transaction)."""
    event = make_event(kind, payload, organization_ids=organization_ids, user_ids=user_ids)
    transaction.on_commit(lambda: publish(event))


_redis_client: Any = None


def _redis() -> Any:
    global _redis_client
    if _redis_client is None:
        import redis

        timeout = SEND_TIMEOUT_SECONDS
        _redis_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        )
    return _redis_client
