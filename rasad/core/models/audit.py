from __future__ import annotations

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
    they describe. Each row's ``hash`` covers its content and the previous row's hash in the same
    chain (one chain per top-level organization, plus ``system``), so modifying, deleting or
    reordering a row is detected by ``rasad audit verify``. Foreign keys are stored without
    database constraints so that deleting a user or organization never rewrites history.
    """

    chain = models.CharField(max_length=40, db_index=True)
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
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence_unique")
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.chain}#{self.sequence} {self.event_type}"


class AuditChainHead(models.Model):
    """The last sequence number and hash of one audit chain; locked while appending."""

    chain = models.CharField(max_length=40, unique=True)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain}@{self.sequence}"
