"""What the cases world is: problems, risks, incidents and directives that organizations raise
and work, the calendar their deadlines are counted on, and the dossiers that carry them up to a
coordinating body."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import PurePath
from typing import IO, Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.cases.choices import (
    ASSIGNED_STATUSES,
    CLOCK_STATUSES,
    CaseKind,
    CaseStatus,
    HolidayKind,
    NotificationKind,
    Priority,
)
from rasad.cases.querysets import (
    CaseChildQuerySet,
    CaseQuerySet,
    DossierQuerySet,
    NotificationQuerySet,
    ReferenceQuerySet,
)
from rasad.core.models import TimestampedModel
from rasad.lib import encryption, stored_text
from rasad.lib.encryption import ConfidentialTextField

# The associated data binding an attachment's ciphertext to being an attachment of a case.
ATTACHMENT_CONTEXT = "cases.attachment"
# What the audit trail records instead of a confidential value (a changed field, a comment's text).
CONFIDENTIAL_MARK = "[confidential]"


class Category(TimestampedModel):
    """A subject area a case is about (energy supply, export and currency, cyber security, ...).
    Reference data, seeded by a migration and editable by administrators."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(TimestampedModel):
    """How many working hours an organization has to resolve a case of a kind and priority."""

    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    working_hours = models.PositiveIntegerField(_("working hours"))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "priority"]
        constraints = [models.UniqueConstraint(fields=["kind", "priority"], name="sla_policy_unique")]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return f"{self.kind}/{self.priority}: {self.working_hours}h"


class WorkingCalendarSettings(TimestampedModel):
    """The office week SLAs are counted on: Saturday to Wednesday hours, Thursday hours (or
    closed), Friday off. One row, ``code="default"``; holidays are separate rows."""

    code = models.SlugField(_("code"), max_length=40, unique=True, default="default")
    workday_start = models.TimeField(_("working day starts"))
    workday_end = models.TimeField(_("working day ends"))
    thursday_start = models.TimeField(_("Thursday starts"), null=True, blank=True)
    thursday_end = models.TimeField(_("Thursday ends"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            models.CheckConstraint(
                condition=Q(workday_end__gt=models.F("workday_start")), name="calendar_workday_order"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Holiday(TimestampedModel):
    """An official holiday or a one-off closure: nobody works on that day (Tehran time)."""

    date = models.DateField(_("date"), db_index=True)
    name_fa = models.CharField(_("Persian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=HolidayKind.choices, default=HolidayKind.FIXED)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["date", "name_fa"]
        constraints = [models.UniqueConstraint(fields=["date", "name_fa"], name="holiday_unique")]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name_fa}"


class Case(TimestampedModel):
    """One thing an organization needs handled: a challenge it needs help with, a risk it runs,
    an incident that happened at a place, or a directive it must carry out by a date.

    The reporter organization raised it; the owner organization works it (exactly one at a time,
    changed only by the race-free assign action); the assignee is the person doing the work.
    ``version`` increases with every change so concurrent writers can detect each other.
    """

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # What only those who may see the case may read (the names of informants, the details of an
    # incident at a border post): encrypted at rest under the operator's key, never searched,
    # exported or written into the audit trail (docs/security.md, "Encryption at rest").
    confidential_details = ConfidentialTextField(_("confidential details"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW, db_index=True
    )
    reporter_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="reported_cases",
        verbose_name=_("reporter organization"),
    )
    owner_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("owner organization"),
    )
    assignee = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    reported_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
        verbose_name=_("reported by"),
    )
    watchers = models.ManyToManyField(
        "core.User", blank=True, related_name="watched_cases", verbose_name=_("watchers")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # Indexed with the id below, in the lists' order (Meta.indexes).
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    # When the SLA clock last (re)started: at opening, and again when a case is reopened.
    sla_started_at = models.DateTimeField(default=timezone.now, editable=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_cases",
        verbose_name=_("escalated to"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    # Risks: a 5×5 matrix and a treatment plan.
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), null=True, blank=True)
    impact = models.PositiveSmallIntegerField(_("impact"), null=True, blank=True)
    treatment_plan = models.TextField(_("treatment plan"), blank=True)
    # Incidents: at a site (an organization) or a point inside Iran.
    site = models.ForeignKey(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="site_cases",
        verbose_name=_("site"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    province = models.ForeignKey(
        "core.Province", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("province")
    )
    # Directives: the meeting or agreement they come from.
    origin = models.CharField(_("origin"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    # What raised the case, when it came from elsewhere (an indicator alert's observation, ...).
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source_display = models.CharField(_("source"), max_length=200, blank=True)
    # The ongoing problem a case stands for, so that later records of it join the open case
    # instead of opening another ("indicators.breach:<indicator>:<organization>").
    source_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    source = GenericForeignKey("source_type", "source_id")
    search_text = models.TextField(editable=False, default="")

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        # indexes (below): the lists' order as one index, so that a page of the newest cases is
        # read from it and stops at the page's end. With opened_at alone, cases opened at the same
        # moment (an import) were joined and sorted whole: 122 ms for 9,000 visible cases.
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("triage_case", "Can triage or reject cases"),
            ("assign_case", "Can assign cases"),
            ("resolve_case", "Can resolve cases"),
            ("comment_case", "Can comment on cases"),
            ("forward_case", "Can consolidate cases and forward dossiers"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=5),
                name="case_likelihood_range",
            ),
            models.CheckConstraint(
                condition=Q(impact__isnull=True) | Q(impact__gte=1, impact__lte=5),
                name="case_impact_range",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=ASSIGNED_STATUSES) | Q(assignee__isnull=False),
                name="case_worked_has_assignee",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.MERGED) | Q(merged_into__isnull=False),
                name="case_merged_has_target",
            ),
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["-opened_at", "-id"], name="case_newest_first"),
            # The scoped lists' count: visibility is decided by the two organizations and the
            # key (forwarded dossiers), so it is an index-only scan instead of a scan of every
            # row (docs/development/benchmarks.md, "Session 15").
            models.Index(fields=["reporter_organization", "owner_organization", "id"], name="case_scope"),
            # A list filtered by its owner (the commonest filter) walks the owner's cases in the
            # lists' order and stops at the page's end, instead of reading and sorting every
            # case the owner has (docs/development/benchmarks.md, "Session 22").
            models.Index(fields=["owner_organization", "-opened_at", "-id"], name="case_owner_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def organization(self) -> Any:
        """The organization a case belongs to for scoping by a single organization."""
        return self.reporter_organization

    @property
    def risk_score(self) -> int | None:
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact

    def is_overdue(self, now: datetime | None = None) -> bool:
        return case_is_overdue(self.status, self.due_at, now)


def case_is_overdue(status: str, due_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether a case in ``status`` due at ``due_at`` is late: its clock runs and the time is past
    (``Case.is_overdue``; the lean case list asks it with values read from a row, and the time
    read once for its page)."""
    return status in CLOCK_STATUSES and due_at is not None and due_at < (now or timezone.now())


class CaseEvent(models.Model):
    """One step on a case's timeline: a transition, an assignment, an escalation, a merge, a
    forward. Written only by the cases actions, in the transaction of the change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    created = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CasePause(models.Model):
    """A stretch during which the case waited on its reporter: its SLA clock stood still."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    started = models.DateTimeField()
    ended = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started"]
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")

    def __str__(self) -> str:
        return f"{self.case_id} {self.started:%Y-%m-%d %H:%M}"


class Comment(TimestampedModel):
    """A remark on a case; ``@username`` mentions notify people who can see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField("core.User", blank=True, related_name="+")
    # A confidential comment's text is kept only in ``confidential_body``, encrypted at rest under
    # the operator's key like ``Case.confidential_details``; its ``body`` stays empty. Its text is
    # read only by those who may see its case (``comment_text``), never searched, exported,
    # notified or written into the audit trail (docs/security.md, "Encryption at rest").
    confidential = models.BooleanField(_("confidential"), default=False)
    confidential_body = ConfidentialTextField(_("confidential comment"), blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        # Also the audit event's object_repr: never a confidential comment's text.
        return CONFIDENTIAL_MARK if self.confidential else self.body[:60]

    @property
    def text(self) -> str:
        """The comment's text, decrypted when it is confidential: only for someone who may see the
        case (callers check; ``comment_text`` does)."""
        return self.confidential_body if self.confidential else self.body


def comment_text(comment: Comment, user: Any, readable: dict[int, bool] | None = None) -> str:
    """What ``user`` may read of a comment: its text, or for a confidential comment on a case
    the user may not see, nothing. The rule is that of ``Case.confidential_details``: whoever may
    see the case (``Case.objects.visible_to``) reads it. ``readable`` caches the answer per case."""
    if not comment.confidential:
        return comment.body
    cache = readable if readable is not None else {}
    if comment.case_id not in cache:
        cache.update(cases_readable(user, {comment.case_id}))
    return comment.confidential_body if cache[comment.case_id] else ""


def cases_readable(user: Any, case_ids: set[int]) -> dict[int, bool]:
    """Whether ``user`` may read the confidential values (details, comments) of each case: one
    query for them all."""
    if user is None or not case_ids:
        return dict.fromkeys(case_ids, False)
    visible = set(Case.objects.visible_to(user, "view").filter(pk__in=case_ids).values_list("pk", flat=True))
    return {pk: pk in visible for pk in case_ids}


def _attachment_path(instance: Attachment, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"cases/{instance.case_id}/{instance.sha256[:16]}{suffix}"


class Attachment(TimestampedModel):
    """A file attached to a case. Stored under MEDIA_ROOT (outside the web root) and served only
    through a view that checks the case is visible."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    # Of the stored bytes: for a confidential file, of its ciphertext (a digest of the plaintext
    # would let anyone holding a guess confirm it).
    sha256 = models.CharField(max_length=64)
    # Stored encrypted under the operator's key and decrypted only when someone who may see the
    # case downloads it (rasad.lib.encryption).
    confidential = models.BooleanField(_("confidential"), default=False)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def open_content(self) -> IO[bytes]:
        """The file's content to serve, decrypted when it is confidential (callers check access
        first; the views that serve files do)."""
        stream: IO[bytes] = self.file.open("rb")
        if not self.confidential:
            return stream
        with stream:
            return io.BytesIO(encryption.decrypt_bytes(stream.read(), context=ATTACHMENT_CONTEXT))


class Dossier(TimestampedModel):
    """A bundle of cases a parent organization consolidated and forwarded, with a summary, to a
    coordinating organization outside its subtree. The recipient sees exactly those cases."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    from_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="sent_dossiers",
        verbose_name=_("from organization"),
    )
    to_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("to organization"),
    )
    cases = models.ManyToManyField(Case, related_name="dossiers", verbose_name=_("cases"))
    forwarded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(_("forwarded at"), default=timezone.now)
    search_text = models.TextField(editable=False, default="")

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-forwarded_at", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def organization(self) -> Any:
        return self.from_organization


class Notification(models.Model):
    """Something a person should know about a case; shown in the app, e-mailed, and summed up in
    the daily digest."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="case_notifications")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    # The text in Persian as it was written (the digest's fallback, and all a notification
    # stored before session 23 has) ...
    message = models.CharField(_("message"), max_length=400)
    # ... and its message id and parameters, read in each reader's language and digits
    # (rasad.lib.stored_text); empty for a notification stored before.
    message_id = models.TextField(_("message id"), blank=True, default="")
    message_params = models.JSONField(_("message parameters"), blank=True, default=dict)
    # Where the notification leads when it is not about a case (a path in the site: a training
    # event).
    link = models.CharField(_("link"), max_length=200, blank=True, default="")
    created = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message[:60]

    @property
    def text(self) -> str:
        """The notification in the current reader's language and digits; a notification stored
        before (no message id) as it was written."""
        return stored_text.read(self.message, self.message_id, self.message_params)[:400]
