"""Who receives what on the live stream (docs/live.md, "Live push").

A pushed event names the organizations it belongs to (``send_event_on_commit``). A stream
carries a ``live.*`` event to a user only when one of those organizations is in the user's scope
for viewing device events. The set is computed from the grants (``rasad.core.scope``), kept for
``RASAD_LIVE_SCOPE_SECONDS`` per user and process, then computed again, so a grant withdrawn or a
user deactivated stops the stream's deliveries within that time; every event is checked against
the set when it is pushed. A personal kind (``register_personal_topic``) goes only to the people
the event names. Kinds nobody registered here are never delivered.

Replay after a reconnect reads the event table through ``visible_to``, exactly as the API does."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from rasad.core.models import Organization, User
from rasad.core.scope import clear_scope_cache, organization_scope
from rasad.live.actions import event_payload
from rasad.live.models import DeviceEvent

# Event kinds the stream carries, and the model whose view permission admits them.
TOPICS = ("live.",)
REPLAY_LIMIT = 200
# Other apps' kinds (a prefix, and the model whose view scope admits them), registered in their
# AppConfig.ready(): the media app's crisis room ("media."). They are pushed, not replayed: a page
# that follows them refetches what it shows when its stream (re)opens.
_topics: dict[str, type[Any]] = {}


# Personal kinds (a prefix), delivered only to the people the event names in ``user_ids``: the
# progress of one person's background work ("jobs.", registered by rasad.jobs).
_personal: set[str] = set()


def register_topic(prefix: str, model: type[Any]) -> None:
    """Deliver events whose kind starts with ``prefix`` to the users who may view ``model`` in
    one of the event's organizations."""
    _topics[prefix] = model


def register_personal_topic(prefix: str) -> None:
    """Deliver events whose kind starts with ``prefix`` only to the users in their ``user_ids``."""
    _personal.add(prefix)


@dataclass(frozen=True)
class Audience:
    user_id: int
    active: bool
    everything: bool
    organizations: frozenset[int]
    computed: float
    # For each registered topic: (everything, the organizations).
    topics: tuple[tuple[str, bool, frozenset[int]], ...] = ()

    def admits(self, event: dict[str, Any]) -> bool:
        kind = str(event.get("kind", ""))
        if not self.active:
            return False
        if any(kind.startswith(prefix) for prefix in _personal):
            return self.user_id in event.get("user_ids", ())
        if kind.startswith(TOPICS):
            return self.everything or not self.organizations.isdisjoint(event.get("organization_ids", ()))
        for prefix, everything, organizations in self.topics:
            if kind.startswith(prefix):
                return everything or not organizations.isdisjoint(event.get("organization_ids", ()))
        return False


_cache: dict[int, Audience] = {}
_cache_lock = threading.Lock()


def cached_audience(user_id: int) -> Audience | None:
    """The user's audience when the process's cache has it younger than RASAD_LIVE_SCOPE_SECONDS;
    no query (an event loop may call it)."""
    with _cache_lock:
        cached = _cache.get(user_id)
    if cached is not None and time.monotonic() - cached.computed < settings.RASAD_LIVE_SCOPE_SECONDS:
        return cached
    return None


def audience_of(user_id: int, *, fresh: bool = False) -> Audience:
    """The user's audience, from the cache when it is younger than RASAD_LIVE_SCOPE_SECONDS."""
    now = time.monotonic()
    cached = None if fresh else cached_audience(user_id)
    if cached is not None:
        return cached
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.is_active:
        audience = Audience(user_id, False, False, frozenset(), now)
    else:
        clear_scope_cache(user)
        everything, ids = _reach(user, DeviceEvent)
        topics = tuple((prefix, *_reach(user, model)) for prefix, model in sorted(_topics.items()))
        audience = Audience(user_id, True, everything, ids, now, topics)
    with _cache_lock:
        _cache[user_id] = audience
    return audience


def _reach(user: User, model: type[Any]) -> tuple[bool, frozenset[int]]:
    scope = organization_scope(user, model, "view")
    ids: frozenset[int] = frozenset()
    if not scope.is_everything and not scope.is_nothing:
        ids = frozenset(
            Organization.objects.filter(pk__in=scope.organization_ids()).values_list("pk", flat=True)
        )
    return scope.is_everything, ids


def forget_audiences() -> None:
    with _cache_lock:
        _cache.clear()


def replay(user_id: int, after: int) -> tuple[list[dict[str, Any]], bool]:
    """The events after stream position ``after`` the user may see, oldest first, as pushed
    events; and whether there were more than the replay limit (then the page refetches)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return [], False
    rows = list(
        DeviceEvent.objects.visible_to(user, "view")
        .filter(id__gt=after)
        .select_related("organization", "device")
        .order_by("id")[: REPLAY_LIMIT + 1]
    )
    return [
        {
            "kind": "live.event",
            "payload": {"post": e.organization_id, **event_payload(e)},
            "organization_ids": [e.organization_id],
        }
        for e in rows[:REPLAY_LIMIT]
    ], len(rows) > REPLAY_LIMIT


def latest_id() -> int:
    last = DeviceEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)
