"""Report pages: the catalogue of reports, a parameter form per report (generate now as PDF or
Excel, or subscribe monthly/quarterly), and the person's subscriptions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rasad.core.models import User
from rasad.lib.jalali import JalaliPeriod, today_in_tehran
from rasad.reports.actions import do_request_report, do_subscribe, do_unsubscribe
from rasad.reports.definitions import (
    REPORTS,
    ReportDefinition,
    available_reports,
    report_baselines,
    report_organizations,
)
from rasad.reports.models import Frequency, ReportSubscription
from rasad.web.generic import AuthenticatedRequest, SignedInView, refusal


def _available(user: User) -> list[ReportDefinition]:
    return available_reports(user)


class ReportListView(SignedInView):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = request.user
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
    organizations = report_organizations(user, definition.permission)
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
    baselines = report_baselines(user) if any(p.kind == "baseline" for p in definition.parameters) else []
    return {"organizations": organizations, "months": months, "seasons": seasons, "baselines": baselines}


class ReportFormView(SignedInView):
    def _definition(self, request: AuthenticatedRequest, name: str) -> ReportDefinition:
        definition = REPORTS.get(name)
        if definition is None or definition not in _available(request.user):
            raise refusal()
        return definition

    def get(self, request: AuthenticatedRequest, name: str) -> HttpResponse:
        definition = self._definition(request, name)
        return self._render(request, definition, {}, [])

    def _render(
        self,
        request: AuthenticatedRequest,
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
            **_choices(request.user, definition),
        }
        return render(request, "reports/report_form.html", context, status=status)

    def post(self, request: AuthenticatedRequest, name: str) -> HttpResponse:
        definition = self._definition(request, name)
        user = request.user
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
        except ValidationError as error:
            return self._render(request, definition, values, error.messages, status=400)
        return redirect("jobs:export-detail", pk=export.pk)


class UnsubscribeView(SignedInView):
    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        subscription = ReportSubscription.objects.filter(pk=pk, user=request.user, is_active=True).first()
        if subscription is None:
            raise refusal()
        do_unsubscribe(subscription, acting_user=request.user)
        messages.success(request, _("The subscription has ended."))
        return redirect("reports:list")
