"""What the intake world is: documents people submit, the proposals read from them, the other
names organizations go by, and the people documents name."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from rasad.core.models import OrganizationOwnedModel, TimestampedModel
from rasad.intake.choices import AliasSource, ProposalField, ProposalStatus, SourceKind
from rasad.intake.querysets import (
    IntakeDocumentQuerySet,
    KnownPersonQuerySet,
    OrganizationAliasQuerySet,
    ProposalQuerySet,
)
from rasad.lib import search


class IntakeDocument(OrganizationOwnedModel):
    """A news report or the minutes of a meeting that someone pasted or uploaded to be read.

    ``original_text`` is the text as it came (from the paste, or read out of the file);
    ``text`` is its normalized form, which every proposal's character spans point into. The
    uploaded file itself is not kept: only what was read from it. ``organization`` is the one
    the document was submitted for; it decides who may see and review it.
    """

    title = models.CharField(_("title"), max_length=300)
    source_kind = models.CharField(_("source"), max_length=16, choices=SourceKind.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    original_text = models.TextField(_("original text"))
    text = models.TextField(_("normalized text"))
    sha256 = models.CharField(_("SHA-256 of the original text"), max_length=64, db_index=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    document_date_source = models.CharField(_("document date from"), max_length=16, blank=True)
    submitted_by = models.ForeignKey(
        "core.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("submitted by")
    )
    search_text = models.TextField(editable=False, default="")

    objects = IntakeDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("intake document")
        verbose_name_plural = _("intake documents")
        permissions = [("review_intakedocument", "Can accept, correct or reject proposals")]

    def __str__(self) -> str:
        return self.title


class Proposal(TimestampedModel):
    """One thing the engine proposes to record from a document (a date, an organization, a
    person, a place or a directive), with the words it came from and the rule that read it.

    ``data`` is what the engine proposed and never changes; ``values`` starts as a copy and
    holds the reviewer's corrections. An accepted proposal points at the record it became.
    """

    document = models.ForeignKey(IntakeDocument, on_delete=models.CASCADE, related_name="proposals")
    position = models.PositiveIntegerField(_("position"), default=0)
    field = models.CharField(_("field"), max_length=16, choices=ProposalField.choices)
    key = models.CharField(_("key"), max_length=300)
    text = models.TextField(_("text"))
    spans = models.JSONField(_("spans"), default=list)
    rule = models.CharField(_("rule"), max_length=64)
    data = models.JSONField(_("proposed values"), default=dict)
    values = models.JSONField(_("reviewed values"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    target = models.CharField(_("accepted as"), max_length=64, blank=True)
    record_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_id = models.CharField(max_length=64, blank=True)
    record_display = models.CharField(_("record"), max_length=300, blank=True)
    record = GenericForeignKey("record_type", "record_id")

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="intake_proposal_key_unique")]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.text[:80]}"

    @property
    def organization(self) -> object:
        return self.document.organization

    @property
    def first_span(self) -> tuple[int, int]:
        start, end = self.spans[0]
        return int(start), int(end)

    @property
    def source_words(self) -> str:
        """The words of the first span, as the document has them."""
        start, end = self.first_span
        return self.document.text[start:end]


class OrganizationAlias(TimestampedModel):
    """Another name an organization goes by in documents: an abbreviation («ایمیدرو»), a
    spelling, a short form. Learnt from reviewers' corrections or typed by an administrator; the
    extraction engine looks these up like the organization's own name."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.CASCADE,
        related_name="intake_aliases",
        verbose_name=_("organization"),
    )
    alias = models.CharField(_("alias"), max_length=200)
    # The matching key of the alias (rasad.intake.extraction.text.fold): one alias names one body.
    alias_key = models.CharField(max_length=200, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=16, choices=AliasSource.choices)
    created_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    search_text = models.TextField(editable=False, default="")

    objects = OrganizationAliasQuerySet.as_manager()

    class Meta:
        ordering = ["organization__path", "alias"]
        verbose_name = _("organization alias")
        verbose_name_plural = _("organization aliases")

    def __str__(self) -> str:
        return self.alias


class KnownPerson(OrganizationOwnedModel):
    """A person a document names, with their title, recorded by a reviewer. Not an account:
    people who sign in are users; this is who holds which position in which organization."""

    name = models.CharField(_("name"), max_length=150)
    honorific = models.CharField(_("honorific or rank"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    source_proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("source")
    )
    search_text = models.TextField(editable=False, default="")

    objects = KnownPersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("known person")
        verbose_name_plural = _("known people")

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name


# The alias's key holds its organization's name, kept fresh when the organization is renamed
# (rasad.lib.search.stored_key; docs/reference/persian-text.md, "How keys stay fresh").
search.stored_key(OrganizationAlias, "alias", "organization__name")
