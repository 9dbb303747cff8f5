"""Signed checkpoints of the chain heads: truncating the newest events or deleting a whole chain
is found even when the attacker fixed the heads too."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from nacl.signing import SigningKey

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_checkpoints import read_checkpoint_file, reanchor_after_restore, take_checkpoint
from rasad.core.audit_log import record
from rasad.core.audit_verify import CHECKPOINT_CONTEXT, verify
from rasad.core.models import AuditChainHead, AuditCheckpoint, AuditEvent
from rasad.testing.audit import tampering
from rasad.testing.cast import Cast


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Path]:
    with override_settings(
        AUDIT_KEY_PATH=tmp_path / "keys" / "node.key", AUDIT_CHECKPOINT_PATH=tmp_path / "checkpoints.jsonl"
    ):
        yield tmp_path


def kinds() -> list[str]:
    return [p.kind for p in verify()]


def test_the_first_checkpoint_makes_the_key_and_signs_every_chain(cast: Cast, node: Path):
    checkpoint = take_checkpoint()
    assert checkpoint is not None and checkpoint.number == 1
    key_file = node / "keys" / "node.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    heads = json.loads(checkpoint.body)["heads"]
    assert heads == {h.chain: [h.sequence, h.hash] for h in AuditChainHead.objects.filter(sequence__gt=0)}
    assert [c.body for c in read_checkpoint_file() or []] == [checkpoint.body]
    assert kinds() == []


def test_a_checkpoint_names_only_the_heads_that_moved(cast: Cast, node: Path):
    take_checkpoint()
    assert take_checkpoint() is None
    event = record(
        CoreAuditEvent.ORGANIZATION_CHANGED, actor=cast.root, organization=cast.kerman, new={"x": 1}
    )
    second = take_checkpoint()
    assert second is not None
    body = json.loads(second.body)
    assert (body["number"], list(body["heads"])) == (2, [event.chain])
    assert kinds() == []
    call_command("audit", "verify")


def _truncate_and_fix_head(chain: str) -> None:
    events = list(AuditEvent.objects.filter(chain=chain).order_by("sequence"))
    with tampering():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    AuditChainHead.objects.filter(chain=chain).update(sequence=events[-2].sequence, hash=events[-2].hash)


def test_truncation_with_the_head_fixed_is_found_only_thanks_to_the_checkpoint(cast: Cast, node: Path):
    chain = f"org:{cast.national.pk}/0"
    take_checkpoint()
    _truncate_and_fix_head(chain)
    assert kinds() == ["truncated"]


def test_without_a_checkpoint_the_same_truncation_would_pass(cast: Cast, node: Path):
    _truncate_and_fix_head(f"org:{cast.national.pk}/0")
    assert kinds() == []


def test_deleting_the_newest_checkpoint_row_is_found_in_the_file(cast: Cast, node: Path):
    take_checkpoint()
    record(CoreAuditEvent.ORGANIZATION_CHANGED, actor=cast.root, organization=cast.kerman, new={"x": 1})
    take_checkpoint()
    with tampering():
        AuditCheckpoint.objects.filter(number=2).delete()
    assert kinds() == ["checkpoint"]
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    # A database restored from a backup older than the newest checkpoint: a note, not a problem.
    call_command("audit", "verify", "--restored")


def test_a_checkpoint_signed_by_another_key_is_refused(cast: Cast, node: Path):
    take_checkpoint()
    stranger = SigningKey.generate()
    body = json.dumps({"number": 2, "created": "x", "prev": "0" * 64, "heads": {}})
    AuditCheckpoint.objects.create(
        number=2,
        created=AuditCheckpoint.objects.get().created,
        body=body,
        signature=stranger.sign(CHECKPOINT_CONTEXT + body.encode()).signature.hex(),
        key=stranger.verify_key.encode().hex(),
    )
    problems = [p.detail for p in verify()]
    assert any("not trusted" in d for d in problems)
    assert any("does not follow" in d for d in problems)


def test_the_command_signs_and_then_verifies(cast: Cast, node: Path, capsys):
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit checkpoint 1 signed" in out
    assert "anchored by checkpoint 1" in out


def test_the_public_key_is_what_peers_trust(cast: Cast, node: Path, capsys):
    call_command("audit", "public-key")
    key = capsys.readouterr().out.strip()
    checkpoint = take_checkpoint()
    assert checkpoint is not None and checkpoint.key == key and len(key) == 64


def test_a_restore_is_on_the_record_and_re_anchors_the_trail(cast: Cast, node: Path):
    """A node restores its own backup: its checkpoint file holds a checkpoint newer than the
    backup. The restore sets the file aside, records itself, and signs the restored heads, so
    verify passes without --restored and the lost checkpoint is named in the trail."""
    from django.db import transaction

    take_checkpoint()

    def checkpoint_after_the_backup() -> None:
        with transaction.atomic():
            record(
                CoreAuditEvent.ORGANIZATION_CHANGED, actor=cast.root, organization=cast.kerman, new={"x": 1}
            )
            assert take_checkpoint() is not None  # written to the file, rolled back in the database
            raise RuntimeError("the backup was taken before this checkpoint")

    with pytest.raises(RuntimeError):
        checkpoint_after_the_backup()
    assert kinds() == ["checkpoint"]

    checkpoint = reanchor_after_restore(backup_created="2026-12-02T20:00:00+00:00", archive_sha256="ab" * 32)

    assert checkpoint is not None and checkpoint.number == 2
    assert kinds() == []
    (set_aside,) = node.glob("checkpoints.jsonl.before-restore-*")
    assert [c.number for c in read_checkpoint_file(set_aside) or []] == [1, 2]
    assert [c.number for c in read_checkpoint_file() or []] == [1, 2]
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.DATABASE_RESTORED)
    assert event.chain.startswith("system/")
    assert event.extra == {
        "archive_sha256": "ab" * 32,
        "backup_created": "2026-12-02T20:00:00+00:00",
        "checkpoint_file_set_aside": str(set_aside),
        "checkpoints_not_restored": [2],
    }
    call_command("audit", "verify")


def test_a_restore_on_a_new_node_sets_nothing_aside(cast: Cast, node: Path):
    checkpoint = reanchor_after_restore(backup_created="2026-12-02T20:00:00+00:00", archive_sha256="cd" * 32)
    assert checkpoint is not None and checkpoint.number == 1
    assert not list(node.glob("*.before-restore-*"))
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.DATABASE_RESTORED)
    assert event.extra["checkpoint_file_set_aside"] == ""
    assert kinds() == []


def test_verify_reports_its_progress(cast: Cast, node: Path, capsys):
    """``rasad audit verify`` draws a bar on a terminal; the events walked are reported as they
    stream (here to a sink, as the bar would receive them)."""
    from rasad.lib.progress import reporting_to
    from rasad.lib.tests.test_progress import Sink

    sink = Sink()
    with reporting_to(sink):
        call_command("audit", "verify")
    count = AuditEvent.objects.count()
    assert count > 0
    assert sink.seen[0] == (0, count, "events")
    assert sink.seen[-1] == (count, count, "events")
