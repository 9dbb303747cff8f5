"""Verifying the audit trail: every chain, every head, the chains the organization tree implies,
and the latest signed checkpoint.

The checks are a pure function of stored rows (``verify_trail``), so that the tamper fuzz test can
run them on thousands of tampered copies in memory; ``verify`` loads the rows from the database
(and the checkpoint file) and calls it.

Each problem is named with one kind:

============== ===========================================================================
kind           what it means
============== ===========================================================================
modified       an event's stored text or columns do not match its hash, or it was rewritten
               and re-hashed (the next event no longer links to it)
missing        events are gone from the middle of a chain
reordered      an event sits at another position than the one it was written at
added          an event that was never appended: a duplicate position, or beyond the head
truncated      the newest events of a chain are gone (the head or a checkpoint knew them)
chain_missing  a whole chain is gone, head and all, though the tree or a checkpoint needs it
head_missing   a chain the tree implies has events but no head row
head_mismatch  a head does not name its chain's last event
forged_chain   a chain (events or head) whose name no organization implies
misplaced      an event's authentic content names another organization than its chain
rewritten      the event a checkpoint anchored was replaced, with every hash after it
checkpoint     a checkpoint is unsigned, wrongly signed, unlinked, or missing from the
               database while the checkpoint file holds it
============== ===========================================================================
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from rasad.core.audit_log import GENESIS, SHARDS, chain_base, chain_names, hash_body, iso_utc, parse_chain

KINDS = (
    "modified",
    "missing",
    "reordered",
    "added",
    "truncated",
    "chain_missing",
    "head_missing",
    "head_mismatch",
    "forged_chain",
    "misplaced",
    "rewritten",
    "checkpoint",
)


@dataclass(frozen=True)
class Problem:
    chain: str
    sequence: int
    event_id: int | None
    kind: str
    detail: str


@dataclass(frozen=True)
class StoredEvent:
    """One audit row as stored (the columns the verifier reads)."""

    id: int
    chain: str
    sequence: int
    created: datetime.datetime
    event_type: int
    actor_id: int | None
    actor_name: str
    organization_id: int | None
    object_type: str
    object_id: str
    object_repr: str
    request_id: str
    ip: str | None
    body: str
    prev_hash: str
    hash: str


EVENT_COLUMNS = tuple(StoredEvent.__dataclass_fields__)


@dataclass(frozen=True)
class StoredHead:
    chain: str
    sequence: int
    hash: str


@dataclass(frozen=True)
class StoredCheckpoint:
    number: int
    body: str
    signature: str
    key: str


@dataclass
class Trail:
    """Everything verification reads, as plain rows (the fuzz test tampers with copies)."""

    events: list[StoredEvent]
    heads: dict[str, StoredHead]
    organization_ids: set[int]
    checkpoints: list[StoredCheckpoint] = field(default_factory=list)
    file_checkpoints: list[StoredCheckpoint] | None = None


# ---- checkpoints --------------------------------------------------------------------------------

CHECKPOINT_CONTEXT = b"rasad-audit-checkpoint\x00"


def checkpoint_digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def signature_valid(checkpoint: StoredCheckpoint) -> bool:
    from nacl.exceptions import BadSignatureError, CryptoError
    from nacl.signing import VerifyKey

    try:
        key = VerifyKey(bytes.fromhex(checkpoint.key))
        key.verify(CHECKPOINT_CONTEXT + checkpoint.body.encode(), bytes.fromhex(checkpoint.signature))
    except (ValueError, TypeError, BadSignatureError, CryptoError):
        return False
    return True


def fold_checkpoints(
    checkpoints: list[StoredCheckpoint],
    file_checkpoints: list[StoredCheckpoint] | None,
    trusted_keys: set[str],
    *,
    restored: bool = False,
    notes: Callable[[str], None] | None = None,
) -> tuple[dict[str, tuple[int, str]], list[Problem]]:
    """Check the signed checkpoints and return the heads they anchor: ``{chain: (sequence, hash)}``
    as of the newest checkpoint, and the problems found."""
    problems: list[Problem] = []
    anchors: dict[str, tuple[int, str]] = {}

    def problem(number: int, detail: str) -> None:
        problems.append(Problem("checkpoint", number, None, "checkpoint", detail))

    previous = GENESIS
    expected_number = 1
    for checkpoint in sorted(checkpoints, key=lambda c: c.number):
        if checkpoint.key not in trusted_keys:
            problem(
                checkpoint.number, f"checkpoint {checkpoint.number} is signed by a key that is not trusted"
            )
        elif not signature_valid(checkpoint):
            problem(checkpoint.number, f"checkpoint {checkpoint.number} has an invalid signature")
        try:
            body = json.loads(checkpoint.body)
            heads = body["heads"]
            number, prev = int(body["number"]), str(body["prev"])
        except (ValueError, KeyError, TypeError):
            problem(checkpoint.number, f"checkpoint {checkpoint.number} cannot be read")
            continue
        if number != checkpoint.number:
            problem(checkpoint.number, f"checkpoint {checkpoint.number} says it is number {number}")
        if checkpoint.number > expected_number:
            problem(expected_number, f"checkpoints {expected_number}..{checkpoint.number - 1} are missing")
        elif prev != previous:
            problem(checkpoint.number, f"checkpoint {checkpoint.number} does not follow the one before it")
        for chain, (sequence, digest) in heads.items():
            anchors[chain] = (int(sequence), str(digest))
        previous = checkpoint_digest(checkpoint.body)
        expected_number = checkpoint.number + 1
    if file_checkpoints is not None:
        in_database = {c.number: c for c in checkpoints}
        newest = max(in_database, default=0)
        for line in file_checkpoints:
            stored = in_database.get(line.number)
            if stored is not None and stored.body != line.body and line.number <= newest:
                if restored:
                    continue
                problem(line.number, f"checkpoint {line.number} differs from the checkpoint file")
            elif stored is None and line.number > newest:
                detail = (
                    f"the checkpoint file holds checkpoint {line.number}, newer than any in the database: "
                    "the newest checkpoints were deleted (or the database was restored from a backup)"
                )
                if restored:
                    if notes is not None:
                        notes(detail)
                    continue
                problem(line.number, detail)
            elif stored is None and line.key in trusted_keys:
                problem(line.number, f"checkpoint {line.number} is in the file but not in the database")
    return anchors, problems


# ---- events -------------------------------------------------------------------------------------


def _ip_equal(column: str | None, stored: Any) -> bool:
    if not column or not stored:
        return column in (None, "") and stored in (None, "")
    try:
        return ipaddress.ip_address(column) == ipaddress.ip_address(str(stored))
    except ValueError:
        return False


def _content_problem(event: StoredEvent) -> tuple[str | None, dict[str, Any] | None]:
    """Why the event's content fails (None if it holds), and its parsed body."""
    if hash_body(event.prev_hash, event.body) != event.hash:
        return "its text does not match its hash", None
    try:
        payload = json.loads(event.body)
    except ValueError:
        return "its text is not JSON", None
    if not isinstance(payload, dict):
        return "its text is not a JSON object", None
    columns = {
        "chain": event.chain,
        "created": iso_utc(event.created),
        "event_type": event.event_type,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "organization_id": event.organization_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "request_id": event.request_id,
    }
    for name, value in columns.items():
        if payload.get(name) != value or type(payload.get(name)) is not type(value):
            return f"its column {name} differs from what was hashed", payload
    if not _ip_equal(event.ip, payload.get("ip")):
        return "its column ip differs from what was hashed", payload
    return None, payload


def _check_chain(
    chain: str,
    events: list[StoredEvent],
    head: StoredHead | None,
    anchor: tuple[int, str] | None,
) -> list[Problem]:
    """Every problem of one chain, in four passes over its events (sorted by sequence, id)."""
    check = _ChainCheck(chain)
    check.check_events(events)
    ordered = check.keep_one_per_position(events, head, anchor)
    check.check_links(ordered)
    check.check_end(ordered, head, anchor)
    return check.problems


@dataclass
class _ChainCheck:
    """The problems found so far in one chain, and the events they name (``flagged``): a flagged
    event is not blamed a second time for the links around it."""

    chain: str
    problems: list[Problem] = field(default_factory=list)
    flagged: set[int] = field(default_factory=set)

    def report(self, event: StoredEvent | None, sequence: int, kind: str, detail: str) -> None:
        self.problems.append(Problem(self.chain, sequence, event.id if event else None, kind, detail))
        if event is not None:
            self.flagged.add(event.id)

    def check_events(self, events: list[StoredEvent]) -> None:
        """1. Each event on its own: its content, its position and its organization."""
        organization_id, _shard = parse_chain(self.chain) or (None, 0)
        for event in events:
            why, payload = _content_problem(event)
            if why is not None:
                self.report(event, event.sequence, "modified", f"event {event.id} was modified: {why}")
                continue
            assert payload is not None
            if payload.get("sequence") != event.sequence:
                self.report(
                    event,
                    event.sequence,
                    "reordered",
                    f"event {event.id} was written at position {payload.get('sequence')}, "
                    f"but sits at {event.sequence}",
                )
            elif payload.get("organization_id") != organization_id:
                self.report(
                    event,
                    event.sequence,
                    "misplaced",
                    f"event {event.id} belongs to organization {payload.get('organization_id')}, "
                    f"not to chain {self.chain}",
                )

    def keep_one_per_position(
        self, events: list[StoredEvent], head: StoredHead | None, anchor: tuple[int, str] | None
    ) -> list[StoredEvent]:
        """2. One event per position: the one the chain goes on from (or the head or the anchor
        names) is kept, the others were added. Returns the kept events in order."""
        ordered: list[StoredEvent] = []
        groups = [list(group) for _key, group in groupby(events, key=lambda e: e.sequence)]
        for index, group in enumerate(groups):
            if len(group) == 1:
                ordered.append(group[0])
                continue
            following = groups[index + 1] if index + 1 < len(groups) else []
            linked = {e.prev_hash for e in following}
            sequence = group[0].sequence
            candidates = (
                [e for e in group if e.hash in linked]
                or [
                    e for e in group if head is not None and head.sequence == sequence and head.hash == e.hash
                ]
                or [e for e in group if anchor is not None and anchor == (sequence, e.hash)]
                or [e for e in group if e.id not in self.flagged]
                or group
            )
            keep = min(candidates, key=lambda e: e.id)
            ordered.append(keep)
            for event in group:
                if event is not keep:
                    self.flagged.discard(event.id)
                    self.problems[:] = [p for p in self.problems if p.event_id != event.id]
                    self.report(
                        event, sequence, "added", f"event {event.id} was added at position {sequence}"
                    )
        return ordered

    def check_links(self, ordered: list[StoredEvent]) -> None:
        """3. The links: no position is skipped, and each event names the hash of the one before."""
        previous: StoredEvent | None = None
        for event in ordered:
            expected = previous.sequence + 1 if previous else 1
            if event.sequence > expected:
                self.report(
                    None,
                    expected,
                    "missing",
                    f"events {expected}..{event.sequence - 1} are missing before event {event.id}",
                )
            elif (
                event.prev_hash != (previous.hash if previous else GENESIS)
                and event.id not in self.flagged
                and (previous is None or previous.id not in self.flagged)
            ):
                culprit = previous or event
                self.report(
                    culprit,
                    culprit.sequence,
                    "modified",
                    f"event {culprit.id} was rewritten: the event after it does not link to it",
                )
            previous = event

    def check_end(
        self, ordered: list[StoredEvent], head: StoredHead | None, anchor: tuple[int, str] | None
    ) -> None:
        """4. The end of the chain: its head, then the latest checkpoint (unless the head already
        shows the end was cut off)."""
        truncated = self.check_head(ordered, head, anchor)
        if anchor is not None and not truncated:
            self.check_anchor(ordered, anchor)

    def check_head(
        self, ordered: list[StoredEvent], head: StoredHead | None, anchor: tuple[int, str] | None
    ) -> bool:
        """The head names the last event; True when events were removed from the end."""
        chain = self.chain
        last = ordered[-1] if ordered else None
        end = last.sequence if last else 0
        if head is None:
            if ordered:
                self.report(None, end, "head_missing", f"chain {chain} has {len(ordered)} events but no head")
        elif end < head.sequence:
            self.report(
                None, end + 1, "truncated", f"events {end + 1}..{head.sequence} were removed from the end"
            )
            return True
        elif end == head.sequence:
            if (last.hash if last else GENESIS) != head.hash and (
                last is None or last.id not in self.flagged
            ):
                self.report(
                    None, head.sequence, "head_mismatch", f"the head of {chain} does not name its last event"
                )
        elif anchor is not None and anchor[0] > head.sequence:
            self.report(
                None, head.sequence, "head_mismatch", f"the head of {chain} was moved back to {head.sequence}"
            )
        else:
            for event in ordered:
                if event.sequence > head.sequence:
                    self.report(event, event.sequence, "added", f"event {event.id} lies beyond the head")
        return False

    def check_anchor(self, ordered: list[StoredEvent], anchor: tuple[int, str]) -> None:
        """The latest checkpoint: the chain still reaches it, and its event is the one it names."""
        end = ordered[-1].sequence if ordered else 0
        anchored_sequence, anchored_hash = anchor
        if end < anchored_sequence:
            self.report(
                None,
                end + 1,
                "truncated",
                f"events {end + 1}..{anchored_sequence} were removed from the end (checkpointed)",
            )
        else:
            at = next((e for e in ordered if e.sequence == anchored_sequence), None)
            if at is not None and at.hash != anchored_hash and at.id not in self.flagged:
                self.report(at, anchored_sequence, "rewritten", f"event {at.id} is not the one checkpointed")


def verify_trail(
    trail: Trail,
    trusted_keys: set[str],
    *,
    restored: bool = False,
    notes: Callable[[str], None] | None = None,
    events: Iterable[StoredEvent] | None = None,
) -> Iterator[Problem]:
    """Every problem in the trail. ``events`` (sorted by chain, sequence, id) may stream from the
    database instead of ``trail.events``."""
    anchors, checkpoint_problems = fold_checkpoints(
        trail.checkpoints, trail.file_checkpoints, trusted_keys, restored=restored, notes=notes
    )
    yield from checkpoint_problems
    implied = {name for organization_id in trail.organization_ids for name in chain_names(organization_id)}
    stream = sorted(trail.events, key=lambda e: (e.chain, e.sequence, e.id)) if events is None else events
    seen: set[str] = set()

    def is_implied(chain: str) -> bool:
        parsed = parse_chain(chain)
        return parsed is not None and (parsed[0] is None or chain in implied)

    for chain, group in groupby(stream, key=lambda e: e.chain):
        chain_events = sorted(group, key=lambda e: (e.sequence, e.id))
        seen.add(chain)
        if not is_implied(chain):
            yield Problem(chain, 0, None, "forged_chain", f"chain {chain} belongs to no organization")
            continue
        yield from _check_chain(chain, chain_events, trail.heads.get(chain), anchors.get(chain))
    for chain in sorted((set(trail.heads) | implied | set(anchors)) - seen):
        head = trail.heads.get(chain)
        if not is_implied(chain):
            yield Problem(chain, 0, None, "forged_chain", f"chain head {chain} belongs to no organization")
        elif head is None and (chain in implied or chain in anchors):
            yield Problem(chain, 0, None, "chain_missing", f"chain {chain} is gone, head and events")
        else:
            yield from _check_chain(chain, [], head, anchors.get(chain))


# ---- the database -------------------------------------------------------------------------------


def load_trail(*, with_events: bool = True) -> Trail:
    from rasad.core.models import AuditChainHead, AuditCheckpoint, AuditEvent, Organization

    return Trail(
        events=[
            StoredEvent(*row)
            for row in AuditEvent.objects.order_by("chain", "sequence", "id").values_list(*EVENT_COLUMNS)
        ]
        if with_events
        else [],
        heads={h.chain: StoredHead(h.chain, h.sequence, h.hash) for h in AuditChainHead.objects.all()},
        organization_ids=set(Organization.objects.values_list("pk", flat=True)),
        checkpoints=[
            StoredCheckpoint(c.number, c.body, c.signature, c.key)
            for c in AuditCheckpoint.objects.order_by("number")
        ],
    )


def stream_events(batch_size: int = 2000) -> Iterator[StoredEvent]:
    """Every event in chain order, reporting progress (``rasad.lib.progress``: a bar on the
    ``rasad audit verify`` command, the task's progress in a background task)."""
    from rasad.core.models import AuditEvent
    from rasad.lib.progress import track

    rows = AuditEvent.objects.order_by("chain", "sequence", "id").values_list(*EVENT_COLUMNS)
    total = AuditEvent.objects.count()
    for row in track(rows.iterator(chunk_size=batch_size), total=total, note="events", every=500):
        yield StoredEvent(*row)


def verify(
    batch_size: int = 2000, *, restored: bool = False, notes: Callable[[str], None] | None = None
) -> Iterator[Problem]:
    """Walk every chain, head and checkpoint of the database and yield each problem found."""
    from rasad.core.audit_checkpoints import read_checkpoint_file, trusted_keys

    trail = load_trail(with_events=False)
    trail.file_checkpoints = read_checkpoint_file()
    yield from verify_trail(
        trail, trusted_keys(), restored=restored, notes=notes, events=stream_events(batch_size)
    )


__all__ = [
    "KINDS",
    "SHARDS",
    "Problem",
    "StoredCheckpoint",
    "StoredEvent",
    "StoredHead",
    "Trail",
    "chain_base",
    "load_trail",
    "verify",
    "verify_trail",
]
