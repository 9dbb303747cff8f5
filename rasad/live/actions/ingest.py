"""What an agent sends: heartbeats and events, in batches, exactly once (docs/live.md, "Agents").

Every item carries the agent's own id (a UUIDv7). The batch is checked item by item before
anything is written; the items that pass are written in one transaction, under a lock on each
device they name, so two copies of one batch sent at once cannot both be recorded. Per item:

* new: ``created``;
* same id, same content: ``duplicate`` (the same acknowledgment again; nothing written);
* same id with other content, or an event sequence the device already used: ``conflict``;
* anything wrong with the item itself: ``refused`` with a code and a translated message.

Refusals and conflicts are permanent: sending the item again gives the same answer, so the agent
parks it and reports it. The caller acknowledges only after this function's transaction commits.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Field, Manager, Model, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from rasad.core.audit_log import send_many
from rasad.lib import boundary, formatting
from rasad.lib.actions import text
from rasad.lib.prepared import Many, PreparedQuery, array_literal, array_text, pipelined, send
from rasad.live.actions.common import push
from rasad.live.actions.credentials import forget_agent
from rasad.live.actions.incidents import do_check_outage, do_raise_device_incident
from rasad.live.audit import LiveAuditEvent, audit_live, live_entry
from rasad.live.choices import AGENT_EVENT_KINDS, EventKind, ItemResult, Severity, Status
from rasad.live.models import AgentCredential, Device, DeviceEvent, Heartbeat
from rasad.live.status import device_status, post_status

TEXT_LIMIT = 4000
MAX_SEQUENCE = 2**63 - 1
READINGS = {
    # field sent -> (model field, lowest, highest)
    "battery": ("battery_percent", 0.0, 100.0),
    "link": ("link_quality", 0.0, 100.0),
    "temperature": ("temperature_c", -80.0, 150.0),
    "storage": ("free_storage_mb", 0.0, 1e12),
}


class BatchRefused(Exception):
    """The request as a whole cannot be read: nothing of it is written."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Outcome:
    id: str
    result: ItemResult
    code: str = ""
    message: str = ""
    stream_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"id": self.id, "result": self.result.value}
        if self.stream_id is not None:
            answer["stream_id"] = self.stream_id
        if self.code:
            answer["code"] = self.code
            answer["message"] = self.message
            answer["permanent"] = True
        return answer


@dataclass
class Item:
    """One item that passed the checks of its own fields."""

    index: int
    uuid: uuid.UUID
    serial: str
    device_time: datetime
    content_hash: str
    values: dict[str, Any]


@dataclass
class ParsedBatch:
    heartbeats: list[Item | Outcome] = field(default_factory=list)
    events: list[Item | Outcome] = field(default_factory=list)
    skew_seconds: float | None = None
    digest: str = ""


@dataclass
class BatchResult:
    heartbeats: list[Outcome]
    events: list[Outcome]

    def as_json(self) -> dict[str, Any]:
        return {
            "heartbeats": [o.as_json() for o in self.heartbeats],
            "events": [o.as_json() for o in self.events],
        }


def _refused(raw_id: Any, code: str, message: str) -> Outcome:
    return Outcome(str(raw_id)[:64] if raw_id is not None else "", ItemResult.REFUSED, code, message)


def _hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _aware(value: Any) -> datetime | None:
    """``value`` as an ISO 8601 date and time with its UTC offset, or None: not a text, not so
    written, without an offset, written so but naming no date (the 30th of February), or a
    date outside the accepted range (``rasad.lib.boundary``: year 1 at +14:00 is before year 1
    in UTC, which PostgreSQL stores and Python cannot read back)."""
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    try:
        boundary.check_date(moment)
    except ValidationError:
        return None
    return moment


def _common(raw: Any, now: datetime) -> tuple[Any, Item | Outcome]:
    """The id, device and time every item has; an Outcome when one of them is wrong."""
    if not isinstance(raw, dict):
        return None, _refused(None, "malformed_item", _("Each item is a JSON object."))
    raw_id = raw.get("id")
    try:
        item_id = uuid.UUID(str(raw_id))
    except (ValueError, TypeError, AttributeError):
        return raw_id, _refused(raw_id, "bad_id", _("“id” must be a UUID generated by the agent."))
    serial = raw.get("device")
    if not isinstance(serial, str) or not serial.strip() or len(serial) > 64:
        return raw_id, _refused(raw_id, "bad_device", _("“device” must be the device's serial number."))
    moment = _aware(raw.get("time"))
    if moment is None:
        return raw_id, _refused(
            raw_id, "bad_time", _("“time” must be an ISO 8601 date and time with its UTC offset.")
        )
    tolerance = timedelta(seconds=settings.RASAD_LIVE_SKEW_TOLERANCE_SECONDS)
    if moment > now + tolerance:
        return raw_id, _refused(
            raw_id,
            "future_time",
            _(
                "“time” is %(seconds)s seconds ahead of the server's clock, "
                "beyond the tolerance of %(tolerance)s."
            )
            % {
                "seconds": formatting.number(int((moment - now).total_seconds())),
                "tolerance": formatting.number(settings.RASAD_LIVE_SKEW_TOLERANCE_SECONDS),
            },
        )
    return raw_id, Item(0, item_id, serial.strip(), moment, "", {})


def _heartbeat(raw: Any, now: datetime) -> Item | Outcome:
    raw_id, checked = _common(raw, now)
    if isinstance(checked, Outcome):
        return checked
    values: dict[str, Any] = {}
    for name, (column, low, high) in READINGS.items():
        value = raw.get(name)
        if value is None:
            values[column] = None
            continue
        # An integer is finite, and compared with the bounds exactly (``math.isfinite`` fails on
        # one of hundreds of digits, which no float holds).
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            return _refused(raw_id, "bad_reading", _("“%(field)s” must be a number.") % {"field": name})
        if not low <= value <= high:
            return _refused(
                raw_id,
                "bad_reading",
                _("“%(field)s” must be between %(low)s and %(high)s.")
                % {"field": name, "low": formatting.number(low), "high": formatting.number(high)},
            )
        values[column] = float(value)
    checked.values = values
    checked.content_hash = _hash(
        {"device": checked.serial, "time": checked.device_time.isoformat(), **values}
    )
    return checked


def _event(raw: Any, now: datetime) -> Item | Outcome:
    raw_id, checked = _common(raw, now)
    if isinstance(checked, Outcome):
        return checked
    sequence = raw.get("sequence")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 1 <= sequence <= MAX_SEQUENCE:
        return _refused(
            raw_id, "bad_sequence", _("“sequence” must be a whole number from 1, counted by the device.")
        )
    kind = raw.get("kind")
    if kind not in AGENT_EVENT_KINDS:
        return _refused(
            raw_id,
            "bad_kind",
            _("“kind” must be one of: %(kinds)s.") % {"kinds": ", ".join(str(k) for k in AGENT_EVENT_KINDS)},
        )
    severity = raw.get("severity", Severity.LOW)
    if severity not in Severity.values:
        return _refused(raw_id, "bad_severity", _("“severity” must be low, medium or high."))
    body = raw.get("text", "")
    if not isinstance(body, str):
        return _refused(raw_id, "bad_text", _("“text” must be a string."))
    if len(body) > TEXT_LIMIT:
        return _refused(
            raw_id,
            "bad_text",
            _("“text” is at most %(limit)s characters.") % {"limit": formatting.number(TEXT_LIMIT)},
        )
    if "\x00" in body:
        return _refused(raw_id, "bad_text", _("“text” must not contain NUL characters."))
    checked.values = {"sequence": sequence, "kind": kind, "severity": severity, "text": text(body)}
    checked.content_hash = _hash(
        {"device": checked.serial, "time": checked.device_time.isoformat(), **checked.values}
    )
    return checked


def parse_batch(body: Any, now: datetime, *, digest: str = "") -> ParsedBatch:
    """Check a decoded request body item by item. Raises ``BatchRefused`` when it is not a batch."""
    if not isinstance(body, dict):
        raise BatchRefused(
            "malformed", _("The body must be a JSON object with “heartbeats” and “events” lists.")
        )
    heartbeats = body.get("heartbeats", [])
    events = body.get("events", [])
    if not isinstance(heartbeats, list) or not isinstance(events, list):
        raise BatchRefused("malformed", _("“heartbeats” and “events” must be lists."))
    if len(heartbeats) + len(events) > settings.RASAD_LIVE_MAX_BATCH_ITEMS:
        raise BatchRefused(
            "too_many_items",
            _("A batch holds at most %(limit)s items; send the rest in another batch.")
            % {"limit": formatting.number(settings.RASAD_LIVE_MAX_BATCH_ITEMS)},
            status=413,
        )
    parsed = ParsedBatch(digest=digest)
    sent_at = body.get("sent_at")
    if sent_at is not None:
        moment = _aware(sent_at)
        if moment is None:
            raise BatchRefused(
                "malformed", _("“sent_at” must be an ISO 8601 date and time with its UTC offset.")
            )
        parsed.skew_seconds = round((moment - now).total_seconds(), 3)
    for index, raw in enumerate(heartbeats):
        item = _heartbeat(raw, now)
        if isinstance(item, Item):
            item.index = index
        parsed.heartbeats.append(item)
    for index, raw in enumerate(events):
        item = _event(raw, now)
        if isinstance(item, Item):
            item.index = index
        parsed.events.append(item)
    return parsed


@dataclass
class Submission:
    """One request's checked batch, waiting to be written: the credential it came with, when
    the server read it, and the request's id and address for its audit event."""

    credential: AgentCredential
    batch: ParsedBatch
    now: datetime
    request_id: str | None = None
    ip: str | None = None


def do_ingest_batch(credential: AgentCredential, batch: ParsedBatch, *, now: datetime) -> BatchResult:
    """Record what is new in ``batch`` for the credential's post; answer every item."""
    return do_ingest_batches([Submission(credential, batch, now)])[0]


def credential_refused() -> BatchRefused:
    """The answer to a request whose credential is unknown or revoked."""
    return BatchRefused("authentication_failed", _("The agent credential is invalid or revoked."), 401)


@transaction.atomic
def do_ingest_batches(submissions: list[Submission]) -> list[BatchResult]:
    """Record several agents' batches in one transaction (``rasad.live.group_commit``: single
    events arriving at once share one commit); answer each as if it had been written alone.

    The statements are the group's, not each batch's: one lock of every device named (in id
    order, so that two groups naming the same devices cannot deadlock), one read of the ids and
    sequences already recorded, one insert of the events (and one of the heartbeats), one update
    of the devices, and an audit event per batch in its post's chain. A later batch of the
    group sees the earlier ones' items: a copy of an event in the same group is a duplicate
    with the first one's acknowledgment, as it would be in the next transaction.

    The batches are written in the order of their posts' ids, so that what is locked after the
    devices (a post, to open or end its outage; its incident case) is locked in the same order
    by every group.

    Its first statement checks that every batch's credential is still usable, and locks it
    (``FOR NO KEY UPDATE``: a revocation, which locks it ``FOR UPDATE``, waits for this
    transaction, or this one sees it), so that a credential revoked after the request found it
    (``known_agent``) writes nothing: ``BatchRefused`` (401) is raised, and the committer writes
    the other batches of the group alone.

    On PostgreSQL the statements that do not wait for one another's answers share a round trip
    (``rasad.lib.prepared.pipelined``): the ``BEGIN``, the credentials' check, the devices' lock
    and the reads of what is recorded (``_read_recorded``); the inserts, the devices' update and
    the audit append. A group is then three round trips with its ``COMMIT``, instead of eight."""
    order = sorted(range(len(submissions)), key=lambda n: submissions[n].credential.organization_id)
    written = _write_group([submissions[n] for n in order])
    results: list[BatchResult | None] = [None] * len(submissions)
    for position, number in enumerate(order):
        results[number] = written[position]
    return [result for result in results if result is not None]


Rows = Callable[[], list[tuple[Any, ...]]]


def _locked(select: str, ids: set[int], mode: str) -> Rows:
    """``select`` (ending with the column compared) with ``ids``, its rows locked ``FOR <mode>``
    in id order where the database locks rows (SQLite writes one transaction at a time); sent,
    its rows read by the function returned. Written by hand, as the group's other statements: on
    the path of every agent's request, Django's compilation of the query was most of its CPU. On
    PostgreSQL the ids are one array, so that the statement is the same for every group and runs
    prepared (``rasad.lib.prepared.send``)."""
    if connection.vendor == "postgresql":
        return send(f"{select} = ANY(%s::bigint[]) ORDER BY id FOR {mode}", [array_literal(sorted(ids), int)])
    sql = f"{select} IN ({', '.join(['%s'] * len(ids))}) ORDER BY id"
    if connection.features.has_select_for_update:
        sql += f" FOR {mode}"
    with connection.cursor() as cursor:
        cursor.execute(sql, sorted(ids))
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return lambda: rows


def _check_credentials(submissions: list[Submission]) -> Callable[[], None]:
    """Send the check (and lock) of every batch's credential; the function returned raises
    ``BatchRefused`` if one is revoked."""
    wanted = {submission.credential.pk for submission in submissions}
    table = connection.ops.quote_name(AgentCredential._meta.db_table)
    select = f"SELECT id FROM {table} WHERE revoked_at IS NULL AND id"  # noqa: S608
    locked = _locked(select, wanted, "NO KEY UPDATE")

    def check() -> None:
        usable = {row[0] for row in locked()}
        if usable != wanted:
            for submission in submissions:
                if submission.credential.pk not in usable:
                    forget_agent(submission.credential)
            raise credential_refused()

    return check


def _write_group(submissions: list[Submission]) -> list[BatchResult]:
    with pipelined():
        # One round trip: BEGIN, the credentials' check, the devices' lock and the reads of what
        # is recorded (in this order: the server reads after it has the locks).
        check = _check_credentials(submissions)
        locked = _lock_devices(submissions)
        stored = _read_recorded(submissions)
        check()
        group = _Group(locked())
        heartbeats, events = stored(group)
        _settle_heartbeats(group, submissions, heartbeats)
        _settle_events(group, submissions, events)
        statements = _write_rows(group, submissions)
    # The pipeline's end sent the writes and waited for their answers: read them.
    return _after_write(group, submissions, *statements)


def _write_rows(
    group: _Group, submissions: list[Submission]
) -> tuple[list[list[DeviceEvent]], Callable[[], None], Callable[[], list[Any]]]:
    """Send the group's writes: the heartbeats and events inserted, the devices updated, each
    batch's audit event appended. Returns the status events of each batch, and the functions that
    read the inserts' and the audit's answers."""
    status_rows: list[list[DeviceEvent]] = []
    for number, submission in enumerate(submissions):
        touched = _apply_to_devices(group, number, submission)
        group.touched.update({device.pk: device for device in touched})
        status_rows.append(_status_changes(touched, submission.now))

    inserted = [_insert(group.heartbeat_rows)]
    rows = [
        row
        for number, _s in enumerate(submissions)
        for row in (*group.event_rows[number], *status_rows[number])
    ]
    inserted.append(_insert(rows))
    inserted.append(_save_devices(list(group.touched.values())))

    entries = []  # each batch's audit event, in its post's chain: appended together
    for number, submission in enumerate(submissions):
        credential, post = submission.credential, submission.credential.organization
        created_events = group.event_rows[number]
        if group.heartbeat_counts[number] or created_events:
            entries.append(
                live_entry(
                    LiveAuditEvent.BATCH_RECEIVED,
                    post,
                    acting_user=None,
                    actor_name=f"agent:{credential.prefix}",
                    object_type="live.agentcredential",
                    new={
                        "credential": credential.pk,
                        "heartbeats": group.heartbeat_counts[number],
                        "events": [str(e.uuid) for e in created_events],
                        "sha256": submission.batch.digest,
                    },
                    request_id=submission.request_id,
                    ip=submission.ip,
                )
            )
    appended = send_many(entries)

    def read_inserts() -> None:
        for done in inserted:
            done()

    return status_rows, read_inserts, appended


def _after_write(
    group: _Group,
    submissions: list[Submission],
    status_rows: list[list[DeviceEvent]],
    read_inserts: Callable[[], None],
    appended: Callable[[], list[Any]],
) -> list[BatchResult]:
    """What follows the group's writes: their answers read, the credentials' last use, the
    pushes, incidents and outages; each batch's answer."""
    read_inserts()
    appended()
    for outcome, event in group.created:
        outcome.stream_id = event.pk
    for outcome, first in group.copies:
        outcome.stream_id = first.stream_id
    stale = []
    for submission in submissions:
        credential = submission.credential
        if credential.last_used is None or submission.now - credential.last_used > timedelta(seconds=60):
            stale.append(credential.pk)
            credential.last_used = submission.now
    if stale:
        AgentCredential.objects.filter(pk__in=stale).update(last_used=max(s.now for s in submissions))
    for number, submission in enumerate(submissions):
        post = submission.credential.organization
        for event in [*group.event_rows[number], *status_rows[number]]:
            push("live.event", post.pk, **event_payload(event))
        for event in group.event_rows[number]:
            if event.severity == Severity.HIGH:
                do_raise_device_incident(event)
        if status_rows[number]:  # a post heard from again ends its outage at once, not at the next sweep
            do_check_outage(post.pk, now=submission.now)
    return [
        BatchResult(group.heartbeat_outcomes[number], group.event_outcomes[number])
        for number in range(len(submissions))
    ]


@dataclass
class _Group:
    """What the batches of one transaction share while they are settled."""

    devices: dict[tuple[int, str], Device]
    touched: dict[int, Device] = field(default_factory=dict)
    heartbeat_outcomes: list[list[Outcome]] = field(default_factory=list)
    heartbeat_rows: list[Heartbeat] = field(default_factory=list)
    heartbeat_counts: list[int] = field(default_factory=list)
    new_heartbeats: list[list[Heartbeat]] = field(default_factory=list)
    event_outcomes: list[list[Outcome]] = field(default_factory=list)
    event_rows: list[list[DeviceEvent]] = field(default_factory=list)
    # (the outcome, the row it acknowledges): its stream id is the row's once inserted
    created: list[tuple[Outcome, DeviceEvent]] = field(default_factory=list)
    # (an outcome, the outcome of the first copy in this group): the same acknowledgment
    copies: list[tuple[Outcome, Outcome]] = field(default_factory=list)

    def device_for(self, post_id: int, item: Item) -> Device | Outcome:
        device = self.devices.get((post_id, item.serial))
        if device is None:
            return _refused(
                item.uuid,
                "unknown_device",
                _("This post has no device with serial “%(serial)s”.") % {"serial": item.serial},
            )
        if device.retired_at is not None:
            return _refused(
                item.uuid, "device_retired", _("Device “%(serial)s” is retired.") % {"serial": item.serial}
            )
        return device


def _items(items: list[Item | Outcome]) -> list[Item]:
    return [i for i in items if isinstance(i, Item)]


def _lock_devices(submissions: list[Submission]) -> Callable[[], dict[tuple[int, str], Device]]:
    """Lock every device the group names at its own post; the function returned gives them by
    (post, serial)."""
    wanted: dict[int, set[str]] = {}
    posts = {}
    for submission in submissions:
        post = submission.credential.organization
        posts[post.pk] = post
        batch = submission.batch
        wanted.setdefault(post.pk, set()).update(i.serial for i in _items([*batch.heartbeats, *batch.events]))
    wanted = {post_id: serials for post_id, serials in wanted.items() if serials}
    if not wanted:
        return dict
    table = connection.ops.quote_name(Device._meta.db_table)
    found: Callable[[], Iterator[Device]]
    if connection.vendor == "postgresql":
        # One statement for every group, prepared: the (post, serial) pairs as two arrays. By hand
        # (``_locked`` says why); the table and the columns are the model's, the values parameters.
        pairs = sorted((post_id, serial) for post_id, serials in wanted.items() for serial in serials)
        sql, names = _lock_statement()
        rows = send(
            sql, [array_literal([p for p, _s in pairs], int), array_literal([s for _p, s in pairs], str)]
        )

        def found() -> Iterator[Device]:
            return (Device.from_db(DEFAULT_DB_ALIAS, names, row) for row in rows())

    else:
        where, params = [], []
        for post_id, serials in wanted.items():
            where.append(f"(organization_id = %s AND serial IN ({', '.join(['%s'] * len(serials))}))")
            params += [post_id, *sorted(serials)]
        locking = " FOR UPDATE" if connection.features.has_select_for_update else ""
        sql = f"SELECT * FROM {table} WHERE {' OR '.join(where)} ORDER BY id{locking}"  # noqa: S608
        raw = list(Device.objects.raw(sql, params))

        def found() -> Iterator[Device]:
            return iter(raw)

    def devices() -> dict[tuple[int, str], Device]:
        by_key = {}
        for device in found():
            device.organization = posts[device.organization_id]
            by_key[(device.organization_id, device.serial)] = device
        return by_key

    return devices


@cache
def _lock_statement() -> tuple[str, list[str]]:
    """The SQL of ``_lock_devices`` on PostgreSQL and the attributes of its columns, made once
    per process: quoting each of the device's columns through Django's ``connection`` proxy
    every group was 4 % of a single batch's write under cProfile (docs/development/benchmarks.md,
    events, session 24)."""
    quote = connection.ops.quote_name
    fields = Device._meta.concrete_fields
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = (
        f"SELECT {columns} FROM {quote(Device._meta.db_table)} WHERE (organization_id, serial) IN "  # noqa: S608
        "(SELECT * FROM unnest(%s::bigint[], %s::text[])) ORDER BY id FOR UPDATE"
    )
    return sql, [f.attname for f in fields]


def _stored_heartbeats(ids: list[uuid.UUID]) -> QuerySet[Any]:
    return Heartbeat.objects.filter(id__in=ids).order_by().values_list("id", "content_hash")


def _stored_events(ids: list[uuid.UUID], devices: list[int], sequences: list[int]) -> QuerySet[Any]:
    return (
        DeviceEvent.objects.filter(Q(uuid__in=ids) | Q(device_id__in=devices, sequence__in=sequences))
        .order_by()
        .values_list("uuid", "content_hash", "id", "device_id", "sequence")
    )


# The group's reads, compiled once per process (``rasad.lib.prepared``): each is the same
# statement for every group (the lists are arrays on PostgreSQL), run prepared there. The
# sentinels are values no row holds.
_STORED_HEARTBEATS = PreparedQuery(_stored_heartbeats, ids=Many(uuid.UUID(int=7_401_001)))
_STORED_EVENTS = PreparedQuery(
    _stored_events,
    ids=Many(uuid.UUID(int=7_401_002)),
    devices=Many(-7_401_003),
    sequences=Many(-7_401_004),
)


Recorded = tuple[dict[uuid.UUID, str], list[tuple[Any, ...]]]


def _read_recorded(submissions: list[Submission]) -> Callable[[_Group], Recorded]:
    """Send the reads of what the group's items may repeat: the heartbeats' ids already
    recorded, and the events recorded with one of the group's ids or with one of its (device,
    sequence) pairs (as ``(uuid, content_hash, id, device_id, sequence)`` rows). The function
    returned, given the group's locked devices, gives them.

    On PostgreSQL they are sent now, to share the round trip of the devices' lock (the server
    runs them after the lock is granted, each statement in a snapshot of its own, so they see
    whatever a group that held a device before committed): the events' devices are named by
    (post, serial), as the lock names them, since their ids come only with the lock's answer.
    Elsewhere (SQLite, one writer at a time) they run when the function is called, with the
    devices' ids."""
    beats = [i.uuid for s in submissions for i in _items(s.batch.heartbeats)]
    candidates = [(s, i) for s in submissions for i in _items(s.batch.events)]
    if connection.vendor != "postgresql":

        def later(group: _Group) -> Recorded:
            stored = {row[0]: row[1] for row in _STORED_HEARTBEATS.rows(ids=beats)} if beats else {}
            keys = {
                (device.pk, item.values["sequence"])
                for submission, item in candidates
                if isinstance(device := group.device_for(submission.credential.organization_id, item), Device)
            }
            rows: list[tuple[Any, ...]] = []
            if candidates:
                rows = [
                    tuple(row)
                    for row in _STORED_EVENTS.rows(
                        ids=[i.uuid for _s, i in candidates],
                        devices=sorted({d for d, _q in keys}),
                        sequences=sorted({q for _d, q in keys}),
                    )
                ]
            return stored, rows

        return later
    beats_sent = send(_recorded_statements()[0], [array_text(beats)]) if beats else None
    events_sent = None
    if candidates:
        events_sent = send(
            _recorded_statements()[1],
            [
                array_text([i.uuid for _s, i in candidates]),
                # As literals, not lists for psycopg to adapt (benchmarks.md, session 23).
                array_literal([s.credential.organization_id for s, _i in candidates], int),
                array_literal([i.serial for _s, i in candidates], str),
                array_literal([i.values["sequence"] for _s, i in candidates], int),
            ],
        )

    def read(_group: _Group) -> Recorded:
        stored = {row[0]: row[1] for row in beats_sent()} if beats_sent is not None else {}
        return stored, events_sent() if events_sent is not None else []

    return read


_RECORDED: list[str] = []


def _recorded_statements() -> list[str]:
    """The SQL of ``_read_recorded``'s two reads on PostgreSQL (the tables and columns the
    models'; each the same for every group, so run prepared): the heartbeats by id; the events by
    uuid, and by (device, sequence) with the device found by (post, serial)."""
    if not _RECORDED:
        quote = connection.ops.quote_name
        beats, events, devices = (quote(m._meta.db_table) for m in (Heartbeat, DeviceEvent, Device))
        columns = ", ".join(f"e.{quote(c)}" for c in ("uuid", "content_hash", "id", "device_id", "sequence"))
        _RECORDED.extend(
            [
                f"SELECT id, content_hash FROM {beats} WHERE id = ANY(%s::uuid[])",  # noqa: S608
                f"SELECT {columns} FROM {events} e WHERE e.uuid = ANY(%s::uuid[]) "  # noqa: S608
                f"UNION ALL SELECT {columns} FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) "
                f"AS v(post, serial, sequence) JOIN {devices} d "
                "ON d.organization_id = v.post AND d.serial = v.serial "
                # Each (device, sequence) looked up in the unique index on both columns, whatever
                # the planner thinks of the table's size (not every event of the device): a
                # LATERAL subquery kept apart from the join (OFFSET 0) has both as its conditions.
                f"CROSS JOIN LATERAL (SELECT * FROM {events} x WHERE x.device_id = d.id "
                "AND x.sequence = v.sequence AND x.sequence IS NOT NULL OFFSET 0) e",
            ]
        )
    return _RECORDED


def _settle_heartbeats(group: _Group, submissions: list[Submission], stored: dict[uuid.UUID, str]) -> None:
    seen: dict[uuid.UUID, str] = {}
    for submission in submissions:
        post_id = submission.credential.organization_id
        outcomes: list[Outcome] = []
        rows: list[Heartbeat] = []
        for item in submission.batch.heartbeats:
            if isinstance(item, Outcome):
                outcomes.append(item)
                continue
            known_hash = stored.get(item.uuid) or seen.get(item.uuid)
            if known_hash is not None:
                outcomes.append(_repeat(item, known_hash, None))
                continue
            device = group.device_for(post_id, item)
            if isinstance(device, Outcome):
                outcomes.append(device)
                continue
            seen[item.uuid] = item.content_hash
            rows.append(
                Heartbeat(
                    id=item.uuid,
                    organization_id=device.organization_id,
                    device=device,
                    device_time=item.device_time,
                    received_at=submission.now,
                    content_hash=item.content_hash,
                    **item.values,
                )
            )
            outcomes.append(Outcome(str(item.uuid), ItemResult.CREATED))
        group.heartbeat_outcomes.append(outcomes)
        group.new_heartbeats.append(rows)
        group.heartbeat_rows.extend(rows)
        group.heartbeat_counts.append(len(rows))


def _repeat(item: Item, known_hash: str, stream_id: int | None) -> Outcome:
    if known_hash == item.content_hash:
        return Outcome(str(item.uuid), ItemResult.DUPLICATE, stream_id=stream_id)
    return Outcome(
        str(item.uuid),
        ItemResult.CONFLICT,
        "conflict",
        _("An item with this id was recorded with other content; the recorded one stands."),
    )


def _settle_events(group: _Group, submissions: list[Submission], recorded: list[tuple[Any, ...]]) -> None:
    """Each event of the group: new, a copy of one recorded (or of one earlier in the group),
    a conflict, or refused. ``recorded`` (``_read_recorded``) holds both the events recorded with
    the group's ids and those that used the sequences the group's events name."""
    stored: dict[uuid.UUID, dict[str, Any]] = {}
    used: set[tuple[int, int]] = set()
    for event_id, content_hash, pk, device_id, sequence in recorded:
        stored[event_id] = {"content_hash": content_hash, "id": pk}
        used.add((device_id, sequence))
    seen: dict[uuid.UUID, tuple[str, Outcome]] = {}
    for submission in submissions:
        post_id = submission.credential.organization_id
        outcomes: list[Outcome] = []
        rows: list[DeviceEvent] = []
        for item in submission.batch.events:
            if isinstance(item, Outcome):
                outcomes.append(item)
                continue
            if item.uuid in stored:
                outcomes.append(_repeat(item, stored[item.uuid]["content_hash"], stored[item.uuid]["id"]))
                continue
            if item.uuid in seen:
                known_hash, first = seen[item.uuid]
                outcome = _repeat(item, known_hash, None)
                if outcome.result == ItemResult.DUPLICATE and first.result == ItemResult.CREATED:
                    group.copies.append((outcome, first))
                outcomes.append(outcome)
                continue
            device = group.device_for(post_id, item)
            if isinstance(device, Outcome):
                outcomes.append(device)
                continue
            outcome = Outcome(str(item.uuid), ItemResult.CREATED)
            seen[item.uuid] = (item.content_hash, outcome)
            outcomes.append(outcome)
            # A sequence the device already used (by another event) is a conflict, not a second event.
            key = (device.pk, item.values["sequence"])
            if key in used:
                outcome.result = ItemResult.CONFLICT
                outcome.code = "sequence_taken"
                outcome.message = _(
                    "Device “%(serial)s” already sent another event with sequence %(sequence)s."
                ) % {"serial": device.serial, "sequence": formatting.digits(item.values["sequence"])}
                continue
            used.add(key)
            event = DeviceEvent(
                uuid=item.uuid,
                organization=device.organization,
                device=device,
                device_time=item.device_time,
                received_at=submission.now,
                clock_skew_seconds=submission.batch.skew_seconds,
                content_hash=item.content_hash,
                **item.values,
            )
            rows.append(event)
            group.created.append((outcome, event))
        group.event_outcomes.append(outcomes)
        group.event_rows.append(rows)


def _apply_to_devices(group: _Group, number: int, submission: Submission) -> list[Device]:
    """Bring each device's latest readings up to date (in memory; ``_save_devices`` writes them).
    A heartbeat older (by the device's clock) than the one already shown counts as a sign of
    life but does not replace the readings."""
    touched: dict[int, Device] = {}
    now, skew = submission.now, submission.batch.skew_seconds
    for beat in sorted(group.new_heartbeats[number], key=lambda b: b.device_time):
        device = beat.device
        device.last_heartbeat_at = now
        if device.last_device_time is None or beat.device_time >= device.last_device_time:
            device.last_device_time = beat.device_time
            device.battery_percent = beat.battery_percent
            device.link_quality = beat.link_quality
            device.temperature_c = beat.temperature_c
            device.free_storage_mb = beat.free_storage_mb
        if skew is not None:
            device.clock_skew_seconds = skew
        touched[device.pk] = device
    for event in group.event_rows[number]:
        device = event.device
        if event.sequence is not None and event.sequence > device.last_sequence:
            device.last_sequence = event.sequence
        touched[device.pk] = device
    return list(touched.values())


def _insert(rows: list[Heartbeat] | list[DeviceEvent]) -> Callable[[], None]:
    """Insert ``rows`` (of one model); the function returned gives each its primary key (once
    the statement's answer has come: ``_write_group``'s pipeline). On PostgreSQL one statement
    for any number of rows: a column is one array (``INSERT … SELECT * FROM unnest(…)``), so
    the statement is the same for every group and runs prepared (``rasad.lib.prepared.fetch``);
    the values are prepared as the ORM prepares them, each row's new id read back by its
    ``uuid``. Elsewhere (SQLite) Django's ``bulk_create``."""
    if not rows:
        return _nothing
    model = type(rows[0])
    if connection.vendor != "postgresql":
        # The manager of whichever of the two models the rows are: its rows' type is the list's.
        manager: Manager[Any] = model._default_manager
        manager.bulk_create(rows)
        return _nothing
    sql, fields = _insert_statement(model)
    # The connection itself, not Django's proxy ``connection``: preparing each value reads its
    # attributes, and each read through the proxy looked the connection up again (asgiref's
    # ``Local``: some 180 lookups a group of eight, a few per cent of its write's CPU).
    database = connections[DEFAULT_DB_ALIAS]
    returned = send(sql, [_array(rows, f, database) for f in fields])

    def done() -> None:
        answered = returned()
        if model is DeviceEvent:
            ids = dict(answered)
            for event in cast(list[DeviceEvent], rows):
                event.pk = ids[event.uuid]
        for row in rows:
            row._state.adding = False
            row._state.db = DEFAULT_DB_ALIAS

    return done


def _nothing() -> None:
    pass


def _array(rows: list[Any], field: Field[Any, Any], database: Any) -> Any:
    """``field``'s values of ``rows``, prepared as the ORM prepares them, as one array parameter
    in an array's text form (``rasad.lib.prepared.array_text``), typed by the statement's cast to
    the column's array type: psycopg's own dumping of a list looks up each element's type and the
    list's dumper, some 36 lists a group (docs/development/benchmarks.md, events, sessions 22-24).

    A value the ORM would prepare as itself (``_as_is``) is taken as it is: calling the field's
    ``get_db_prep_save`` for each value of each column was a sixth of a group's write under
    cProfile (benchmarks.md, events, session 26)."""
    name, kinds, prepare = field.attname, _as_is(field), field.get_db_prep_save
    values = []
    for row in rows:
        value = getattr(row, name)
        kind = type(value)
        aware = kind is not datetime or value.tzinfo is not None
        if (value is None and kinds) or (kind in kinds and aware):
            values.append(value)
        else:
            values.append(prepare(value, database))
    return array_text(values)


# The types of value that a field of each class prepares for PostgreSQL as the same value
# (``get_db_prep_save``; ``None`` too, for each of them; an integer wrapped in psycopg's ``Int8``,
# which ``array_text`` writes alike): text for text (``to_python`` keeps a
# ``str``), an ``int`` for an integer (``int(value)``), a ``float`` for a float, a UUID for a
# UUID (the database has the type), an aware date-time (a naive one is made aware, with a
# warning), a foreign key's as its target's. Checked field by field against the ORM's own
# preparing (rasad/live/tests/test_ingest_arrays.py). A subclass of a type (an enum member, a
# ``bool``) is prepared by the ORM.
_PREPARED_AS_IS: list[tuple[type[Field[Any, Any]], frozenset[type]]] = [
    (models.CharField, frozenset({str})),
    (models.TextField, frozenset({str})),
    (models.IntegerField, frozenset({int})),
    (models.FloatField, frozenset({float})),
    (models.UUIDField, frozenset({uuid.UUID})),
    (models.DateTimeField, frozenset({datetime})),
]


@cache
def _as_is(field: Field[Any, Any]) -> frozenset[type]:
    """The types of value ``field`` prepares as themselves on PostgreSQL (``_PREPARED_AS_IS``);
    empty for any other field."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    return next((kinds for base, kinds in _PREPARED_AS_IS if isinstance(target, base)), frozenset())


_INSERTS: dict[type[Model], tuple[str, list[Field[Any, Any]]]] = {}


def _insert_statement(model: type[Model]) -> tuple[str, list[Field[Any, Any]]]:
    """The SQL of ``_insert`` for ``model`` on PostgreSQL, and the fields of its arrays in order
    (every concrete column but a generated id). ``DeviceEvent`` returns ``(uuid, id)``."""
    made = _INSERTS.get(model)
    if made is None:
        quote = connection.ops.quote_name
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, Field) and not (f.primary_key and f.get_internal_type().endswith("AutoField"))
        ]
        columns = ", ".join(quote(str(f.column)) for f in fields)
        arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in fields)
        returning = " RETURNING uuid, id" if model is DeviceEvent else " RETURNING 1"
        table = quote(str(model._meta.db_table))
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}){returning}"  # noqa: S608
        made = _INSERTS[model] = (sql, fields)
    return made


DEVICE_FIELDS = [
    "last_heartbeat_at",
    "last_device_time",
    "battery_percent",
    "link_quality",
    "temperature_c",
    "free_storage_mb",
    "clock_skew_seconds",
    "last_sequence",
    "status",
    "status_since",
    "last_updated",
]


def _save_devices(devices: list[Device]) -> Callable[[], None]:
    """Send one statement for every device the group touched (the function returned reads its
    answer): ``UPDATE … FROM (VALUES …)``, a row of
    values per device. By hand (``_locked`` says why): Django's ``bulk_update`` writes a ``CASE``
    per field with a branch per device, and compiling it was most of a group's CPU (three
    quarters of a group of eight's, ``bench.profile_live --group 8``). The columns and their
    types are the model's, the values are parameters, prepared as the ORM prepares them. (SQLite
    has ``UPDATE … FROM`` since 3.33; the insert's ids already need ``RETURNING``, 3.35.)"""
    if not devices:
        return _nothing
    moment = timezone.now()
    fields = [field for name in DEVICE_FIELDS if isinstance(field := Device._meta.get_field(name), Field)]
    for device in devices:
        device.last_updated = moment
    quote = connection.ops.quote_name
    table = quote(Device._meta.db_table)
    if connection.vendor == "postgresql":
        # A column of values is one array: the same statement for every group, run prepared.
        database = connections[DEFAULT_DB_ALIAS]  # not the proxy (``_insert`` says why)
        columns = [array_literal([device.pk for device in devices], int)]
        columns += [_array(devices, f, database) for f in fields]
        updated = send(_update_statement(tuple(fields)), columns)

        def done() -> None:
            updated()

        return done
    # A VALUES list's columns are column1, column2, … on both databases; each value is cast to its
    # column's type (PostgreSQL would take a column of NULLs for text).
    row = "(%s, " + ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields) + ")"
    assignments = ", ".join(f"{quote(str(f.column))} = v.column{n}" for n, f in enumerate(fields, 2))
    sql = (
        f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(devices))}) AS v "  # noqa: S608
        f"WHERE {table}.{quote('id')} = v.column1"
    )
    params: list[Any] = []
    for device in devices:
        params.append(device.pk)
        params += [f.get_db_prep_save(getattr(device, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return _nothing


@cache
def _update_statement(fields: tuple[Field[Any, Any], ...]) -> str:
    """The SQL of ``_save_devices`` on PostgreSQL for ``fields``, made once per process: each
    column's type asked of its field (``cast_db_type``) every group was a tenth of a single
    batch's write under cProfile (docs/development/benchmarks.md, "Session 22")."""
    quote = connection.ops.quote_name
    table = quote(Device._meta.db_table)
    arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in fields)
    names = ", ".join(f"column{n}" for n in range(2, len(fields) + 2))
    assignments = ", ".join(f"{quote(str(f.column))} = v.column{n}" for n, f in enumerate(fields, 2))
    return (
        f"UPDATE {table} SET {assignments} FROM unnest(%s::bigint[], {arrays}) "  # noqa: S608
        f"AS v(column1, {names}) WHERE {table}.{quote('id')} = v.column1 RETURNING 1"
    )


def _status_changes(devices: list[Device], now: datetime) -> list[DeviceEvent]:
    """A status event (not yet inserted) for each device whose derived status differs from
    the one recorded; the device's status is changed in memory."""
    rows = []
    for device in devices:
        status = device_status(device, now)
        if status == device.status:
            continue
        old, device.status, device.status_since = device.status, status, now
        rows.append(
            DeviceEvent(
                uuid=uuid.uuid4(),
                organization=device.organization,
                device=device,
                kind=EventKind.STATUS_CHANGED,
                severity=Severity.MEDIUM if status == Status.OFFLINE else Severity.LOW,
                device_time=now,
                received_at=now,
                data={"old": old, "new": status},
                content_hash="",
            )
        )
    return rows


def _record_status_changes(devices: list[Device], now: datetime) -> list[DeviceEvent]:
    """A status event for each device whose derived status differs from the one recorded."""
    rows = _status_changes(devices, now)
    if not rows:
        return []
    for row in rows:
        row.device.save(update_fields=["status", "status_since", "last_updated"])
    return DeviceEvent.objects.bulk_create(rows)


def current_post_status(organization_id: int) -> Status:
    return post_status(
        Device.objects.in_service().filter(organization_id=organization_id).values_list("status", flat=True)
    )


def event_payload(event: DeviceEvent) -> dict[str, Any]:
    """What a pushed event carries: enough for the feed and the map without a query."""
    payload: dict[str, Any] = {
        "id": event.pk,
        "post_name": event.organization.name,
        "device": event.device_id,
        "serial": event.device.serial,
        "kind": event.kind,
        "severity": event.severity,
        "text": event.text[:300],
        "device_time": event.device_time.isoformat(),
    }
    if event.kind == EventKind.STATUS_CHANGED:
        payload["status"] = event.data.get("new")
        payload["post_status"] = current_post_status(event.organization_id).value
    return payload


@transaction.atomic
def do_sweep_device(device_id: int, *, now: datetime) -> DeviceEvent | None:
    """Re-derive one device's status under its lock (the periodic sweep: a device that stopped
    sending changes status without sending anything)."""
    device = (
        Device.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk=device_id, retired_at__isnull=True)
        .first()
    )
    if device is None:
        return None
    events = _record_status_changes([device], now)
    if not events:
        return None
    event = events[0]
    audit_live(
        LiveAuditEvent.STATUS_CHANGED,
        device.organization,
        acting_user=None,
        obj=device,
        old={"status": event.data["old"]},
        new={"status": event.data["new"]},
    )
    push("live.event", device.organization_id, **event_payload(event))
    return event
