"""What the media-coordination world is: a media headquarters (an organization of kind council,
such as Kerman's provincial media HQ under the cyberspace council) and its member agencies; the
statements and talking points it drafts, approves and issues to chosen agencies with a response
deadline; and each agency's receipt: acknowledged when, answered how (published with evidence
and channel, not applicable with a reason, or declined), on time or late."""

from __future__ import annotations

from pathlib import PurePath

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.core.models import TimestampedModel
from rasad.lib import formatting, stored_text
from rasad.media.choices import (
    ANSWERED_STATES,
    Channel,
    CrisisState,
    DeadlineBasis,
    EntryKind,
    PlanKind,
    PlanState,
    RecipientState,
    RumourState,
    Severity,
    StatementKind,
    StatementState,
)
from rasad.media.querysets import (
    CrisisQuerySet,
    MemberAgencyQuerySet,
    PlannedItemQuerySet,
    RecipientQuerySet,
    RumourQuerySet,
    StatementAttachmentQuerySet,
    StatementQuerySet,
    TimelineEntryQuerySet,
)


class MemberAgency(TimestampedModel):
    """An executive agency that the media headquarters coordinates: it receives the HQ's
    statements and answers them. Its PR officers and spokespeople are positions held on
    memberships of the agency (``training.PositionHolding``)."""

    hq = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="media_members",
        verbose_name=_("media headquarters"),
    )
    agency = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="media_memberships",
        verbose_name=_("agency"),
    )
    joined_on = models.DateField(_("member since"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = MemberAgencyQuerySet.as_manager()

    class Meta:
        ordering = ["hq", "agency__name", "id"]
        verbose_name = _("member agency")
        verbose_name_plural = _("member agencies")
        constraints = [
            models.UniqueConstraint(fields=["hq", "agency"], name="media_member_once"),
            models.CheckConstraint(condition=~Q(hq=models.F("agency")), name="media_member_not_self"),
        ]

    def __str__(self) -> str:
        return str(self.agency)


class Statement(TimestampedModel):
    """A statement or a set of talking points of a media headquarters, in one version. It moves
    draft → in review → approved → issued; an issued statement is never edited: a new version is
    drafted from it (``previous``), and issuing that version supersedes this one. Both are kept."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="media_statements",
        verbose_name=_("media headquarters"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StatementKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=16, choices=StatementState.choices, default=StatementState.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    deadline_basis = models.CharField(
        _("deadline counted in"), max_length=10, choices=DeadlineBasis.choices, blank=True
    )
    deadline_hours = models.PositiveIntegerField(_("hours to respond"), null=True, blank=True)
    due_at = models.DateTimeField(_("respond by"), null=True, blank=True)
    crisis = models.ForeignKey(
        "Crisis",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("crisis"),
    )
    spokesperson = models.ForeignKey(
        "training.PositionHolding",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("spokesperson"),
        help_text=_(
            "Who speaks it: a spokesperson of the headquarters or of one of its member agencies "
            "(the position held on a membership)."
        ),
    )
    search_text = models.TextField(editable=False, default="")

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        permissions = [
            ("approve_statement", "Can approve a statement or send it back"),
            ("issue_statement", "Can issue an approved statement to agencies"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="media_statement_version"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("media:statement-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state == StatementState.DRAFT


def _attachment_path(instance: StatementAttachment, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"media/statements/{instance.statement_id}/{instance.sha256[:16]}{suffix}"


class StatementAttachment(TimestampedModel):
    """A file of a statement (an infographic, the signed text, a fact sheet). Served only through
    a view that checks the statement is visible."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    objects = StatementAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("statement file")
        verbose_name_plural = _("statement files")

    def __str__(self) -> str:
        return self.name


def _evidence_path(instance: Recipient, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"media/evidence/{instance.statement_id}/{instance.evidence_sha256[:16]}{suffix}"


class Recipient(TimestampedModel):
    """A statement as issued to one agency: when it must answer by, when it acknowledged
    receipt, and its answer with evidence. Reminded and escalated at most once each."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="media_received", verbose_name=_("agency")
    )
    due_at = models.DateTimeField(_("respond by"))
    state = models.CharField(
        _("state"), max_length=16, choices=RecipientState.choices, default=RecipientState.SENT
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    evidence_url = models.URLField(_("link to the publication"), max_length=500, blank=True)
    evidence_file = models.FileField(upload_to=_evidence_path, max_length=255, blank=True)
    evidence_name = models.CharField(_("evidence file"), max_length=200, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveBigIntegerField(null=True, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "agency__name", "id"]
        verbose_name = _("recipient agency")
        verbose_name_plural = _("recipient agencies")
        permissions = [("respond_recipient", "Can acknowledge and answer a statement for an agency")]
        constraints = [
            models.UniqueConstraint(fields=["statement", "agency"], name="media_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}{formatting.separator()}{self.agency}"

    def get_absolute_url(self) -> str:
        return reverse("media:recipient-detail", args=[self.pk])

    @property
    def is_answered(self) -> bool:
        return self.state in ANSWERED_STATES

    @property
    def is_late(self) -> bool:
        """Answered after the deadline, or still unanswered past it."""
        if self.state == RecipientState.WITHDRAWN:
            return False
        if self.responded_at is not None:
            return self.responded_at > self.due_at
        return timezone.now() > self.due_at


class Crisis(TimestampedModel):
    """A crisis the media headquarters coordinates the agencies' speech in: a power-outage rumour
    at peak load, a flood, an accident. It has a severity, the places it touches on the map, a
    timeline shared by the headquarters and its member agencies, a rumour log, and, once closed,
    a report with each agency's response times."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="media_crises",
        verbose_name=_("media headquarters"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    state = models.CharField(_("state"), max_length=10, choices=CrisisState.choices, default=CrisisState.OPEN)
    places = models.ManyToManyField(
        "core.City", blank=True, related_name="+", verbose_name=_("places affected")
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_summary = models.TextField(_("closing summary"), blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = CrisisQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("crisis")
        verbose_name_plural = _("crises")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("media:crisis-detail", args=[self.pk])


class TimelineEntry(TimestampedModel):
    """One line of a crisis's timeline: an event or a decision someone recorded, or what Rasad
    wrote itself when a statement was issued, an agency acknowledged or answered, or a rumour was
    logged or answered. ``organization`` is whose entry it is (the headquarters or an agency)."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="timeline")
    moment = models.DateTimeField(_("moment"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    # What was written; for a line Rasad wrote itself, in Persian beside its message id and
    # parameters, by which each reader reads it in their language, calendar and digits
    # (``shown_text``, rasad.lib.stored_text). A line written before session 25 has the text only.
    text = models.TextField(_("text"))
    text_id = models.TextField(_("message id"), blank=True, default="")
    text_params = models.JSONField(_("message parameters"), blank=True, default=dict)
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    author = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rumour = models.ForeignKey("Rumour", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        ordering = ["moment", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return self.shown_text[:80]

    @property
    def shown_text(self) -> str:
        """The line to the current reader: a person's as they wrote it, Rasad's in the reader's
        language and preferences."""
        # Stripped: an answer without a reason ends its message with the reason's place.
        return stored_text.read(self.text, self.text_id, self.text_params).strip()


class Rumour(TimestampedModel):
    """A claim circulating among the public: where it was seen, how many people it is estimated
    to have reached, the verified facts, which agency is to answer it, and the answer."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="media_rumours",
        verbose_name=_("media headquarters"),
    )
    crisis = models.ForeignKey(
        Crisis,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rumours",
        verbose_name=_("crisis"),
    )
    claim = models.TextField(_("claim"))
    seen_where = models.CharField(_("seen where"), max_length=300)
    reach = models.PositiveIntegerField(_("estimated reach (people)"), null=True, blank=True)
    facts = models.TextField(_("verified facts"), blank=True)
    agency = models.ForeignKey(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_rumours_assigned",
        verbose_name=_("agency to answer"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RumourState.choices, default=RumourState.LOGGED
    )
    logged_at = models.DateTimeField(_("logged at"))
    logged_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(editable=False, default="")

    objects = RumourQuerySet.as_manager()

    class Meta:
        ordering = ["-logged_at", "-id"]
        verbose_name = _("rumour")
        verbose_name_plural = _("rumours")
        permissions = [("answer_rumour", "Can answer a rumour assigned to the agency")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reach__isnull=True) | Q(reach__gte=0), name="media_rumour_reach"
            ),
        ]

    def __str__(self) -> str:
        return self.claim[:80]


class PlannedItem(TimestampedModel):
    """An item of the media calendar (the content plan): what the headquarters plans to publish or
    publicize, by itself or by a member agency, on which days, on which channel; the training
    event it announces and the roadmap axis it serves, if any; and, once done, where it was
    published or why it was cancelled."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="media_plan",
        verbose_name=_("media headquarters"),
    )
    agency = models.ForeignKey(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_plan_assigned",
        verbose_name=_("agency"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    training_event = models.ForeignKey(
        "training.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("training event"),
    )
    axis = models.ForeignKey(
        "programs.Axis",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("roadmap axis"),
        help_text=_(
            "The axis of a programme the headquarters takes part in (the roadmap's content production)."
        ),
    )
    state = models.CharField(_("state"), max_length=10, choices=PlanState.choices, default=PlanState.PLANNED)
    planned_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.URLField(_("link to the publication"), max_length=500, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(editable=False, default="")

    objects = PlannedItemQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("planned item")
        verbose_name_plural = _("planned items")
        permissions = [("publish_planneditem", "Can mark a planned item of the agency published")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="media_plan_ends"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("media:plan-detail", args=[self.pk])
