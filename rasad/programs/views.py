"""The programmes UI: the list, a programme's page (parties, axes, progress, timeline, burn-up,
status reports, files), its forms, a party's obligations and the quarterly report form. Every
page is a generic scoped view (``rasad.web.generic``) and writes through actions; scope is never
applied here by hand."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.models import Organization
from rasad.lib.downloads import file_download, template_download
from rasad.lib.jalali import local_date
from rasad.programs.actions import (
    ReportValues,
    allowed_steps,
    do_add_action_item,
    do_add_party,
    do_add_programme_attachment,
    do_create_programme,
    do_save_axis,
    do_save_indicator_target,
    do_save_objective,
    do_set_axis_weights,
    do_set_objective_weights,
    do_submit_status_report,
    do_transition_programme,
    do_update_programme,
)
from rasad.programs.choices import ObligationState, ProgrammeStatus
from rasad.programs.filtersets import ActionItemFilterSet, ProgrammeFilterSet
from rasad.programs.forms import (
    ActionItemForm,
    ActionItemImportForm,
    IndicatorTargetForm,
    PartForm,
    PartyForm,
    ProgrammeAttachmentForm,
    ProgrammeEditForm,
    ProgrammeForm,
    StatusReportForm,
    StepForm,
    WeightsForm,
)
from rasad.programs.importers import ActionItemImporter, action_item_template
from rasad.programs.models import (
    ActionItem,
    Axis,
    IndicatorTarget,
    Objective,
    Party,
    Programme,
    ProgrammeAttachment,
    StatusReport,
)
from rasad.programs.progress import ProgrammeProgress, burn_up, item_state
from rasad.programs.reading import measure_obligations, timeline
from rasad.programs.workflow import STEP_LABELS, TRANSITIONS
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedImportView,
    ScopedListView,
)

STATE_CSS = {
    ObligationState.DONE: "success",
    ObligationState.MET: "success",
    ObligationState.AWAITING_VERIFICATION: "info",
    ObligationState.OPEN: "secondary",
    ObligationState.NOT_YET: "secondary",
    ObligationState.OVERDUE: "danger",
    ObligationState.MISSED: "danger",
    ObligationState.DROPPED: "light",
}
STATUS_CSS = {
    ProgrammeStatus.DRAFT: "secondary",
    ProgrammeStatus.ACTIVE: "success",
    ProgrammeStatus.SUSPENDED: "warning",
    ProgrammeStatus.COMPLETED: "primary",
    ProgrammeStatus.EXPIRED: "dark",
    ProgrammeStatus.TERMINATED: "danger",
}


class ProgrammeListView(ScopedListView):
    """The programmes the user may see: led, signed or reviewed by an organization in scope."""

    model = Programme
    queryset = Programme.objects.select_related("organization").prefetch_related("parties__organization")
    filterset_class = ProgrammeFilterSet
    paginate_by = 25
    template_name = "programs/programme_list.html"

    def filter_choices(self) -> dict[str, Callable[[], Any]]:
        programmes = self.get_queryset()
        return {
            "party": self.organization_choices(
                Party.objects.filter(programme__in=programmes).values("organization_id")
            ),
            "organization": self.organization_choices(programmes.values("organization_id")),
        }

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context, can_add=self.may("add"), status_css=STATUS_CSS, export_kind="programmes"
        )


def _measure(view: ScopedDetailView, programme: Programme) -> ProgrammeProgress:
    """The programme's progress over the obligations the reader may see."""
    return measure_obligations(
        programme,
        view.scoped(ActionItem.objects.all()),
        view.scoped(IndicatorTarget.objects.all()),
        now=timezone.now(),
    )


def _bar_context(progress: ProgrammeProgress, partial: bool) -> dict[str, Any]:
    counts = [
        {"value": state.value, "label": state.label, "css": STATE_CSS[state], "count": progress.count(state)}
        for state in ObligationState
    ]
    return {
        "progress": progress,
        "partial": partial,
        "state_css": STATE_CSS,
        "state_counts": [row for row in counts if row["count"]],
    }


# Over more months than this a month's column is narrower than its name: only the first month of
# each season is named (the template's ``gantt-dense``, programs.css).
DENSE_MONTHS = 18
SEASON_STARTS = ("01", "04", "07", "10")


def timeline_months(months: list[Any]) -> dict[str, Any]:
    """The timeline's columns (Jalali months, ``rasad.lib.jalali.JalaliPeriod``): each sized by its
    days, named by its month, with the year on the first named column and at each new year. Over
    more than ``DENSE_MONTHS`` only the seasons' first months are named, and the year goes to the
    first of them: a span starting in Ordibehesht named its first column «اردیبهشت ۱۴۰۴» over the
    two columns before Tir, whose name it ran into."""
    span = max((months[-1].end - months[0].start).days, 1) if months else 1
    dense = len(months) > DENSE_MONTHS
    first = 0
    if dense:
        first = next((i for i, month in enumerate(months) if month.key[-2:] in SEASON_STARTS), 0)
    columns = [
        {
            "label": month.label(),
            "short": month.label()
            if index == first or month.key.endswith("-01")
            else month.label().split(" ")[0],
            "width": round(100.0 * (month.end - month.start).days / span, 3),
            "season": index == first or month.key[-2:] in SEASON_STARTS,
        }
        for index, month in enumerate(months)
    ]
    return {"timeline_months": columns, "timeline_dense": dense}


def _timeline_context(programme: Programme, progress: ProgrammeProgress, now: Any) -> dict[str, Any]:
    """The Gantt-like chart: Jalali months as columns sized by their days, one bar per action
    item from its start to its deadline, today marked."""
    chart = timeline(programme, progress, now=now)
    bars = [{"bar": bar, "css": STATE_CSS[bar.state]} for bar in chart.bars]
    return {**timeline_months(chart.months), "timeline_bars": bars, "today_offset": chart.today_offset}


class ProgrammeDetailView(ScopedDetailView):
    """A programme: its parties and legal basis, the axes and objectives with their progress, the
    obligations the reader may see (a party: its own) on a timeline by Jalali month, the burn-up
    chart, status reports, files, and the lead's buttons."""

    model = Programme
    queryset = Programme.objects.select_related("organization", "reviewing_organization", "renews")
    template_name = "programs/programme_detail.html"
    context_object_name = "programme"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        programme: Programme = self.object
        now = timezone.now()
        progress = _measure(self, programme)
        visible_items = len(progress.items)
        partial = (
            visible_items < programme.action_items.count()
            or len(progress.targets) < programme.indicator_targets.count()
        )
        points = burn_up(progress, now=now)
        can_change = self.can("change", programme)
        steps = [
            {
                "step": step.value,
                "label": STEP_LABELS[step],
                "needs_note": TRANSITIONS[(ProgrammeStatus(programme.status), step)].needs_note,
                "form": StepForm(initial={"step": step.value}),
            }
            for step in allowed_steps(programme, self.user)
        ]
        reports = self.scoped(StatusReport.objects.filter(programme=programme)).select_related(
            "action_item__case", "action_item__party__organization", "case", "submitted_by"
        )
        submittable = self.permitted("submit", reports)
        return super().get_context_data(
            **context,
            **_bar_context(progress, partial),
            parties=programme.parties.select_related("organization"),
            **_timeline_context(programme, progress, now),
            item_rows=[{"score": s, "css": STATE_CSS[s.state]} for s in progress.items],
            target_rows=[{"score": s, "css": STATE_CSS[s.state]} for s in progress.targets],
            burn_labels="|".join(point.month.label() for point in points),
            burn_planned="|".join("" if p.planned is None else f"{p.planned:.1f}" for p in points),
            burn_done="|".join("" if p.done is None else f"{p.done:.1f}" for p in points),
            reports=reports.order_by("-period_key", "due_on", "pk")[:50],
            submittable=submittable,
            attachments=self.scoped(ProgrammeAttachment.objects.filter(programme=programme)),
            attachment_form=ProgrammeAttachmentForm(),
            steps=steps,
            can_change=can_change
            and programme.status
            not in (
                ProgrammeStatus.COMPLETED,
                ProgrammeStatus.EXPIRED,
                ProgrammeStatus.TERMINATED,
            ),
            status_css=STATUS_CSS,
            today=local_date(now),
        )

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Attach a file (the signed scan, an annex)."""
        programme: Programme = self.get_object(action="change")
        form = ProgrammeAttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                do_add_programme_attachment(
                    programme,
                    form.cleaned_data["file"],
                    acting_user=self.user,
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The file was attached."))
        else:
            for problems in form.errors.values():
                for problem in problems:
                    messages.error(request, str(problem))
        return redirect("programs:programme-detail", pk=programme.pk)


class ProgrammeProgressView(ScopedDetailView):
    """The progress card alone, which the programme page fetches again every few seconds: closing
    an action item's case moves the bar without reloading the page."""

    model = Programme
    template_name = "programs/includes/progress.html"
    context_object_name = "programme"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        programme: Programme = self.object
        progress = _measure(self, programme)
        partial = (
            len(progress.items) < programme.action_items.count()
            or len(progress.targets) < programme.indicator_targets.count()
        )
        return super().get_context_data(**context, **_bar_context(progress, partial))


class ProgrammeCreateView(ScopedFormView):
    model = Programme
    scope_action = "add"
    form_class = ProgrammeForm
    template_name = "programs/programme_form.html"
    title = gettext_lazy("New programme")
    success_url_name = "programs:programme-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "leads": self.organizations_for("add"),
            "organizations": self.organizations_for("view", Organization),
            "programmes": self.scoped(Programme.objects.all()),
        }

    def perform(self, form: ProgrammeForm) -> Programme | None:
        values = form.values()
        result: Programme | None = form.run_mapped(
            form.party_error_fields(), do_create_programme, values, acting_user=self.user
        )
        return result

    def get_success_message(self, result: Programme) -> str:
        return _("The programme “%(title)s” was saved as a draft.") % {"title": result.title}


class ProgrammeEditView(ScopedFormView):
    model = Programme
    scope_action = "change"
    form_class = ProgrammeEditForm
    template_name = "programs/form.html"
    title = gettext_lazy("Edit programme")
    success_message = gettext_lazy("The programme was saved.")
    success_url_name = "programs:programme-detail"

    def get_initial(self) -> dict[str, Any]:
        return ProgrammeEditForm.initial_for(self.object)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "organizations": self.organizations_for("view", Organization),
            "programmes": self.scoped(Programme.objects.exclude(pk=self.object.pk)),
        }

    def perform(self, form: ProgrammeEditForm) -> Programme | None:
        result: Programme | None = form.run_action(
            do_update_programme, self.object, form.changes(), acting_user=self.user
        )
        return result


class _ProgrammePartView(ScopedFormView):
    """A form that adds something to the programme in the URL (its lead may)."""

    model = Programme
    scope_action = "change"
    template_name = "programs/form.html"

    def get_success_url(self, result: Any) -> str:
        return reverse("programs:programme-detail", args=[self.object.pk])


class PartyCreateView(_ProgrammePartView):
    form_class = PartyForm
    title = gettext_lazy("Add a party")
    success_message = gettext_lazy("The party was added.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"organizations": self.organizations_for("view", Organization)}

    def perform(self, form: PartyForm) -> Party | None:
        result: Party | None = form.run_action(
            do_add_party, self.object, form.values(), acting_user=self.user
        )
        return result


class AxisCreateView(_ProgrammePartView):
    form_class = PartForm
    title = gettext_lazy("Add an axis")
    success_message = gettext_lazy("The axis was added.")

    def perform(self, form: PartForm) -> Axis | None:
        result: Axis | None = form.run_action(do_save_axis, self.object, form.values(), acting_user=self.user)
        return result


class WeightsView(_ProgrammePartView):
    """The weights of the axes and of each axis's objectives, changed together: every level that
    changed is checked (each sums to 100) and saved in one transaction, or nothing is."""

    form_class = WeightsForm
    title = gettext_lazy("Weights of the axes and objectives")
    success_message = gettext_lazy("The weights were saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"programme": self.object}

    def perform(self, form: WeightsForm) -> Programme | None:
        result: Programme | None = form.run_action(self._save, form)
        return result

    def _save(self, form: WeightsForm) -> Programme:
        calls: list[Callable[[], Any]] = []
        if weights := form.axis_weights():
            calls.append(partial(do_set_axis_weights, self.object, weights, acting_user=self.user))
        for axis, objective_weights in form.objective_weights():
            calls.append(partial(do_set_objective_weights, axis, objective_weights, acting_user=self.user))
        messages: list[str] = []
        with transaction.atomic():
            for call in calls:
                try:
                    call()
                except ValidationError as error:
                    messages.extend(error.messages)
            if messages:
                raise ValidationError(messages)  # every level's error at once; nothing is kept
        programme: Programme = self.object
        return programme


class ObjectiveCreateView(_ProgrammePartView):
    form_class = PartForm
    title = gettext_lazy("Add an objective")
    success_message = gettext_lazy("The objective was added.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"axes": self.object.axes.order_by("position", "pk")}

    def get_initial(self) -> dict[str, Any]:
        return {"axis": self.request.GET.get("axis")}

    def perform(self, form: PartForm) -> Objective | None:
        result: Objective | None = form.run_action(
            do_save_objective, form.cleaned_data["axis"], form.values(), acting_user=self.user
        )
        return result


class ActionItemCreateView(_ProgrammePartView):
    form_class = ActionItemForm
    title = gettext_lazy("Add an action item")
    success_message = gettext_lazy("The action item was added and its directive sent to the party.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"programme": self.object}

    def get_initial(self) -> dict[str, Any]:
        return {"objective": self.request.GET.get("objective")}

    def perform(self, form: ActionItemForm) -> ActionItem | None:
        result: ActionItem | None = form.run_action(do_add_action_item, form.values(), acting_user=self.user)
        return result


class ActionItemImportView(ScopedImportView):
    """Upload a spreadsheet of action items; every bad row is listed, and nothing is added unless
    every row is valid (the shared import page, ``rasad.web.generic.ScopedImportView``)."""

    model = Programme
    scope_action = "change"
    form_class = ActionItemImportForm
    template_name = "programs/item_import.html"
    title = gettext_lazy("Import action items")

    def importer(self) -> ActionItemImporter:
        return ActionItemImporter(self.object, acting_user=self.user)

    def get_done_url(self) -> str:
        return reverse("programs:programme-detail", args=[self.object.pk])


class ActionItemImportTemplateView(ScopedDetailView):
    """The empty workbook for importing action items (columns, their help, and this programme's
    axes, objectives and parties in the guide sheet)."""

    model = Programme
    scope_action = "change"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        programme: Programme = self.get_object()
        return template_download(action_item_template(programme), _("Action items"), "action-items", "xlsx")


class IndicatorTargetCreateView(_ProgrammePartView):
    form_class = IndicatorTargetForm
    title = gettext_lazy("Link an indicator target")
    success_message = gettext_lazy("The indicator target was saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"programme": self.object, "organizations": self.organizations_for("view", Organization)}

    def perform(self, form: IndicatorTargetForm) -> IndicatorTarget | None:
        result: IndicatorTarget | None = form.run_action(
            do_save_indicator_target, form.values(), acting_user=self.user
        )
        return result


class ProgrammeTransitionView(ScopedActionView):
    """One status step (activate, suspend, ...), with its note."""

    model = Programme
    scope_action = "change"
    success_message = gettext_lazy("The programme's status was changed.")
    success_url_name = "programs:programme-detail"

    def perform(self, obj: Programme) -> Programme:
        form = StepForm(self.request.POST)
        form.is_valid()
        data = form.cleaned_data
        return do_transition_programme(
            obj, str(data.get("step") or ""), acting_user=self.user, note=data.get("note") or ""
        )


class ProgrammeAttachmentDownloadView(ScopedDetailView):
    """Files are served only here, after the programme's and the file's visibility are checked."""

    model = Programme

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        programme = self.get_object()
        attachment = self.get_related(
            ProgrammeAttachment.objects.filter(programme=programme), kwargs["attachment_id"]
        )
        return file_download(attachment.file.open("rb"), attachment.name, attachment.content_type)


class ObligationListView(ScopedListView):
    """ "My obligations": the action items owed by the organizations the user acts for (may submit
    their reports), with their state, and the quarterly reports still owed."""

    model = ActionItem
    queryset = ActionItem.objects.select_related(
        "programme", "objective__axis", "party__organization", "case__category"
    )
    filterset_class = ActionItemFilterSet
    paginate_by = 50
    template_name = "programs/obligations.html"
    ordering = ("case__deadline", "pk")

    def get_queryset(self, action: str | None = None) -> models.QuerySet[Any]:
        acting_for = self.organizations_for("submit", StatusReport)
        return super().get_queryset(action).filter(party__organization__in=acting_for)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        now = timezone.now()
        page = context.get("page")
        rows = [(item, item_state(item, now)) for item in (page or [])]
        owed = (
            self.scoped(StatusReport.objects.filter(submitted_at__isnull=True), "submit")
            .select_related("action_item__case", "action_item__party__organization", "programme", "case")
            .order_by("due_on", "pk")[:100]
        )
        return super().get_context_data(
            **context,
            rows=rows,
            owed=owed,
            state_css=STATE_CSS,
            today=local_date(now),
            export_kind="programme-obligations",
        )


class StatusReportSubmitView(ScopedFormView):
    """A party's quarterly word on one action item: done, on track, at risk or blocked."""

    model = StatusReport
    queryset = StatusReport.objects.select_related(
        "programme", "action_item__case", "action_item__party__organization", "case"
    )
    scope_action = "submit"
    form_class = StatusReportForm
    template_name = "programs/report_form.html"
    title = gettext_lazy("Quarterly status report")
    success_message = gettext_lazy("Your status report was sent to the lead.")

    def get_initial(self) -> dict[str, Any]:
        report: StatusReport = self.object
        return {"state": report.state or None, "note": report.note}

    def perform(self, form: StatusReportForm) -> StatusReport | None:
        result: StatusReport | None = form.run_action(
            do_submit_status_report,
            self.object,
            ReportValues(form.cleaned_data["state"], form.cleaned_data["note"]),
            acting_user=self.user,
        )
        return result

    def get_success_url(self, result: StatusReport) -> str:
        return self.safe_next(reverse("programs:obligations"))
