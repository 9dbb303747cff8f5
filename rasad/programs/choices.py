"""Fixed vocabularies of the programmes app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    MEMORANDUM = "memorandum", _("Memorandum of understanding")
    AGREEMENT = "agreement", _("Agreement")
    ROADMAP = "roadmap", _("Roadmap")
    PLAN = "plan", _("Plan")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# A programme in one of these has ended: nothing is added to it and no report is asked for.
FINISHED_STATUSES = (ProgrammeStatus.COMPLETED, ProgrammeStatus.EXPIRED, ProgrammeStatus.TERMINATED)
# Action items may be added while the programme is being drafted or runs.
OPEN_FOR_ITEMS = (ProgrammeStatus.DRAFT, ProgrammeStatus.ACTIVE)


class Comparator(models.TextChoices):
    AT_LEAST = "gte", _("at least")
    AT_MOST = "lte", _("at most")


class ReportState(models.TextChoices):
    DONE = "done", _("Done")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BLOCKED = "blocked", _("Blocked")


class ObligationState(models.TextChoices):
    """Where an obligation (an action item, through its case; or an indicator target) stands."""

    DONE = "done", _("Done (verified)")
    AWAITING_VERIFICATION = "resolved", _("Resolved, awaiting verification")
    OVERDUE = "overdue", _("Overdue")
    OPEN = "open", _("Open")
    DROPPED = "dropped", _("Dropped (rejected or merged)")
    MET = "met", _("Target met")
    NOT_YET = "not_yet", _("Not met yet")
    MISSED = "missed", _("Target missed")
