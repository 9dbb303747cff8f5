"""Fixed vocabularies of the training app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class EventKind(models.TextChoices):
    SESSION = "session", _("Course session")
    BOOTCAMP = "bootcamp", _("Bootcamp")
    WORKSHOP = "workshop", _("Workshop")
    SEMINAR = "seminar", _("Seminar")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class CompletionSource(models.TextChoices):
    EVENT = "event", _("Attendance at an event")
    IMPORT = "import", _("Imported record")


class ComplianceState(models.TextChoices):
    """Where one person stands on one requirement."""

    MET = "met", _("Met")
    DUE = "due", _("Within the deadline")
    OVERDUE = "overdue", _("Overdue")
    LAPSED = "lapsed", _("Certificate expired")


class NoticeKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Announcement")
    REMINDER = "reminder", _("Reminder")
