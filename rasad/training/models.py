"""What the training world is: the positions people hold in their organizations, the courses
providers offer and the events (sessions, bootcamps, workshops, seminars) where they are given,
who enrolled and who attended, the completions that count towards requirements, and the
requirements themselves (people holding a position in a part of the tree must complete one of
some courses within some months of taking it, and again when the certificate expires)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.core.models import TimestampedModel
from rasad.core.querysets import OwnRecordsQuerySet
from rasad.lib import formatting
from rasad.training.choices import (
    CompletionSource,
    DeliveryMode,
    EnrolmentStatus,
    EventKind,
    EventStatus,
    NoticeKind,
)
from rasad.training.querysets import (
    CompletionQuerySet,
    CourseQuerySet,
    EnrolmentQuerySet,
    EventQuerySet,
    PositionHoldingQuerySet,
    PositionQuerySet,
    RequirementQuerySet,
)


class Position(TimestampedModel):
    """A kind of post that requirements name: manager, governor, district head, public-relations
    officer, IT officer. Shared by the whole tree (reference data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("job position")
        verbose_name_plural = _("job positions")

    def __str__(self) -> str:
        return self.name


class PositionHolding(TimestampedModel):
    """A person holds a position in the organization of one of their memberships since a date
    (until a date, once they leave it). Requirements count their months from ``since``."""

    membership = models.ForeignKey(
        "core.Membership", on_delete=models.CASCADE, related_name="positions", verbose_name=_("membership")
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("job position")
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = PositionHoldingQuerySet.as_manager()

    class Meta:
        ordering = ["membership__organization__path", "position", "id"]
        verbose_name = _("position held")
        verbose_name_plural = _("positions held")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "position"],
                condition=Q(until__isnull=True),
                name="training_one_open_holding",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="training_holding_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user}{formatting.separator()}{self.position}"


class Course(TimestampedModel):
    """A course a provider organization offers: its hours, how it is given, what must come
    before it, and how many months its certificate stays valid (empty: for ever)."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="training_courses",
        verbose_name=_("provider"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    tags = models.JSONField(_("topic tags"), default=list, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    mode = models.CharField(_("delivery mode"), max_length=16, choices=DeliveryMode.choices)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="leads_to", verbose_name=_("prerequisites")
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), null=True, blank=True
    )
    search_text = models.TextField(editable=False, default="")

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_course_hours")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course-detail", args=[self.pk])

    @property
    def hours_number(self) -> int | float:
        """The hours as people write them: 8, not 8.0."""
        value = float(self.hours)
        return int(value) if value.is_integer() else value


class Event(TimestampedModel):
    """A session of a course, or a standalone bootcamp, workshop or seminar, organized by an
    organization for an audience (the people of an organization and everything under it)."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="training_events",
        verbose_name=_("organizer"),
    )
    audience = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience"),
        help_text=_("The people of this organization and of everything under it may enrol."),
    )
    course = models.ForeignKey(
        Course,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("course"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    # When the organizer last announced it (rasad.training.actions.announce).
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    # The code of the QR at the door while check-in is open (rasad.training.actions.checkin).
    check_in_code = models.CharField(max_length=24, blank=True, default="", editable=False)
    search_text = models.TextField(editable=False, default="")

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [("attend_event", "Can record who attended an event")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_event_dates"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="training_event_capacity"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:event-detail", args=[self.pk])


class Enrolment(TimestampedModel):
    """A person's place at an event: enrolled, on the waiting list (the event was full), or
    cancelled; whether they attended, and their score. ``organization`` is the participant's
    organization when they enrolled: their managers see it there."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="training_enrolments", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    enrolled_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attended = models.BooleanField(_("attended"), default=False)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["event", "created", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="training_enrolment_once"),
            models.CheckConstraint(
                condition=Q(attended=False) | Q(status="enrolled"), name="training_attended_enrolled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}{formatting.separator()}{self.event}"


class Completion(TimestampedModel):
    """A person completed a course on a date (at an event, or as an imported past record), with
    an optional score; valid until ``expires_on`` when the course's certificate lapses.
    ``organization`` is the person's organization at the time."""

    user = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="training_completions", verbose_name=_("person")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="completions", verbose_name=_("course")
    )
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=CompletionSource.choices)
    enrolment = models.OneToOneField(
        Enrolment, null=True, blank=True, on_delete=models.CASCADE, related_name="completion"
    )
    recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The certificate's verification code (rasad.training.codes), checked on the public page.
    code = models.CharField(_("verification code"), max_length=16, unique=True, null=True, blank=True)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")

    def __str__(self) -> str:
        return f"{self.user}{formatting.separator()}{self.course}"


class Requirement(TimestampedModel):
    """People holding ``position`` in ``organization`` or anywhere under it must complete one of
    ``courses`` within ``within_months`` of taking the position, and again when the certificate
    expires."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="training_requirements",
        verbose_name=_("applies in"),
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("job position")
    )
    courses = models.ManyToManyField(Course, related_name="requirements", verbose_name=_("courses"))
    title = models.CharField(_("title"), max_length=300)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    within_months = models.PositiveSmallIntegerField(_("within (months)"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["organization__path", "title", "id"]
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        constraints = [
            models.CheckConstraint(
                condition=Q(within_months__gte=1) & Q(within_months__lte=120), name="training_within_months"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Notice(models.Model):
    """That a person was told of an event: announced to them (in the app and by e-mail), or
    reminded before it starts; and when they first opened the event's page after it. One row per
    person, event and kind, so telling twice tells once. The person's own record."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="training_notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("training notice")
        verbose_name_plural = _("training notices")
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "kind"], name="training_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}{formatting.separator()}{self.event}"


class CalendarFeed(TimestampedModel):
    """A person's calendar address (an iCalendar feed of their training events). Only a SHA-256
    of the secret in the address is stored; the address is shown once, when it is made."""

    user = models.OneToOneField("core.User", on_delete=models.CASCADE, related_name="training_feed")
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"
