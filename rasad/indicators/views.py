"""Server-rendered pages of the indicators app: dashboards, data entry, import, the table with
its Excel export, baselines and scorecards. Charts read JSON feeds (no inline scripts)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound, access_object, access_organization_by_id, can
from rasad.core.models import Organization, Province, User
from rasad.core.scope import organization_scope
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
from rasad.indicators.exports import write_observations_xlsx, write_template_xlsx
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
from rasad.indicators.models import Alert, Assignment, Baseline, Indicator, Observation, Scorecard, Target
from rasad.lib import display
from rasad.lib.jalali import JalaliPeriod, today_in_tehran
from rasad.lib.persian import TextParseError, format_number
from rasad.lib.tabular import CSV_TYPE, XLSX_TYPE, ExportColumn, write_csv
from rasad.web.views import RasadView


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _period(text: str) -> JalaliPeriod:
    try:
        return JalaliPeriod.parse(text)
    except TextParseError:
        raise Http404 from None


def _default_year() -> int:
    return JalaliPeriod.containing(today_in_tehran(), "month").previous().year


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


class DashboardView(RasadView):
    """National and provincial view: a choropleth by province of one indicator over a year."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        catalogue = Catalogue.load()
        code = request.GET.get("indicator") or "ENERGY_TOTAL"
        if code not in catalogue.indicators:
            code = "ENERGY_TOTAL"
        year = int(request.GET.get("year") or _default_year())
        alerts = dashboards.open_alerts(user)
        values = dashboards.province_values(user, code, year, catalogue=catalogue)
        provinces = {p.code: p for p in Province.objects.filter(code__in=values)}
        rows = sorted(
            ((provinces[c], v) for c, v in values.items() if c in provinces), key=lambda item: -item[1]
        )
        organizations = list(
            Organization.objects.visible_to(user).filter(kind__in=["company", "site"]).order_by("path")[:200]
        )
        return render(
            request,
            "indicators/dashboard.html",
            {
                "indicator": catalogue.indicators[code],
                "indicators": sorted(catalogue.indicators.values(), key=lambda i: (i.category, i.code)),
                "year": year,
                "years": list(range(_default_year(), _default_year() - 6, -1)),
                "rows": rows,
                "alerts": alerts,
                "closable_alerts": closable_alert_ids(user, alerts),
                "organizations": organizations,
                "choropleth_url": reverse("indicators:choropleth") + f"?indicator={code}&year={year}",
            },
        )


class ChoroplethView(RasadView):
    def get(self, request: HttpRequest) -> JsonResponse:
        catalogue = Catalogue.load()
        code = request.GET.get("indicator") or "ENERGY_TOTAL"
        if code not in catalogue.indicators:
            raise Http404
        try:
            year = int(request.GET.get("year") or _default_year())
        except ValueError:
            raise Http404 from None
        indicator = catalogue.indicators[code]
        values = dashboards.province_values(_user(request), code, year, catalogue=catalogue)
        return JsonResponse({"values": values, "label": f"{indicator.name} ({indicator.unit.code})"})


class OrganizationKpiView(RasadView):
    """One organization's KPIs: trend charts with target lines, completeness and alerts."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        organization = access_organization_by_id(user, pk)
        catalogue = Catalogue.load()
        months = dashboards.last_months(12)
        alerts = list(organization_alerts(user, organization))
        return render(
            request,
            "indicators/organization.html",
            {
                "organization": organization,
                "indicators": _charted(organization, catalogue)
                if dashboards.sees_subtree(user, organization)
                else [],
                "sees_subtree": dashboards.sees_subtree(user, organization),
                "completeness": [
                    row for p in reversed(months) for row in dashboards.completeness([organization], p)
                ],
                "alerts": alerts,
                "closable_alerts": closable_alert_ids(user, alerts),
                "baselines": Baseline.objects.visible_to(user).filter(organization=organization),
                "can_add_baseline": can(user, "add", Baseline(organization=organization)),
                "can_add_scorecard": can(user, "add", Scorecard(organization=organization)),
                "current_period": months[-1].key,
            },
        )


def organization_alerts(user: User, organization: Organization) -> Any:
    from rasad.indicators.models import Alert

    return (
        Alert.objects.visible_to(user)
        .filter(organization__path__startswith=organization.path, is_open=True)
        .select_related("indicator", "organization")
        .order_by("-created")[:20]
    )


class SeriesView(RasadView):
    """JSON for one trend chart: Jalali labels, values, and the target lines."""

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        user = _user(request)
        organization = access_organization_by_id(user, pk)
        if not dashboards.sees_subtree(user, organization):
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


class ReportStartView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        organizations = Organization.objects.visible_to(user, "add").filter(
            pk__in=organization_scope(user, Observation, "add").organization_ids()
        )
        form = ReportStartForm(request.GET or None, organizations=organizations)
        if request.GET and form.is_valid():
            return redirect(
                "indicators:report",
                pk=form.cleaned_data["organization"].pk,
                period=form.cleaned_data["period"].key,
            )
        return render(request, "indicators/report_start.html", {"form": form})


class ReportView(RasadView):
    """The data-entry form of one organization and period: only the indicators assigned to it."""

    def _context(
        self, request: HttpRequest, organization: Organization, period: JalaliPeriod, form: EntryForm | None
    ) -> dict[str, Any]:
        user = _user(request)
        indicators = [i for i in assigned_indicators(organization) if i.periodicity == period.kind]
        existing = {
            o.indicator_id: o
            for o in Observation.objects.filter(
                organization=organization, period_key=period.key
            ).select_related("indicator")
        }
        if form is None:
            initial: dict[str, Any] = {}
            for indicator in indicators:
                observation = existing.get(indicator.pk)
                if observation is not None:
                    initial[f"value_{indicator.code}"] = format_number(
                        observation.value, persian_digits=False, grouping=False
                    )
                    initial[f"comment_{indicator.code}"] = observation.comment
            form = EntryForm(initial=initial, indicators=indicators)
        rows = form.rows()
        for row in rows:
            observation = existing.get(row["indicator"].pk)
            row["observation"] = observation
            row["findings"] = [
                {"severity": f["severity"], "message": validation.message(f)}
                for f in (observation.findings if observation else [])
            ]
        statuses = {o.status for o in existing.values()}
        return {
            "organization": organization,
            "period": period,
            "form": form,
            "rows": rows,
            "locked": ObservationStatus.APPROVED in statuses,
            "can_edit": can(user, "add", Observation(organization=organization)),
            "can_submit": ObservationStatus.DRAFT in statuses
            and can(user, "submit", Observation(organization=organization)),
            "can_approve": ObservationStatus.SUBMITTED in statuses
            and ObservationStatus.DRAFT not in statuses
            and may_approve(user, organization),
            "can_reopen": ObservationStatus.APPROVED in statuses
            and may_approve(user, organization, "reopen"),
            "previous": period.previous().key,
            "next": period.next().key,
        }

    def get(self, request: HttpRequest, pk: int, period: str) -> HttpResponse:
        organization = access_organization_by_id(_user(request), pk)
        return render(
            request, "indicators/report.html", self._context(request, organization, _period(period), None)
        )

    def post(self, request: HttpRequest, pk: int, period: str) -> HttpResponse:
        user = _user(request)
        organization = access_organization_by_id(user, pk, action="view")
        jperiod = _period(period)
        indicators = [i for i in assigned_indicators(organization) if i.periodicity == jperiod.kind]
        form = EntryForm(request.POST, indicators=indicators)
        if form.is_valid():
            rows = [
                ObservationInput(
                    organization,
                    i,
                    jperiod,
                    form.cleaned_data[f"number_{i.code}"],
                    form.cleaned_data.get(f"comment_{i.code}") or "",
                    row=n,
                )
                for n, i in enumerate(indicators)
                if form.cleaned_data.get(f"number_{i.code}") is not None
            ]
            try:
                result = do_record_observations(
                    rows, acting_user=user, source=ObservationSource.FORM, submit="submit" in request.POST
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Saved: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                return redirect("indicators:report", pk=organization.pk, period=jperiod.key)
        return render(
            request, "indicators/report.html", self._context(request, organization, jperiod, form), status=400
        )


class PeriodActionView(RasadView):
    def post(self, request: HttpRequest, pk: int, period: str, verb: str) -> HttpResponse:
        user = _user(request)
        organization = access_organization_by_id(user, pk)
        key = _period(period).key
        try:
            if verb == "submit":
                do_submit_period(organization, key, acting_user=user)
                messages.success(request, _("The period was submitted for approval."))
            elif verb == "approve":
                do_approve_period(organization, key, acting_user=user)
                messages.success(request, _("The period was approved and is now locked."))
            elif verb == "reopen":
                do_reopen_period(organization, key, acting_user=user, reason=request.POST.get("reason", ""))
                messages.success(request, _("The period was reopened for correction."))
            else:
                raise Http404
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("indicators:report", pk=organization.pk, period=key)


class ImportView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "indicators/import.html", {"form": ImportForm(), "columns": COLUMNS})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form, "columns": COLUMNS}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_table(upload.name, upload)
                outcome = do_import(
                    rows,
                    acting_user=_user(request),
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
                            "created": outcome.applied.created,
                            "updated": outcome.applied.updated,
                            "unchanged": outcome.applied.unchanged,
                        },
                    )
        return render(request, "indicators/import.html", context)


class ImportTemplateView(RasadView):
    """A template to fill: one row per assigned indicator of the first organization the user may
    report for, for last month."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        user = _user(request)
        organization = (
            Organization.objects.filter(
                pk__in=organization_scope(user, Observation, "add").organization_ids()
            )
            .order_by("-depth")
            .first()
        )
        period = JalaliPeriod.containing(today_in_tehran(), "month").previous()
        rows: list[list[str]] = []
        if organization is not None:
            rows = [
                [
                    organization.code,
                    i.code,
                    period.key
                    if i.periodicity == "month"
                    else JalaliPeriod.containing(
                        period.start, "season" if i.periodicity == "season" else "year"
                    ).key,
                    "",
                    i.unit.code,
                    "",
                ]
                for i in assigned_indicators(organization)
            ]
        buffer = io.BytesIO()
        if fmt == "csv":
            write_csv(
                buffer,
                [ExportColumn(key, key, _item(i)) for i, key in enumerate(COLUMNS)],
                rows,
            )
            return _download(buffer, "indicators-template.csv", CSV_TYPE)
        if fmt != "xlsx":
            raise Http404
        write_template_xlsx(buffer, rows)
        return _download(buffer, "indicators-template.xlsx", XLSX_TYPE)


def _item(index: int) -> Any:
    return lambda row: row[index]


def _download(buffer: io.BytesIO, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ObservationTableView(RasadView):
    """Every visible value as a table, filterable, with an Excel export (dates per preference
    plus an ISO column)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        queryset = Observation.objects.visible_to(user).select_related(
            "organization", "indicator", "indicator__unit"
        )
        filterset = ObservationFilterSet(request.GET or None, queryset=queryset)
        rows = filterset.qs.order_by("-period_start", "organization__code", "indicator__code")
        if request.GET.get("export") == "xlsx":
            return self.export(rows[:100_000])
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        return render(
            request,
            "indicators/observations.html",
            {
                "filter": filterset,
                "page": page,
                "export_query": query.urlencode(),
                "statuses": ObservationStatus.choices,
            },
        )

    def export(self, rows: Any) -> HttpResponse:
        buffer = io.BytesIO()
        write_observations_xlsx(buffer, rows)
        return _download(buffer, "observations.xlsx", XLSX_TYPE)


class CatalogueView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        indicators = (
            Indicator.objects.visible_to(_user(request)).select_related("unit").order_by("category", "code")
        )
        return render(request, "indicators/catalogue.html", {"indicators": indicators})


class BaselineListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        baselines = Baseline.objects.visible_to(_user(request)).select_related(
            "organization", "energy_indicator"
        )
        return render(
            request,
            "indicators/baselines.html",
            {
                "baselines": baselines,
                "can_add": not organization_scope(_user(request), Baseline, "add").is_nothing,
            },
        )


class BaselineDetailView(RasadView):
    """The gate result: "not valid" with its reasons (never a number), or the figures and CUSUM."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        baseline = access_object(
            Baseline.objects.select_related("organization", "energy_indicator"), _user(request), pk
        )
        report = energy.report(baseline)
        return render(
            request,
            "indicators/baseline_detail.html",
            {
                "baseline": baseline,
                "report": report,
                "drivers": list(baseline.drivers.all()),
                "periods": report["periods"],
                "reporting": report["reporting"],
                "labels": [
                    JalaliPeriod.parse(k).label(persian_digits=display.current().persian_digits)
                    for k in report["periods"]["reporting"]
                ],
            },
        )


def _visible_ids(request: HttpRequest) -> set[int]:
    return set(Organization.objects.visible_to(_user(request)).values_list("pk", flat=True))


class ScorecardListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        scorecards = Scorecard.objects.visible_to(_user(request)).select_related("organization")
        return render(
            request,
            "indicators/scorecards.html",
            {
                "scorecards": scorecards,
                "can_add": not organization_scope(_user(request), Scorecard, "add").is_nothing,
            },
        )


class ScorecardDetailView(RasadView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        scorecard = access_object(Scorecard.objects.select_related("organization"), _user(request), pk)
        return render(
            request,
            "indicators/scorecard_detail.html",
            {
                "scorecard": scorecard,
                "results": scoring.results(scorecard, visible_ids=_visible_ids(request)),
                "criteria": list(scorecard.criteria.select_related("indicator")),
            },
        )


# ---------------------------------------------------------------------------------------------
# Writes: targets, assignments, baselines, scorecards, alerts. The forms collect values; the
# actions validate, write and audit. A page is offered only to users holding its permission in
# scope; everyone else gets the same 404 as for a missing object.
# ---------------------------------------------------------------------------------------------


def _refuse() -> ObjectNotFound:
    return ObjectNotFound(_("No such object, or you may not see it."))


def _indicators(user: User) -> Any:
    return Indicator.objects.visible_to(user).select_related("unit").order_by("category", "code")


def _organizations_for(user: User, model: type[Any], action: str = "add") -> Any:
    """The organizations where ``user`` may ``action`` records of ``model``; 404 if none."""
    scope = organization_scope(user, model, action)
    if scope.is_nothing:
        raise _refuse()
    return (
        Organization.objects.visible_to(user)
        .filter(pk__in=scope.organization_ids(), closed_on__isnull=True)
        .order_by("path")
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def closable_alert_ids(user: User, alerts: Any) -> set[int]:
    scope = organization_scope(user, Alert, "change")
    return {a.pk for a in alerts if scope.contains(a.organization)}


class TargetListView(RasadView):
    """An organization's targets and thresholds per Jalali year."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        organization = access_organization_by_id(user, pk)
        targets = list(
            Target.objects.visible_to(user)
            .filter(organization=organization)
            .select_related("indicator", "indicator__unit", "organization")
            .order_by("-year", "indicator__category", "indicator__code")
        )
        return render(
            request,
            "indicators/targets.html",
            {
                "organization": organization,
                "targets": targets,
                "can_add": can(user, "add", Target(organization=organization)),
                "changeable": {t.pk for t in targets if can(user, "change", t)},
                "deletable": {t.pk for t in targets if can(user, "delete", t)},
            },
        )


class TargetCreateView(RasadView):
    def _organization(self, request: HttpRequest, pk: int) -> Organization:
        user = _user(request)
        organization = access_organization_by_id(user, pk)
        if not can(user, "add", Target(organization=organization)):
            raise _refuse()
        return organization

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        organization = self._organization(request, pk)
        form = TargetForm(initial={"year": _default_year()}, indicators=_indicators(_user(request)))
        return self._render(request, form, organization)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        organization = self._organization(request, pk)
        form = TargetForm(request.POST, indicators=_indicators(user))
        if form.is_valid() and form.run_action(do_save_target, form.values(organization), acting_user=user):
            messages.success(request, _("The target was saved."))
            return redirect("indicators:targets", pk=organization.pk)
        return self._render(request, form, organization)

    def _render(self, request: HttpRequest, form: TargetForm, organization: Organization) -> HttpResponse:
        return render(
            request,
            "indicators/target_form.html",
            {"form": form, "organization": organization, "title": _("New target")},
        )


class TargetEditView(RasadView):
    def _target(self, request: HttpRequest, pk: int) -> Target:
        target: Target = access_object(
            Target.objects.select_related("organization", "indicator"), _user(request), pk, action="change"
        )
        return target

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = self._target(request, pk)
        initial = {
            "indicator": target.indicator_id,
            "year": target.year,
            "target": format_number(target.target, persian_digits=False, grouping=False),
            "warning_threshold": format_number(
                target.warning_threshold, persian_digits=False, grouping=False
            ),
            "critical_threshold": format_number(
                target.critical_threshold, persian_digits=False, grouping=False
            ),
        }
        return self._render(
            request, TargetForm(initial=initial, indicators=_indicators(_user(request))), target
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        target = self._target(request, pk)
        form = TargetForm(request.POST, indicators=_indicators(user))
        if form.is_valid() and form.run_action(
            do_save_target, form.values(target.organization), acting_user=user, instance=target
        ):
            messages.success(request, _("The target was saved."))
            return redirect("indicators:targets", pk=target.organization_id)
        return self._render(request, form, target)

    def _render(self, request: HttpRequest, form: TargetForm, target: Target) -> HttpResponse:
        return render(
            request,
            "indicators/target_form.html",
            {"form": form, "organization": target.organization, "target": target, "title": _("Edit target")},
        )


class TargetDeleteView(RasadView):
    def _target(self, request: HttpRequest, pk: int) -> Target:
        target: Target = access_object(
            Target.objects.select_related("organization", "indicator"), _user(request), pk, action="delete"
        )
        return target

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = self._target(request, pk)
        return render(request, "indicators/target_delete.html", {"target": target})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = self._target(request, pk)
        organization_id = target.organization_id
        do_delete_target(target, acting_user=_user(request))
        messages.success(request, _("The target was deleted."))
        return redirect("indicators:targets", pk=organization_id)


class AssignmentView(RasadView):
    """Which indicators an organization reports: its own assignments (assign, unassign) and the
    ones it inherits from an ancestor's subtree assignment."""

    def _context(self, request: HttpRequest, organization: Organization) -> dict[str, Any]:
        user = _user(request)
        assignments = list(
            Assignment.objects.visible_to(user)
            .for_organization(organization)
            .select_related("indicator", "indicator__unit", "organization")
            .order_by("indicator__category", "indicator__code")
        )
        own = [a for a in assignments if a.organization_id == organization.pk]
        return {
            "organization": organization,
            "own": own,
            "inherited": [a for a in assignments if a.organization_id != organization.pk],
            "deletable": {a.pk for a in own if can(user, "delete", a)},
        }

    def _form(
        self, request: HttpRequest, organization: Organization, data: Any = None
    ) -> AssignmentForm | None:
        user = _user(request)
        if not can(user, "add", Assignment(organization=organization)):
            return None
        return AssignmentForm(data, indicators=_indicators(user).inputs())

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        organization = access_organization_by_id(_user(request), pk)
        context = self._context(request, organization)
        context["form"] = self._form(request, organization)
        return render(request, "indicators/assignments.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        organization = access_organization_by_id(user, pk)
        form = self._form(request, organization, request.POST)
        if form is None:
            raise _refuse()
        if form.is_valid() and form.run_action(
            do_save_assignment,
            organization,
            form.cleaned_data["indicator"],
            include_descendants=form.cleaned_data["include_descendants"],
            acting_user=user,
        ):
            messages.success(request, _("The indicator was assigned."))
            return redirect("indicators:assignments", pk=organization.pk)
        context = self._context(request, organization)
        context["form"] = form
        return render(request, "indicators/assignments.html", context)


class AssignmentDeleteView(RasadView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        assignment: Assignment = access_object(
            Assignment.objects.select_related("organization", "indicator"), user, pk, action="delete"
        )
        organization_id = assignment.organization_id
        do_delete_assignment(assignment, acting_user=user)
        messages.success(request, _("The assignment was removed."))
        return redirect("indicators:assignments", pk=organization_id)


class BaselineCreateView(RasadView):
    """A new energy baseline (``?organization=<id>`` preselects the organization)."""

    def _form(self, request: HttpRequest, data: Any = None) -> BaselineForm:
        user = _user(request)
        organizations = _organizations_for(user, Baseline)
        initial = {"organization": request.GET.get("organization")} if request.GET.get("organization") else {}
        return BaselineForm(data, initial=initial, organizations=organizations, indicators=_indicators(user))

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            baseline = form.run_action(do_save_baseline, form.values(), acting_user=_user(request))
            if baseline is not None:
                messages.success(request, _("The energy baseline was saved."))
                return redirect("indicators:baseline", pk=baseline.pk)
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: BaselineForm) -> HttpResponse:
        return render(request, "indicators/baseline_form.html", {"form": form})


class ScorecardCreateView(RasadView):
    def _form(self, request: HttpRequest, data: Any = None) -> ScorecardForm:
        user = _user(request)
        organizations = _organizations_for(user, Scorecard)
        year = _default_year()
        initial: dict[str, Any] = {"year": year, "baseline_year": year - 1}
        if request.GET.get("organization"):
            initial["organization"] = request.GET["organization"]
        return ScorecardForm(data, initial=initial, organizations=organizations, indicators=_indicators(user))

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            scorecard = form.run_action(do_save_scorecard, form.values(), acting_user=_user(request))
            if scorecard is not None:
                messages.success(request, _("The scorecard was saved."))
                return redirect("indicators:scorecard", pk=scorecard.pk)
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: ScorecardForm) -> HttpResponse:
        return render(request, "indicators/scorecard_form.html", {"form": form})


class AlertCloseView(RasadView):
    """Acknowledge and close an open alert, then go back where the button was."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        alert: Alert = access_object(Alert.objects.select_related("organization"), user, pk, action="change")
        try:
            do_close_alert(alert, acting_user=user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The alert was closed."))
        return redirect(_safe_next(request, reverse("indicators:organization", args=[alert.organization_id])))
