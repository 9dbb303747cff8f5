"""What the assessments world is: versioned instruments (checklists and award models) with their
sections, criteria, items and bands; cycles that apply one version to a set of organizations;
each organization's assessment with its scores at every stage, its evidence, the assessors' and
auditors' reviews, the feedback it gets, and the findings that opened cases.

Scoring rules are in ``rasad.assessments.scoring`` and ``docs/reference/methods.md`` §4.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rasad.assessments import labels
from rasad.assessments.choices import (
    AnswerSource,
    AssessmentStatus,
    CycleStatus,
    InstrumentKind,
    InstrumentStatus,
    ItemType,
    RankingRole,
    ReviewKind,
    Stage,
)
from rasad.assessments.querysets import (
    AssessmentChildQuerySet,
    AssessmentQuerySet,
    CycleChildQuerySet,
    CycleQuerySet,
    InstrumentChildQuerySet,
    InstrumentQuerySet,
    ReviewQuerySet,
    RiskQuerySet,
)
from rasad.core.models import TimestampedModel
from rasad.lib import formatting, search

POINTS: dict[str, Any] = {"max_digits": 9, "decimal_places": 2}


class Instrument(TimestampedModel):
    """One version of a structured questionnaire: a compliance checklist (the passive-defence
    safety guideline, a cyber-security baseline, a greening checklist) or an award model (the
    National Energy Management Award). A cycle uses exactly one version; changing a version that
    a cycle uses makes the next version instead, so the cycle keeps what it was run with.

    ``owner`` is the body that publishes it (no owner: platform reference data, changed by
    platform administrators only)."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=InstrumentKind.choices)
    owner = models.ForeignKey(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_instruments",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InstrumentStatus.choices, default=InstrumentStatus.DRAFT
    )
    total_points = models.DecimalField(_("total points"), **POINTS)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
        verbose_name=_("previous version"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(editable=False, default="")

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        permissions = [("publish_instrument", "Can publish an instrument version")]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="assessments_instrument_version_unique"),
            models.CheckConstraint(condition=Q(total_points__gt=0), name="assessments_instrument_points"),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s, version %(version)s") % {
            "name": self.name,
            "version": formatting.number(self.version),
        }

    def get_absolute_url(self) -> str:
        return reverse("assessments:instrument-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == InstrumentStatus.DRAFT


class Band(TimestampedModel):
    """A level an assessed organization reaches with its total (a gold statue, three stars, a
    commendation): the highest band whose ``minimum`` the total reaches. Bands are data of each
    instrument version, never code: the two published tables of the excellence award differ."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    minimum = models.DecimalField(_("from (points)"), **POINTS)

    objects = InstrumentChildQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "-minimum"]
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "minimum"], name="assessments_band_minimum_unique"),
            models.CheckConstraint(condition=Q(minimum__gte=0), name="assessments_band_minimum"),
        ]

    def __str__(self) -> str:
        return self.name


class Section(TimestampedModel):
    """A part of an instrument worth ``points`` (physical protection, energy resilience; the
    technical score of an award). Its items' weights sum to its points. A compliance section
    names the case category its findings are filed under."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    points = models.DecimalField(_("points"), **POINTS)
    ranking_role = models.CharField(
        _("role in ranking"), max_length=16, choices=RankingRole.choices, default=RankingRole.LEVEL
    )
    case_category = models.CharField(_("case category"), max_length=50, blank=True)

    objects = InstrumentChildQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "order", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="assessments_section_code_unique"),
            models.CheckConstraint(condition=Q(points__gt=0), name="assessments_section_points"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def get_absolute_url(self) -> str:
        """Its instrument's page (a part has no page of its own)."""
        return reverse("assessments:instrument-detail", args=[self.instrument_id])

    @property
    def label(self) -> str:
        """How its reader numbers it («الف» for the first section; ``A`` in English):
        ``rasad.assessments.labels``."""
        return labels.section_label(self.code, self.order)

    @property
    def heading(self) -> str:
        """Its label and title («الف) راهبری امنیت»)."""
        return labels.heading(self.label, self.title)


class Criterion(TimestampedModel):
    """A criterion (or criterion part) of a section: the level at which assessors write
    strengths and areas for improvement."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = InstrumentChildQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "section__order", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="assessments_criterion_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def get_absolute_url(self) -> str:
        """Its instrument's page (a part has no page of its own)."""
        return reverse("assessments:instrument-detail", args=[self.instrument_id])

    @property
    def label(self) -> str:
        """How its reader numbers it («الف-۱» for ``A1``), after its section's label."""
        return labels.child_label(self.code, self.section.code, self.section.label)

    @property
    def heading(self) -> str:
        """Its label and title («الف-۱) سیاست و مسئولیت»)."""
        return labels.heading(self.label, self.title)


class Item(TimestampedModel):
    """One question: what is asked, how it is answered (``item_type``), what it weighs, what
    guides the answer, and what evidence must back it. An item may name an indicator whose
    approved values answer it (a number item: the year's energy intensity), scored between a
    threshold (nothing) and a target (full marks)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("question"))
    text_en = models.TextField(_("English question"), blank=True)
    item_type = models.CharField(_("answer type"), max_length=16, choices=ItemType.choices)
    weight = models.DecimalField(_("weight (points)"), **POINTS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    guidance = models.TextField(_("guidance"), blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    required_evidence = models.TextField(_("evidence expected"), blank=True)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by indicator"),
    )
    minimum = models.FloatField(_("smallest value"), null=True, blank=True)
    maximum = models.FloatField(_("largest value"), null=True, blank=True)
    threshold = models.FloatField(_("value scoring nothing"), null=True, blank=True)
    target = models.FloatField(_("value scoring full marks"), null=True, blank=True)
    # For a choice item: [{"code": "a", "label": "...", "score": 0..100}, ...]
    options = models.JSONField(_("options"), default=list, blank=True)

    objects = InstrumentChildQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "criterion__section__order", "criterion__order", "order", "id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="assessments_item_code_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="assessments_item_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"

    def get_absolute_url(self) -> str:
        """Its instrument's page (a part has no page of its own)."""
        return reverse("assessments:instrument-detail", args=[self.instrument_id])

    @property
    def section(self) -> Section:
        return self.criterion.section

    @property
    def label(self) -> str:
        """How its reader numbers it («الف-۱-۲» for ``A1.2``), after its criterion's label."""
        return labels.child_label(self.code, self.criterion.code, self.criterion.label, joint=".")


class Cycle(TimestampedModel):
    """A round of assessment: one instrument version applied to a set of organizations (chosen
    by tree, kind or sector tag) within a window of dates, run by ``organization`` (the civil
    defence body for its guideline, the Industrial Management Institute for its award)."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("instrument")
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    opens_on = models.DateField(_("self-assessment opens"))
    closes_on = models.DateField(_("self-assessment closes"))
    review_closes_on = models.DateField(_("review closes"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year of the figures"), null=True, blank=True, help_text=_("Jalali year of the indicator values.")
    )
    # Who is assessed: under ``scope_root`` (itself and its subtree, or its direct members only),
    # of the given kinds and carrying one of the sector tags (empty: any).
    scope_root = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organizations under")
    )
    scope_kinds = models.JSONField(_("kinds of organization"), default=list, blank=True)
    scope_sectors = models.JSONField(_("sector tags"), default=list, blank=True)
    peer_tags = models.JSONField(_("peer groups by sector tag"), default=list, blank=True)
    minimum_peers = models.PositiveSmallIntegerField(_("smallest peer group ranked"), default=3)
    required_assessors = models.PositiveSmallIntegerField(_("assessors per organization"), default=1)
    spread_threshold = models.PositiveSmallIntegerField(
        _("spread that needs discussion (points of 100)"), default=20
    )
    opens_cases = models.BooleanField(_("open a case per non-compliant section"), default=False)
    case_kind = models.CharField(_("kind of case opened"), max_length=16, default="challenge")
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    results = models.JSONField(_("published results"), default=dict, blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="assessments_cycle_window"
            ),
            models.CheckConstraint(
                condition=Q(required_assessors__gte=1, required_assessors__lte=9),
                name="assessments_cycle_assessors",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:cycle-detail", args=[self.pk])


class CycleAudit(TimestampedModel):
    """A second agency named to audit chosen sections of every assessment of a cycle (the
    environment agency for the environmental criteria of an award). Its score overrides the
    consensus for those sections; both are kept."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="audits")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("auditing agency")
    )
    sections = models.ManyToManyField(Section, related_name="audits", verbose_name=_("sections audited"))

    objects = CycleChildQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("cycle audit")
        verbose_name_plural = _("cycle audits")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="assessments_cycle_audit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} / {self.organization}"


class Assessment(TimestampedModel):
    """One organization's assessment in a cycle: its self-assessment, the reviews of its
    assessors, their consensus, the audit of chosen sections, and the result.

    ``result`` is written when the assessment is finalized: the score of every section at every
    stage, the final score, the band and each item's trace, so that a published score can be
    read back exactly as it was computed."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed organization"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.NOT_STARTED,
        db_index=True,
    )
    peer_group = models.CharField(_("peer group"), max_length=120, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    agreed_at = models.DateTimeField(_("consensus reached at"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    self_score = models.DecimalField(_("self-assessed score"), null=True, blank=True, **POINTS)
    final_score = models.DecimalField(_("final score"), null=True, blank=True, **POINTS)
    band = models.ForeignKey(Band, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    result = models.JSONField(_("result"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    search_text = models.TextField(editable=False, default="")

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "organization__path"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        permissions = [
            ("submit_assessment", "Can submit a self-assessment"),
            ("review_assessment", "Can review an assessment as an assessor"),
            ("audit_assessment", "Can audit sections of an assessment"),
            ("manage_assessment", "Can assign assessors and finalize assessments"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="assessments_assessment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment-detail", args=[self.pk])


class Review(TimestampedModel):
    """An assessor's (or the auditing agency's) review of one assessment, by ``reviewer`` acting
    for ``organization``. Assessors are assigned by the cycle's owner and must not belong to the
    assessed organization's subtree; an audit review is opened by the auditor who takes it up."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=16, choices=ReviewKind.choices, default=ReviewKind.ASSESSOR)
    reviewer = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("acting for")
    )
    audit = models.ForeignKey(
        CycleAudit, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    is_lead = models.BooleanField(_("lead assessor"), default=False)
    assigned_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "kind", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "reviewer", "kind"], name="assessments_review_unique"
            ),
            models.UniqueConstraint(
                fields=["assessment", "audit"], condition=Q(kind="audit"), name="assessments_one_audit_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reviewer}"


class ItemScore(TimestampedModel):
    """One answer to one item at one stage: the organization's own, one assessor's, the agreed
    consensus, or the audit. ``fraction`` (0 to 1, or empty when not applicable) is what the
    answer earns of the item's weight, computed by ``rasad.assessments.scoring``."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="scores")
    answer = models.CharField(_("answer"), max_length=40, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    fraction = models.FloatField(_("share of the weight earned"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=AnswerSource.choices, default=AnswerSource.MANUAL
    )
    scored_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AssessmentChildQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "item__criterion__section__order", "item__criterion__order", "item__order"]
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item", "stage"],
                condition=Q(review__isnull=True),
                name="assessments_score_stage_unique",
            ),
            models.UniqueConstraint(
                fields=["review", "item"],
                condition=Q(review__isnull=False),
                name="assessments_score_review_unique",
            ),
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=0, fraction__lte=1),
                name="assessments_score_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.stage}: {self.answer or self.value}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"assessments/{instance.assessment_id}/{instance.sha256[:16]}{suffix}"


class Evidence(TimestampedModel):
    """A file that backs an answer (a signed plan, a drill report, a photo of the fence).
    Stored under the data directory, outside the web root, and served only through a view that
    checks the assessment is visible, like a case's attachments (same accepted types)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.SELF)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    objects = AssessmentChildQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "created", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name


class Feedback(TimestampedModel):
    """What the assessors agreed to tell the organization about one criterion: its strengths and
    its areas for improvement (the feedback report is made of these)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="feedback")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    strengths = models.TextField(_("strengths"), blank=True)
    improvements = models.TextField(_("areas for improvement"), blank=True)
    written_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AssessmentChildQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "criterion__section__order", "criterion__order"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="assessments_feedback_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.criterion.code}"


class Finding(TimestampedModel):
    """The non-compliant items of one section of a finalized compliance assessment, and the one
    case they opened for the assessed organization (one case per section, not per item). A
    finding can also propose a risk for the risk register."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    items = models.ManyToManyField(Item, related_name="+", verbose_name=_("non-compliant items"))
    score = models.DecimalField(_("section score"), null=True, blank=True, **POINTS)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="assessment_finding"
    )
    risk = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="assessment_risk_finding"
    )

    objects = AssessmentChildQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "section__order"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "section"], name="assessments_finding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment.organization} — {self.section.title}"

    @property
    def organization(self) -> Any:
        return self.assessment.organization


RISK_SCALE = [(value, str(value)) for value in range(1, 6)]


class RiskRating(TimestampedModel):
    """The risk register's entry for one risk case: the residual likelihood and impact (after
    the treatment), beside the inherent ones the case itself carries, and the date by which the
    risk is next reviewed (``docs/assessments.md``, "Risk register")."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="risk_rating", verbose_name=_("risk")
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        _("residual likelihood"), null=True, blank=True, choices=RISK_SCALE
    )
    residual_impact = models.PositiveSmallIntegerField(
        _("residual impact"), null=True, blank=True, choices=RISK_SCALE
    )
    review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    note = models.TextField(_("note"), blank=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["review_on", "id"]
        verbose_name = _("risk rating")
        verbose_name_plural = _("risk ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(residual_likelihood__isnull=True)
                | Q(residual_likelihood__gte=1, residual_likelihood__lte=5),
                name="assessments_risk_residual_likelihood_range",
            ),
            models.CheckConstraint(
                condition=Q(residual_impact__isnull=True) | Q(residual_impact__gte=1, residual_impact__lte=5),
                name="assessments_risk_residual_impact_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.case)

    @property
    def residual_score(self) -> int | None:
        if self.residual_likelihood is None or self.residual_impact is None:
            return None
        return self.residual_likelihood * self.residual_impact


class RiskAction(TimestampedModel):
    """One action of a risk's treatment plan: what is to be done, by which organization, by
    when; done once its owner records it."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="risk_actions", verbose_name=_("risk")
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("risk treatment action")
        verbose_name_plural = _("risk treatment actions")

    def __str__(self) -> str:
        return self.title


ZERO = Decimal("0")


# Search keys that hold other rows' words, kept fresh when those rows are renamed
# (rasad.lib.search.stored_key; docs/reference/persian-text.md, "How keys stay fresh").
search.stored_key(Cycle, "name", "description", "instrument__name")
search.stored_key(Assessment, "organization__name", "organization__code", "cycle__name")
