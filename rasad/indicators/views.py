"""Server-rendered pages of the indicators app: dashboards, data entry, import, the table with
its Excel export, baselines and scorecards. Charts read JSON feeds (no inline scripts). Every page
is a generic scoped view (``rasad.web.generic``): scope is never applied here by hand."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.models import Organization, Province
from rasad.indicators import dashboards, energy, scoring, validation
from rasad.indicators.actions import (
    ObservationInput,
    assigned_indicators,
    do_approve_period,
    do_close_alert,
    do_delete_assignment,
    do_delete_target,
    do_record_observations,
    do_reopen_period,
    do_save_assignment,
    do_save_baseline,
    do_save_scorecard,
    do_save_target,
    do_submit_period,
    may_approve,
)
from rasad.indicators.catalogue import Catalogue
from rasad.indicators.choices import ObservationSource, ObservationStatus
from rasad.indicators.deadlines import collecting_period
from rasad.indicators.exports import write_template_xlsx
from rasad.indicators.filtersets import ObservationFilterSet
from rasad.indicators.forms import (
    AssignmentForm,
    BaselineForm,
    EntryForm,
    ImportForm,
    ReportStartForm,
    ScorecardForm,
    TargetForm,
)
from rasad.indicators.importer import COLUMNS, do_import, read_table
from rasad.indicators.models import (
    Alert,
    Assignment,
    Baseline,
    Indicator,
    Observation,
    Rollup,
    Scorecard,
    Target,
)
from rasad.jobs.views import redirect_to_export
from rasad.lib import display, formatting
from rasad.lib.downloads import template_download
from rasad.lib.jalali import JalaliPeriod, is_accepted_period, today_in_tehran
from rasad.lib.persian import TextParseError, to_latin_digits
from rasad.lib.tabular import ExportColumn, write_csv
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
    refusal,
)


def _period(text: str) -> JalaliPeriod:
    try:
        period = JalaliPeriod.parse(text)
    except TextParseError:
        raise Http404 from None
    if not is_accepted_period(period):
        raise Http404
    return period


def _default_year() -> int:
    return JalaliPeriod.containing(today_in_tehran(), "month").previous().year


# The Jalali years a dashboard is asked for: far enough back for any history Rasad holds.
DASHBOARD_YEARS = range(1300, 1501)


def _year_param(text: str | None) -> int | None:
    """The ``year`` of a dashboard's address in any digits; None when it is not a year."""
    try:
        year = int(to_latin_digits((text or "").strip()))
    except ValueError:
        return None
    return year if year in DASHBOARD_YEARS else None


def _charted(organization: Organization, catalogue: Catalogue) -> list[Indicator]:
    """Assigned monthly inputs plus every derived indicator whose inputs are all assigned."""
    inputs = [i for i in assigned_indicators(organization) if i.periodicity == "month"]
    codes = {i.code for i in inputs}
    derived = [
        i
        for i in catalogue.indicators.values()
        if i.formula and i.periodicity == "month" and catalogue.inputs_of(i.code) <= codes
    ]
    return sorted(derived, key=lambda i: (i.category, i.code)) + inputs


class _AlertsMixin(ScopedView):
    """Open alerts shown on a page, each with a close button when the user may change it."""

    def open_alerts_under(self, organization: Organization) -> list[Alert]:
        return list(
            self.scoped(
                Alert.objects.filter(organization__path__startswith=organization.path, is_open=True)
                .select_related("indicator", "indicator__unit", "organization")
                .order_by("-created")
            )[:20]
        )

    def closable(self, alerts: list[Alert]) -> set[int]:
        return self.permitted("change", alerts)


# ---------------------------------------------------------------------------------------------
# Dashboards and their feeds
# ---------------------------------------------------------------------------------------------


ALERTS_PER_PAGE = 10


class DashboardView(_AlertsMixin):
    """National and provincial view: a choropleth by province of one indicator over a year."""

    model = Rollup
    template_name = "indicators/dashboard.html"

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        catalogue = Catalogue.load()
        code = request.GET.get("indicator") or "ENERGY_TOTAL"
        if code not in catalogue.indicators:
            code = "ENERGY_TOTAL"
        asked = request.GET.get("year")
        year = _year_param(asked) if asked else _default_year()
        if year is None:
            year = _default_year()
            messages.warning(
                request,
                _("“%(text)s” is not a year; the figures of %(year)s are shown.")
                % {"text": asked, "year": formatting.digits(year)},
            )
        # Open alerts, newest first, ten to a page (?alerts_page=2).
        alert_page = Paginator(
            self.scoped(
                Alert.objects.filter(is_open=True)
                .select_related("organization", "indicator", "indicator__unit")
                .order_by("-created", "-pk")
            ),
            ALERTS_PER_PAGE,
        ).get_page(request.GET.get("alerts_page"))
        alerts = list(alert_page.object_list)
        values = dashboards.province_values(self.user, code, year, catalogue=catalogue)
        provinces = {p.code: p for p in Province.objects.filter(code__in=values)}
        rows = sorted(
            ((provinces[c], v) for c, v in values.items() if c in provinces), key=lambda item: -item[1]
        )
        organizations = list(
            self.scoped(Organization.objects.filter(kind__in=["company", "site"]).order_by("path"))[:200]
        )
        return self.render(
            {
                "indicator": catalogue.indicators[code],
                "indicators": sorted(catalogue.indicators.values(), key=lambda i: (i.category, i.code)),
                "year": year,
                "years": list(range(_default_year(), _default_year() - 6, -1)),
                "rows": rows,
                "alerts": alerts,
                "alert_page": alert_page,
                "closable_alerts": self.closable(alerts),
                "organizations": organizations,
                "choropleth_url": reverse("indicators:choropleth") + f"?indicator={code}&year={year}",
            }
        )


class ChoroplethView(ScopedView):
    """The dashboard map's feed: one indicator's yearly value per province, over the reader's
    scope roots."""

    model = Rollup

    def get(self, request: AuthenticatedRequest) -> JsonResponse:
        catalogue = Catalogue.load()
        code = request.GET.get("indicator") or "ENERGY_TOTAL"
        if code not in catalogue.indicators:
            raise Http404
        asked = request.GET.get("year")
        year = _year_param(asked) if asked else _default_year()
        if year is None:
            raise Http404
        indicator = catalogue.indicators[code]
        values = dashboards.province_values(self.user, code, year, catalogue=catalogue)
        return JsonResponse(
            {
                "values": values,
                # What the map shows a person: each value rounded for its unit, in their digits.
                "display": {key: formatting.quantity(value, indicator.unit) for key, value in values.items()},
                "label": f"{indicator.name} ({formatting.unit_name(indicator.unit)})",
            }
        )


class OrganizationKpiView(ScopedDetailView, _AlertsMixin):
    """One organization's KPIs: trend charts with target lines, completeness and alerts."""

    model = Organization
    template_name = "indicators/organization.html"
    context_object_name = "organization"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        organization: Organization = self.object
        catalogue = Catalogue.load()
        months = dashboards.last_months(12)
        alerts = self.open_alerts_under(organization)
        sees_subtree = dashboards.sees_subtree(self.user, organization)
        return super().get_context_data(
            **context,
            indicators=_charted(organization, catalogue) if sees_subtree else [],
            sees_subtree=sees_subtree,
            completeness=[
                row for p in reversed(months) for row in dashboards.completeness([organization], p)
            ],
            alerts=alerts,
            closable_alerts=self.closable(alerts),
            baselines=self.scoped(Baseline.objects.filter(organization=organization)),
            can_add_baseline=self.can("add", Baseline(organization=organization)),
            can_add_scorecard=self.can("add", Scorecard(organization=organization)),
            current_period=months[-1].key,
        )


class SeriesView(ScopedDetailView):
    """JSON for one trend chart: Jalali labels, values, and the target lines. A subtree's figure
    is shown only to readers who see that whole subtree."""

    model = Organization

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        organization = self.get_object()
        if not dashboards.sees_subtree(self.user, organization):
            raise Http404
        catalogue = Catalogue.load()
        code = request.GET.get("indicator", "")
        if code not in catalogue.indicators:
            raise Http404
        try:
            count = min(max(int(request.GET.get("months", "24")), 1), 120)
        except ValueError:
            count = 24
        series = dashboards.organization_series(
            organization, code, dashboards.last_months(count), catalogue=catalogue
        )
        return JsonResponse(series.to_dict(persian_digits=display.current().persian_digits))


# ---------------------------------------------------------------------------------------------
# Data entry: choose an organization and period, then the form of that period
# ---------------------------------------------------------------------------------------------


class ReportStartView(ScopedFormView):
    """Choose where and when to report: the organizations the user may report for (holders of
    ``indicators.add_observation``), and a period."""

    model = Observation
    scope_action = "add"
    form_class = ReportStartForm
    template_name = "indicators/report_start.html"
    http_method_names = ["get"]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"organizations": self.organizations_for("add")}

    def get_initial(self) -> dict[str, Any]:
        # The person's own organization and the period being collected are the likely choice.
        own = self.organizations_for("add").filter(memberships__user=self.user).first()
        return {"organization": own, "period": collecting_period("month", today_in_tehran())}

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.load()
        form = self.get_form(request.GET or None)
        if request.GET and form.is_valid():
            return redirect(
                "indicators:report",
                pk=form.cleaned_data["organization"].pk,
                period=form.cleaned_data["period"].key,
            )
        return self.render({"form": form})


class ReportView(ScopedDetailView):
    """The data-entry form of one organization and period: only the indicators assigned to it.
    Saving needs ``indicators.add_observation`` there (the action checks it)."""

    model = Organization
    template_name = "indicators/report.html"

    def _indicators(self, organization: Organization, period: JalaliPeriod) -> list[Indicator]:
        return [i for i in assigned_indicators(organization) if i.periodicity == period.kind]

    def _context(
        self, organization: Organization, period: JalaliPeriod, form: EntryForm | None
    ) -> dict[str, Any]:
        indicators = self._indicators(organization, period)
        existing = {
            o.indicator_id: o
            for o in self.scoped(
                Observation.objects.filter(organization=organization, period_key=period.key)
            ).select_related("indicator")
        }
        if form is None:
            form = EntryForm(initial=_entry_initial(indicators, existing), indicators=indicators)
        rows = form.rows()
        for row in rows:
            observation = existing.get(row["indicator"].pk)
            row["observation"] = observation
            row["findings"] = [
                {"severity": f["severity"], "message": validation.message(f)}
                for f in (observation.findings if observation else [])
            ]
        statuses = {o.status for o in existing.values()}
        prototype = Observation(organization=organization)
        return {
            "organization": organization,
            "period": period,
            "form": form,
            "rows": rows,
            "locked": ObservationStatus.APPROVED in statuses,
            "can_edit": self.can("add", prototype),
            "can_submit": ObservationStatus.DRAFT in statuses and self.can("submit", prototype),
            "can_approve": ObservationStatus.SUBMITTED in statuses
            and ObservationStatus.DRAFT not in statuses
            and may_approve(self.user, organization),
            "can_reopen": ObservationStatus.APPROVED in statuses
            and may_approve(self.user, organization, "reopen"),
            "previous": period.previous().key,
            "next": period.next().key,
        }

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organization = self.get_object()
        return self.render(self._context(organization, _period(kwargs["period"]), None))

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organization = self.get_object()
        self.require("add", Observation(organization=organization))
        period = _period(kwargs["period"])
        indicators = self._indicators(organization, period)
        form = EntryForm(request.POST, indicators=indicators)
        if form.is_valid():
            rows = [
                ObservationInput(
                    organization,
                    i,
                    period,
                    form.cleaned_data[f"number_{i.code}"],
                    form.cleaned_data.get(f"comment_{i.code}") or "",
                    row=n,
                )
                for n, i in enumerate(indicators)
                if form.cleaned_data.get(f"number_{i.code}") is not None
            ]
            try:
                result = do_record_observations(
                    rows,
                    acting_user=self.user,
                    source=ObservationSource.FORM,
                    submit="submit" in request.POST,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Saved: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                    % {
                        "created": formatting.number(result.created),
                        "updated": formatting.number(result.updated),
                        "unchanged": formatting.number(result.unchanged),
                    },
                )
                return redirect("indicators:report", pk=organization.pk, period=period.key)
        return self.render(self._context(organization, period, form), status=400)


def _entry_initial(indicators: list[Indicator], existing: dict[int, Observation]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for indicator in indicators:
        observation = existing.get(indicator.pk)
        if observation is not None:
            # A number: the form's NumberInput shows it in the reader's digits.
            initial[f"value_{indicator.code}"] = observation.value
            initial[f"comment_{indicator.code}"] = observation.comment
    return initial


class PeriodActionView(ScopedActionView):
    """Submit, approve or reopen an organization's period (each action checks its own right:
    approval belongs to the parent organization)."""

    model = Organization
    http_method_names = ["post"]

    def get_object(self, action: str | None = None, pk: Any = None) -> Any:
        """The organization, if the user may take this step there: submitting needs
        ``indicators.submit_observation`` over it; approving and reopening need the permission
        over its parent (``may_approve``). Otherwise 404, like a missing organization."""
        organization = super().get_object(action, pk)
        verb = self.kwargs["verb"]
        if verb == "submit":
            self.require("submit", Observation(organization=organization))
        elif verb in ("approve", "reopen"):
            if not may_approve(self.user, organization, verb):
                raise refusal()
        else:
            raise refusal()
        return organization

    def perform(self, obj: Organization) -> None:
        key = _period(self.kwargs["period"]).key
        verb = self.kwargs["verb"]
        if verb == "submit":
            do_submit_period(obj, key, acting_user=self.user)
            messages.success(self.request, _("The period was submitted for approval."))
        elif verb == "approve":
            do_approve_period(obj, key, acting_user=self.user)
            messages.success(self.request, _("The period was approved and is now locked."))
        elif verb == "reopen":
            do_reopen_period(obj, key, acting_user=self.user, reason=self.request.POST.get("reason", ""))
            messages.success(self.request, _("The period was reopened for correction."))
        else:
            raise Http404

    def get_success_url(self, obj: Organization) -> str:
        # From the home queue the button sends next=/ and the person stays on their queue.
        return self.safe_next(reverse("indicators:report", args=[obj.pk, _period(self.kwargs["period"]).key]))


# ---------------------------------------------------------------------------------------------
# Import, the table and its export
# ---------------------------------------------------------------------------------------------


class ImportView(ScopedFormView):
    """Upload values (.xlsx or .csv); offered to those who may report somewhere."""

    model = Observation
    scope_action = "add"
    form_class = ImportForm
    template_name = "indicators/import.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, columns=COLUMNS)

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        form = self.get_form(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_table(upload.name, upload)
                outcome = do_import(
                    rows,
                    acting_user=self.user,
                    apply_valid_rows=form.cleaned_data["apply_valid_rows"],
                    submit=form.cleaned_data["submit"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                context["outcome"] = outcome
                if outcome.applied is not None:
                    messages.success(
                        request,
                        _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                        % {
                            "created": formatting.number(outcome.applied.created),
                            "updated": formatting.number(outcome.applied.updated),
                            "unchanged": formatting.number(outcome.applied.unchanged),
                        },
                    )
        return self.render(context)


class ImportTemplateView(ScopedView):
    """A template to fill: one row per assigned indicator of the first organization the user may
    report for, for last month. Refused to those who may report nowhere, like the import."""

    model = Observation
    scope_action = "add"
    refuse_when_nowhere = True

    def get(self, request: AuthenticatedRequest, fmt: str) -> HttpResponse:
        organization = (
            self.organizations_for(self.scope_action, include_closed=True).order_by("-depth").first()
        )
        period = JalaliPeriod.containing(today_in_tehran(), "month").previous()
        rows = _template_rows(organization, period) if organization is not None else []
        buffer = io.BytesIO()
        if fmt == "csv":
            write_csv(
                buffer,
                [ExportColumn(key, key, _item(i)) for i, key in enumerate(COLUMNS)],
                rows,
            )
            return template_download(buffer.getvalue(), _("Reported values"), "indicators", "csv")
        if fmt != "xlsx":
            raise Http404
        write_template_xlsx(buffer, rows)
        return template_download(buffer.getvalue(), _("Reported values"), "indicators", "xlsx")


def _item(index: int) -> Any:
    return lambda row: row[index]


def _template_rows(organization: Organization, period: JalaliPeriod) -> list[list[str]]:
    return [
        [
            organization.code,
            i.code,
            period.key
            if i.periodicity == "month"
            else JalaliPeriod.containing(period.start, "season" if i.periodicity == "season" else "year").key,
            "",
            i.unit.code,
            "",
        ]
        for i in assigned_indicators(organization)
    ]


class ObservationTableView(ScopedListView):
    """Every visible value as a table, filterable, with an Excel export (dates per preference
    plus an ISO column)."""

    model = Observation
    queryset = Observation.objects.select_related("organization", "indicator", "indicator__unit")
    filterset_class = ObservationFilterSet
    ordering = ("-period_start", "organization__code", "indicator__code")
    paginate_by = 50
    count_limited = True
    template_name = "indicators/observations.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        if self.request.GET.get("export") == "xlsx":
            # An old address of the direct download: now the background export of this list.
            return redirect_to_export(self.request, "observations", "xlsx")
        return super().respond(objects)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            **context, export_query=query.urlencode(), statuses=ObservationStatus.choices
        )


class CatalogueView(ScopedListView):
    model = Indicator
    queryset = Indicator.objects.select_related("unit")
    ordering = ("category", "code")
    context_object_name = "indicators"
    template_name = "indicators/catalogue.html"


# ---------------------------------------------------------------------------------------------
# Baselines and scorecards
# ---------------------------------------------------------------------------------------------


class BaselineListView(ScopedListView):
    model = Baseline
    queryset = Baseline.objects.select_related("organization", "energy_indicator")
    context_object_name = "baselines"
    template_name = "indicators/baselines.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"))


class BaselineDetailView(ScopedDetailView):
    """The gate result: "not valid" with its reasons (never a number), or the figures and CUSUM."""

    model = Baseline
    queryset = Baseline.objects.select_related("organization", "energy_indicator")
    template_name = "indicators/baseline_detail.html"
    context_object_name = "baseline"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        baseline: Baseline = self.object
        report = energy.report(baseline)
        return super().get_context_data(
            **context,
            report=report,
            drivers=list(baseline.drivers.all()),
            periods=report["periods"],
            reporting=report["reporting"],
            labels=[
                JalaliPeriod.parse(k).label(persian_digits=display.current().persian_digits)
                for k in report["periods"]["reporting"]
            ],
        )


class ScorecardListView(ScopedListView):
    model = Scorecard
    queryset = Scorecard.objects.select_related("organization")
    context_object_name = "scorecards"
    template_name = "indicators/scorecards.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"))


class ScorecardDetailView(ScopedDetailView):
    model = Scorecard
    queryset = Scorecard.objects.select_related("organization")
    template_name = "indicators/scorecard_detail.html"
    context_object_name = "scorecard"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        visible_ids = set(self.scoped(Organization.objects.all()).values_list("pk", flat=True))
        return super().get_context_data(
            **context,
            results=scoring.results(self.object, visible_ids=visible_ids),
            criteria=list(self.object.criteria.select_related("indicator")),
        )


# ---------------------------------------------------------------------------------------------
# Writes: targets, assignments, baselines, scorecards, alerts. The forms collect values; the
# actions validate, write and audit. A page is offered only to users holding its permission in
# scope; everyone else gets the same 404 as for a missing object.
# ---------------------------------------------------------------------------------------------


def _indicators(view: ScopedView) -> Any:
    """The catalogue (national reference data every signed-in user reads), in its order."""
    return view.scoped(Indicator.objects.select_related("unit").order_by("category", "code"))


class TargetListView(ScopedDetailView):
    """An organization's targets and thresholds per Jalali year."""

    model = Organization
    template_name = "indicators/targets.html"
    context_object_name = "organization"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        organization: Organization = self.object
        targets = list(
            self.scoped(Target.objects.filter(organization=organization))
            .select_related("indicator", "indicator__unit", "organization")
            .order_by("-year", "indicator__category", "indicator__code")
        )
        return super().get_context_data(
            **context,
            targets=targets,
            can_add=self.can("add", Target(organization=organization)),
            changeable=self.permitted("change", targets),
            deletable=self.permitted("delete", targets),
        )


class TargetCreateView(ScopedFormView):
    model = Organization
    creates = Target
    form_class = TargetForm
    template_name = "indicators/target_form.html"
    title = gettext_lazy("New target")
    success_message = gettext_lazy("The target was saved.")

    def get_initial(self) -> dict[str, Any]:
        return {"year": _default_year()}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"indicators": _indicators(self)}

    def perform(self, form: TargetForm) -> Target | None:
        saved: Target | None = form.run_action(
            do_save_target, form.values(self.object), acting_user=self.user
        )
        return saved

    def get_success_url(self, result: Target) -> str:
        return reverse("indicators:targets", args=[self.object.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, organization=self.object)


class TargetEditView(ScopedFormView):
    model = Target
    queryset = Target.objects.select_related("organization", "indicator")
    scope_action = "change"
    form_class = TargetForm
    template_name = "indicators/target_form.html"
    title = gettext_lazy("Edit target")
    success_message = gettext_lazy("The target was saved.")

    def get_initial(self) -> dict[str, Any]:
        target: Target = self.object
        return {
            "indicator": target.indicator_id,
            "year": target.year,
            "target": target.target,
            "warning_threshold": target.warning_threshold,
            "critical_threshold": target.critical_threshold,
        }

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        if data is None:
            return TargetForm(initial=self.get_initial(), indicators=_indicators(self))
        return TargetForm(data, indicators=_indicators(self))

    def perform(self, form: TargetForm) -> Target | None:
        saved: Target | None = form.run_action(
            do_save_target, form.values(self.object.organization), acting_user=self.user, instance=self.object
        )
        return saved

    def get_success_url(self, result: Target) -> str:
        return reverse("indicators:targets", args=[self.object.organization_id])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, organization=self.object.organization, target=self.object)


class TargetDeleteView(ScopedActionView):
    model = Target
    queryset = Target.objects.select_related("organization", "indicator")
    scope_action = "delete"
    confirm_template = "indicators/target_delete.html"
    success_message = gettext_lazy("The target was deleted.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, target=context["object"])

    def perform(self, obj: Target) -> None:
        do_delete_target(obj, acting_user=self.user)

    def get_success_url(self, obj: Target) -> str:
        return reverse("indicators:targets", args=[obj.organization_id])


class AssignmentView(ScopedDetailView):
    """Which indicators an organization reports: its own assignments (assign, unassign) and the
    ones it inherits from an ancestor's subtree assignment."""

    model = Organization
    template_name = "indicators/assignments.html"
    context_object_name = "organization"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        organization: Organization = self.object
        assignments = list(
            self.scoped(Assignment.objects.for_organization(organization))
            .select_related("indicator", "indicator__unit", "organization")
            .order_by("indicator__category", "indicator__code")
        )
        own = [a for a in assignments if a.organization_id == organization.pk]
        context.setdefault("form", self._form())
        return super().get_context_data(
            **context,
            own=own,
            inherited=[a for a in assignments if a.organization_id != organization.pk],
            deletable=self.permitted("delete", own),
        )

    def _form(self, data: Any = None) -> AssignmentForm | None:
        if not self.can("add", Assignment(organization=self.object)):
            return None
        return AssignmentForm(data, indicators=_indicators(self).inputs())

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.object = organization = self.get_object()
        form = self._form(request.POST)
        if form is None:
            raise refusal()
        if (
            form.is_valid()
            and form.run_action(
                do_save_assignment,
                organization,
                form.cleaned_data["indicator"],
                include_descendants=form.cleaned_data["include_descendants"],
                acting_user=self.user,
                reports_from=form.cleaned_data["reports_from"],
            )
            is not None
        ):
            messages.success(request, _("The indicator was assigned."))
            return redirect("indicators:assignments", pk=organization.pk)
        return self.render({"object": organization, "organization": organization, "form": form})


class AssignmentDeleteView(ScopedActionView):
    model = Assignment
    queryset = Assignment.objects.select_related("organization", "indicator")
    scope_action = "delete"
    http_method_names = ["post"]
    success_message = gettext_lazy("The assignment was removed.")

    def perform(self, obj: Assignment) -> None:
        do_delete_assignment(obj, acting_user=self.user)

    def get_success_url(self, obj: Assignment) -> str:
        return reverse("indicators:assignments", args=[obj.organization_id])


class BaselineCreateView(ScopedFormView):
    """A new energy baseline (``?organization=<id>`` preselects the organization)."""

    model = Baseline
    scope_action = "add"
    form_class = BaselineForm
    template_name = "indicators/baseline_form.html"
    success_message = gettext_lazy("The energy baseline was saved.")
    success_url_name = "indicators:baseline"

    def get_initial(self) -> dict[str, Any]:
        organization = self.request.GET.get("organization")
        return {"organization": organization} if organization else {}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"organizations": self.organizations_for("add"), "indicators": _indicators(self)}

    def perform(self, form: BaselineForm) -> Baseline | None:
        saved: Baseline | None = form.run_action(do_save_baseline, form.values(), acting_user=self.user)
        return saved


class ScorecardCreateView(ScopedFormView):
    model = Scorecard
    scope_action = "add"
    form_class = ScorecardForm
    template_name = "indicators/scorecard_form.html"
    success_message = gettext_lazy("The scorecard was saved.")
    success_url_name = "indicators:scorecard"

    def get_initial(self) -> dict[str, Any]:
        year = _default_year()
        initial: dict[str, Any] = {"year": year, "baseline_year": year - 1}
        if self.request.GET.get("organization"):
            initial["organization"] = self.request.GET["organization"]
        return initial

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"organizations": self.organizations_for("add"), "indicators": _indicators(self)}

    def perform(self, form: ScorecardForm) -> Scorecard | None:
        saved: Scorecard | None = form.run_action(do_save_scorecard, form.values(), acting_user=self.user)
        return saved


class AlertCloseView(ScopedActionView):
    """Acknowledge and close an open alert, then go back where the button was."""

    model = Alert
    queryset = Alert.objects.select_related("organization")
    scope_action = "change"
    http_method_names = ["post"]
    success_message = gettext_lazy("The alert was closed.")

    def perform(self, obj: Alert) -> None:
        do_close_alert(obj, acting_user=self.user)

    def get_success_url(self, obj: Alert) -> str:
        return self.safe_next(reverse("indicators:organization", args=[obj.organization_id]))
