"""The media calendar (the content plan) UI: a Jalali month of planned items (events to publicize,
press conferences, news, videos, interviews, campaigns) of the headquarters and its member
agencies, an item's page, its forms (plan, change, mark published, cancel). Generic scoped views;
scope is never applied here by hand."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.core.models import Organization
from rasad.lib import formatting
from rasad.lib.downloads import file_download
from rasad.lib.jalali import TEHRAN, JalaliPeriod, local_date
from rasad.lib.site import absolute_url
from rasad.media import ical
from rasad.media.actions import (
    do_cancel_planned_item,
    do_change_planned_item,
    do_plan_item,
    do_publish_planned_item,
)
from rasad.media.actions.plan import may_publish, roadmap_axes
from rasad.media.choices import PlanState
from rasad.media.filtersets import PlannedItemFilterSet
from rasad.media.forms import CancelItemForm, PlannedItemForm, PublishItemForm
from rasad.media.models import MemberAgency, PlannedItem
from rasad.training.models import Event
from rasad.web import calendars
from rasad.web.generic import ScopedDetailView, ScopedFormView, ScopedListView


def agenda_day(item: PlannedItem, period: JalaliPeriod) -> Any:
    """The day of the month an item is listed under: its first day, or the month's first."""
    return max(local_date(item.starts_at), period.start)


def month_grid(
    period: JalaliPeriod, items: list[PlannedItem], today: Any
) -> list[list[dict[str, Any] | None]]:
    """The site's month grid (``rasad.web.calendars``), each day with where a phone finds it."""
    weeks = calendars.month_grid(period, items, today)
    for cell in (cell for week in weeks for cell in week if cell is not None):
        # On a phone the day links to where its first item is listed in the agenda.
        cell["anchor"] = min((agenda_day(item, period) for item in cell["items"]), default=None)
    return weeks


def _moment_under(moment: datetime, day: date) -> str:
    """A moment as a row under ``day``'s heading shows it: the time alone on that day («۱۰:۳۰»),
    the date and time on another («۱۴۰۵/۰۹/۱۷ ۱۷:۰۰»)."""
    if local_date(moment) == day:
        return formatting.digits(moment.astimezone(TEHRAN).strftime("%H:%M"))
    return formatting.datetime_text(moment)


def agenda_when(item: PlannedItem, day: date) -> str:
    """When an item listed under ``day`` takes place, without the date its heading already gives
    («۱۰:۳۰ – ۱۲:۰۰»; an item that runs into another day gives that day's date)."""
    when = _moment_under(item.starts_at, day)
    if item.ends_at != item.starts_at:
        when += " – " + _moment_under(item.ends_at, day)
    return when


def agenda(period: JalaliPeriod, items: list[PlannedItem]) -> list[dict[str, Any]]:
    """The month as a list of days with something planned (what a phone shows instead of reading
    titles off a grid): each item under the day it starts, or the month's first day when it
    started before, with when it takes place (the heading gives the date once)."""
    days: dict[Any, list[PlannedItem]] = {}
    for item in items:
        days.setdefault(agenda_day(item, period), []).append(item)
    return [
        {
            "day": day,
            "weekday": calendars.WEEKDAYS[day.weekday()],
            "rows": [{"item": item, "when": agenda_when(item, day)} for item in day_items],
        }
        for day, day_items in sorted(days.items())
    ]


class PlanCalendarView(ScopedListView):
    """The month's planned items of the headquarters the person works in or with: a grid, and the
    list of the month (filtered by agency, kind, state or words)."""

    model = PlannedItem
    queryset = PlannedItem.objects.select_related("organization", "agency", "axis")
    filterset_class = PlannedItemFilterSet
    ordering = ("starts_at", "pk")
    paginate_by = 100
    template_name = "media/plan_calendar.html"

    def month(self) -> JalaliPeriod:
        return calendars.month_of(self.request.GET.get("month"), local_date(timezone.now()))

    def get_queryset(self, action: str | None = None) -> Any:
        period = self.month()
        start, end = calendars.bounds(period.start, period.end)
        return super().get_queryset(action).filter(starts_at__lt=end, ends_at__gte=start)

    def ics_query(self, period: JalaliPeriod) -> str:
        """The page's filters and its month, for the calendar file of what the page shows."""
        query = self.request.GET.copy()
        query.pop("page", None)
        query["month"] = period.key
        return query.urlencode()

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        data = super().get_context_data(**context)
        period = self.month()
        today = local_date(timezone.now())
        return {
            **data,
            "period": period,
            "previous_month": period.previous().key,
            "next_month": period.next().key,
            "weeks": month_grid(period, list(data["page"]), today),
            "weekdays": calendars.weekday_headings(),
            "agenda": agenda(period, list(data["page"])),
            "can_add": self.may("add"),
            "ics_query": self.ics_query(period),
            "axes": self.axes(),
        }

    def axes(self) -> list[Any]:
        """The roadmap axes the month may be filtered by: those of the programmes the
        headquarters the person sees take part in, as far as the person may see them."""
        hqs = MemberAgency.objects.active().filter(hq__in=self.organizations_for("view")).values("hq_id")
        hq_ids = Organization.objects.filter(pk__in=hqs).values_list("pk", flat=True)
        return list(self.scoped(roadmap_axes(hq_ids)))


class PlanCalendarFileView(PlanCalendarView):
    """The month's items as they are filtered on the calendar page, as an iCalendar file for a
    calendar program. A month of one person's headquarters is small (the page shows up to 100
    items of it), so the file is written within the request, bounded the same way."""

    template_name = ""  # a filter that cannot be read is answered with the API's error body

    def respond(self, objects: QuerySet[Any]) -> HttpResponseBase:
        items = list(objects.select_related("training_event", "axis__programme")[: self.paginate_by])
        period = self.month()
        data = ical.calendar(
            items,
            name=str(gettext_lazy("Media calendar")),
            address_of={item.pk: absolute_url(item.get_absolute_url(), self.request) for item in items},
        )
        return file_download(io.BytesIO(data), f"media-calendar-{period.key}.ics", ical.CONTENT_TYPE)


class _PlanForm(ScopedFormView):
    model = PlannedItem
    form_class = PlannedItemForm
    template_name = "media/form.html"
    success_url_name = "media:plan-detail"

    def form_choices(self, organizations: Any) -> dict[str, Any]:
        hqs = MemberAgency.objects.active().filter(hq__in=organizations).values("hq_id")
        agencies = MemberAgency.objects.active().filter(hq__in=organizations).values("agency_id")
        return {
            "organizations": organizations.filter(pk__in=hqs),
            "agencies": Organization.objects.filter(pk__in=agencies).order_by("name"),
            "events": self.scoped(Event.objects.filter(ends_at__gte=timezone.now())).order_by("starts_at"),
            # The axes of the programmes the headquarters takes part in, those the person may see.
            "axes": self.scoped(roadmap_axes(organizations.filter(pk__in=hqs).values_list("pk", flat=True))),
        }


class PlannedItemCreateView(_PlanForm):
    scope_action = "add"
    title = gettext_lazy("Plan content or an event")
    success_message = gettext_lazy("The item is on the media calendar.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return self.form_choices(self.organizations_for("add"))

    def get_initial(self) -> dict[str, Any]:
        choices = self.get_form_kwargs()["organizations"]
        first = choices.values_list("pk", flat=True).first()
        return {"organization": first} if first is not None else {}

    def perform(self, form: PlannedItemForm) -> PlannedItem | None:
        result: PlannedItem | None = form.run_action(do_plan_item, form.values(), acting_user=self.user)
        return result


class PlannedItemEditView(_PlanForm):
    scope_action = "change"
    title = gettext_lazy("Change the planned item")
    success_message = gettext_lazy("The planned item was changed.")

    def get_form_kwargs(self) -> dict[str, Any]:
        item: PlannedItem = self.object
        return self.form_choices(Organization.objects.filter(pk=item.organization_id))

    def get_initial(self) -> dict[str, Any]:
        item: PlannedItem = self.object
        return {
            "organization": item.organization_id,
            "kind": item.kind,
            "title": item.title,
            "agency": item.agency_id,
            "start_day": local_date(item.starts_at),
            "start_time": item.starts_at.astimezone(TEHRAN).strftime("%H:%M"),
            "end_day": local_date(item.ends_at)
            if local_date(item.ends_at) != local_date(item.starts_at)
            else None,
            "channel": item.channel,
            "training_event": item.training_event_id,
            "axis": item.axis_id,
            "description": item.description,
        }

    def perform(self, form: PlannedItemForm) -> PlannedItem | None:
        result: PlannedItem | None = form.run_action(
            do_change_planned_item, self.object, form.values(self.object), acting_user=self.user
        )
        return result


class PlannedItemDetailView(ScopedDetailView):
    model = PlannedItem
    queryset = PlannedItem.objects.select_related(
        "organization", "agency", "training_event", "axis__programme", "planned_by", "done_by"
    )
    template_name = "media/plan_detail.html"
    context_object_name = "item"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        item: PlannedItem = self.object
        planned = item.state == PlanState.PLANNED
        may_change = self.can("change", item)
        return super().get_context_data(
            **context,
            can_edit=planned and may_change,
            publish_form=PublishItemForm() if planned and may_publish(self.user, item) else None,
            cancel_form=CancelItemForm() if planned and may_change else None,
            month=JalaliPeriod.containing(local_date(item.starts_at), "month").key,
        )


class PlannedItemPublishView(ScopedFormView):
    """The agency the item is planned for (or the headquarters) says where it was published."""

    model = PlannedItem
    form_class = PublishItemForm
    template_name = "media/form.html"
    title = gettext_lazy("Mark the item published")
    success_message = gettext_lazy("The item is marked published.")
    invalid_status = 400
    success_url_name = "media:plan-detail"

    def load(self) -> None:
        super().load()
        if not may_publish(self.user, self.object):
            self.require("publish", self.object)

    def perform(self, form: PublishItemForm) -> PlannedItem | None:
        result: PlannedItem | None = form.run_action(
            do_publish_planned_item, self.object, form.cleaned_data["link"], acting_user=self.user
        )
        return result


class PlannedItemCancelView(ScopedFormView):
    model = PlannedItem
    scope_action = "change"
    form_class = CancelItemForm
    template_name = "media/form.html"
    title = gettext_lazy("Cancel the planned item")
    success_message = gettext_lazy("The item was cancelled.")
    invalid_status = 400
    success_url_name = "media:plan-detail"

    def perform(self, form: CancelItemForm) -> PlannedItem | None:
        result: PlannedItem | None = form.run_action(
            do_cancel_planned_item, self.object, form.cleaned_data["reason"], acting_user=self.user
        )
        return result
