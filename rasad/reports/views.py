"""Report pages: the catalogue of reports, a parameter form per report (generate now as PDF or
Excel, or subscribe monthly/quarterly), and the person's subscriptions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound
from rasad.core.models import Organization, User
from rasad.core.scope import scope_for_permission
from rasad.lib.jalali import JalaliPeriod, today_in_tehran
from rasad.reports.actions import do_request_report, do_subscribe, do_unsubscribe
from rasad.reports.definitions import REPORTS, ReportDefinition, available_reports
from rasad.reports.models import Frequency, ReportSubscription
from rasad.web.generic import SignedInView as RasadView


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _available(user: User) -> list[ReportDefinition]:
    return available_reports(user)


class ReportListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        subscriptions = ReportSubscription.objects.filter(user=user, is_active=True).select_related(
            "organization"
        )
        return render(
            request,
            "reports/report_list.html",
            {
                "reports": _available(user),
                "subscriptions": subscriptions,
                "titles": {k: v.title for k, v in REPORTS.items()},
            },
        )


def _choices(user: User, definition: ReportDefinition) -> dict[str, Any]:
    scope = scope_for_permission(user, definition.permission)
    organizations = list(
        Organization.objects.filter(scope.as_q())
        .filter(closed_on__isnull=True)
        .order_by("path")
        .only("pk", "name", "code", "depth", "path")[:500]
    )
    if not scope.is_everything:
        subtree_roots = [path for path, subtree in scope.rules if subtree]
        organizations = [o for o in organizations if any(o.path.startswith(p) for p in subtree_roots)]
    month = JalaliPeriod.containing(today_in_tehran(), "month").previous()
    months = []
    for _index in range(24):
        months.append(month)
        month = month.previous()
    season = JalaliPeriod.containing(today_in_tehran(), "season").previous()
    seasons = [
        season,
        season.previous(),
        season.previous().previous(),
        season.previous().previous().previous(),
    ]
    baselines: list[Any] = []
    if any(p.kind == "baseline" for p in definition.parameters):
        from rasad.indicators.models import Baseline

        baselines = list(
            Baseline.objects.visible_to(user)
            .select_related("organization")
            .order_by("organization__name")[:200]
        )
    return {"organizations": organizations, "months": months, "seasons": seasons, "baselines": baselines}


class ReportFormView(RasadView):
    def _definition(self, request: HttpRequest, name: str) -> ReportDefinition:
        definition = REPORTS.get(name)
        if definition is None or definition not in _available(_user(request)):
            raise Http404
        return definition

    def get(self, request: HttpRequest, name: str) -> HttpResponse:
        definition = self._definition(request, name)
        return self._render(request, definition, {}, [])

    def _render(
        self,
        request: HttpRequest,
        definition: ReportDefinition,
        values: dict[str, Any],
        errors: list[str],
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "definition": definition,
            "values": values,
            "errors": errors,
            "frequencies": Frequency.choices,
            **_choices(_user(request), definition),
        }
        return render(request, "reports/report_form.html", context, status=status)

    def post(self, request: HttpRequest, name: str) -> HttpResponse:
        definition = self._definition(request, name)
        user = _user(request)
        values = {p.name: request.POST.get(p.name, "") for p in definition.parameters}
        action = request.POST.get("action", "pdf")
        try:
            if action == "subscribe":
                do_subscribe(
                    name,
                    values.get("organization"),
                    request.POST.get("frequency", ""),
                    file_format=request.POST.get("file_format", "pdf"),
                    acting_user=user,
                )
                messages.success(request, _("You will receive this report by e-mail and under “My files”."))
                return redirect("reports:list")
            export = do_request_report(name, "xlsx" if action == "xlsx" else "pdf", values, acting_user=user)
        except ObjectNotFound:
            raise Http404 from None
        except ValidationError as error:
            return self._render(request, definition, values, error.messages, status=400)
        return redirect("jobs:export-detail", pk=export.pk)


class UnsubscribeView(RasadView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        subscription = ReportSubscription.objects.filter(pk=pk, user=_user(request), is_active=True).first()
        if subscription is None:
            raise Http404
        do_unsubscribe(subscription, acting_user=_user(request))
        messages.success(request, _("The subscription has ended."))
        return redirect("reports:list")
