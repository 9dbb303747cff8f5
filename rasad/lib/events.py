"""Side effects that leave only after the transaction commits.

Actions call ``send_event_on_commit``; nothing is pushed for a write that rolls back. The bus is
in-process by default (``RASAD_EVENT_BUS=local``) and Redis pub/sub across nodes
(``RASAD_EVENT_BUS=redis``), so live push and background jobs plug in here without touching the
modules that emit events.
"""

from __future__ import annotations

import json
import logging
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
    for subscriber in list(_local_subscribers):  # noqa: PERF101 (a copy: a handler may unsubscribe)
        try:
            subscriber(event)
        except Exception:
            logger.exception("event subscriber failed")
    if settings.EVENT_BUS == "redis":
        message = json.dumps(event, cls=DjangoJSONEncoder, ensure_ascii=False)
        held = getattr(_together, "messages", None)
        if held is None:
            _send([message])
        else:
            held.append(message)


# Messages held by ``published_together`` in this thread (None: send each at once).
_together = threading.local()


@contextmanager
def published_together(later: list[str] | None = None) -> Iterator[None]:
    """Events published inside the block reach this process's subscribers at once, and Redis in
    one round trip, in order, when the block ends: a group commit's hundred events cost one
    exchange with Redis instead of a hundred (``rasad.live.group_commit``). A nested block adds
    to the outer one. With ``later``, the messages for Redis are added to it instead, for
    ``publish_held`` to send when the caller chooses."""
    if getattr(_together, "messages", None) is not None:
        yield
        return
    _together.messages = []
    try:
        yield
    finally:
        messages, _together.messages = _together.messages, None
        if later is not None:
            later.extend(messages)
        elif messages:
            _send(messages)


def publish_held(messages: list[str]) -> None:
    """Send to Redis, in one round trip, the messages ``published_together(later)`` held."""
    if messages:
        _send(messages)


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

        _redis_client = redis.Redis.from_url(settings.REDIS_URL)
    return _redis_client
