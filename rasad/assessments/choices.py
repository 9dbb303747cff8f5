"""Fixed vocabularies of the assessments app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstrumentKind(models.TextChoices):
    """A compliance checklist finds what is missing (and opens cases for it); an award model
    scores and ranks."""

    COMPLIANCE = "compliance", _("Compliance checklist")
    AWARD = "award", _("Award model")


class InstrumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Superseded")


class ItemType(models.TextChoices):
    COMPLIANCE = "compliance", _("Yes / partly / no / not applicable")
    RADAR = "radar", _("RADAR score (0–100 in steps of 5)")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    FILE = "file", _("File")


class ComplianceAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTIAL = "partial", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class RankingRole(models.TextChoices):
    """How a section's score enters the peer ranking (docs/reference/methods.md §4.4)."""

    LEVEL = "level", _("Level (performance against peers)")
    IMPROVEMENT = "improvement", _("Improvement (against its own past)")
    NONE = "none", _("Not ranked")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed; results published")


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("Self-assessment in progress")
    SUBMITTED = "submitted", _("Submitted for review")
    REVIEWED = "reviewed", _("Reviewed; consensus pending")
    AGREED = "agreed", _("Consensus reached")
    FINAL = "final", _("Final")


class Stage(models.TextChoices):
    """Who gave a score: the organization itself, one assessor, the assessors together, or the
    auditing agency (whose score overrides the consensus for its sections)."""

    SELF = "self", _("Self-assessment")
    ASSESSOR = "assessor", _("Assessor")
    CONSENSUS = "consensus", _("Consensus")
    AUDIT = "audit", _("Audit")


class ReviewKind(models.TextChoices):
    ASSESSOR = "assessor", _("Assessor")
    AUDIT = "audit", _("Auditor")


class AnswerSource(models.TextChoices):
    MANUAL = "manual", _("Entered")
    INDICATOR = "indicator", _("From approved indicator values")


class InstrumentPartKind(models.TextChoices):
    """The parts of an instrument named in the API's part-by-part operations."""

    SECTION = "section", _("Section")
    CRITERION = "criterion", _("Criterion")
    ITEM = "item", _("Item")
