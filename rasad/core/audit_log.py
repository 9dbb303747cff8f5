"""The tamper-evident audit trail: appending events and verifying the chains.

Design (see docs/security/audit.md): one hash chain per top-level organization plus a
``system`` chain. Appending locks the chain head row (``SELECT ... FOR UPDATE``), so concurrent
writers of one chain queue while other chains proceed. The hash of an event is
``SHA-256(0x00 || prev_hash || canonical_json(payload))``, where the payload holds every stored
column except the hashes themselves; canonical JSON sorts keys and uses no insignificant
whitespace, so the hash is independent of database key order.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from rasad.lib import context

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import AuditEvent, Organization, User

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"

_event_labels: dict[int, Any] = {}


def register_event_types(enum: type[IntEnum], labels: dict[Any, Any]) -> None:
    """Each app registers its ``@unique`` IntEnum of event codes (core 1xx, indicators 2xx, ...)."""
    for member in enum:
        if member.value in _event_labels:
            raise ValueError(f"audit event code {member.value} registered twice")
        _event_labels[member.value] = labels[member]


def event_label(code: int) -> str:
    return str(_event_labels.get(code, code))


def event_choices() -> list[tuple[int, str]]:
    return [(code, str(label)) for code, label in sorted(_event_labels.items())]


def jsonable(value: Any) -> Any:
    """Round-trip through Django's encoder so dates, decimals and UUIDs become plain JSON."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(b"\x00" + prev_hash.encode() + canonical(payload)).hexdigest()


def payload_of(event: AuditEvent) -> dict[str, Any]:
    created = event.created.astimezone(datetime.UTC) if timezone.is_aware(event.created) else event.created
    return {
        "chain": event.chain,
        "sequence": event.sequence,
        "created": created.isoformat(timespec="microseconds"),
        "event_type": event.event_type,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "organization_id": event.organization_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "old": event.old,
        "new": event.new,
        "extra": event.extra,
        "request_id": event.request_id,
        "ip": event.ip,
    }


def chain_for(organization: Organization | None) -> str:
    if organization is None:
        return SYSTEM_CHAIN
    ancestors = organization.path.strip("/").split("/")
    return f"org:{int(ancestors[0])}" if ancestors and ancestors[0] else SYSTEM_CHAIN


def record(
    event_type: IntEnum,
    *,
    actor: User | AnonymousUser | None,
    organization: Organization | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it describes."""
    from rasad.core.models import AuditChainHead, AuditEvent

    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    request = context.current()
    chain = chain_for(organization)
    authenticated = actor is not None and actor.is_authenticated
    with transaction.atomic():
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=chain, sequence=0, hash=GENESIS)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
        event = AuditEvent(
            chain=chain,
            sequence=head.sequence + 1,
            created=timezone.now(),
            event_type=int(event_type),
            actor_id=actor.pk if authenticated and actor is not None else None,
            actor_name=(actor_name or (actor.get_username() if authenticated and actor is not None else ""))[
                :150
            ],
            organization_id=organization.pk if organization is not None else None,
            object_type=object_type,
            object_id=object_id[:64],
            object_repr=object_repr[:200],
            old=jsonable(old) if old is not None else None,
            new=jsonable(new) if new is not None else None,
            extra=jsonable(extra or {}),
            request_id=request.request_id if request else "",
            ip=request.ip if request else None,
            prev_hash=head.hash,
        )
        event.hash = compute_hash(head.hash, payload_of(event))
        event.save(force_insert=True)
        head.sequence = event.sequence
        head.hash = event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


@dataclass(frozen=True)
class Problem:
    chain: str
    sequence: int
    event_id: int | None
    kind: str  # "modified", "missing", "reordered", "head_mismatch"
    detail: str


def verify(batch_size: int = 2000) -> Iterator[Problem]:
    """Walk every chain in sequence order and yield each problem found."""
    from rasad.core.models import AuditChainHead, AuditEvent

    chains = set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    for chain in sorted(chains | set(heads)):
        expected_sequence = 1
        prev_hash = GENESIS
        events = AuditEvent.objects.filter(chain=chain).order_by("sequence", "id")
        for event in events.iterator(chunk_size=batch_size):
            if event.sequence != expected_sequence:
                if event.sequence > expected_sequence:
                    yield Problem(
                        chain,
                        expected_sequence,
                        None,
                        "missing",
                        f"events {expected_sequence}..{event.sequence - 1} are missing "
                        f"before event {event.pk}",
                    )
                else:
                    yield Problem(
                        chain, event.sequence, event.pk, "reordered", f"sequence {event.sequence} repeats"
                    )
            if event.prev_hash != prev_hash:
                yield Problem(
                    chain,
                    event.sequence,
                    event.pk,
                    "reordered",
                    f"event {event.pk} does not follow the event before it in the chain",
                )
            if compute_hash(event.prev_hash, payload_of(event)) != event.hash:
                yield Problem(chain, event.sequence, event.pk, "modified", f"event {event.pk} was modified")
            prev_hash = event.hash
            expected_sequence = event.sequence + 1
        head = heads.get(chain)
        if head is not None and (head.sequence != expected_sequence - 1 or head.hash != prev_hash):
            yield Problem(
                chain,
                head.sequence,
                None,
                "missing",
                f"the chain ends at {expected_sequence - 1} but its head says {head.sequence}: "
                "events were removed",
            )


def visible_events(user: User | AnonymousUser) -> models.QuerySet[AuditEvent]:
    """Audit events a user may read: those of organizations where they hold
    ``core.view_auditevent``; the system chain (sign-ins, 2FA) only for platform administrators."""
    from rasad.core.models import AuditEvent

    events: models.QuerySet[AuditEvent] = AuditEvent.objects.visible_to(user)
    return events
