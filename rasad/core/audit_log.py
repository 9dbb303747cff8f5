"""The tamper-evident audit trail: appending events (``record``, ``record_many``), and what an
event's old and new values hold for a change (``changes``).

Design (docs/security.md, "The audit trail"): every organization has ``SHARDS`` hash chains
(``org:<id>/<shard>``) and the system events have ``SHARDS`` more (``system/<shard>``). Appending
locks the head row of one shard of the event's organization, choosing a shard no other
transaction holds (``SELECT ... FOR UPDATE SKIP LOCKED``), so writers of different organizations
never wait for each other and up to ``SHARDS`` writers of one organization do not either.

An event's ``body`` is the canonical JSON text (sorted keys, no insignificant whitespace) of
every recorded field; it is stored as text, exactly as hashed, and the hash is
``SHA-256(0x00 || prev_hash || body)``. Verification lives in ``rasad.core.audit_verify``, the
signed checkpoints of the chain heads in ``rasad.core.audit_checkpoints``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
import json
import random
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from rasad.lib import context

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.audit_verify import Problem
    from rasad.core.models import AuditChainHead, AuditEvent, Organization, User

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"
SHARDS = 4
"""Chains per organization (and for the system events). Changing it needs a migration that
creates the new heads of every organization."""

_CHAIN_NAME = re.compile(r"^(?:system|org:([1-9][0-9]*))/([0-9]+)$")

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


# What JSON holds as it is: a dictionary of these under text keys comes back from the round trip
# equal to itself (a float by its repr, NaN and the infinities as themselves).
_PLAIN = frozenset((str, int, float, bool, type(None)))


def jsonable(value: Any) -> Any:
    """Round-trip through Django's encoder so dates, decimals and UUIDs become plain JSON. A flat
    dictionary of plain values (an event's usual ``new`` and ``extra``) is copied instead: the
    round trip would give the same (about 4 µs an event, docs/development/benchmarks.md,
    "Session 26")."""
    if (
        type(value) is dict
        and all(type(key) is str for key in value)
        and all(type(item) in _PLAIN for item in value.values())
    ):
        return dict(value)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def hash_body(prev_hash: str, body: str) -> str:
    return hashlib.sha256(b"\x00" + prev_hash.encode() + body.encode()).hexdigest()


def iso_utc(moment: datetime.datetime) -> str:
    if timezone.is_aware(moment):
        moment = moment.astimezone(datetime.UTC)
    return moment.isoformat(timespec="microseconds")


@functools.lru_cache(maxsize=1024)
def normalize_ip(value: str | None) -> str | None:
    """``value`` in ``ipaddress``'s form, or None; remembered for the last thousand addresses
    (parsing one was about 5 µs, twice an audit event: benchmarks.md, events, session 26)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


# ---- chains -------------------------------------------------------------------------------------


def chain_base(organization_id: int | None) -> str:
    return SYSTEM_CHAIN if organization_id is None else f"org:{organization_id}"


def chain_names(organization_id: int | None) -> list[str]:
    """The shard chains of one organization (or of the system events), in locking order."""
    base = chain_base(organization_id)
    return [f"{base}/{shard}" for shard in range(SHARDS)]


def parse_chain(name: str) -> tuple[int | None, int] | None:
    """``(organization id or None for system, shard)`` of a well-formed chain name, else None."""
    match = _CHAIN_NAME.match(name)
    if match is None or int(match.group(2)) >= SHARDS or match.group(2) != str(int(match.group(2))):
        return None
    return (int(match.group(1)) if match.group(1) else None, int(match.group(2)))


def create_chain_heads(organization_ids: list[int]) -> None:
    """Create the shard heads of new organizations, in the transaction that creates them."""
    from rasad.core.models import AuditChainHead

    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(chain=name, sequence=0, hash=GENESIS)
            for organization_id in organization_ids
            for name in chain_names(organization_id)
        ],
        ignore_conflicts=True,
    )


def _lock_head(organization_id: int | None) -> AuditChainHead:
    """Lock the first shard head of the organization that no other transaction holds; if all are
    held, wait for one of them. A transaction that already holds a shard gets it again."""
    from rasad.core.models import AuditChainHead

    names = chain_names(organization_id)
    free = (
        AuditChainHead.objects.select_for_update(skip_locked=True).filter(chain__in=names).order_by("chain")
    )
    head = free.first()
    if head is None:
        if not AuditChainHead.objects.filter(chain__in=names).exists():
            AuditChainHead.objects.bulk_create(
                [AuditChainHead(chain=name, sequence=0, hash=GENESIS) for name in names],
                ignore_conflicts=True,
            )
        head = free.first() or AuditChainHead.objects.select_for_update().get(
            chain=names[random.randrange(SHARDS)]
        )
    return head


def changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an event's ``old`` and ``new`` hold for a change from ``old`` to ``new`` (two
    snapshots of the same fields): the values each had where the other differs. A field ``old``
    does not have (a new object's ``old`` is empty) is in ``new`` unless it is empty there too."""
    return (
        {key: value for key, value in old.items() if new.get(key) != value},
        {key: value for key, value in new.items() if old.get(key) != value},
    )


# ---- appending ----------------------------------------------------------------------------------


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
    ip: str | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it describes."""
    event, fields = _new_event(
        event_type,
        actor=actor,
        organization=organization,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        old=old,
        new=new,
        extra=extra,
        actor_name=actor_name,
        ip=ip,
        request_id=request_id,
    )
    # No savepoint: if appending fails, the change it describes must not commit either.
    with transaction.atomic(savepoint=False):
        _append(event, fields)
    return event


def record_many(entries: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events, each given as ``record``'s arguments (``event_type`` among them),
    in the order given. On PostgreSQL the first event of each organization is appended by one
    statement for all of them (``_append_each_once``: a group commit's batches, each in its own
    post's chain, cost one round trip instead of one each); a second event of an organization,
    and one whose shards are all held elsewhere, is appended alone after them, as ``record``
    does. Call inside the transaction of the changes they describe."""
    with transaction.atomic(savepoint=False):
        return send_many(entries, alone_if_one=True)()


def send_many(entries: list[dict[str, Any]], *, alone_if_one: bool = False) -> Callable[[], list[AuditEvent]]:
    """``record_many``'s one statement sent (inside a transaction, which the caller holds until
    the function returned has run); the function returned reads its answer, appends alone what
    it did not append, and returns the events. Inside ``rasad.lib.prepared.pipelined`` the
    statement goes with the others sent there (a group commit's inserts), and the function is
    to be called after the block (an event appended alone is written by the ORM). With
    ``alone_if_one``, a single event is appended alone at once (``record``'s statement); else it
    too is sent."""
    made = [_new_event(**entry) for entry in entries]
    numbers: list[int] = []
    answer: Callable[[], set[int]] = set
    if connection.vendor == "postgresql" and len(made) > (1 if alone_if_one else 0):
        first: dict[int | None, int] = {}
        for number, (event, _fields) in enumerate(made):
            first.setdefault(event.organization_id, number)
        numbers = list(first.values())
        answer = _append_each_once([made[n] for n in numbers])

    def finish() -> list[AuditEvent]:
        done = {numbers[n] for n in answer()}
        for number, (event, fields) in enumerate(made):
            if number not in done:
                _append(event, fields)
        return [event for event, _fields in made]

    return finish


def _new_event(
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
    ip: str | None = None,
    request_id: str | None = None,
) -> tuple[AuditEvent, dict[str, Any]]:
    """The event ``record`` appends (not yet in a chain), and the fields of its body that are
    not columns."""
    from rasad.core.models import AuditEvent

    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    request = context.current()
    authenticated = actor is not None and actor.is_authenticated
    event = AuditEvent(
        created=timezone.now(),
        event_type=int(event_type),
        actor_id=actor.pk if authenticated and actor is not None else None,
        actor_name=(actor_name or (actor.get_username() if authenticated and actor is not None else ""))[
            :150
        ],
        organization_id=organization.pk if organization is not None else None,
        object_type=object_type[:100],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        request_id=(request_id if request_id is not None else request.request_id if request else "")[:64],
        ip=normalize_ip(ip if ip is not None else request.ip if request else None),
    )
    fields = {
        "old": jsonable(old) if old is not None else None,
        "new": jsonable(new) if new is not None else None,
        "extra": jsonable(extra or {}),
    }
    return event, fields


def _append(event: AuditEvent, fields: dict[str, Any]) -> None:
    """Put ``event`` at the head of a free shard of its organization's chains."""
    from rasad.core.models import AuditChainHead

    organization_id = event.organization_id
    if connection.vendor == "postgresql" and _append_in_one_statement(event, fields):
        return
    head = _lock_head(organization_id)
    event.chain, event.sequence, event.prev_hash = head.chain, head.sequence + 1, head.hash
    event.body = canonical({**columns_of(event), **fields}).decode()
    event.hash = hash_body(event.prev_hash, event.body)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=head.pk).update(sequence=event.sequence, hash=event.hash)


# ``_APPEND``'s parts, which a caller may put in a ``WITH`` of its own statement with an event's
# ``Appending.params`` (a one-row observation write appends its event in the statement that
# writes the value), and what the statement must select of them for ``Appending.appended``.
APPEND_PARTS = """
head AS (
    SELECT id, chain, sequence + 1 AS sequence, hash AS prev_hash FROM core_auditchainhead
    WHERE chain = ANY(%(chains)s) ORDER BY chain LIMIT 1 FOR UPDATE SKIP LOCKED
), body AS (
    SELECT id, chain, sequence, prev_hash,
           %(before_chain)s || '"' || chain || '"' || %(before_sequence)s || sequence::text || %(rest)s
           AS body
    FROM head
), hashed AS (
    SELECT id, chain, sequence, prev_hash, body,
           encode(sha256(decode('00', 'hex') || convert_to(prev_hash, 'UTF8') || convert_to(body, 'UTF8')),
                  'hex') AS hash
    FROM body
), inserted AS (
    INSERT INTO core_auditevent (chain, sequence, created, event_type, actor_id, actor_name,
        organization_id, object_type, object_id, object_repr, request_id, ip, body, prev_hash, hash)
    SELECT chain, sequence, %(created)s, %(event_type)s, %(actor_id)s, %(actor_name)s,
        %(organization_id)s, %(object_type)s, %(object_id)s, %(object_repr)s, %(request_id)s,
        %(ip)s::inet, body, prev_hash, hash
    FROM hashed
    RETURNING id
), moved AS (
    UPDATE core_auditchainhead SET sequence = hashed.sequence, hash = hashed.hash
    FROM hashed WHERE core_auditchainhead.id = hashed.id
    RETURNING core_auditchainhead.id
)
"""
APPEND_ANSWER = "SELECT inserted.id, hashed.chain, hashed.sequence, hashed.prev_hash, hashed.hash " + (
    "FROM inserted, hashed, moved"
)
_APPEND = f"WITH {APPEND_PARTS}{APPEND_ANSWER}"


def _cut(event: AuditEvent, fields: dict[str, Any]) -> tuple[str, str, str]:
    """The event's canonical body cut where its chain and its sequence go (unknown until the
    statement picks a shard): the text before the chain, between chain and sequence, and after.
    The event holds a marker in each place meanwhile."""
    # One random value for both markers (each drawn from the system's random source was 2 % of a
    # single batch's write under cProfile; benchmarks.md, events, session 24).
    marker = uuid.uuid4().hex
    chain_marker, sequence_marker = f"chain-{marker}", f"sequence-{marker}"
    event.chain, event.sequence = chain_marker, sequence_marker
    template = canonical({**columns_of(event), **fields}).decode()
    before_chain, after_chain = template.split(f'"{chain_marker}"')
    before_sequence, rest = after_chain.split(f'"{sequence_marker}"')
    return before_chain, before_sequence, rest


class Appending:
    """An event cut for ``APPEND_PARTS`` (see ``_append_in_one_statement``): ``params`` are the
    parts' values; ``appended`` takes the row the statement selected (``APPEND_ANSWER``), or
    ``None``, and says whether the event was appended."""

    def __init__(self, event: AuditEvent, fields: dict[str, Any]) -> None:
        self.event, self.fields = event, fields
        self.before_chain, self.before_sequence, self.rest = _cut(event, fields)
        self.params: dict[str, Any] = {
            "chains": chain_names(event.organization_id),
            "before_chain": self.before_chain,
            "before_sequence": self.before_sequence,
            "rest": self.rest,
            "created": event.created,
            "event_type": event.event_type,
            "actor_id": event.actor_id,
            "actor_name": event.actor_name,
            "organization_id": event.organization_id,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "object_repr": event.object_repr,
            "request_id": event.request_id,
            "ip": event.ip,
        }

    def appended(self, row: Sequence[Any] | None) -> bool:
        """Whether the statement appended the event (``row``: what it selected of
        ``APPEND_ANSWER``); if it did, the event is filled in and its hash checked."""
        if row is None:
            return False
        event = self.event
        event.pk, event.chain, event.sequence, event.prev_hash, event.hash = row
        event.body = f'{self.before_chain}"{event.chain}"{self.before_sequence}{event.sequence}{self.rest}'
        event._state.adding = False
        if hash_body(event.prev_hash, event.body) != event.hash or parse_chain(event.chain) is None:
            raise RuntimeError(f"the audit event appended to {event.chain} does not hash as verify expects")
        return True

    def append(self) -> None:
        """Append the event as ``record`` does: for a statement that did not (every shard held
        by another transaction, or the organization has no heads yet)."""
        _append(self.event, self.fields)


def appending(event_type: IntEnum, **record_arguments: Any) -> Appending:
    """``record``'s event (the same arguments), to be appended by a statement of the caller's
    that holds ``APPEND_PARTS`` (PostgreSQL only), in the transaction of the change it
    describes; when that statement did not append it, ``Appending.append`` does."""
    return Appending(*_new_event(event_type, **record_arguments))


def _append_in_one_statement(event: AuditEvent, fields: dict[str, Any]) -> bool:
    """PostgreSQL: lock a free shard head, insert the event and move the head in one statement
    (one round trip instead of three, and the head lock taken as late as possible). The chain
    and the sequence are known only once the head is locked, so the canonical body is built in
    Python with two one-time markers in their places, cut at the markers, and joined around the
    head's chain and next sequence in SQL (their JSON forms: a chain name needs no escaping, a
    sequence is its digits). The hash is computed in SQL exactly as ``hash_body`` does, and
    checked here against ``hash_body`` of the same body before the transaction can commit.

    False when every shard is held by another transaction, or the organization has no heads
    yet: ``_lock_head`` then waits, or creates them."""
    cut = Appending(event, fields)
    with connection.cursor() as cursor:
        cursor.execute(_APPEND, cut.params)
        row = cursor.fetchone()
    return cut.appended(row)


# ``_APPEND`` for several events of distinct organizations: each locks a free shard head of its
# own organization (a LATERAL subquery per event), and the events are inserted and their heads
# moved together. An event whose shards are all held elsewhere is missing from the answer.
#
# Shaped for its generic plan (the statement is prepared, and PostgreSQL plans it once for every
# group, guessing ten rows for each ``unnest``): no join but the LATERAL ones, whose plan is a
# nested loop of index lookups whatever the guess. The events' values ride along with their heads
# (``hashed`` carries ``e``'s columns), so neither the insert nor the answer joins them again
# (each such join was a hash join, a hash table built for one to a few rows); the heads are moved
# by their ids (``= ANY``: an index scan once the heads outnumber a few pages, where a join on the
# guessed ten rows read the whole heads table into a hash join's other side), each taking its new
# values from ``hashed`` by a correlated lookup; and the answer is the insert's own ``RETURNING``,
# with how many heads moved, which ``_append_each_once`` checks (benchmarks.md, "Audit chain",
# session 23).
_APPEND_EACH_ONCE = f"""
WITH e AS (
    SELECT * FROM unnest(%(before_chain)s::text[], %(before_sequence)s::text[], %(rest)s::text[],
        %(created)s::timestamptz[], %(event_type)s::integer[], %(actor_id)s::bigint[],
        %(actor_name)s::text[], %(organization_id)s::bigint[], %(object_type)s::text[],
        %(object_id)s::text[], %(object_repr)s::text[], %(request_id)s::text[], %(ip)s::inet[])
        WITH ORDINALITY AS e(before_chain, before_sequence, rest, created, event_type, actor_id,
            actor_name, organization_id, object_type, object_id, object_repr, request_id, ip, n)
), hashed AS (
    SELECT e.*, h.id AS head_id, h.chain, h.sequence, h.prev_hash, b.body,
           encode(sha256(decode('00', 'hex') || convert_to(h.prev_hash, 'UTF8')
                         || convert_to(b.body, 'UTF8')), 'hex') AS hash
    FROM e CROSS JOIN LATERAL (
        SELECT id, chain, sequence + 1 AS sequence, hash AS prev_hash FROM core_auditchainhead
        WHERE chain = ANY((%(chains)s::text[])[(e.n - 1) * {SHARDS} + 1 : e.n * {SHARDS}])
        ORDER BY chain LIMIT 1 FOR UPDATE SKIP LOCKED
    ) AS h
    CROSS JOIN LATERAL (SELECT e.before_chain || '"' || h.chain || '"' || e.before_sequence
                               || h.sequence::text || e.rest AS body) AS b
), inserted AS (
    INSERT INTO core_auditevent (chain, sequence, created, event_type, actor_id, actor_name,
        organization_id, object_type, object_id, object_repr, request_id, ip, body, prev_hash, hash)
    SELECT chain, sequence, created, event_type, actor_id, actor_name, organization_id,
        object_type, object_id, object_repr, request_id, ip, body, prev_hash, hash
    FROM hashed
    RETURNING organization_id, id, chain, sequence, prev_hash, hash
), moved AS (
    UPDATE core_auditchainhead SET (sequence, hash) = (
        SELECT hashed.sequence, hashed.hash FROM hashed WHERE hashed.head_id = core_auditchainhead.id)
    WHERE core_auditchainhead.id = ANY(ARRAY(SELECT head_id FROM hashed))
    RETURNING core_auditchainhead.id
)
SELECT inserted.*, (SELECT count(*) FROM moved) FROM inserted
"""  # noqa: S608 (no value is interpolated: SHARDS is this module's constant)


_TEXT_COLUMNS = frozenset(
    (
        "before_chain",
        "before_sequence",
        "rest",
        "actor_name",
        "object_type",
        "object_id",
        "object_repr",
        "request_id",
        "chains",
    )
)


def _append_each_once(made: list[tuple[AuditEvent, dict[str, Any]]]) -> Callable[[], set[int]]:
    """PostgreSQL: append events of distinct organizations in one statement
    (``_APPEND_EACH_ONCE``, sent: ``rasad.lib.prepared.send``), each body cut at its markers as
    ``_append_in_one_statement`` does. The function returned reads the answer, checks each hash
    against ``hash_body``, and gives the positions in ``made`` of the events appended (an event
    whose shards are all held by other transactions is not: ``_append`` then waits)."""
    from rasad.lib.prepared import array_literal, array_text, send

    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "before_chain", "before_sequence", "rest", "created", "event_type", "actor_id", "actor_name",
            "organization_id", "object_type", "object_id", "object_repr", "request_id", "ip", "chains",
        )
    }  # fmt: skip
    cuts = []
    for event, fields in made:
        before_chain, before_sequence, rest = _cut(event, fields)
        cuts.append((before_chain, before_sequence, rest))
        for name, value in (
            ("before_chain", before_chain),
            ("before_sequence", before_sequence),
            ("rest", rest),
            ("created", event.created),
            ("event_type", event.event_type),
            ("actor_id", event.actor_id),
            ("actor_name", event.actor_name),
            ("organization_id", event.organization_id),
            ("object_type", event.object_type),
            ("object_id", event.object_id),
            ("object_repr", event.object_repr),
            ("request_id", event.request_id),
            ("ip", event.ip),
        ):
            columns[name].append(value)
        columns["chains"].extend(chain_names(event.organization_id))
    # The text columns as array literals (``array_literal``: escaped by ``str.replace``); psycopg
    # escapes each double quote of the bodies' JSON by a regular expression with a template, about
    # 450 a group of eight, a fifth of the group's write under cProfile (benchmarks.md, session 19).
    # The other columns (integers with a NULL where an event has no actor or organization, the
    # times, the addresses) in the text form the statement's casts type (``array_text``): psycopg
    # looks up each element's type to adapt a list (benchmarks.md, events, sessions 23 and 24).
    rows = send(
        _APPEND_EACH_ONCE,
        {
            name: array_literal(values, str) if name in _TEXT_COLUMNS else array_text(values)
            for name, values in columns.items()
        },
    )

    # The events are of distinct organizations (``send_many`` sends each organization's first):
    # an answer's organization names its event.
    position = {event.organization_id: number for number, (event, _fields) in enumerate(made)}

    def done() -> set[int]:
        appended = set()
        answer = rows()
        for organization_id, pk, chain, sequence, prev_hash, hashed, moved in answer:
            if moved != len(answer):
                raise RuntimeError(f"{len(answer)} audit events appended but {moved} chain heads moved")
            number = position[organization_id]
            event = made[number][0]
            before_chain, before_sequence, rest = cuts[number]
            event.pk, event.chain, event.sequence, event.prev_hash, event.hash = (
                pk,
                chain,
                sequence,
                prev_hash,
                hashed,
            )
            event.body = f'{before_chain}"{chain}"{before_sequence}{sequence}{rest}'
            event._state.adding = False
            if hash_body(event.prev_hash, event.body) != event.hash or parse_chain(event.chain) is None:
                raise RuntimeError(
                    f"the audit event appended to {event.chain} does not hash as verify expects"
                )
            appended.add(number)
        return appended

    return done


def columns_of(event: AuditEvent) -> dict[str, Any]:
    """The fields of an event that are both columns and part of its hashed body."""
    return {
        "chain": event.chain,
        "sequence": event.sequence,
        "created": iso_utc(event.created),
        "event_type": event.event_type,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "organization_id": event.organization_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "request_id": event.request_id,
        "ip": normalize_ip(event.ip),
    }


# ---- reading ------------------------------------------------------------------------------------


def visible_events(user: User | AnonymousUser) -> models.QuerySet[AuditEvent]:
    """Audit events a user may read: those of organizations where they hold
    ``core.view_auditevent``; the system chain (sign-ins, 2FA) only for platform administrators."""
    from rasad.core.models import AuditEvent

    events: models.QuerySet[AuditEvent] = AuditEvent.objects.visible_to(user)
    return events


def verify(batch_size: int = 2000, *, restored: bool = False) -> Iterator[Problem]:
    """Every problem in the trail (``rasad.core.audit_verify.verify``; kept here for callers)."""
    from rasad.core.audit_verify import verify as verify_database

    return verify_database(batch_size, restored=restored)
