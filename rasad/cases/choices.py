"""Fixed vocabularies of the cases app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    CHALLENGE = "challenge", _("Challenge")
    RISK = "risk", _("Risk")
    INCIDENT = "incident", _("Incident")
    DIRECTIVE = "directive", _("Directive")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on reporter")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed (verified)")
    REJECTED = "rejected", _("Rejected")
    REOPENED = "reopened", _("Reopened")
    MERGED = "merged", _("Merged into another case")


# Statuses in which the organization that owns a case still has work to do.
OPEN_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.TRIAGED,
    CaseStatus.ASSIGNED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.WAITING,
    CaseStatus.REOPENED,
)
# Statuses whose SLA clock runs (waiting on the reporter pauses it; finished cases have no clock).
CLOCK_STATUSES = tuple(s for s in OPEN_STATUSES if s != CaseStatus.WAITING)
# Statuses that require an assignee (someone is working it).
ASSIGNED_STATUSES = (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING, CaseStatus.RESOLVED)


class HolidayKind(models.TextChoices):
    FIXED = "fixed", _("Fixed (solar calendar)")
    LUNAR = "lunar", _("Lunar (Hijri calendar)")
    ONE_OFF = "one_off", _("One-off closure")


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    STATUS = "status", _("Status changed")
    COMMENT = "comment", _("New comment")
    MENTION = "mention", _("You were mentioned")
    ESCALATED = "escalated", _("Escalated")
    DOSSIER = "dossier", _("Dossier received")
    TRAINING = "training", _("Training")
    FILE = "file", _("File ready")
