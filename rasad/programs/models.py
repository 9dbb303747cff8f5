"""What the programmes world is: agreements, memoranda, roadmaps and plans between organizations,
their parties, their structure (axes, objectives), what each party owes (action items, which are
directive cases, and indicator targets), the quarterly status reports parties owe on their action
items, and the signed documents."""

from __future__ import annotations

from pathlib import PurePath

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rasad.core.models import TimestampedModel
from rasad.lib import formatting
from rasad.programs.choices import Comparator, ProgrammeKind, ProgrammeStatus, ReportState
from rasad.programs.querysets import (
    ObligationQuerySet,
    ProgrammePartQuerySet,
    ProgrammeQuerySet,
    StatusReportQuerySet,
)


class Programme(TimestampedModel):
    """An agreement between organizations that someone must see through: a memorandum of
    understanding, an agreement, a roadmap or a plan, with its signing and running dates, its
    legal basis, and a status that moves only through ``rasad.programs.workflow``.

    ``organization`` is the lead party (it sets the weights and changes the programme);
    ``reviewing_organization`` is an optional body above the parties that follows the roll-up.
    ``renews`` points at the programme this one renews.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ProgrammeKind.choices)
    title = models.CharField(_("title"), max_length=300)
    reference_number = models.CharField(_("reference number"), max_length=80, blank=True)
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="led_programmes",
        verbose_name=_("lead organization"),
    )
    reviewing_organization = models.ForeignKey(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_programmes",
        verbose_name=_("reviewing body"),
    )
    description = models.TextField(_("description"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.DRAFT,
        db_index=True,
    )
    status_note = models.TextField(_("note on the status"), blank=True)
    renews = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    search_text = models.TextField(editable=False, default="")

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="programme_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:programme-detail", args=[self.pk])


class Party(TimestampedModel):
    """An organization that signed a programme, with the person who signed for it and their title.
    Exactly one party of a programme is its lead (the programme's ``organization``)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="programme_parties",
        verbose_name=_("organization"),
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    signatory_name = models.CharField(_("signatory"), max_length=150)
    signatory_title = models.CharField(_("signatory's title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "-is_lead", "position", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["programme", "organization"], name="programme_party_unique"),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(is_lead=True), name="programme_one_lead_party"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class Axis(TimestampedModel):
    """One axis (محور) of a programme, such as consultation, training or research. ``weight`` is
    its share (percent) of the programme's progress; the lead sets it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="axes")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight (percent)"), default=0)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "position", "id"]
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        constraints = [models.CheckConstraint(condition=Q(weight__lte=100), name="axis_weight_percent")]

    def __str__(self) -> str:
        return self.title


class Objective(TimestampedModel):
    """An objective under an axis. ``weight`` is its share (percent) of the axis's progress; its
    own progress is the weighted share of its action items closed and indicator targets met."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectives")
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight (percent)"), default=0)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["axis", "position", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [models.CheckConstraint(condition=Q(weight__lte=100), name="objective_weight_percent")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('programs:programme-detail', args=[self.programme_id])}#objective-{self.pk}"


class ActionItem(TimestampedModel):
    """Something one party must do for an objective. It *is* a directive case (``case``): owned
    by the party, reported by the lead, with its deadline, workflow, SLA and escalation; this row
    only places it in the programme. ``weight`` is its share within the objective, relative to
    the objective's other action items and indicator targets."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="action_items")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="action_items")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("party")
    )
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="programme_item", verbose_name=_("case")
    )
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    starts_on = models.DateField(_("starts on"))
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "starts_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1), name="action_item_weight_positive")]

    def __str__(self) -> str:
        return str(self.case.title) if self.case_id else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{reverse('programs:programme-detail', args=[self.programme_id])}#item-{self.pk}"


class IndicatorTarget(TimestampedModel):
    """An indicator an objective counts on, with the value to reach by a date ("environmental KPI
    reporting coverage ≥ 80% by 1405/12/29"). The values counted are the approved observations
    of ``organization`` (the party's own organization or one under it). It is the party's
    obligation, seen like an action item."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicator_targets")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicator_targets")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="indicator_targets", verbose_name=_("party")
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("measured organization"),
    )
    comparator = models.CharField(_("comparison"), max_length=4, choices=Comparator.choices)
    target_value = models.FloatField(_("target value"))
    due_on = models.DateField(_("by"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "due_on", "id"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="indicator_target_weight_positive")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_comparator_display()} {self.target_value:g}"

    def is_met_by(self, value: float | None) -> bool:
        if value is None:
            return False
        return (
            value >= self.target_value
            if self.comparator == Comparator.AT_LEAST
            else value <= self.target_value
        )


class StatusReport(TimestampedModel):
    """A party's quarterly word on one action item (done, on track, at risk, blocked, with a note).

    The periodic job asks for it after each Jalali season (``period_key`` «1404-S2») by opening
    a directive case (``case``) owned by the party and due on ``due_on``, so a missing report is
    overdue and escalates like any case; submitting the report answers that case."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="status_reports")
    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="status_reports")
    period_key = models.CharField(_("season"), max_length=8)
    due_on = models.DateField(_("due on"))
    case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_report",
        verbose_name=_("case"),
    )
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = StatusReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_key", "action_item", "id"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        permissions = [("submit_statusreport", "Can submit the status reports of a party")]
        constraints = [
            models.UniqueConstraint(fields=["action_item", "period_key"], name="status_report_once_a_season"),
        ]

    def __str__(self) -> str:
        return f"{self.period_label}{formatting.separator()}{self.action_item}"

    @property
    def period_label(self) -> str:
        """The season in words («تابستان ۱۴۰۴»)."""
        from rasad.lib.jalali import JalaliPeriod

        return JalaliPeriod.parse(self.period_key).label()

    def get_absolute_url(self) -> str:
        return reverse("programs:report-submit", args=[self.pk])


def _attachment_path(instance: ProgrammeAttachment, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"programs/{instance.programme_id}/{instance.sha256[:16]}{suffix}"


class ProgrammeAttachment(TimestampedModel):
    """A file of a programme: the signed scan, an annex. Stored under the data directory and served
    only through a view that checks the programme is visible."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    description = models.CharField(_("description"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("programme attachment")
        verbose_name_plural = _("programme attachments")

    def __str__(self) -> str:
        return self.name
