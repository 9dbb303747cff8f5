"""1,000 random single tamperings of the audit trail, each detected and named with its kind.

The trail is built once through the actions (the test cast, a few events with decimal numbers,
refusals, and a signed checkpoint over all of it), loaded as plain rows, and each tampering is
applied to a copy in memory and checked with the same function ``rasad audit verify`` runs. The
seed is fixed (RASAD_AUDIT_FUZZ_SEED overrides it), so a failure can be replayed."""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_checkpoints import read_checkpoint_file, take_checkpoint, trusted_keys
from rasad.core.audit_log import GENESIS, SHARDS, canonical, hash_body, record
from rasad.core.audit_verify import StoredEvent, StoredHead, Trail, load_trail, verify_trail
from rasad.testing.cast import Cast

ROUNDS = 1000
SEED = int(os.environ.get("RASAD_AUDIT_FUZZ_SEED", "20261202"))
TAMPERINGS = (
    "modify a byte",
    "change a number's precision",
    "delete",
    "reorder",
    "insert",
    "truncate",
    "delete a chain with its head",
    "forge a head",
    "forge a chain",
)
EXPECTED = {
    "modify a byte": "modified",
    "change a number's precision": "modified",
    "delete": "missing",
    "reorder": "reordered",
    "insert": "added",
    "truncate": "truncated",
    "delete a chain with its head": "chain_missing",
    "forge a head": "head_mismatch",
    "forge a chain": "forged_chain",
}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _number_spans(text: str) -> list[tuple[int, int]]:
    """Where the JSON number tokens are (outside strings)."""
    spans, index, inside = [], 0, False
    while index < len(text):
        char = text[index]
        if inside:
            if char == "\\":
                index += 2
                continue
            inside = char != '"'
        elif char == '"':
            inside = True
        elif char in "-0123456789":
            match = _NUMBER.match(text, index)
            assert match is not None
            spans.append(match.span())
            index = match.end()
            continue
        index += 1
    return spans


def _event_from(
    template: StoredEvent, *, id: int, chain: str, sequence: int, prev_hash: str, changes: dict[str, Any]
) -> StoredEvent:
    """A forged event that is consistent in itself (its columns agree with its hashed text)."""
    import json

    payload = json.loads(template.body) | {"chain": chain, "sequence": sequence} | changes
    body = canonical(payload).decode()
    return replace(
        template,
        id=id,
        chain=chain,
        sequence=sequence,
        actor_name=payload["actor_name"],
        organization_id=payload["organization_id"],
        body=body,
        prev_hash=prev_hash,
        hash=hash_body(prev_hash, body),
    )


def tamper(trail: Trail, kind: str, rng: random.Random) -> Trail:
    events = list(trail.events)
    heads = dict(trail.heads)
    chains: dict[str, list[StoredEvent]] = {}
    for event in sorted(events, key=lambda e: (e.chain, e.sequence)):
        chains.setdefault(event.chain, []).append(event)
    next_id = max(e.id for e in events) + 1

    def pick_chain(minimum: int) -> list[StoredEvent]:
        return chains[rng.choice(sorted(c for c, es in chains.items() if len(es) >= minimum))]

    def swap(old: StoredEvent, new: StoredEvent) -> None:
        events[events.index(old)] = new

    if kind == "modify a byte":
        victim = rng.choice(events)
        column = rng.choice(["body"] * 6 + ["actor_name", "object_repr", "object_id", "hash", "prev_hash"])
        text = getattr(victim, column) or "x"
        position = rng.randrange(len(text))
        alphabet = "0123456789abcdef" if column.endswith("hash") else 'ab{}[]:,"01 .ز-'
        replacement = rng.choice([c for c in alphabet if c != text[position]])
        changed: dict[str, Any] = {column: text[:position] + replacement + text[position + 1 :]}
        swap(victim, replace(victim, **changed))
    elif kind == "change a number's precision":
        victim = rng.choice([e for e in events if _number_spans(e.body)])
        start, end = rng.choice(_number_spans(victim.body))
        token = victim.body[start:end]
        longer = token + ("0" if "." in token else ".0") if "e" not in token.lower() else token + "0"
        new = rng.choice([longer, token + "e0"]) if "e" not in token.lower() else longer
        swap(victim, replace(victim, body=victim.body[:start] + new + victim.body[end:]))
    elif kind == "delete":
        chain = pick_chain(3)
        events.remove(chain[rng.randrange(len(chain) - 1)])
    elif kind == "reorder":
        chain = pick_chain(2)
        first, second = rng.sample(chain, 2)
        swap(first, replace(first, sequence=second.sequence))
        swap(second, replace(second, sequence=first.sequence))
    elif kind == "insert":
        chain = pick_chain(1)
        if rng.random() < 0.5:
            at = rng.choice(chain)
            forged = _event_from(
                at,
                id=next_id,
                chain=at.chain,
                sequence=at.sequence,
                prev_hash=at.prev_hash,
                changes={"actor_name": "mallory"},
            )
        else:
            last = chain[-1]
            forged = _event_from(
                last,
                id=next_id,
                chain=last.chain,
                sequence=last.sequence + 1,
                prev_hash=last.hash,
                changes={},
            )
        events.append(forged)
    elif kind == "truncate":
        chain = pick_chain(1)
        keep = rng.randrange(len(chain))
        for event in chain[keep:]:
            events.remove(event)
        if rng.random() < 0.5:  # the careful attacker fixes the head too; the checkpoint still knows
            tail = chain[keep - 1] if keep else None
            heads[chain[0].chain] = StoredHead(
                chain[0].chain, tail.sequence if tail else 0, tail.hash if tail else GENESIS
            )
    elif kind == "delete a chain with its head":
        chain = pick_chain(1)
        for event in chain:
            events.remove(event)
        del heads[chain[0].chain]
    elif kind == "forge a head":
        chain = pick_chain(2)
        name = chain[0].chain
        if rng.random() < 0.5:
            heads[name] = replace(heads[name], hash=f"{rng.getrandbits(256):064x}")
        else:
            earlier = rng.choice(chain[:-1])
            heads[name] = StoredHead(name, earlier.sequence, earlier.hash)
    elif kind == "forge a chain":
        source = pick_chain(1)
        name = rng.choice(
            [f"org:{max(trail.organization_ids) + rng.randrange(1, 1000)}/0", f"system/{SHARDS + 1}"]
        )
        prev = GENESIS
        for event in source[: rng.randrange(1, len(source) + 1)]:
            forged = _event_from(
                event, id=next_id, chain=name, sequence=event.sequence, prev_hash=prev, changes={}
            )
            events.append(forged)
            prev, next_id = forged.hash, next_id + 1
        if rng.random() < 0.5:
            heads[name] = StoredHead(name, events[-1].sequence, prev)
    else:
        raise AssertionError(kind)
    return Trail(events, heads, set(trail.organization_ids), list(trail.checkpoints), trail.file_checkpoints)


@pytest.fixture
def anchored_trail(cast: Cast, tmp_path: Path) -> tuple[Trail, set[str]]:
    with override_settings(
        AUDIT_KEY_PATH=tmp_path / "node.pem", AUDIT_CHECKPOINT_PATH=tmp_path / "checkpoints.jsonl"
    ):
        for index, value in enumerate([0.5, 12, 3.25, -7, 1e-05, 1024]):
            organization = [cast.isfahan, cast.kerman_post, None][index % 3]
            record(
                CoreAuditEvent.ORGANIZATION_CHANGED,
                actor=cast.root,
                organization=organization,
                new={"value": value, "note": 'تغییر "آزمایشی"'},
            )
        assert take_checkpoint() is not None
        trail = load_trail()
        trail.file_checkpoints = read_checkpoint_file()
        keys = trusted_keys()
    return trail, keys


def test_the_untouched_trail_verifies(anchored_trail: tuple[Trail, set[str]]):
    trail, keys = anchored_trail
    assert list(verify_trail(trail, keys)) == []
    assert len({e.chain for e in trail.events}) == 6
    assert len(trail.checkpoints) == 1


def test_a_thousand_random_tamperings_are_each_detected_and_named(anchored_trail: tuple[Trail, set[str]]):
    trail, keys = anchored_trail
    rng = random.Random(SEED)
    tally: Counter[str] = Counter()
    wrong: list[str] = []
    for round_number in range(ROUNDS):
        kind = (
            TAMPERINGS[round_number % len(TAMPERINGS)]
            if round_number < len(TAMPERINGS)
            else rng.choice(TAMPERINGS)
        )
        state = rng.getstate()
        tampered = tamper(trail, kind, rng)
        found = {p.kind for p in verify_trail(tampered, keys)}
        if found == {EXPECTED[kind]}:
            tally[kind] += 1
        else:
            rng_after = rng.getstate()
            rng.setstate(state)
            detail = [f"{p.kind}: {p.detail}" for p in verify_trail(tamper(trail, kind, rng), keys)]
            rng.setstate(rng_after)
            wrong.append(
                f"round {round_number} ({kind}, seed {SEED}): expected {EXPECTED[kind]}, got {detail}"
            )
    assert wrong == [], "\n".join(wrong[:10])
    assert sum(tally.values()) == ROUNDS
    assert set(tally) == set(TAMPERINGS)
