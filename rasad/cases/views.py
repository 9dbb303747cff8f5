"""The cases UI: list, board, map, Excel export, a case page with its timeline, consolidation,
dossiers, notifications, the working calendar and the SLA policy. Every page reads through
``visible_to`` and writes through actions."""

from __future__ import annotations

import io
from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
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
from rasad.cases.calendar import DEFAULT_POLICY, current_calendar
from rasad.cases.choices import CaseKind, CaseStatus, Priority
from rasad.cases.filtersets import CaseFilterSet
from rasad.cases.forms import (
    AttachmentForm,
    CaseForm,
    CommentForm,
    DossierForm,
    HolidayForm,
    TransitionForm,
    WorkingWeekForm,
    organizations_for,
)
from rasad.cases.models import (
    Attachment,
    Case,
    Dossier,
    Holiday,
    Notification,
    SlaPolicy,
)
from rasad.cases.notifications import users_who_can
from rasad.cases.workflow import ACTION_LABELS, Action
from rasad.core.access import access_object
from rasad.core.models import User
from rasad.lib import jalali, persian
from rasad.web.maps import points_response
from rasad.web.views import RasadView

BOARD_COLUMNS = (
    CaseStatus.NEW,
    CaseStatus.TRIAGED,
    CaseStatus.ASSIGNED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.WAITING,
    CaseStatus.RESOLVED,
    CaseStatus.REOPENED,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _filtered(request: HttpRequest) -> CaseFilterSet:
    visible = Case.objects.visible_to(_user(request)).select_related(
        "category", "reporter_organization", "owner_organization", "assignee"
    )
    return CaseFilterSet(request.GET or None, queryset=visible)


class CaseListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = _filtered(request)
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "cases/case_list.html",
            {"filter": filterset, "page": page, "query": query.urlencode(), "now": timezone.now()},
        )


class CaseBoardView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = _filtered(request)
        cases = list(filterset.qs.filter(status__in=BOARD_COLUMNS)[:500])
        columns = [
            {"status": status, "label": status.label, "cases": [c for c in cases if c.status == status]}
            for status in BOARD_COLUMNS
        ]
        return render(
            request, "cases/case_board.html", {"filter": filterset, "columns": columns, "now": timezone.now()}
        )


class CaseMapView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "cases/case_map.html", {"query": request.GET.urlencode()})


class CaseGeoJsonView(RasadView):
    """Geo-located cases the user may see, for the shared map component (data-points)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = (
            _filtered(request)
            .qs.exclude(latitude=None)
            .values("pk", "reference", "title", "kind", "status", "latitude", "longitude")
        )
        return points_response(
            (
                row["latitude"],
                row["longitude"],
                {
                    "id": row["pk"],
                    "name": f"{row['reference']} · {row['title']}",
                    "kind": row["kind"],
                    "status": row["status"],
                    "url": reverse("cases:case-detail", args=[row["pk"]]),
                },
            )
            for row in rows
        )


class CaseExportView(RasadView):
    """The filtered list as an Excel workbook: dates in the user's calendar plus ISO columns."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        from rasad.cases.exports import write_cases_xlsx

        buffer = io.BytesIO()
        write_cases_xlsx(buffer, _filtered(request).qs[:10000])
        buffer.seek(0)
        return FileResponse(
            buffer,
            as_attachment=True,
            filename=f"cases-{timezone.localdate():%Y%m%d}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class CaseCreateView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"kind": request.GET.get("kind", CaseKind.CHALLENGE)}
        return render(
            request, "cases/case_form.html", {"form": CaseForm(user=_user(request), initial=initial)}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CaseForm(request.POST, user=_user(request))
        if form.is_valid():
            data = form.cleaned_data
            case = form.run_action(
                do_open_case,
                CaseValues(
                    kind=data["kind"],
                    category=data["category"],
                    title=data["title"],
                    reporter_organization=data["reporter_organization"],
                    description=data.get("description") or "",
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
                acting_user=_user(request),
            )
            if case is not None:
                messages.success(request, _("Case %(reference)s was filed.") % {"reference": case.reference})
                return redirect("cases:case-detail", pk=case.pk)
        return render(request, "cases/case_form.html", {"form": form})


def _transition_forms(case: Case, user: User) -> list[dict[str, Any]]:
    forms = []
    for action in allowed_actions(case, user):
        form = TransitionForm(initial={"action": action.value, "version": case.version})
        if action == Action.ASSIGN:
            form.fields["owner_organization"].queryset = organizations_for(user, "assign")  # type: ignore[attr-defined]
            form.fields["owner_organization"].initial = case.owner_organization_id
            candidates = users_who_can("change", case.owner_organization)
            form.fields["assignee"].queryset = User.objects.filter(pk__in=[u.pk for u in candidates])  # type: ignore[attr-defined]
        else:
            del form.fields["owner_organization"]
            del form.fields["assignee"]
        for field in form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if field.widget.__class__.__name__ == "Select" else "form-control"
            )
        forms.append({"action": action.value, "label": ACTION_LABELS[action], "form": form})
    return forms


EVENT_LABELS: dict[str, Any] = {
    "open": gettext_lazy("Opened"),
    "edit": gettext_lazy("Edited"),
    "escalate": gettext_lazy("Escalated (overdue)"),
    "forward": gettext_lazy("Forwarded in a dossier"),
    "merge": gettext_lazy("Merged as a duplicate"),
    "absorb": gettext_lazy("Duplicates merged into this case"),
    **{action.value: label for action, label in ACTION_LABELS.items()},
}


def _timeline(case: Case) -> list[Any]:
    labels = dict(CaseStatus.choices)
    events = list(case.events.select_related("actor").order_by("created", "id"))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.to_label = (
            labels.get(event.to_status) if event.to_status and event.to_status != event.from_status else ""
        )
    return events


class CaseDetailView(RasadView):
    def _render(self, request: HttpRequest, case: Case, **extra: Any) -> HttpResponse:
        user = _user(request)
        context = {
            "case": case,
            "events": _timeline(case),
            "comments": case.comments.select_related("author"),
            "attachments": case.attachments.all(),
            "dossiers": case.dossiers.visible_to(user).select_related("to_organization"),
            "duplicates": case.duplicates.visible_to(user),
            "transitions": _transition_forms(case, user),
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm(),
            "can_comment": Case.objects.visible_to(user, "comment").filter(pk=case.pk).exists(),
            "now": timezone.now(),
            **extra,
        }
        return render(request, "cases/case_detail.html", context, status=400 if extra.get("error") else 200)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = access_object(Case.objects.select_related("merged_into"), _user(request), pk)
        return self._render(request, case)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        case = access_object(Case.objects.all(), user, pk)
        kind = request.POST.get("form")
        try:
            if kind == "comment":
                comment_form = CommentForm(request.POST)
                if not comment_form.is_valid():
                    return self._render(request, case, comment_form=comment_form, error=True)
                do_add_comment(case, comment_form.cleaned_data["body"], acting_user=user)
                messages.success(request, _("Your comment was added."))
            elif kind == "attachment":
                attachment_form = AttachmentForm(request.POST, request.FILES)
                if not attachment_form.is_valid():
                    return self._render(request, case, attachment_form=attachment_form, error=True)
                do_add_attachment(case, attachment_form.cleaned_data["file"], acting_user=user)
                messages.success(request, _("The file was attached."))
            else:
                form = TransitionForm(request.POST)
                form.fields["owner_organization"].queryset = organizations_for(user, "assign")  # type: ignore[attr-defined]
                form.fields["assignee"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]
                if not form.is_valid():
                    return self._render(request, case, error=form.errors)
                data = form.cleaned_data
                do_transition_case(
                    case,
                    data["action"],
                    acting_user=user,
                    note=data.get("note") or "",
                    expected_version=data["version"],
                    owner_organization=data.get("owner_organization")
                    if data["action"] == Action.ASSIGN
                    else None,
                    assignee=data.get("assignee") if data["action"] == Action.ASSIGN else None,
                )
                messages.success(request, _("The case was updated."))
        except ValidationError as error:
            messages_list = (
                [f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items()]
                if hasattr(error, "error_dict")
                else error.messages
            )
            case.refresh_from_db()
            return self._render(request, case, error=messages_list)
        except PermissionDenied as error:
            case.refresh_from_db()
            return self._render(request, case, error=[str(error)])
        return redirect("cases:case-detail", pk=case.pk)


class AttachmentDownloadView(RasadView):
    """Files are served only here, after the case's visibility is checked; never by URL."""

    def get(self, request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
        case = access_object(Case.objects.all(), _user(request), pk)
        attachment = access_object(Attachment.objects.filter(case=case), _user(request), attachment_id)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ConsolidateView(RasadView):
    """A parent organization's members' open challenges, grouped by category: merge duplicates,
    then forward a dossier to a coordinating organization."""

    def _cases(self, request: HttpRequest) -> QuerySet[Case]:
        return (
            Case.objects.visible_to(_user(request), "forward")
            .filter(
                kind=CaseKind.CHALLENGE, status__in=(CaseStatus.NEW, CaseStatus.TRIAGED, CaseStatus.REOPENED)
            )
            .select_related("category", "reporter_organization")
            .order_by("category__sort_order", "opened_at")
        )

    def _render(
        self, request: HttpRequest, dossier_form: DossierForm, error: list[str] | None = None
    ) -> HttpResponse:
        groups: OrderedDict[Any, list[Case]] = OrderedDict()
        for case in self._cases(request):
            groups.setdefault(case.category, []).append(case)
        return render(
            request,
            "cases/consolidate.html",
            {"groups": groups, "dossier_form": dossier_form, "error": error},
            status=400 if error else 200,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, DossierForm(user=_user(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        selected = list(self._cases(request).filter(pk__in=request.POST.getlist("cases")))
        form = DossierForm(request.POST if request.POST.get("form") == "forward" else None, user=user)
        try:
            if request.POST.get("form") == "merge":
                primary = next((c for c in selected if str(c.pk) == request.POST.get("primary")), None)
                if primary is None:
                    raise ValidationError({"primary": [_("Choose the case to keep.")]})
                do_merge_cases(
                    primary,
                    [c for c in selected if c.pk != primary.pk],
                    acting_user=user,
                    note=request.POST.get("note", ""),
                )
                messages.success(
                    request,
                    _("The duplicates were merged into %(reference)s.") % {"reference": primary.reference},
                )
                return redirect("cases:consolidate")
            if form.is_valid():
                data = form.cleaned_data
                dossier = do_forward_dossier(
                    data["from_organization"],
                    data["to_organization"],
                    selected,
                    acting_user=user,
                    title=data["title"],
                    summary=data["summary"],
                )
                messages.success(
                    request, _("Dossier %(reference)s was forwarded.") % {"reference": dossier.reference}
                )
                return redirect("cases:dossier-detail", pk=dossier.pk)
            return self._render(request, form, error=[_("Some values are invalid.")])
        except ValidationError as error:
            texts = (
                [" ".join(t) for t in error.message_dict.values()]
                if hasattr(error, "error_dict")
                else error.messages
            )
            return self._render(request, form, error=texts)


class DossierListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        dossiers = Dossier.objects.visible_to(_user(request)).select_related(
            "from_organization", "to_organization"
        )
        return render(request, "cases/dossier_list.html", {"dossiers": dossiers})


class DossierDetailView(RasadView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        dossier = access_object(
            Dossier.objects.select_related("from_organization", "to_organization"), _user(request), pk
        )
        cases = dossier.cases.select_related("category", "reporter_organization", "assignee")
        return render(
            request, "cases/dossier_detail.html", {"dossier": dossier, "cases": cases, "now": timezone.now()}
        )


class NotificationListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        notifications = Notification.objects.visible_to(_user(request)).select_related("case")[:200]
        return render(request, "cases/notifications.html", {"notifications": notifications})

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        do_mark_notifications_read(list(Notification.objects.visible_to(user).unread()), acting_user=user)
        return redirect("cases:notifications")


# ---------------------------------------------------------------------------------------------
# The working calendar and the SLA policy: everyone signed in reads them (reference data); only
# platform administrators change the calendar, as the actions and the API enforce.
# ---------------------------------------------------------------------------------------------


# Python weekdays from Saturday to Friday, the order of the Iranian week.
OFFICE_WEEK = (5, 6, 0, 1, 2, 3, 4)


def _require_calendar_admin(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_superuser:
        raise PermissionDenied(_("Only a platform administrator may change the working calendar."))
    return user


def _jalali_year(request: HttpRequest) -> int:
    current = jalali.today_jalali().year
    try:
        year = int(persian.to_latin_digits(request.GET.get("year", "")) or current)
    except ValueError:
        return current
    return year if 1300 <= year <= 1500 else current


class WorkingCalendarView(RasadView):
    """The office week and the holidays of one Jalali year (``?year=1405``)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        year = _jalali_year(request)
        calendar = current_calendar()
        holidays = Holiday.objects.visible_to(user).filter(
            date__gte=jalali.from_jalali(year, 1, 1), date__lt=jalali.from_jalali(year + 1, 1, 1)
        )
        # A Gregorian year overlaps two Jalali years; list every Jalali year that has holidays.
        years = sorted(
            {year}
            | {jalali.to_jalali(day).year for day in Holiday.objects.visible_to(user).dates("date", "day")}
        )
        return render(
            request,
            "cases/calendar.html",
            {
                "year": year,
                "years": years,
                "holidays": holidays,
                "week": [(WEEKDAYS[day], calendar.hours.get(day)) for day in OFFICE_WEEK],
                "may_change": user.is_superuser,
            },
        )


class WorkingWeekView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require_calendar_admin(request)
        hours = current_calendar().hours
        workday, thursday = hours[OFFICE_WEEK[0]], hours.get(3)
        initial = {
            "workday_start": workday.start if workday else None,
            "workday_end": workday.end if workday else None,
            "thursday_open": thursday is not None,
            "thursday_start": thursday.start if thursday else None,
            "thursday_end": thursday.end if thursday else None,
        }
        return render(request, "cases/calendar_form.html", self._context(WorkingWeekForm(initial=initial)))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _require_calendar_admin(request)
        form = WorkingWeekForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            thursday = (data["thursday_start"], data["thursday_end"]) if data["thursday_open"] else None
            saved = form.run_action(
                do_update_working_calendar,
                acting_user=user,
                workday=(data["workday_start"], data["workday_end"]),
                thursday=thursday,
            )
            if saved is not None:
                messages.success(
                    request, _("The office week was saved; open cases' due times were recomputed.")
                )
                return redirect("cases:calendar")
        return render(request, "cases/calendar_form.html", self._context(form), status=400)

    def _context(self, form: WorkingWeekForm) -> dict[str, Any]:
        return {"form": form, "title": _("Office week")}


class HolidayCreateView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require_calendar_admin(request)
        return render(
            request, "cases/calendar_form.html", {"form": HolidayForm(), "title": _("Add a holiday")}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _require_calendar_admin(request)
        form = HolidayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            holiday = form.run_action(
                do_set_holiday,
                data["date"],
                data["name_fa"],
                acting_user=user,
                name_en=data.get("name_en") or "",
                kind=data["kind"],
            )
            if holiday is not None:
                messages.success(request, _("The holiday was saved; open cases' due times were recomputed."))
                return redirect(_calendar_url(holiday))
        return render(
            request, "cases/calendar_form.html", {"form": form, "title": _("Add a holiday")}, status=400
        )


def _calendar_url(holiday: Holiday) -> str:
    return reverse("cases:calendar") + f"?year={jalali.to_jalali(holiday.date).year}"


class HolidayEditView(RasadView):
    def _holiday(self, request: HttpRequest, pk: int) -> tuple[User, Holiday]:
        user = _require_calendar_admin(request)
        return user, access_object(Holiday.objects.all(), user, pk, action="change")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        _acting, holiday = self._holiday(request, pk)
        form = HolidayForm(
            initial={
                "date": holiday.date,
                "name_fa": holiday.name_fa,
                "name_en": holiday.name_en,
                "kind": holiday.kind,
            }
        )
        return render(request, "cases/calendar_form.html", {"form": form, "title": _("Edit holiday")})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user, holiday = self._holiday(request, pk)
        form = HolidayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            saved = form.run_action(
                do_update_holiday,
                holiday,
                acting_user=user,
                day=data["date"],
                name_fa=data["name_fa"],
                name_en=data.get("name_en") or "",
                kind=data["kind"],
            )
            if saved is not None:
                messages.success(request, _("The holiday was saved; open cases' due times were recomputed."))
                return redirect(_calendar_url(saved))
        return render(
            request, "cases/calendar_form.html", {"form": form, "title": _("Edit holiday")}, status=400
        )


class HolidayDeleteView(RasadView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _require_calendar_admin(request)
        holiday = access_object(Holiday.objects.all(), user, pk, action="delete")
        url = _calendar_url(holiday)
        do_delete_holiday(holiday, acting_user=user)
        messages.success(request, _("The holiday was removed; open cases' due times were recomputed."))
        return redirect(url)


class SlaPolicyView(RasadView):
    """How many working hours each kind and priority of case has, as the SLA engine counts them
    (a missing row falls back to the built-in default)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        stored = {
            (row.kind, row.priority): row.working_hours
            for row in SlaPolicy.objects.visible_to(_user(request))
        }
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
        return render(
            request,
            "cases/sla_policy.html",
            {"priorities": [p.label for p in priorities], "rows": rows},
        )
