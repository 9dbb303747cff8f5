from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rasad.core.querysets import ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet["AuditEvent"]):
    """Events of organizations where the reader holds ``core.view_auditevent``; the system chain
    (sign-ins, two-factor) has no organization, so only platform administrators read it."""

    scope_field = "organization"


class AuditEvent(models.Model):
    """One entry of the tamper-evident audit trail.

    Rows are written only by ``rasad.core.audit_log.record``, inside the transaction of the change
    they describe, and are never updated or deleted (the database refuses it: see
    docs/security.md). ``body`` is the exact canonical JSON text that was hashed; the other
    columns repeat some of its fields so that they can be filtered and indexed, and
    ``rasad audit verify`` checks that they still agree with it. Each row's ``hash`` covers
    ``body`` and the previous row's hash in the same chain (one chain per organization and shard,
    plus the ``system`` shards), so modifying, deleting, reordering or adding a row is detected.
    Foreign keys are stored without database constraints so that deleting a user or organization
    never rewrites history.
    """

    # No index of its own: the unique (chain, sequence) serves every lookup by chain, and each
    # index is written by every append (docs/development/benchmarks.md, "Audit chain", session 23).
    chain = models.CharField(max_length=40)
    sequence = models.PositiveBigIntegerField()
    created = models.DateTimeField(db_index=True)
    event_type = models.PositiveIntegerField(db_index=True)
    actor = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    body = models.TextField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence_unique")
        ]
        # ``object_id`` alone has a plain index (the API's filter is exact), not ``db_index``,
        # which on PostgreSQL adds a second one for ``LIKE`` that nothing asks.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["object_id"], name="audit_object_id_idx"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.chain}#{self.sequence} {self.event_type}"

    @cached_property
    def payload(self) -> dict[str, Any]:
        """The hashed content, parsed from ``body``."""
        value = json.loads(self.body) if self.body else {}
        return value if isinstance(value, dict) else {}

    @property
    def old(self) -> Any:
        """The changed fields' values before the change."""
        return self.payload.get("old")

    @property
    def new(self) -> Any:
        """The changed fields' values after the change."""
        return self.payload.get("new")

    @property
    def extra(self) -> Any:
        """What else the event records (the batch digest, the refused action, ...)."""
        return self.payload.get("extra", {})


class AuditChainHead(models.Model):
    """The last sequence number and hash of one audit chain; locked while appending.

    Every organization has its heads from the moment it is created (one per shard), so that a
    chain deleted together with its head is still missed by ``rasad audit verify``."""

    chain = models.CharField(max_length=40, unique=True)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain}@{self.sequence}"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain heads at one moment (append-only, like the events).

    ``body`` is canonical JSON naming the checkpoint's number, time, the hash of the previous
    checkpoint's body and the heads that changed since it; ``signature`` is the node's Ed25519
    signature of the body, and ``key`` the node's public key. The same lines are appended to a
    file outside the database (``RASAD_AUDIT_CHECKPOINT_PATH``)."""

    number = models.PositiveBigIntegerField(unique=True)
    created = models.DateTimeField()
    body = models.TextField()
    signature = models.CharField(max_length=128)
    key = models.CharField(max_length=64)

    class Meta:
        ordering = ["number"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.number}"


class AccessDenialTally(models.Model):
    """Refused accesses of one actor to one object type in one minute, not yet in the trail.

    The first refusal of the minute is an audit event at once; the ones after it only count
    here, and are folded into one summary event when the minute is over, so that a flood of
    refusals writes a bounded number of events."""

    bucket = models.CharField(max_length=200, unique=True)
    actor = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    object_type = models.CharField(max_length=100)
    minute = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=1)
    object_ids = models.TextField(blank=True)
    actions = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("access denial tally")
        verbose_name_plural = _("access denial tallies")

    def __str__(self) -> str:
        return self.bucket
