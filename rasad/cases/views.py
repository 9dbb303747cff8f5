"""The cases UI: list, board, map, Excel export, a case page with its timeline, consolidation,
dossiers, notifications, the working calendar and the SLA policy. Every page is a generic scoped
view (``rasad.web.generic``) and writes through actions; scope is never applied here by hand."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.cases.actions import (
    CaseValues,
    allowed_actions,
    do_add_attachment,
    do_add_comment,
    do_delete_holiday,
    do_forward_dossier,
    do_mark_notifications_read,
    do_merge_cases,
    do_open_case,
    do_set_holiday,
    do_transition_case,
    do_update_holiday,
    do_update_working_calendar,
)
from rasad.cases.calendar import (
    DEFAULT_POLICY,
    current_calendar,
    estimated_lunar_holidays,
    fixed_holidays_of,
    lunar_years,
)
from rasad.cases.choices import CaseKind, CaseStatus, HolidayKind, Priority
from rasad.cases.filtersets import CaseFilterSet
from rasad.cases.forms import (
    AttachmentForm,
    CaseForm,
    CommentForm,
    DossierForm,
    HolidayForm,
    WorkingWeekForm,
    transition_form,
)
from rasad.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Comment,
    Dossier,
    Holiday,
    Notification,
    SlaPolicy,
    WorkingCalendarSettings,
)
from rasad.cases.workflow import ACTION_LABELS, Action
from rasad.lib import display, formatting, jalali, persian
from rasad.lib.downloads import file_download
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    refusal,
)
from rasad.web.maps import Placement, points_response

BOARD_COLUMNS = (
    CaseStatus.NEW,
    CaseStatus.TRIAGED,
    CaseStatus.ASSIGNED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.WAITING,
    CaseStatus.RESOLVED,
    CaseStatus.REOPENED,
)


BOARD_MOVES = (Action.TRIAGE, Action.START, Action.PROVIDE_INFO, Action.VERIFY, Action.REOPEN)


class _CaseListBase(ScopedListView):
    """The cases the user may see, through the shared filters (list, board, map feed, export)."""

    model = Case
    queryset = Case.objects.select_related(
        "category", "reporter_organization", "owner_organization", "assignee"
    )
    filterset_class = CaseFilterSet

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, now=timezone.now())


class CaseListView(_CaseListBase):
    paginate_by = 50
    count_limited = True
    template_name = "cases/case_list.html"


class CaseBoardView(_CaseListBase):
    template_name = "cases/case_board.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        cases = list(objects.filter(status__in=BOARD_COLUMNS)[:500])
        # Moves that need nothing typed are buttons on the card (the others open the case).
        for case in cases:
            case.moves = [
                {"action": action.value, "label": ACTION_LABELS[action]}
                for action in allowed_actions(case, self.user)
                if action in BOARD_MOVES
            ]
        columns = [
            {"status": status, "label": status.label, "cases": [c for c in cases if c.status == status]}
            for status in BOARD_COLUMNS
        ]
        return self.render({"filter": self.filterset, "columns": columns})


def _map_rows(objects: models.QuerySet[Any]) -> Any:
    """What the map needs of each case: its point, else its site's or reporter's point."""
    return objects.values(
        "pk",
        "reference",
        "title",
        "kind",
        "status",
        "latitude",
        "longitude",
        "province__name_fa",
        "province__name_en",
        "site__latitude",
        "site__longitude",
        "site__province__name_fa",
        "site__province__name_en",
        "reporter_organization__latitude",
        "reporter_organization__longitude",
        "reporter_organization__province__name_fa",
        "reporter_organization__province__name_en",
    )


def _placed(row: dict[str, Any]) -> tuple[float | None, float | None, bool]:
    """(latitude, longitude, approximate): the case's own point, or its site's or reporter
    organization's point, marked approximate."""
    if row["latitude"] is not None and row["longitude"] is not None:
        return row["latitude"], row["longitude"], False
    for prefix in ("site__", "reporter_organization__"):
        if row[f"{prefix}latitude"] is not None and row[f"{prefix}longitude"] is not None:
            return row[f"{prefix}latitude"], row[f"{prefix}longitude"], True
    return None, None, False


def _province_name(row: dict[str, Any]) -> str:
    suffix = "fa" if display.current().language.startswith("fa") else "en"
    for prefix in ("", "site__", "reporter_organization__"):
        name = row.get(f"{prefix}province__name_{suffix}")
        if name:
            return str(name)
    return ""


class CaseMapView(_CaseListBase):
    """The map page: the filtered cases' summary (how many are placed where, and why some are
    not on the map) and a table by province beside the map; the points come from
    ``CaseGeoJsonView``, through the same scope and filters."""

    template_name = "cases/case_map.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        placement = Placement()
        for row in _map_rows(objects):
            latitude, _longitude, approximate = _placed(row)
            placement.add(exact=latitude is not None and not approximate, approximate=approximate,
                          province=_province_name(row))  # fmt: skip
        return self.render({"query": self.request.GET.urlencode(), "placement": placement})


class CaseGeoJsonView(_CaseListBase):
    """The cases the user may see, for the shared map component (data-points): at their own
    point, or at their site's or reporter organization's point marked approximate."""

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        points = []
        for row in _map_rows(objects):
            latitude, longitude, approximate = _placed(row)
            if latitude is None or longitude is None:
                continue
            properties = {
                "id": row["pk"],
                "name": f"{formatting.digits(row['reference'])}{formatting.separator()}{row['title']}",
                "kind": row["kind"],
                "status": row["status"],
                "url": reverse("cases:case-detail", args=[row["pk"]]),
            }
            if approximate:
                properties["approximate"] = True
            points.append((latitude, longitude, properties))
        return points_response(points)


class CaseCreateView(ScopedFormView):
    """File a case: offered to those who may add cases somewhere; the reporting organizations are
    those they may add cases for."""

    model = Case
    scope_action = "add"
    form_class = CaseForm
    template_name = "cases/case_form.html"
    success_url_name = "cases:case-detail"

    def get_initial(self) -> dict[str, Any]:
        return {"kind": self.request.GET.get("kind", CaseKind.CHALLENGE)}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.user}

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        if data is None:
            return CaseForm(user=self.user, initial=self.get_initial())
        return CaseForm(data, user=self.user)

    def perform(self, form: CaseForm) -> Case | None:
        data = form.cleaned_data
        case: Case | None = form.run_action(
            do_open_case,
            CaseValues(
                kind=data["kind"],
                category=data["category"],
                title=data["title"],
                reporter_organization=data["reporter_organization"],
                description=data.get("description") or "",
                confidential_details=data.get("confidential_details") or "",
                priority=data["priority"],
                owner_organization=data.get("owner_organization"),
                deadline=data.get("deadline"),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                site=data.get("site"),
                likelihood=data.get("likelihood"),
                impact=data.get("impact"),
                treatment_plan=data.get("treatment_plan") or "",
                origin=data.get("origin") or "",
            ),
            acting_user=self.user,
        )
        return case

    def get_success_message(self, result: Case) -> str:
        return _("Case %(reference)s was filed.") % {"reference": formatting.digits(result.reference)}


EVENT_LABELS: dict[str, Any] = {
    "open": gettext_lazy("Opened"),
    "edit": gettext_lazy("Edited"),
    "escalate": gettext_lazy("Escalated (overdue)"),
    "forward": gettext_lazy("Forwarded in a dossier"),
    "merge": gettext_lazy("Merged as a duplicate"),
    "absorb": gettext_lazy("Duplicates merged into this case"),
    "breach": gettext_lazy("Threshold breached again"),
    "answer": gettext_lazy("Answered by the record it was raised for"),
    **{action.value: label for action, label in ACTION_LABELS.items()},
}


class CaseDetailView(ScopedDetailView):
    """A case with its timeline, comments and attachments (each judged by its own permission),
    its workflow steps, and the comment and attachment forms."""

    model = Case
    queryset = Case.objects.select_related("merged_into")
    template_name = "cases/case_detail.html"
    context_object_name = "case"

    def timeline(self, case: Case) -> list[Any]:
        labels = dict(CaseStatus.choices)
        events = list(
            self.scoped(CaseEvent.objects.filter(case=case)).select_related("actor").order_by("created", "id")
        )
        for event in events:
            event.label = EVENT_LABELS.get(event.action, event.action)
            event.to_label = (
                labels.get(event.to_status)
                if event.to_status and event.to_status != event.from_status
                else ""
            )
        return events

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        case: Case = self.object
        actions = allowed_actions(case, self.user)
        transitions = [{"action": action.value, "label": ACTION_LABELS[action]} for action in actions]
        # One form for the next step: one note, whichever step is taken (each step's button sends
        # its action), and the owner and assignee only when assigning is one of the steps.
        step_form = (
            transition_form(case, self.user, Action.ASSIGN if Action.ASSIGN in actions else actions[0])
            if actions
            else None
        )
        context.setdefault("comment_form", CommentForm())
        context.setdefault("attachment_form", AttachmentForm())
        return super().get_context_data(
            **context,
            events=self.timeline(case),
            comments=self.scoped(Comment.objects.filter(case=case)).select_related("author"),
            attachments=self.scoped(Attachment.objects.filter(case=case)),
            dossiers=self.scoped(case.dossiers.all()).select_related("to_organization"),
            duplicates=self.scoped(case.duplicates.all()),
            transitions=transitions,
            transition_form=step_form,
            can_comment=self.can("comment", case),
            now=timezone.now(),
        )

    def _again(self, case: Case, **extra: Any) -> HttpResponse:
        self.object = case
        return self.render({"object": case, "case": case, **extra}, status=400 if extra.get("error") else 200)

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        case: Case = self.get_object()
        kind = request.POST.get("form")
        if kind in ("comment", "attachment"):
            # Commenting and attaching need cases.comment_case: refused like a missing case.
            self.require("comment", case)
        try:
            if kind == "comment":
                comment_form = CommentForm(request.POST)
                if not comment_form.is_valid():
                    return self._again(case, comment_form=comment_form, error=[_("Some values are invalid.")])
                do_add_comment(
                    case,
                    comment_form.cleaned_data["body"],
                    acting_user=self.user,
                    confidential=comment_form.cleaned_data["confidential"],
                )
                messages.success(request, _("Your comment was added."))
            elif kind == "attachment":
                attachment_form = AttachmentForm(request.POST, request.FILES)
                if not attachment_form.is_valid():
                    return self._again(
                        case, attachment_form=attachment_form, error=[_("Some values are invalid.")]
                    )
                attachment = do_add_attachment(
                    case,
                    attachment_form.cleaned_data["file"],
                    acting_user=self.user,
                    confidential=attachment_form.cleaned_data["confidential"],
                )
                # What was recorded, by the name it was sent with: on a phone, a photo's name.
                messages.success(request, _("The file «%(name)s» was attached.") % {"name": attachment.name})
            else:
                # A workflow step from someone who may take none (a viewer) reads like a missing case.
                if not allowed_actions(case, self.user):
                    raise refusal()
                form = transition_form(case, self.user, data=request.POST)
                if not form.is_valid():
                    return self._again(case, error=form.errors)
                data = form.cleaned_data
                assigning = data["action"] == Action.ASSIGN
                do_transition_case(
                    case,
                    data["action"],
                    acting_user=self.user,
                    note=data.get("note") or "",
                    expected_version=data["version"],
                    owner_organization=data.get("owner_organization") if assigning else None,
                    assignee=data.get("assignee") if assigning else None,
                )
                messages.success(request, _("The case was updated."))
        except ValidationError as error:
            texts = (
                [f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items()]
                if hasattr(error, "error_dict")
                else error.messages
            )
            case.refresh_from_db()
            return self._again(case, error=texts)
        except PermissionDenied as error:
            case.refresh_from_db()
            return self._again(case, error=[str(error)])
        # A move from the board comes back to the board (next=); anything else to the case.
        return redirect(self.safe_next(reverse("cases:case-detail", args=[case.pk])))


class AttachmentDownloadView(ScopedDetailView):
    """Files are served only here, after the case's and the attachment's own visibility are
    checked; never by URL."""

    model = Case

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        case = self.get_object()
        attachment = self.get_related(Attachment.objects.filter(case=case), kwargs["attachment_id"])
        return file_download(attachment.open_content(), attachment.name, attachment.content_type)


class ConsolidateView(ScopedListView):
    """A parent organization's members' open challenges, grouped by category: merge duplicates,
    then forward a dossier to a coordinating organization. For holders of ``cases.forward_case``."""

    model = Case
    scope_action = "forward"
    refuse_when_nowhere = True
    queryset = Case.objects.filter(
        kind=CaseKind.CHALLENGE, status__in=(CaseStatus.NEW, CaseStatus.TRIAGED, CaseStatus.REOPENED)
    ).select_related("category", "reporter_organization")
    ordering = ("category__sort_order", "opened_at")
    template_name = "cases/consolidate.html"

    def _page(self, dossier_form: DossierForm, error: list[str] | None = None) -> HttpResponse:
        groups: OrderedDict[Any, list[Case]] = OrderedDict()
        for case in self.get_queryset().order_by(*self.ordering):
            groups.setdefault(case.category, []).append(case)
        return self.render(
            {"groups": groups, "dossier_form": dossier_form, "error": error}, status=400 if error else 200
        )

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self._page(DossierForm(user=self.user))

    def post(self, request: AuthenticatedRequest) -> HttpResponseBase:
        selected = list(self.get_queryset().filter(pk__in=request.POST.getlist("cases")))
        form = DossierForm(request.POST if request.POST.get("form") == "forward" else None, user=self.user)
        try:
            if request.POST.get("form") == "merge":
                return self._merge(selected)
            if form.is_valid():
                data = form.cleaned_data
                dossier = do_forward_dossier(
                    data["from_organization"],
                    data["to_organization"],
                    selected,
                    acting_user=self.user,
                    title=data["title"],
                    summary=data["summary"],
                )
                messages.success(
                    request,
                    _("Dossier %(reference)s was forwarded.")
                    % {"reference": formatting.digits(dossier.reference)},
                )
                return redirect("cases:dossier-detail", pk=dossier.pk)
            return self._page(form, error=[_("Some values are invalid.")])
        except ValidationError as error:
            texts = (
                [" ".join(t) for t in error.message_dict.values()]
                if hasattr(error, "error_dict")
                else error.messages
            )
            return self._page(form, error=texts)

    def _merge(self, selected: list[Case]) -> HttpResponseBase:
        primary = next((c for c in selected if str(c.pk) == self.request.POST.get("primary")), None)
        if primary is None:
            raise ValidationError({"primary": [_("Choose the case to keep.")]})
        do_merge_cases(
            primary,
            [c for c in selected if c.pk != primary.pk],
            acting_user=self.user,
            note=self.request.POST.get("note", ""),
        )
        messages.success(
            self.request,
            _("The duplicates were merged into %(reference)s.")
            % {"reference": formatting.digits(primary.reference)},
        )
        return redirect("cases:consolidate")


class DossierListView(ScopedListView):
    model = Dossier
    queryset = Dossier.objects.select_related("from_organization", "to_organization")
    context_object_name = "dossiers"
    template_name = "cases/dossier_list.html"


class DossierDetailView(ScopedDetailView):
    model = Dossier
    queryset = Dossier.objects.select_related("from_organization", "to_organization")
    context_object_name = "dossier"
    template_name = "cases/dossier_detail.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        cases = self.object.cases.select_related("category", "reporter_organization", "assignee")
        return super().get_context_data(**context, cases=cases, now=timezone.now())


class NotificationListView(ScopedListView):
    """The signed-in person's own notifications; POST marks them all read."""

    model = Notification
    queryset = Notification.objects.select_related("case")
    template_name = "cases/notifications.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        return self.render({"notifications": objects[:200]})

    def post(self, request: AuthenticatedRequest) -> HttpResponseBase:
        unread = self.get_queryset().filter(read_at__isnull=True)
        do_mark_notifications_read(list(unread), acting_user=self.user)
        return redirect("cases:notifications")


# ---------------------------------------------------------------------------------------------
# The working calendar and the SLA policy: everyone signed in reads them (reference data); only
# platform administrators change the calendar (their querysets say so, and the actions check).
# ---------------------------------------------------------------------------------------------


# Python weekdays from Saturday to Friday, the order of the Iranian week.
OFFICE_WEEK = (5, 6, 0, 1, 2, 3, 4)


def _jalali_year(text: str) -> int:
    current = jalali.today_jalali().year
    try:
        year = int(persian.to_latin_digits(text) or current)
    except ValueError:
        return current
    return year if 1300 <= year <= 1500 else current


class WorkingCalendarView(ScopedListView):
    """The office week and the holidays of one Jalali year (``?year=1405``)."""

    model = Holiday
    template_name = "cases/calendar.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        year = _jalali_year(self.request.GET.get("year", ""))
        calendar = current_calendar()
        holidays: list[Any] = list(
            objects.filter(
                date__gte=jalali.from_jalali(year, 1, 1), date__lt=jalali.from_jalali(year + 1, 1, 1)
            )
        )
        # Holidays fixed in the Jalali calendar hold in every year by rule, entered or not; the
        # lunar ones of a year nobody entered are estimates the SLA clock uses meanwhile.
        entered = {holiday.date for holiday in holidays}
        lunar_entered = any(holiday.kind == HolidayKind.LUNAR for holiday in holidays)
        persian_names = display.current().language.startswith("fa")
        for day, name_fa, name_en in fixed_holidays_of(year):
            if day not in entered:
                holidays.append(CalendarDay(day, name_fa if persian_names else name_en, "rule"))
        if not lunar_entered:
            for day, name in estimated_lunar_holidays(year).items():
                holidays.append(CalendarDay(day, name, "estimate"))
        holidays.sort(key=lambda holiday: holiday.date)
        # A Gregorian year overlaps two Jalali years; list every Jalali year that has holidays.
        years = sorted({year} | {jalali.to_jalali(day).year for day in objects.dates("date", "day")})
        return self.render(
            {
                "year": year,
                "years": years,
                "holidays": holidays,
                "week": [(WEEKDAYS[day], calendar.hours.get(day)) for day in OFFICE_WEEK],
                "may_change": self.may("change"),
            }
        )


@dataclass(frozen=True)
class CalendarDay:
    """A holiday the calendar page lists that is no stored row: by rule, or an estimate."""

    date: date
    name: str
    source: str
    pk: None = None


def _calendar_url(holiday: Holiday) -> str:
    return reverse("cases:calendar") + f"?year={jalali.to_jalali(holiday.date).year}"


class WorkingWeekView(ScopedFormView):
    """The office week's hours (platform administrators)."""

    model = WorkingCalendarSettings
    scope_action = "change"
    form_class = WorkingWeekForm
    template_name = "cases/calendar_form.html"
    title = gettext_lazy("Office week")
    success_message = gettext_lazy("The office week was saved; open cases' due times were recomputed.")
    invalid_status = 400

    def get_initial(self) -> dict[str, Any]:
        hours = current_calendar().hours
        workday, thursday = hours[OFFICE_WEEK[0]], hours.get(3)
        return {
            "workday_start": workday.start if workday else None,
            "workday_end": workday.end if workday else None,
            "thursday_open": thursday is not None,
            "thursday_start": thursday.start if thursday else None,
            "thursday_end": thursday.end if thursday else None,
        }

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        return WorkingWeekForm(data) if data is not None else WorkingWeekForm(initial=self.get_initial())

    def perform(self, form: WorkingWeekForm) -> Any:
        data = form.cleaned_data
        thursday = (data["thursday_start"], data["thursday_end"]) if data["thursday_open"] else None
        return form.run_action(
            do_update_working_calendar,
            acting_user=self.user,
            workday=(data["workday_start"], data["workday_end"]),
            thursday=thursday,
        )

    def get_success_url(self, result: Any) -> str:
        return reverse("cases:calendar")


class _HolidayFormView(ScopedFormView):
    model = Holiday
    form_class = HolidayForm
    template_name = "cases/calendar_form.html"
    success_message = gettext_lazy("The holiday was saved; open cases' due times were recomputed.")
    invalid_status = 400

    def get_success_url(self, result: Holiday) -> str:
        return _calendar_url(result)


class HolidayCreateView(_HolidayFormView):
    scope_action = "add"
    title = gettext_lazy("Add a holiday")

    def perform(self, form: HolidayForm) -> Holiday | None:
        data = form.cleaned_data
        holiday: Holiday | None = form.run_action(
            do_set_holiday,
            data["date"],
            data["name_fa"],
            acting_user=self.user,
            name_en=data.get("name_en") or "",
            kind=data["kind"],
        )
        return holiday


class HolidayEditView(_HolidayFormView):
    scope_action = "change"
    title = gettext_lazy("Edit holiday")

    def get_initial(self) -> dict[str, Any]:
        holiday: Holiday = self.object
        return {
            "date": holiday.date,
            "name_fa": holiday.name_fa,
            "name_en": holiday.name_en,
            "kind": holiday.kind,
        }

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        return HolidayForm(data) if data is not None else HolidayForm(initial=self.get_initial())

    def perform(self, form: HolidayForm) -> Holiday | None:
        data = form.cleaned_data
        saved: Holiday | None = form.run_action(
            do_update_holiday,
            self.object,
            acting_user=self.user,
            day=data["date"],
            name_fa=data["name_fa"],
            name_en=data.get("name_en") or "",
            kind=data["kind"],
        )
        return saved


class HolidayDeleteView(ScopedActionView):
    model = Holiday
    scope_action = "delete"
    http_method_names = ["post"]
    success_message = gettext_lazy("The holiday was removed; open cases' due times were recomputed.")

    def perform(self, obj: Holiday) -> None:
        do_delete_holiday(obj, acting_user=self.user)

    def get_success_url(self, obj: Holiday) -> str:
        return _calendar_url(obj)


class SlaPolicyView(ScopedListView):
    """How many working hours each kind and priority of case has, as the SLA engine counts them
    (a missing row falls back to the built-in default)."""

    model = SlaPolicy
    template_name = "cases/sla_policy.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        stored = {(row.kind, row.priority): row.working_hours for row in objects}
        priorities = list(Priority)
        rows = [
            {
                "kind": kind.label,
                "hours": [
                    stored.get((kind, priority), DEFAULT_POLICY[(kind, priority)]) for priority in priorities
                ],
            }
            for kind in CaseKind
        ]
        return self.render(
            {"priorities": [p.label for p in priorities], "rows": rows, "lunar_years": lunar_years()}
        )
