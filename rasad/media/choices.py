"""Fixed vocabularies of the media app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatementKind(models.TextChoices):
    STATEMENT = "statement", _("Statement")
    TALKING_POINTS = "talking_points", _("Talking points")


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    SUPERSEDED = "superseded", _("Superseded by a new version")


class DeadlineBasis(models.TextChoices):
    """How the response deadline is counted from the moment of issue."""

    WORKING = "working", _("Working hours on the working calendar")
    CLOCK = "clock", _("Clock hours (crisis)")
    FIXED = "fixed", _("A fixed date and time")


class RecipientState(models.TextChoices):
    SENT = "sent", _("Awaiting acknowledgment")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PUBLISHED = "published", _("Published")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn (a new version was issued)")


OPEN_RECIPIENT_STATES = (RecipientState.SENT, RecipientState.ACKNOWLEDGED)
ANSWERED_STATES = (RecipientState.PUBLISHED, RecipientState.NOT_APPLICABLE, RecipientState.DECLINED)


class ResponseOutcome(models.TextChoices):
    PUBLISHED = "published", _("Published")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    DECLINED = "declined", _("Declined")


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    NEWS_AGENCY = "news_agency", _("News agency")
    SOCIAL_MEDIA = "social_media", _("Social media account")
    PRESS_CONFERENCE = "press_conference", _("Press conference")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class CrisisState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class EntryKind(models.TextChoices):
    EVENT = "event", _("Event")
    DECISION = "decision", _("Decision")
    STATEMENT = "statement", _("Statement issued")
    RESPONSE = "response", _("Agency's response")
    RUMOUR = "rumour", _("Rumour")


class RumourState(models.TextChoices):
    LOGGED = "logged", _("Logged")
    ASSIGNED = "assigned", _("Assigned to an agency")
    ANSWERED = "answered", _("Answered")
    DISMISSED = "dismissed", _("Set aside")


class PlanKind(models.TextChoices):
    EVENT = "event", _("Event to publicize")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    NEWS = "news", _("News or report")
    VIDEO = "video", _("Video or podcast")
    INFOGRAPHIC = "infographic", _("Infographic")
    INTERVIEW = "interview", _("Interview")
    CAMPAIGN = "campaign", _("Campaign")


class PlanState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
