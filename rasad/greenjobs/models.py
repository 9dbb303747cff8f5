"""What the green-jobs world is: the catalogue of green occupations, the green businesses (an
organization of kind business or workshop, with its sector, size and knowledge-based status),
the incentive schemes the labour, environment and technical-training offices run together
(budget, window, eligibility rules as data, required documents), the applications businesses
make to them, each agency's decision on its step, the documents attached, and the instalments
paid."""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rasad.core.models import TimestampedModel
from rasad.greenjobs.choices import (
    Agency,
    BusinessSize,
    CertificateStatus,
    Milestone,
    Outcome,
    ReminderKind,
    SchemeKind,
    Stage,
)
from rasad.greenjobs.querysets import (
    ApplicationPartQuerySet,
    ApplicationQuerySet,
    BusinessQuerySet,
    CertificateQuerySet,
    OccupationQuerySet,
    OutcomeQuerySet,
    SchemeQuerySet,
)
from rasad.lib import formatting, search

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 0}


class Occupation(TimestampedModel):
    """A green occupation of the provincial list: its codes in ISCO-08 (the occupation) and ISIC
    Rev.4 (the activity it is usually found in), its Persian name and what makes it green.
    Reference data, shared by the whole tree."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    isco_code = models.CharField(_("ISCO-08 code"), max_length=4)
    isic_code = models.CharField(_("ISIC Rev.4 code"), max_length=4)
    criteria = models.TextField(_("what makes it green"))
    search_text = models.TextField(editable=False, default="")

    objects = OccupationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("green occupation")
        verbose_name_plural = _("green occupations")

    def __str__(self) -> str:
        return self.name


class Business(TimestampedModel):
    """The green-jobs record of an organization of kind business or workshop: its economic
    sector (an ISIC Rev.4 class), size, people employed, whether it is a knowledge-based
    company, and the green occupations it works in. The organization carries the name, the
    place (province, county, point) and the tree."""

    organization = models.OneToOneField(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="green_business",
        verbose_name=_("organization"),
    )
    sector_code = models.CharField(_("sector (ISIC Rev.4)"), max_length=4)
    size = models.CharField(_("size"), max_length=8, choices=BusinessSize.choices)
    employees = models.PositiveIntegerField(_("people employed"))
    knowledge_based = models.BooleanField(_("knowledge-based company"), default=False)
    occupations = models.ManyToManyField(
        Occupation, blank=True, related_name="businesses", verbose_name=_("green occupations")
    )
    certified_until = models.DateField(_("green certificate valid until"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = BusinessQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "id"]
        verbose_name = _("green business")
        verbose_name_plural = _("green businesses")

    def __str__(self) -> str:
        return self.organization.name

    def get_absolute_url(self) -> str:
        return reverse("greenjobs:business-detail", args=[self.pk])


class Scheme(TimestampedModel):
    """An incentive scheme (a loan, grant, tax relief or training voucher) with a budget in
    rials, a window for applications, eligibility rules written as data, the documents an
    application must carry, and the three offices that review each application: labour
    (eligibility, approval, disbursement), environment (compliance) and technical training.
    ``organization`` runs the scheme; ``programme`` is the memorandum it carries out.

    ``committed`` is the sum of approved amounts not released; it changes only under a row lock
    on the scheme (``do_approve_application``), so two approvers cannot exceed the budget."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="green_schemes", verbose_name=_("run by")
    )
    programme = models.ForeignKey(
        "programs.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="green_schemes",
        verbose_name=_("memorandum"),
    )
    labour_office = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("labour office")
    )
    environment_office = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("environment office")
    )
    training_office = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("technical-training office"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=SchemeKind.choices)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget (rials)"), **MONEY)
    max_amount = models.DecimalField(_("most per application (rials)"), **MONEY)
    committed = models.DecimalField(_("committed (rials)"), default=Decimal(0), editable=False, **MONEY)
    disbursed = models.DecimalField(_("disbursed (rials)"), default=Decimal(0), editable=False, **MONEY)
    opens_on = models.DateField(_("applications open on"))
    closes_on = models.DateField(_("applications close on"))
    rules = models.JSONField(_("eligibility rules"), default=list, blank=True)
    documents = models.JSONField(_("required documents"), default=list, blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = SchemeQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("incentive scheme")
        verbose_name_plural = _("incentive schemes")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="greenjobs_window"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="greenjobs_budget_positive"),
            models.CheckConstraint(
                condition=Q(committed__lte=models.F("budget")), name="greenjobs_budget_not_overcommitted"
            ),
            models.CheckConstraint(
                condition=Q(disbursed__lte=models.F("committed")), name="greenjobs_disbursed_within_committed"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("greenjobs:scheme-detail", args=[self.pk])

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed

    def office(self, agency: str) -> int:
        """The id of the organization acting as ``agency`` for this scheme."""
        return {
            Agency.LABOUR: self.labour_office_id,
            Agency.ENVIRONMENT: self.environment_office_id,
            Agency.TRAINING: self.training_office_id,
        }[Agency(agency)]


class Application(TimestampedModel):
    """A business's application to a scheme: what it asks for and why, the jobs it plans, and
    where it stands in the three offices' workflow. ``organization`` is the business's
    organization (its people apply, correct and follow it)."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("scheme")
    )
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="green_applications",
        verbose_name=_("applicant"),
    )
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="applications", verbose_name=_("business")
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    amount_requested = models.DecimalField(_("amount requested (rials)"), **MONEY)
    purpose = models.TextField(_("what the money is for"))
    jobs_planned = models.PositiveIntegerField(_("jobs to be created"))
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.SUBMITTED, db_index=True
    )
    returned_from = models.CharField(_("returned at"), max_length=12, choices=Stage.choices, blank=True)
    priority_points = models.PositiveIntegerField(_("priority points"), default=0)
    approved_amount = models.DecimalField(_("approved amount (rials)"), null=True, blank=True, **MONEY)
    disbursed_amount = models.DecimalField(_("disbursed (rials)"), default=Decimal(0), **MONEY)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(editable=False, default="")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("incentive application")
        verbose_name_plural = _("incentive applications")
        permissions = [
            ("review_application", "Can review an incentive application for an agency"),
            ("approve_application", "Can approve an incentive application and pay it"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_requested__gt=0), name="greenjobs_requested_positive"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(disbursed_amount__lte=models.F("approved_amount")),
                name="greenjobs_disbursed_within_approved",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("greenjobs:application-detail", args=[self.pk])

    @property
    def undisbursed(self) -> Decimal:
        return (self.approved_amount or Decimal(0)) - self.disbursed_amount


class Decision(TimestampedModel):
    """One office's decision on one step of an application: passed (with the amount, for an
    approval), returned for correction or refused, with its note. The application's timeline."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(_("step"), max_length=12, choices=Stage.choices)
    agency = models.CharField(_("office"), max_length=12, choices=Agency.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    amount = models.DecimalField(_("amount (rials)"), null=True, blank=True, **MONEY)
    decided_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acting_for = models.ForeignKey(
        "core.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("application decision")
        verbose_name_plural = _("application decisions")

    def __str__(self) -> str:
        return formatting.separator().join(str(part) for part in (self.application, self.stage, self.outcome))


def _document_path(instance: Document, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"greenjobs/{instance.application_id}/{instance.sha256[:16]}{suffix}"


class Document(TimestampedModel):
    """A file an application carries (one of the scheme's required documents, by its code).
    Stored under the data directory and served only to those who see the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.CharField(_("document"), max_length=40)
    file = models.FileField(upload_to=_document_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return self.name


class Instalment(TimestampedModel):
    """A payment of an approved application: its number, amount, date and the bank's
    reference."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    amount = models.DecimalField(_("amount (rials)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="greenjobs_instalment_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="greenjobs_instalment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application}{formatting.separator()}{self.number}"


class Certificate(TimestampedModel):
    """A business's request to be certified green, and the certificate it becomes: the greening
    checklist it filled (an assessment of the assessments app), the environment office that
    reviews it (site visit day, findings), and the decision: granted with a validity, or refused
    with reasons. A renewal is a new request that names the certificate it renews.
    ``organization`` is the business's organization."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="certificates")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("business")
    )
    office = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("environment office")
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("greening checklist"),
    )
    renews = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_on = models.DateField(_("site visit on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    decided_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    expiry_notified_on = models.DateField(_("expiry notice sent on"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("green certificate")
        verbose_name_plural = _("green certificates")
        permissions = [("certify_certificate", "Can review and decide green certification")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(granted_on__isnull=False, valid_until__gt=models.F("granted_on")),
                name="greenjobs_certificate_validity",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("greenjobs:certificate-detail", args=[self.pk])


SAVING: dict[str, Any] = {"max_digits": 14, "decimal_places": 1, "default": Decimal(0)}


class OutcomeReport(TimestampedModel):
    """What a funded business reports six and twelve months after its first payment: the jobs
    it created and the jobs it kept, and what it saved over the last twelve months in energy
    (kWh), water (m³) and waste kept from landfill (tonnes). One report per milestone.
    ``organization`` is the business's organization."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("application")
    )
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("business")
    )
    milestone = models.CharField(_("milestone"), max_length=2, choices=Milestone.choices)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created"))
    jobs_retained = models.PositiveIntegerField(_("jobs retained"))
    energy_saved = models.DecimalField(_("energy saved (kWh a year)"), **SAVING)
    water_saved = models.DecimalField(_("water saved (m³ a year)"), **SAVING)
    waste_diverted = models.DecimalField(_("waste kept from landfill (tonnes a year)"), **SAVING)
    note = models.TextField(_("note"), blank=True)
    # The Jalali year (an indicator period key, "1405") its savings were written for in the
    # indicators app (rasad.greenjobs.savings).
    indicator_period = models.CharField(_("indicator period"), max_length=8, blank=True)
    reported_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["application", "milestone"]
        verbose_name = _("outcome report")
        verbose_name_plural = _("outcome reports")
        constraints = [
            models.UniqueConstraint(fields=["application", "milestone"], name="greenjobs_outcome_once"),
            models.CheckConstraint(
                condition=Q(energy_saved__gte=0) & Q(water_saved__gte=0) & Q(waste_diverted__gte=0),
                name="greenjobs_outcome_savings_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}{formatting.separator()}{self.milestone}"


class OutcomeReminder(TimestampedModel):
    """A notice sent to a funded business about one outcome milestone: that the report is due
    within a few days (``due``) or that its due day has passed (``overdue``). One of each kind per
    milestone at most: the row is the record that the notice went out (and the unique key that it
    goes out once). ``organization`` is the business's organization."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="outcome_reminders", verbose_name=_("application")
    )
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("business")
    )
    milestone = models.CharField(_("milestone"), max_length=2, choices=Milestone.choices)
    kind = models.CharField(_("notice"), max_length=8, choices=ReminderKind.choices)
    due_on = models.DateField(_("due on"))
    sent_on = models.DateField(_("notice sent on"))
    recipients = models.PositiveIntegerField(_("people told"), default=0)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["application", "milestone", "kind"]
        verbose_name = _("outcome report reminder")
        verbose_name_plural = _("outcome report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "milestone", "kind"], name="greenjobs_outcome_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return formatting.separator().join(
            str(part) for part in (self.application, self.milestone, self.kind)
        )


# Search keys that hold other rows' words, kept fresh when those rows are renamed
# (rasad.lib.search.stored_key; docs/reference/persian-text.md, "How keys stay fresh").
search.stored_key(
    Business,
    "organization__name",
    "organization__name_en",
    "organization__code",
    "sector_code",
    "occupations__name",
)
search.stored_key(Application, "number", "organization__name", ("purpose", 200))
