"""The training UI: the events calendar (a Jalali month grid) and list, an event's page (enrol,
the waiting list, the roster, attendance by check boxes on a phone, the roster import), courses,
requirements, "My learning", and the compliance dashboard. Every page is a generic scoped view
(``rasad.web.generic``) and writes through actions; scope is never applied here by hand."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rasad.core.models import Membership, Organization
from rasad.lib import formatting
from rasad.lib.downloads import content_download, template_download
from rasad.lib.jalali import JalaliPeriod, local_date
from rasad.lib.persian import to_latin_digits
from rasad.lib.site import absolute_url
from rasad.training import certificates, feeds, ical, texts
from rasad.training.actions import (
    AttendanceMark,
    audience_membership,
    do_assign_position,
    do_cancel_enrolment,
    do_cancel_event,
    do_enrol,
    do_record_attendance,
    do_save_course,
    do_save_event,
    do_save_requirement,
    may_cancel,
    missing_prerequisites,
)
from rasad.training.actions.announce import do_announce_event, do_open_notices, publicity
from rasad.training.actions.checkin import code_matches, do_check_in, do_open_check_in
from rasad.training.actions.feed import do_make_calendar_feed, do_stop_calendar_feed, feed_owner
from rasad.training.choices import ComplianceState, EnrolmentStatus, EventStatus
from rasad.training.compliance import (
    PlaceTally,
    by_place,
    obligations,
    organizations_involved,
    rate_colour,
    rollup,
)
from rasad.training.filtersets import CourseFilterSet, EventFilterSet, RequirementFilterSet
from rasad.training.forms import (
    AnnounceForm,
    CourseForm,
    EventForm,
    PositionAssignForm,
    RequirementForm,
    RosterImportForm,
)
from rasad.training.importers import CompletionImporter, RosterImporter, completion_template, roster_template
from rasad.training.models import (
    CalendarFeed,
    Completion,
    Course,
    Enrolment,
    Event,
    PositionHolding,
    Requirement,
)
from rasad.web import calendars
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedImportView,
    ScopedListView,
    ScopedView,
    SignedInView,
)
from rasad.web.maps import points_response

STATE_CSS = {
    ComplianceState.MET: "success",
    ComplianceState.DUE: "warning",
    ComplianceState.OVERDUE: "danger",
    ComplianceState.LAPSED: "danger",
}
ENROLMENT_CSS = {
    EnrolmentStatus.ENROLLED: "success",
    EnrolmentStatus.WAITLISTED: "warning",
    EnrolmentStatus.CANCELLED: "secondary",
}


class EventCalendarView(ScopedView):
    """What the month grid and the week have in common: the events the reader may see
    (organized in scope, or open to people in scope), read once for the days shown."""

    model = Event
    queryset = Event.objects.select_related("organization", "audience", "course")

    def events_between(self, first: date, end: date) -> list[Event]:
        """The events the reader may see that fall on a day from ``first`` up to ``end``."""
        start, stop = calendars.bounds(first, end)
        return list(
            self.get_queryset().filter(starts_at__lt=stop, ends_at__gte=start).order_by("starts_at", "pk")
        )


class EventListView(EventCalendarView, ScopedListView):
    """The events the user may see: a Jalali month grid (each day leads to its week), and the
    list."""

    filterset_class = EventFilterSet
    paginate_by = 25
    template_name = "training/event_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        today = local_date(timezone.now())
        period = calendars.month_of(self.request.GET.get("month"), today)
        shown_week = calendars.week_start(today) if period.contains(today) else period.start
        return super().get_context_data(
            **context,
            period=period,
            previous_month=period.previous().key,
            next_month=period.next().key,
            weeks=calendars.month_grid(period, self.events_between(period.start, period.end), today),
            weekdays=calendars.weekday_headings(),
            month=period.key,
            week=calendars.day_key(shown_week),
            can_add=self.may("add"),
        )


class EventWeekView(EventCalendarView):
    """A week of the events calendar, Saturday to Friday: seven columns on a wide screen, the
    days one under another on a phone; the previous and next week, and back to its month."""

    template_name = "training/event_week.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        today = local_date(timezone.now())
        problem = ""
        try:
            start = calendars.week_of(request.GET.get("week"), today)
        except ValueError as error:
            # A day that cannot be read is never ignored: the page says why (status 400) and
            # shows this week, with its way on.
            problem = str(error)
            start = calendars.week_start(today)
        end = start + timedelta(days=7)
        month = JalaliPeriod.containing(today if start <= today < end else start, "month")
        events = self.events_between(start, end)
        # An empty week says when the next event is, and leads to its week.
        following = None
        if not events:
            following = (
                self.get_queryset()
                .filter(starts_at__gte=calendars.bounds(end, end)[0])
                .order_by("starts_at", "pk")
                .first()
            )
        context = {
            "start": start,
            "label": formatting.date_range_text(start, end - timedelta(days=1)),
            "days": calendars.week_days(start, events, today),
            "following": following,
            "following_week": calendars.day_key(local_date(following.starts_at)) if following else "",
            "previous_week": calendars.day_key(start - timedelta(days=7)),
            "next_week": calendars.day_key(end),
            "this_week": start <= today < end,
            "month": month.key,
            "week": calendars.day_key(start),
            "problem": problem,
        }
        return self.render(context, status=400 if problem else 200)


class EventDetailView(ScopedDetailView):
    """An event: when and where, places left, your enrolment and its button, the enrolments the
    reader may see, and the organizer's tools."""

    model = Event
    queryset = Event.objects.select_related("organization", "audience", "course")
    template_name = "training/event_detail.html"
    context_object_name = "event"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        event: Event = self.object
        now = timezone.now()
        do_open_notices(event, acting_user=self.user, now=now)
        counts = event.enrolments.aggregate(
            taken=Count("pk", filter=Q(status=EnrolmentStatus.ENROLLED)),
            waiting=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        )
        mine = (
            Enrolment.objects.filter(event=event, user=self.user)
            .exclude(status=EnrolmentStatus.CANCELLED)
            .first()
        )
        prerequisites_missing = missing_prerequisites(event, self.user) if mine is None else []
        open_for_me = (
            event.status == EventStatus.SCHEDULED
            and now < event.ends_at
            and mine is None
            and not prerequisites_missing
            and audience_membership(event, self.user) is not None
        )
        roster = (
            self.scoped(Enrolment.objects.filter(event=event))
            .select_related("user", "organization")
            .order_by("status", "created", "pk")
        )
        can_attend = self.can("attend", event)
        staff: Any = Membership.objects.none()
        if event.status == EventStatus.SCHEDULED and now < event.ends_at:
            staff = (
                self.scoped(Membership.objects.all())
                .filter(
                    organization__in=self.organizations_for("add", Enrolment),
                    organization__path__startswith=event.audience.path,
                )
                .exclude(
                    user__training_enrolments__event=event,
                    user__training_enrolments__status__in=[
                        EnrolmentStatus.ENROLLED,
                        EnrolmentStatus.WAITLISTED,
                    ],
                )
                .select_related("user", "organization")
                .order_by("organization__path", "user__username")[:200]
            )
        rows = list(roster)
        cancellable = {
            e.pk
            for e in rows
            if e.status != EnrolmentStatus.CANCELLED and not e.attended and may_cancel(self.user, e)
        }
        return super().get_context_data(
            **context,
            taken=counts["taken"],
            waiting=counts["waiting"],
            places_left=None if event.capacity is None else max(event.capacity - counts["taken"], 0),
            mine=mine,
            open_for_me=open_for_me,
            prerequisites_missing=prerequisites_missing,
            roster=rows,
            cancellable=cancellable,
            staff=staff,
            can_attend=can_attend,
            can_change=self.can("change", event) and event.status == EventStatus.SCHEDULED,
            started=now >= event.starts_at,
            enrolment_css=ENROLMENT_CSS,
        )


class EnrolSelfView(ScopedActionView):
    """Enrol yourself (on the waiting list when the event is full)."""

    model = Event
    success_url_name = "training:event-detail"

    def perform(self, obj: Event) -> Enrolment:
        enrolment = do_enrol(obj, self.user, acting_user=self.user)
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            messages.warning(self.request, _("The event is full; you are on the waiting list."))
        else:
            messages.success(self.request, _("You are enrolled."))
        return enrolment


class EnrolStaffView(ScopedActionView):
    """A manager enrols a member of their staff (or the organizer enrols someone of the audience)."""

    model = Event
    success_url_name = "training:event-detail"

    def perform(self, obj: Event) -> Enrolment | None:
        try:
            membership = self.get_related(
                Membership.objects.select_related("user"), self.request.POST.get("membership")
            )
        except Exception:
            raise ValidationError(_("Choose a person.")) from None
        enrolment = do_enrol(obj, membership.user, acting_user=self.user)
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            messages.warning(
                self.request,
                _("The event is full; %(person)s is on the waiting list.") % {"person": membership.user},
            )
        else:
            messages.success(self.request, _("%(person)s is enrolled.") % {"person": membership.user})
        return enrolment


class CancelMyEnrolmentView(ScopedActionView):
    """Give up your own place; the first person waiting takes it."""

    model = Event
    success_message = gettext_lazy("Your enrolment was cancelled.")
    success_url_name = "training:event-detail"

    def perform(self, obj: Event) -> Enrolment:
        enrolment = Enrolment.objects.filter(event=obj, user=self.user).first()
        if enrolment is None:
            raise ValidationError(_("You are not enrolled in this event."))
        return do_cancel_enrolment(enrolment, acting_user=self.user)


class EnrolmentCancelView(ScopedActionView):
    """A manager or the organizer cancels someone's enrolment."""

    model = Enrolment
    success_message = gettext_lazy("The enrolment was cancelled.")

    def perform(self, obj: Enrolment) -> Enrolment:
        return do_cancel_enrolment(obj, acting_user=self.user)

    def get_success_url(self, obj: Enrolment) -> str:
        return reverse("training:event-detail", args=[obj.event_id])


class AttendanceView(ScopedDetailView):
    """The organizer's attendance list: one check box and an optional score per person holding a
    place, large enough to tick on a phone."""

    model = Event
    queryset = Event.objects.select_related("organization", "audience", "course")
    scope_action = "attend"
    template_name = "training/attendance.html"
    context_object_name = "event"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        event: Event = context.get("event") or self.object
        rows = (
            event.enrolments.filter(status=EnrolmentStatus.ENROLLED)
            .select_related("user", "organization")
            .order_by("organization__path", "user__username")
        )
        return super().get_context_data(**context, rows=rows, started=timezone.now() >= event.starts_at)

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        event: Event = self.get_object()
        self.object = event
        held = list(event.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("user"))
        ticked = set(request.POST.getlist("attended"))
        marks = []
        problems = []
        for enrolment in held:
            raw = to_latin_digits(request.POST.get(f"score-{enrolment.pk}", "")).strip()
            score = None
            if raw:
                try:
                    score = Decimal(raw)
                except InvalidOperation:
                    problems.append(
                        _("%(person)s: the score “%(value)s” is not a number.")
                        % {"person": enrolment.user, "value": raw}
                    )
            marks.append(AttendanceMark(enrolment, str(enrolment.pk) in ticked, score))
        if not problems:
            try:
                do_record_attendance(event, marks, acting_user=self.user)
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            for problem in problems:
                messages.error(request, problem)
            return self.render({"object": event, "event": event}, status=400)
        messages.success(request, _("Attendance was saved."))
        return redirect("training:event-detail", pk=event.pk)


class EventFormMixin(ScopedFormView):
    model = Event
    form_class = EventForm
    template_name = "training/form.html"
    success_url_name = "training:event-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "organizers": self.organizations_for("add", Event),
            "audiences": self.organizations_for("view", Organization),
            "courses": self.scoped(Course.objects.all()).order_by("title"),
        }

    def perform(self, form: EventForm) -> Event | None:
        # The create view has no object in the URL (``self.object`` is None): a new one.
        result: Event | None = form.run_action(
            do_save_event, form.values(self.object), acting_user=self.user, instance=self.object
        )
        # An error the action names ``starts_at``/``ends_at`` stays on the whole form, where
        # ``run_action`` puts it (the message names the field).
        return result


class EventCreateView(EventFormMixin):
    scope_action = "add"
    title = gettext_lazy("New training event")
    success_message = gettext_lazy("The event was scheduled.")

    def get_initial(self) -> dict[str, Any]:
        return {"course": self.request.GET.get("course")}


class EventEditView(EventFormMixin):
    scope_action = "change"
    title = gettext_lazy("Edit training event")
    success_message = gettext_lazy("The event was saved.")

    def get_initial(self) -> dict[str, Any]:
        return EventForm.initial_for(self.object)


class EventPlaceView(ScopedDetailView):
    """The event's place as the map component reads it: one point, or none."""

    model = Event

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        event: Event = self.get_object()
        if event.latitude is None or event.longitude is None:
            return points_response([])
        url = reverse("training:event-detail", args=[event.pk])
        return points_response([(event.latitude, event.longitude, {"name": event.title, "url": url})])


class EventCancelView(ScopedActionView):
    model = Event
    scope_action = "change"
    success_message = gettext_lazy("The event was cancelled.")
    success_url_name = "training:event-detail"

    def perform(self, obj: Event) -> Event:
        return do_cancel_event(obj, acting_user=self.user)


class RosterImportView(ScopedImportView):
    """Upload the roster (user name, attended, score); every bad row is listed, and nothing is
    written unless every row is valid."""

    model = Event
    scope_action = "attend"
    form_class = RosterImportForm
    template_name = "training/roster_import.html"
    title = gettext_lazy("Import enrolments and attendance")

    def importer(self) -> RosterImporter:
        return RosterImporter(self.object, acting_user=self.user)

    def get_done_url(self) -> str:
        return reverse("training:event-detail", args=[self.object.pk])


class RosterTemplateView(ScopedDetailView):
    model = Event
    scope_action = "attend"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        event: Event = self.get_object()
        return template_download(roster_template(event), _("Roster"), "roster", "xlsx")


class CourseListView(ScopedListView):
    model = Course
    queryset = Course.objects.select_related("organization")
    filterset_class = CourseFilterSet
    paginate_by = 25
    template_name = "training/course_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"))


class CourseDetailView(ScopedDetailView):
    model = Course
    queryset = Course.objects.select_related("organization").prefetch_related("prerequisites")
    template_name = "training/course_detail.html"
    context_object_name = "course"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        course: Course = self.object
        return super().get_context_data(
            **context,
            events=self.scoped(Event.objects.filter(course=course))
            .select_related("organization")
            .order_by("-starts_at")[:50],
            requirements=self.scoped(Requirement.objects.filter(courses=course)).select_related(
                "organization", "position"
            ),
            can_change=self.can("change", course),
            can_add_event=self.may("add", Event),
        )


class CourseFormMixin(ScopedFormView):
    model = Course
    form_class = CourseForm
    template_name = "training/form.html"
    success_url_name = "training:course-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "organizations": self.organizations_for("add", Course),
            "courses": self.scoped(Course.objects.all()).order_by("title"),
        }

    def perform(self, form: CourseForm) -> Course | None:
        # The create view has no object in the URL (``self.object`` is None): a new one.
        result: Course | None = form.run_action(
            do_save_course, form.values(), acting_user=self.user, instance=self.object
        )
        return result


class CourseCreateView(CourseFormMixin):
    scope_action = "add"
    title = gettext_lazy("New course")
    success_message = gettext_lazy("The course was added to the catalogue.")


class CourseEditView(CourseFormMixin):
    scope_action = "change"
    title = gettext_lazy("Edit course")
    success_message = gettext_lazy("The course was saved.")

    def get_initial(self) -> dict[str, Any]:
        return CourseForm.initial_for(self.object)


class RequirementListView(ScopedListView):
    model = Requirement
    queryset = Requirement.objects.select_related("organization", "position").prefetch_related("courses")
    filterset_class = RequirementFilterSet
    template_name = "training/requirement_list.html"
    context_object_name = "requirements"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"))


class RequirementFormMixin(ScopedFormView):
    model = Requirement
    form_class = RequirementForm
    template_name = "training/form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "organizations": self.organizations_for("add", Requirement),
            "courses": self.scoped(Course.objects.all()).order_by("title"),
        }

    def get_success_url(self, result: Requirement) -> str:
        return reverse("training:requirement-list")

    def perform(self, form: RequirementForm) -> Requirement | None:
        # The create view has no object in the URL (``self.object`` is None): a new one.
        result: Requirement | None = form.run_action(
            do_save_requirement, form.values(), acting_user=self.user, instance=self.object
        )
        return result


class RequirementCreateView(RequirementFormMixin):
    scope_action = "add"
    title = gettext_lazy("New training requirement")
    success_message = gettext_lazy("The requirement was saved.")


class RequirementEditView(RequirementFormMixin):
    scope_action = "change"
    title = gettext_lazy("Edit training requirement")
    success_message = gettext_lazy("The requirement was saved.")

    def get_initial(self) -> dict[str, Any]:
        return RequirementForm.initial_for(self.object)


class PositionAssignView(ScopedFormView):
    """Record that a member holds a position (PR officer, manager, ...) from a date."""

    model = PositionHolding
    scope_action = "add"
    form_class = PositionAssignForm
    template_name = "training/form.html"
    title = gettext_lazy("Assign a position")
    success_message = gettext_lazy("The position was recorded; its training requirements now apply.")

    def get_form_kwargs(self) -> dict[str, Any]:
        memberships = (
            self.scoped(Membership.objects.all())
            .filter(organization__in=self.organizations_for("add"))
            .select_related("user", "organization")
            .order_by("organization__path", "user__username")
        )
        return {"memberships": memberships}

    def perform(self, form: PositionAssignForm) -> PositionHolding | None:
        data = form.cleaned_data
        result: PositionHolding | None = form.run_action(
            do_assign_position,
            data["membership"],
            data["position"],
            since=data["since"],
            acting_user=self.user,
        )
        return result

    def get_success_url(self, result: PositionHolding) -> str:
        return reverse("training:compliance")


class MyLearningView(ScopedView):
    """A person's own page: the training their positions require and where they stand, their
    enrolments and certificates, and the upcoming events open to them."""

    model = Event
    template_name = "training/my_learning.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        now = timezone.now()
        today = local_date(now)
        mine = obligations(
            PositionHolding.objects.filter(membership__user=self.user),
            Requirement.objects.active().select_related("organization").prefetch_related("courses"),
            today=today,
        )
        paths = [m.organization.path for m in self.user.memberships.select_related("organization")]
        reachable = {int(part) for path in paths for part in path.strip("/").split("/") if part}
        upcoming = (
            self.get_queryset()
            .filter(audience_id__in=reachable, ends_at__gt=now, status=EventStatus.SCHEDULED)
            .select_related("organization", "course")
            .order_by("starts_at")[:20]
        )
        required_courses = {c.pk for o in mine if not o.is_met for c in o.requirement.courses.all()}
        enrolments = (
            Enrolment.objects.filter(user=self.user)
            .exclude(status=EnrolmentStatus.CANCELLED)
            .select_related("event")
            .order_by("-event__starts_at")[:50]
        )
        completions = (
            Completion.objects.filter(user=self.user).select_related("course").order_by("-completed_on")[:50]
        )
        return self.render(
            {
                "obligations": [{"o": o, "css": STATE_CSS[o.state]} for o in mine],
                "upcoming": upcoming,
                "required_courses": required_courses,
                "enrolments": enrolments,
                "completions": completions,
                "today": today,
                "enrolment_css": ENROLMENT_CSS,
            }
        )


class ComplianceView(ScopedView):
    """Compliance of the people the reader may see: each organization's rate over its subtree
    (lowest first), and who is overdue."""

    model = PositionHolding
    template_name = "training/compliance.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        today = local_date(timezone.now())
        found = obligations(
            self.get_queryset(),
            self.scoped(Requirement.objects.active())
            .select_related("organization")
            .prefetch_related("courses"),
            today=today,
        )
        organizations = self.scoped(Organization.objects.filter(pk__in=organizations_involved(found)))
        tallies = rollup(found, organizations)
        state = request.GET.get("state") or ""
        shown = [o for o in found if not state or o.state == state or (state == "behind" and not o.is_met)]
        return self.render(
            {
                "tallies": tallies,
                "rows": [{"o": o, "css": STATE_CSS[o.state]} for o in shown[:500]],
                "shown_count": len(shown),
                "state": state,
                "states": ComplianceState.choices,
                "can_assign": self.may("add"),
                "can_import": self.may("add", Completion),
                "can_export": self.may("view"),
            }
        )


class VerifyCertificateView(View):
    """The public page that checks a certificate's code (no sign-in): it shows only the name, the
    course, the date and the validity; an unknown code gets a plain "not found" that says
    nothing more (the same page and status whatever the code looks like)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        typed = (request.GET.get("code") or kwargs.get("code") or "").strip()[:40]
        completion = certificates.find(typed) if typed else None
        status = 404 if typed and completion is None else 200
        context = {
            "typed": typed,
            "completion": completion,
            "expired": completion is not None
            and completion.expires_on is not None
            and completion.expires_on < local_date(timezone.now()),
        }
        response = render(request, "training/verify.html", context, status=status)
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response


class CertificateView(ScopedView):
    """A certificate as PDF: one's own, or one the reader may see (a manager, the provider)."""

    model = Completion

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queryset = Completion.objects.select_related("user", "course__organization")
        completion = queryset.filter(pk=kwargs["pk"], user=self.user).first() or self.get_related(
            queryset, kwargs["pk"]
        )
        buffer = io.BytesIO()
        url = request.build_absolute_uri(reverse("training:verify")) + f"?code={completion.code}"
        certificates.write_pdf(completion, url, buffer)
        name = f"{_('Certificate')} — {formatting.person_name(completion.user)}.pdf"
        return content_download(
            buffer.getvalue(), name, "application/pdf", fallback=f"certificate-{completion.pk}.pdf"
        )


class EventAnnounceView(ScopedFormView):
    """Announce an event to its audience or a part of it (the people are told in the background),
    and see how far word went: told, opened, enrolled."""

    model = Event
    queryset = Event.objects.select_related("organization", "audience")
    scope_action = "change"
    form_class = AnnounceForm
    template_name = "training/announce.html"
    title = gettext_lazy("Announce the event")
    success_message = gettext_lazy("The event is being announced; people are told in the background.")
    success_url_name = "training:event-announce"

    def get_form_kwargs(self) -> dict[str, Any]:
        event: Event = self.object
        below = self.scoped(Organization.objects.filter(path__startswith=event.audience.path))
        return {
            "organizations": Organization.objects.filter(
                Q(pk=event.audience_id) | Q(pk__in=below.values("pk"))
            )
        }

    def get_initial(self) -> dict[str, Any]:
        return {"organization": self.object.audience_id}

    def perform(self, form: AnnounceForm) -> Event | None:
        result: Event | None = form.run_action(
            do_announce_event,
            self.object,
            acting_user=self.user,
            organization=form.cleaned_data["organization"],
            address=absolute_url(self.object.get_absolute_url(), self.request),
        )
        return result

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, event=self.object, publicity=publicity(self.object))


class EventCalendarFileView(ScopedDetailView):
    """One event as an iCalendar file, for a calendar program."""

    model = Event
    queryset = Event.objects.select_related("organization")

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        event: Event = self.get_object()
        address = absolute_url(event.get_absolute_url(), request)
        return content_download(
            ical.event_file(event, address=address), ical.event_file_name(event), ical.CONTENT_TYPE
        )


class CalendarAddressView(SignedInView):
    """The person's calendar address: whether they have one, and a button that makes a new one
    (shown once, on the answer to that button) or stops it."""

    template_name = "training/calendar_address.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.render({"feed": CalendarFeed.objects.filter(user=self.user).first(), "address": ""})

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        feed, secret = do_make_calendar_feed(self.user, acting_user=self.user)
        address = absolute_url(reverse("training:calendar-feed", args=[secret]), request)
        response = self.render({"feed": feed, "address": address})
        response["Cache-Control"] = "no-store"
        return response


class CalendarAddressStopView(SignedInView):
    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if do_stop_calendar_feed(self.user, acting_user=self.user):
            messages.success(request, _("Your calendar address no longer works."))
        return redirect("training:calendar-address")


class CalendarFeedView(View):
    """A person's training events for their calendar program (no sign-in: the secret in the
    address says whose). An unknown or stopped address is a plain 404."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = feed_owner(str(kwargs.get("key", "")))
        if person is None:
            raise Http404
        events = list(feeds.events_for(person, now=timezone.now()))
        addresses = {e.pk: absolute_url(e.get_absolute_url(), request) for e in events}
        with texts.in_persian():
            name = _("Training in Rasad")
        response = HttpResponse(
            ical.calendar(events, name=name, address_of=addresses), content_type=ical.CONTENT_TYPE
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response


class CheckInCodeView(ScopedDetailView):
    """The organizer's screen at the door: the event's check-in QR code (open check-in, or make a
    new code, with the button)."""

    model = Event
    queryset = Event.objects.select_related("organization")
    scope_action = "attend"
    template_name = "training/check_in_code.html"
    context_object_name = "event"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        event: Event = self.object
        address = ""
        qr = ""
        if event.check_in_code:
            address = self.request.build_absolute_uri(
                reverse("training:check-in", args=[event.pk, event.check_in_code])
            )
            qr = certificates.qr_svg(address)
        checked_in = event.enrolments.filter(attended=True).count()
        holding = event.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        return super().get_context_data(
            **context, address=address, qr=qr, checked_in=checked_in, holding=holding
        )

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        event: Event = self.get_object()
        try:
            do_open_check_in(event, acting_user=self.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("training:check-in-code", pk=event.pk)


class CheckInView(ScopedDetailView):
    """What a person reaches by scanning the code at the door (signed in): the event and a button
    that checks them in."""

    model = Event
    queryset = Event.objects.select_related("organization")
    template_name = "training/check_in.html"
    context_object_name = "event"

    def get_object(self, action: str | None = None, pk: Any = None) -> Any:
        event: Event = super().get_object(action, pk)
        if not code_matches(event, str(self.kwargs.get("code", ""))):
            raise Http404
        return event

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        mine = Enrolment.objects.filter(event=self.object, user=self.user).first()
        return super().get_context_data(**context, mine=mine)

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        event: Event = self.get_object()
        try:
            do_check_in(event, str(kwargs.get("code", "")), acting_user=self.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("training:check-in", pk=event.pk, code=kwargs.get("code", ""))
        messages.success(request, _("You are checked in. Welcome!"))
        return redirect("training:event-detail", pk=event.pk)


class _ComplianceFeed(ScopedView):
    model = PositionHolding

    def found(self) -> list[Any]:
        return obligations(
            self.get_queryset(),
            self.scoped(Requirement.objects.active())
            .select_related("organization")
            .prefetch_related("courses"),
            today=local_date(timezone.now()),
        )

    def places(self, found: list[Any]) -> dict[int, Organization]:
        ids = {o.organization.pk for o in found}
        return {
            organization.pk: organization
            for organization in self.scoped(Organization.objects.filter(pk__in=ids)).select_related(
                "province"
            )
        }

    @staticmethod
    def shown(tally: PlaceTally) -> str:
        return _("%(rate)s (%(met)s of %(total)s)") % {
            "rate": formatting.percent(tally.share),
            "met": formatting.number(tally.met),
            "total": formatting.number(tally.total),
        }


class ComplianceMapView(_ComplianceFeed):
    """The compliance map's provinces: the share of obligations met among the people the reader
    may see, by the province of each person's organization."""

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        found = self.found()
        places = self.places(found)
        place_of = {pk: (o.province.code if o.province is not None else None) for pk, o in places.items()}
        tallies = by_place(found, place_of)
        return JsonResponse(
            {
                "values": {code: round(100 * t.share, 1) for code, t in tallies.items()},
                "display": {code: self.shown(t) for code, t in tallies.items()},
                "label": _("Required training met"),
            }
        )


class CompliancePointsView(_ComplianceFeed):
    """The compliance map's points: each organization with people bound by a requirement, at its
    location, coloured by the share of its own people's obligations met."""

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        found = self.found()
        places = self.places(found)
        tallies = by_place(found, {pk: str(pk) for pk in places})
        page = reverse("training:compliance")
        points = []
        for pk, tally in tallies.items():
            organization = places[int(pk)]
            if organization.latitude is None or organization.longitude is None:
                continue
            properties = {
                "name": f"{organization.name}: {self.shown(tally)}",
                "url": f"{page}#org-{organization.code}",
                "colour": rate_colour(tally.share),
            }
            points.append((organization.latitude, organization.longitude, properties))
        return points_response(points)


class CompletionImportView(ScopedImportView):
    """Upload past completions (user name, course code, Jalali day, score); every bad row is
    listed, and nothing is recorded unless every row is valid."""

    model = Completion
    scope_action = "add"
    form_class = RosterImportForm
    template_name = "training/completion_import.html"
    title = gettext_lazy("Import past completions")

    def importer(self) -> CompletionImporter:
        return CompletionImporter(acting_user=self.user)

    def get_done_url(self) -> str:
        return reverse("training:compliance")


class CompletionTemplateView(ScopedView):
    """The empty workbook for importing past completions, for those who may import them."""

    model = Completion
    scope_action = "add"
    refuse_when_nowhere = True

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return template_download(completion_template(), _("Past completions"), "past-completions", "xlsx")
