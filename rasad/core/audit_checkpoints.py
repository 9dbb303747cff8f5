"""Signed checkpoints of the audit chain heads.

Every few minutes (``rasad audit checkpoint``, or the periodic task) the node signs the heads that
changed since the previous checkpoint with its Ed25519 key and appends the signed statement to the
append-only ``AuditCheckpoint`` table and to a file outside the database. Each checkpoint names
the hash of the one before it, so the checkpoints form a chain of their own. ``rasad audit
verify`` folds them into the heads as of the newest checkpoint, and so finds the newest events
truncated or a whole chain deleted even when the attacker fixed the head rows too.

The node key is generated on first use at ``RASAD_AUDIT_KEY_PATH`` (its seed in hex, mode 0600) and
never enters the database. Other nodes' public keys are trusted through
``RASAD_AUDIT_TRUSTED_KEYS``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from nacl.signing import SigningKey

from rasad.core.audit_log import GENESIS, canonical, iso_utc
from rasad.core.audit_verify import CHECKPOINT_CONTEXT, StoredCheckpoint, checkpoint_digest

if TYPE_CHECKING:
    from rasad.core.models import AuditCheckpoint


def _key_path() -> Path:
    return Path(settings.AUDIT_KEY_PATH)


def _file_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_PATH)


def node_key(*, create: bool) -> SigningKey | None:
    """The node's signing key; generated (mode 0600) when ``create`` and there is none yet. The
    file holds the key's 32-byte seed in hex."""
    path = _key_path()
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        seed = SigningKey.generate().encode().hex()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process generated it a moment ago: use theirs
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(seed + "\n")
                handle.flush()
                os.fsync(handle.fileno())
    try:
        return SigningKey(bytes.fromhex(path.read_text(encoding="ascii").strip()))
    except ValueError as error:
        raise ValueError(f"{path} does not hold an Ed25519 key seed in hex") from error


def public_hex(key: SigningKey) -> str:
    return key.verify_key.encode().hex()


def trusted_keys() -> set[str]:
    """Public keys whose checkpoints verify: this node's and the configured peers'."""
    keys = {key.strip().lower() for key in settings.AUDIT_TRUSTED_KEYS if key.strip()}
    own = node_key(create=False)
    if own is not None:
        keys.add(public_hex(own))
    return keys


def read_checkpoint_file(path: Path | None = None) -> list[StoredCheckpoint] | None:
    """The checkpoints in the file, or None when there is no file (a fresh node, or a copy)."""
    path = path or _file_path()
    if not path.exists():
        return None
    checkpoints = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            number = int(json.loads(entry["body"])["number"])
            checkpoints.append(StoredCheckpoint(number, entry["body"], entry["signature"], entry["key"]))
        except (ValueError, KeyError, TypeError):
            checkpoints.append(StoredCheckpoint(-1, line, "", ""))
    return checkpoints


def _append_to_file(checkpoints: list[StoredCheckpoint]) -> None:
    path = _file_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with path.open("a", encoding="utf-8") as handle:
        for checkpoint in checkpoints:
            line = canonical(
                {"body": checkpoint.body, "key": checkpoint.key, "signature": checkpoint.signature}
            )
            handle.write(line.decode() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def anchored_heads(checkpoints: list[StoredCheckpoint]) -> dict[str, tuple[int, str]]:
    heads: dict[str, tuple[int, str]] = {}
    for checkpoint in sorted(checkpoints, key=lambda c: c.number):
        for chain, (sequence, digest) in json.loads(checkpoint.body)["heads"].items():
            heads[chain] = (int(sequence), str(digest))
    return heads


def take_checkpoint() -> AuditCheckpoint | None:
    """Fold finished minutes of refused accesses into the trail, then sign the heads that changed
    since the previous checkpoint. Returns the new checkpoint, or None when nothing changed."""
    from rasad.core.audit import fold_access_denials
    from rasad.core.models import AuditChainHead, AuditCheckpoint

    fold_access_denials()
    key = node_key(create=True)
    assert key is not None
    own = public_hex(key)
    with transaction.atomic():
        stored = [
            StoredCheckpoint(c.number, c.body, c.signature, c.key)
            for c in AuditCheckpoint.objects.order_by("number")
        ]
        anchored = anchored_heads(stored)
        changed = {
            head.chain: [head.sequence, head.hash]
            for head in AuditChainHead.objects.filter(sequence__gt=0).order_by("chain")
            if anchored.get(head.chain) != (head.sequence, head.hash)
        }
        if stored and not changed:
            checkpoint = None
        else:
            now = timezone.now()
            number = stored[-1].number + 1 if stored else 1
            body = canonical(
                {
                    "number": number,
                    "created": iso_utc(now),
                    "prev": checkpoint_digest(stored[-1].body) if stored else GENESIS,
                    "heads": changed,
                }
            ).decode()
            signature = key.sign(CHECKPOINT_CONTEXT + body.encode()).signature.hex()
            try:
                with transaction.atomic():
                    checkpoint = AuditCheckpoint.objects.create(
                        number=number, created=now, body=body, signature=signature, key=own
                    )
            except IntegrityError:
                return None  # another node took this checkpoint at the same moment
            stored.append(StoredCheckpoint(number, body, signature, own))
    in_file = {c.body for c in read_checkpoint_file() or []}
    missing = [c for c in stored if c.key == own and c.body not in in_file]
    if missing:
        _append_to_file(missing)
    return checkpoint


def reanchor_after_restore(*, backup_created: str, archive_sha256: str) -> AuditCheckpoint | None:
    """After ``rasad restore``: declare the restore in the trail and anchor the restored heads.

    A node that restores its own backup still has its checkpoint file, which may hold checkpoints
    newer than the backup (they anchor events the restore took away, so ``verify`` would report
    them). The file is set aside under a name that says so, never deleted; a "Database restored"
    event on the system chain records the backup, the file set aside and the newest checkpoint it
    held; then a new checkpoint signs the restored heads and starts a new file with every
    checkpoint of this node in the database. The loss of the events after the backup is thus on
    the record instead of silent, and ``verify`` passes without ``--restored``."""
    from rasad.core.audit import CoreAuditEvent
    from rasad.core.audit_log import record
    from rasad.core.models import AuditCheckpoint

    path = _file_path()
    in_file = read_checkpoint_file(path) or []
    in_database = set(AuditCheckpoint.objects.values_list("body", flat=True))
    newer = [c for c in in_file if c.body not in in_database]
    set_aside = ""
    if newer:
        target = path.with_name(f"{path.name}.before-restore-{timezone.now():%Y%m%dT%H%M%SZ}")
        path.rename(target)
        set_aside = str(target)
    with transaction.atomic():
        record(
            CoreAuditEvent.DATABASE_RESTORED,
            actor=None,
            object_repr=f"backup of {backup_created}",
            extra={
                "backup_created": backup_created,
                "archive_sha256": archive_sha256,
                "checkpoint_file_set_aside": set_aside,
                "checkpoints_not_restored": sorted(c.number for c in newer),
            },
        )
    return take_checkpoint()
