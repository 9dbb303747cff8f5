"""The crisis room UI: the crises, a crisis's room (facts, map of the places, the live timeline
shared by the headquarters and its member agencies, the crisis's statements and rumours), its
forms, the closing report, and the rumour log. Every page is a generic scoped view; scope is never
applied here by hand."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from rasad.core.models import City, Organization
from rasad.media.actions import (
    do_add_timeline_entry,
    do_answer_rumour,
    do_assign_rumour,
    do_close_crisis,
    do_dismiss_rumour,
    do_log_rumour,
    do_open_crisis,
)
from rasad.media.choices import CrisisState, RumourState
from rasad.media.exports import period_of
from rasad.media.figures import agency_figures, figures_for_period
from rasad.media.filtersets import CrisisFilterSet, RumourFilterSet
from rasad.media.forms import (
    AnswerRumourForm,
    AssignRumourForm,
    CloseCrisisForm,
    CrisisForm,
    RumourForm,
    TimelineEntryForm,
)
from rasad.media.models import Crisis, MemberAgency, Recipient, Rumour, Statement, TimelineEntry
from rasad.media.views import with_progress
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from rasad.web.maps import points_response

SEVERITY_CSS = {"low": "secondary", "moderate": "info", "high": "warning", "critical": "danger"}
# A crisis's places on its map in the colour of its severity badge (Bootstrap's colours of
# SEVERITY_CSS), which the map's legend names («شدت: زیاد»).
SEVERITY_COLOURS = {"low": "#6c757d", "moderate": "#0dcaf0", "high": "#ffc107", "critical": "#dc3545"}


def member_agencies(hq_id: int) -> Any:
    members = MemberAgency.objects.active().filter(hq_id=hq_id).values("agency_id")
    return Organization.objects.filter(pk__in=members).order_by("name")


class CrisisListView(ScopedListView):
    """The crises of the headquarters the person works in or with, open ones first."""

    model = Crisis
    queryset = Crisis.objects.select_related("organization")
    filterset_class = CrisisFilterSet
    ordering = ("-state", "-opened_at", "-pk")
    paginate_by = 30
    template_name = "media/crisis_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"), severity_css=SEVERITY_CSS)


class CrisisCreateView(ScopedFormView):
    model = Crisis
    scope_action = "add"
    form_class = CrisisForm
    template_name = "media/form.html"
    title = gettext_lazy("Open a crisis room")
    success_message = gettext_lazy("The crisis room is open.")
    success_url_name = "media:crisis-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        organizations = self.organizations_for("add")
        provinces = organizations.exclude(province__isnull=True).values("province_id")
        # Cities with a Persian name only: a list of transliterations is no choice for a reader.
        cities = (
            City.objects.filter(province_id__in=provinces)
            .exclude(name_fa="")
            .order_by("-population", "name_en")[:40]
        )
        return {
            "organizations": organizations,
            "cities": City.objects.filter(pk__in=[city.pk for city in cities]).order_by(
                "-population", "name_en"
            ),
        }

    def get_initial(self) -> dict[str, Any]:
        choices = self.organizations_for("add")
        first = MemberAgency.objects.active().filter(hq__in=choices).values_list("hq_id", flat=True).first()
        return {"organization": first} if first is not None else {}

    def perform(self, form: CrisisForm) -> Crisis | None:
        result: Crisis | None = form.run_action(do_open_crisis, form.values(), acting_user=self.user)
        return result


def _timeline(view: Any, crisis: Crisis) -> Any:
    return (
        view.scoped(TimelineEntry.objects.filter(crisis=crisis))
        .select_related("organization", "author")
        .order_by("-moment", "-pk")
    )


def _live_parts(view: Any, crisis: Crisis) -> dict[str, Any]:
    """What the crisis room shows and refreshes on a ``media.*`` event of the crisis: the
    timeline, the crisis's statements with how the agencies answered, and its rumours, each
    through the reader's scope (an agency sees only the statements issued to it)."""
    return {
        "timeline": _timeline(view, crisis)[:200],
        "statements": with_progress(
            view.scoped(Statement.objects.filter(crisis=crisis)), timezone.now()
        ).order_by("-created", "-pk"),
        "rumours": view.scoped(Rumour.objects.filter(crisis=crisis))
        .select_related("agency")
        .order_by("-logged_at"),
    }


class CrisisDetailView(ScopedDetailView):
    """The crisis room: what and where, the live timeline, the crisis's statements with how the
    agencies answered, its rumours, and the forms for those who may use them."""

    model = Crisis
    queryset = Crisis.objects.select_related("organization", "opened_by", "closed_by")
    template_name = "media/crisis_detail.html"
    context_object_name = "crisis"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        crisis: Crisis = self.object
        is_open = crisis.state == CrisisState.OPEN
        writers = self.organizations_for("add", TimelineEntry).filter(
            pk__in=[
                crisis.organization_id,
                *member_agencies(crisis.organization_id).values_list("pk", flat=True),
            ]
        )
        return super().get_context_data(
            **context,
            **_live_parts(self, crisis),
            places=crisis.places.order_by("-population"),
            entry_form=TimelineEntryForm(
                organizations=writers, initial={"organization": crisis.organization_id}
            )
            if is_open and writers.exists()
            else None,
            can_close=is_open and self.can("change", crisis),
            can_add_statement=is_open and self.can("add", Statement(organization=crisis.organization)),
            can_log_rumour=is_open and self.can("add", Rumour(organization=crisis.organization)),
            severity_css=SEVERITY_CSS,
            map_legend=json.dumps(
                [
                    {
                        "colour": SEVERITY_COLOURS[crisis.severity],
                        "label": f"{gettext('Severity')}: {crisis.get_severity_display()}",
                    }
                ],
                ensure_ascii=False,
            ),
        )


class CrisisTimelineView(ScopedDetailView):
    """The crisis room's live parts alone: the timeline, the statements and the rumours, each in
    its ``data-crisis-part`` (the page fetches them again when the live stream says the crisis,
    one of its statements or receipts changed; static/media/crisis.js)."""

    model = Crisis
    template_name = "media/includes/crisis_live.html"
    context_object_name = "crisis"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, **_live_parts(self, self.object))


class CrisisPlacesView(ScopedDetailView):
    """The crisis's places as map points (the shared map component's ``data-points``)."""

    model = Crisis

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        crisis: Crisis = self.get_object()
        colour = SEVERITY_COLOURS[crisis.severity]
        return points_response(
            (city.latitude, city.longitude, {"name": city.name_fa or city.name_en, "colour": colour})
            for city in crisis.places.all()
        )


class TimelineEntryAddView(ScopedFormView):
    """An event or a decision on the timeline, by the headquarters or a member agency."""

    model = Crisis
    form_class = TimelineEntryForm
    template_name = "media/form.html"
    title = gettext_lazy("Add to the timeline")
    success_message = gettext_lazy("The entry is on the timeline.")
    invalid_status = 400

    def get_form_kwargs(self) -> dict[str, Any]:
        crisis: Crisis = self.object
        allowed = [
            crisis.organization_id,
            *member_agencies(crisis.organization_id).values_list("pk", flat=True),
        ]
        return {"organizations": self.organizations_for("add", TimelineEntry).filter(pk__in=allowed)}

    def get_initial(self) -> dict[str, Any]:
        return {"organization": self.object.organization_id}

    def load(self) -> None:
        super().load()
        if not self.get_form_kwargs()["organizations"].exists():
            self.require("add", TimelineEntry(organization=self.object.organization))

    def perform(self, form: TimelineEntryForm) -> TimelineEntry | None:
        data = form.cleaned_data
        result: TimelineEntry | None = form.run_action(
            do_add_timeline_entry,
            self.object,
            data["kind"],
            data["text"],
            organization=data["organization"],
            acting_user=self.user,
        )
        return result

    def get_success_url(self, result: TimelineEntry) -> str:
        return reverse("media:crisis-detail", args=[result.crisis_id])


class CrisisCloseView(ScopedFormView):
    model = Crisis
    scope_action = "change"
    form_class = CloseCrisisForm
    template_name = "media/form.html"
    title = gettext_lazy("Close the crisis room")
    success_message = gettext_lazy("The crisis room was closed; its report is ready.")
    success_url_name = "media:crisis-report"

    def perform(self, form: CloseCrisisForm) -> Crisis | None:
        result: Crisis | None = form.run_action(
            do_close_crisis, self.object, form.cleaned_data["closing_summary"], acting_user=self.user
        )
        return result


class CrisisReportView(ScopedDetailView):
    """The closing report (an interim one while the crisis is open): the summary, and each
    agency's acknowledgment and response times, deadlines met and rumours answered, read from
    the same receipts the timeline shows."""

    model = Crisis
    queryset = Crisis.objects.select_related("organization", "closed_by")
    template_name = "media/crisis_report.html"
    context_object_name = "crisis"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        crisis: Crisis = self.object
        moment = crisis.closed_at or timezone.now()
        figures = agency_figures(
            self.scoped(Recipient.objects.filter(statement__crisis=crisis)),
            self.scoped(Rumour.objects.filter(crisis=crisis)),
            now=moment,
        )
        rumours = self.scoped(Rumour.objects.filter(crisis=crisis))
        return super().get_context_data(
            **context,
            figures=figures,
            statements=self.scoped(Statement.objects.filter(crisis=crisis)).count(),
            rumour_count=rumours.count(),
            rumours_answered=rumours.filter(state=RumourState.ANSWERED).count(),
            entries=self.scoped(TimelineEntry.objects.filter(crisis=crisis)).count(),
        )


# ---- rumours --------------------------------------------------------------------------------


class RumourListView(ScopedListView):
    """The rumour log: claims circulating, where seen, reach, the agency to answer, the state."""

    model = Rumour
    queryset = Rumour.objects.select_related("organization", "agency", "crisis")
    filterset_class = RumourFilterSet
    paginate_by = 30
    template_name = "media/rumour_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"))


class RumourCreateView(ScopedFormView):
    model = Rumour
    scope_action = "add"
    form_class = RumourForm
    template_name = "media/form.html"
    title = gettext_lazy("Log a rumour")
    success_message = gettext_lazy("The rumour was logged.")
    success_url_name = "media:rumour-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        organizations = self.organizations_for("add")
        crises = self.scoped(Crisis.objects.filter(state=CrisisState.OPEN, organization__in=organizations))
        return {"organizations": organizations, "crises": crises.order_by("-opened_at")}

    def get_initial(self) -> dict[str, Any]:
        crisis = self.request.GET.get("crisis", "")
        if crisis.isdecimal():
            found = self.scoped(Crisis.objects.filter(pk=int(crisis), state=CrisisState.OPEN)).first()
            if found is not None:
                return {"organization": found.organization_id, "crisis": found.pk}
        choices = self.organizations_for("add")
        first = MemberAgency.objects.active().filter(hq__in=choices).values_list("hq_id", flat=True).first()
        return {"organization": first} if first is not None else {}

    def perform(self, form: RumourForm) -> Rumour | None:
        result: Rumour | None = form.run_action(do_log_rumour, form.values(), acting_user=self.user)
        return result


class RumourDetailView(ScopedDetailView):
    model = Rumour
    queryset = Rumour.objects.select_related("organization", "agency", "crisis", "logged_by", "answered_by")
    template_name = "media/rumour_detail.html"
    context_object_name = "rumour"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        rumour: Rumour = self.object
        still_open = rumour.state in (RumourState.LOGGED, RumourState.ASSIGNED)
        may_change = self.can("change", rumour)
        return super().get_context_data(
            **context,
            assign_form=AssignRumourForm(agencies=member_agencies(rumour.organization_id))
            if still_open and may_change
            else None,
            answer_form=AnswerRumourForm()
            if still_open and (may_change or self.can("answer", rumour))
            else None,
            can_dismiss=still_open and may_change,
        )


class RumourAssignView(ScopedFormView):
    model = Rumour
    scope_action = "change"
    form_class = AssignRumourForm
    template_name = "media/form.html"
    title = gettext_lazy("Assign the rumour to an agency")
    success_message = gettext_lazy("The agency was asked to answer the rumour.")
    invalid_status = 400
    success_url_name = "media:rumour-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"agencies": member_agencies(self.object.organization_id)}

    def perform(self, form: AssignRumourForm) -> Rumour | None:
        result: Rumour | None = form.run_action(
            do_assign_rumour, self.object, form.cleaned_data["agency"], acting_user=self.user
        )
        return result


class RumourAnswerView(ScopedFormView):
    """The answer given to a rumour: by the agency it is assigned to, or by the headquarters."""

    model = Rumour
    form_class = AnswerRumourForm
    template_name = "media/form.html"
    title = gettext_lazy("Record the answer to the rumour")
    success_message = gettext_lazy("The answer was recorded.")
    invalid_status = 400
    success_url_name = "media:rumour-detail"

    def load(self) -> None:
        super().load()
        rumour: Rumour = self.object
        if not (self.can("change", rumour) or self.can("answer", rumour)):
            self.require("answer", rumour)

    def perform(self, form: AnswerRumourForm) -> Rumour | None:
        result: Rumour | None = form.run_action(
            do_answer_rumour, self.object, form.cleaned_data["response"], acting_user=self.user
        )
        return result


class RumourDismissView(ScopedActionView):
    model = Rumour
    scope_action = "change"
    success_message = gettext_lazy("The rumour was set aside.")
    success_url_name = "media:rumour-detail"

    def perform(self, obj: Rumour) -> Rumour:
        return do_dismiss_rumour(obj, acting_user=self.user)


class FiguresView(ScopedView):
    """Each agency's responsiveness over a Jalali period (a month by default): acknowledgment and
    response times, deadlines met, rumours answered, and the rank; exported to Excel in the
    background."""

    model = Recipient
    template_name = "media/figures.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        params = {"period": request.GET.get("period", "")}
        try:
            period = period_of(params)
        except ValidationError as error:
            return self.render(
                {"errors": error.messages, "figures": [], "period": None, "query": ""}, status=400
            )
        return self.render(
            {
                "figures": figures_for_period(self.user, period),
                "period": period,
                "previous": period.previous().key,
                "next": period.next().key,
                "query": urlencode({"period": period.key}),
            }
        )
