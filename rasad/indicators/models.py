"""What the indicators world is: a catalogue of KPIs, who reports which, what they reported,
what they aim for, what went wrong, energy baselines and peer scorecards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rasad.core.models import OrganizationOwnedModel, TimestampedModel
from rasad.core.querysets import OrganizationScopedQuerySet
from rasad.indicators.choices import (
    AlertLevel,
    Category,
    CriterionKind,
    Dimension,
    Direction,
    ObservationSource,
    ObservationStatus,
    Periodicity,
    ReminderKind,
    RuleOperator,
    Severity,
)
from rasad.indicators.querysets import (
    AssignmentQuerySet,
    CatalogueQuerySet,
    IndicatorQuerySet,
    ObservationQuerySet,
)
from rasad.lib import formatting


class Unit(TimestampedModel):
    """A unit of measurement (MWh, GJ, t, m³ …). Units of one dimension convert into each other
    through ``factor``: the size of one unit in the dimension's base unit (GJ for energy).

    ``name`` is the Persian name people read («مگاوات‌ساعت»); ``code`` is the symbol shown in
    English and in files for machines. ``decimals`` says how many places values in this unit
    are shown with (empty: by the size of the value); ``rasad.lib.formatting`` reads both."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    factor = models.FloatField(_("size in the base unit"), default=1.0)
    decimals = models.PositiveSmallIntegerField(
        _("decimal places"),
        null=True,
        blank=True,
        help_text=_("How many decimal places values are shown with; empty to follow the size of the value."),
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["dimension", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.code

    def convert_to(self, value: float, other: Unit) -> float:
        return value * self.factor / other.factor


class Indicator(TimestampedModel):
    """A key performance indicator of the national catalogue.

    An input indicator is reported by organizations. A derived indicator has a ``formula`` over
    other indicators' codes (``ENERGY_TOTAL / ORE_MILLED``; ``ef(CODE)`` is an emission factor)
    and is always computed, never typed in.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    periodicity = models.CharField(
        _("periodicity"), max_length=10, choices=Periodicity.choices, default=Periodicity.MONTH
    )
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    formula = models.CharField(_("formula"), max_length=500, blank=True)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="used_by", verbose_name=_("depends on")
    )
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    is_additive = models.BooleanField(
        _("additive"), default=True, help_text=_("Whether values of several organizations may be summed.")
    )
    description = models.TextField(_("description"), blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)


class IndicatorRule(TimestampedModel):
    """A consistency rule between two indicators of one organization and period:
    ``left <operator> factor × right`` (self-generated electricity ≤ total electricity)."""

    left = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rules_left")
    operator = models.CharField(max_length=2, choices=RuleOperator.choices)
    right = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rules_right")
    factor = models.FloatField(default=1.0)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ERROR)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator rule")
        verbose_name_plural = _("indicator rules")

    def __str__(self) -> str:
        return f"{self.left.code} {self.operator} {self.factor}×{self.right.code}"


class EmissionFactor(TimestampedModel):
    """One version of an emission factor (t CO2e per unit of activity), with its provenance.

    Formulas name a factor by ``code``; the version valid at a period's start is used."""

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=40)
    source = models.CharField(_("source"), max_length=300)
    version = models.CharField(_("version"), max_length=40)
    valid_from = models.DateField(_("valid from"))

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="emission_factor_version")]
        verbose_name = _("emission factor")
        verbose_name_plural = _("emission factors")

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class Assignment(OrganizationOwnedModel):
    """An organization (optionally with its whole subtree) must report an indicator.

    ``reports_from`` is the first day it reports from: a period that ended before that day is not
    owed (``rasad.indicators.deadlines``). It is always set: the action fills in the day in Tehran
    the assignment is made when none is given, and migration 0007 gave earlier assignments the
    day they were made, so the rule has one date to read and no fallback."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="assignments")
    include_descendants = models.BooleanField(_("include sub-organizations"), default=False)
    reports_from = models.DateField(_("reports from"))

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "indicator"], name="assignment_unique")
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.indicator.code} @ {self.organization_id}"


class Observation(OrganizationOwnedModel):
    """One reported value: an organization's figure for an input indicator in a Jalali period,
    in the indicator's unit. Draft → submitted → approved; approval by the parent locks it."""

    # The hot table of bulk ingest: every index costs each inserted row an entry, so it keeps only
    # the indexes a query uses (docs/development/benchmarks.md, "Ingest"). The organization's own
    # index is a prefix of the two composite ones below, and nothing filters or orders
    # observations by their creation time.
    #
    # The four references are relations in Django but not declared foreign keys on PostgreSQL:
    # triggers check each statement's distinct keys at once and lock the referenced rows, and
    # guard the referenced tables' deletes, instead of a check and a lock per row at commit
    # (migration 0010; docs/indicators.md, "Integrity of observations"). SQLite keeps the
    # declared foreign keys (``test_observation_references`` holds both to the same refusals).
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
        db_index=False,
        db_constraint=False,
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="observations", db_constraint=False
    )
    period_key = models.CharField(_("period"), max_length=8)
    period_start = models.DateField(_("period start"))
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    value = models.FloatField(_("value"))
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ObservationStatus.choices, default=ObservationStatus.DRAFT
    )
    source = models.CharField(_("source"), max_length=10, choices=ObservationSource.choices)
    # Validation findings: [{"code", "severity", "params"}], rendered by rasad.indicators.validation.
    findings = models.JSONField(default=list, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Empty until a value is approved: indexed only where set (what deleting a user looks up).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "indicator_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "indicator", "period_key"], name="observation_unique_period"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "period_key"]),
            models.Index(
                fields=["approved_by"],
                condition=models.Q(approved_by__isnull=False),
                name="observation_approved_by",
            ),
        ]
        permissions = [
            ("submit_observation", _("Can submit observations")),
            ("approve_observation", _("Can approve observations of sub-organizations")),
            ("reopen_observation", _("Can reopen approved observations")),
        ]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_key}"


class Rollup(models.Model):
    """Running sums of observations per indicator, period, organization-ancestor and province.

    Every observation adds to one row for each of its organization's ancestors (and itself), in
    the transaction that writes it, so dashboards read current figures without scanning raw
    data. ``rasad.indicators.rollups.rebuild`` recomputes them for a consistency check."""

    # Foreign keys in Django only (deletes cascade through Django's collector), not in the
    # database: a rollup row is derived data whose ids come from a checked observation (its
    # indicator, its organization or one of that organization's ancestors), ``rebuild``
    # recomputes the table, and a database check would cost every new row a lookup that locks
    # the national body's row (as ``RollupDelta`` explains). Its one index is its primary key,
    # (indicator, organization, province, period): every read (``rollups.sums``: an organization
    # or a few, their indicators, periods or years) and the upserts' conflicts go by it or its
    # (indicator, organization) prefix, and no query reads a row by anything else. An ``id``
    # beside it cost each new row (a bulk batch adds one per value) a second B-tree's entry and
    # an identity value (migration 0015); the organization's own index and an (indicator, year)
    # index served no query and cost two more (docs/development/benchmarks.md, "Ingest",
    # sessions 25 and 27). An organization is never deleted while its rollup rows matter (its
    # observations protect it).
    pk = models.CompositePrimaryKey("indicator", "organization", "province", "period_key")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    province = models.CharField(max_length=4, default="")
    period_key = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    total = models.FloatField(default=0.0)
    value_count = models.IntegerField(default=0)
    approved_total = models.FloatField(default=0.0)
    approved_count = models.IntegerField(default=0)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rollup")
        verbose_name_plural = _("rollups")

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.organization_id}/{self.province}/{self.period_key}"


class RollupDelta(models.Model):
    """A change to rollup rows waiting to be folded into ``Rollup`` (PostgreSQL).

    Writers append deltas instead of updating the ancestors' rollup rows, so concurrent writers
    under one national body never wait on each other's row locks. ``rasad.indicators.rollups.fold``
    moves them into ``Rollup`` after writes commit (at most once a second per process, and by a
    periodic job); readers add pending deltas to the rollup
    rows, so dashboards are exact at once. Plain id columns (no foreign keys): a delta is
    short-lived bookkeeping, and a foreign-key check would lock the referenced rows."""

    indicator_id = models.BigIntegerField()
    organization_id = models.BigIntegerField()
    province = models.CharField(max_length=4, default="")
    period_key = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    total = models.FloatField(default=0.0)
    value_count = models.IntegerField(default=0)
    approved_total = models.FloatField(default=0.0)
    approved_count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["indicator_id", "organization_id", "period_key"])]
        verbose_name = _("pending rollup change")
        verbose_name_plural = _("pending rollup changes")

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.organization_id}/{self.province}/{self.period_key}"


class ObservationBatch(models.Model):
    """A batch of observations a client sent with its own batch id, and the answer it got.

    The same batch id from the same user again gets the stored answer and writes nothing, so a
    late retry cannot undo a later correction (idempotency by request)."""

    # No index of its own: the unique (user, batch_id) index serves every read by user (a
    # user's deletion included), and each write of a batch maintained both.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    batch_id = models.CharField(_("batch id"), max_length=64)
    digest = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True, db_index=True)  # old ones are forgotten (tasks.py)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "batch_id"], name="observation_batch_unique")]
        verbose_name = _("observation batch")
        verbose_name_plural = _("observation batches")

    def __str__(self) -> str:
        return self.batch_id


class Target(OrganizationOwnedModel):
    """What an organization aims for on an indicator in a Jalali year, with the thresholds whose
    crossing raises a warning or a critical alert (above them when lower is better, below them
    when higher is better), applied to each period's value."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    target = models.FloatField(_("target"))
    warning_threshold = models.FloatField(_("warning threshold"))
    critical_threshold = models.FloatField(_("critical threshold"))

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "indicator", "year"], name="target_unique")
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}"


class Alert(OrganizationOwnedModel):
    """A threshold breach: a period's value crossed a target's warning or critical threshold."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="alerts")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="alerts")
    observation = models.ForeignKey(
        Observation, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    period_key = models.CharField(_("period"), max_length=8)
    level = models.CharField(_("level"), max_length=10, choices=AlertLevel.choices)
    value = models.FloatField(_("value"))
    threshold = models.FloatField(_("threshold"))
    is_open = models.BooleanField(_("open"), default=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "indicator", "period_key", "level"], name="alert_unique"
            )
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_key} {self.get_level_display()}"


class Baseline(OrganizationOwnedModel):
    """An ISO 50006 energy baseline of one organization: energy regressed on driver indicators
    over a baseline period of months, judged against a reporting period."""

    name = models.CharField(_("name"), max_length=200)
    energy_indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("energy indicator")
    )
    drivers = models.ManyToManyField(Indicator, related_name="+", verbose_name=_("relevant variables"))
    baseline_start = models.CharField(_("baseline from"), max_length=8)
    baseline_end = models.CharField(_("baseline to"), max_length=8)
    reporting_start = models.CharField(_("reporting from"), max_length=8)
    reporting_end = models.CharField(_("reporting to"), max_length=8)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("energy baseline")
        verbose_name_plural = _("energy baselines")

    def __str__(self) -> str:
        return self.name


class Scorecard(OrganizationOwnedModel):
    """A composite peer ranking run by a coordinating organization over the members of its
    subtree: peer groups by sector tag, weighted criteria stored as data."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    peer_tags = models.JSONField(_("peer groups (sector tags)"), default=list)
    entity_kind = models.CharField(_("kind of ranked organizations"), max_length=32, default="site")
    minimum_peers = models.PositiveSmallIntegerField(_("minimum peers"), default=8)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return self.name


class ScorecardCriterion(models.Model):
    """One weighted column of a scorecard."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=CriterionKind.choices)
    weight = models.FloatField()

    class Meta:
        ordering = ["scorecard", "pk"]
        verbose_name = _("scorecard criterion")
        verbose_name_plural = _("scorecard criteria")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.kind} {self.weight}"


class ReportReminder(TimestampedModel):
    """A notice sent to an organization's reporters about one period's report: that it falls due
    within a few days (``due``) or that its due day has passed (``overdue``). One of each kind per
    organization and period at most: the row is the record that the notice went out and the
    unique key that it goes out once (``rasad.indicators.tasks``, ``do_remind_report``)."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    period_key = models.CharField(_("period"), max_length=8)
    kind = models.CharField(_("notice"), max_length=8, choices=ReminderKind.choices)
    due_on = models.DateField(_("due on"))
    sent_on = models.DateField(_("notice sent on"))
    indicators = models.JSONField(_("indicators not yet submitted"), default=list)
    recipients = models.PositiveIntegerField(_("people told"), default=0)

    class Meta:
        ordering = ["organization", "period_key", "kind"]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period_key", "kind"], name="indicators_report_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return formatting.separator().join(
            str(part) for part in (self.organization_id, self.period_key, self.kind)
        )
