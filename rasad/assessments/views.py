"""The assessments UI: instruments (list, structure, spreadsheet import and export, publish),
cycles (list, new, launch, close, results and ranking), and each assessment (its page, the
self-assessment form with evidence, an assessor's review, the consensus, assigning assessors,
finalizing). Every page is a generic scoped view (``rasad.web.generic``) and writes through
actions; scope is never applied here by hand."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rasad.assessments.actions import (
    audited_items,
    differences,
    do_add_evidence,
    do_agree_consensus,
    do_assign_assessor,
    do_close_cycle,
    do_create_instrument,
    do_delete_part,
    do_fill_indicator_answers,
    do_finalize_assessment,
    do_import_bands,
    do_import_instrument,
    do_launch_cycle,
    do_move_part,
    do_name_audit,
    do_new_version,
    do_publish_instrument,
    do_reopen_assessment,
    do_replace_structure,
    do_save_answers,
    do_save_audit_scores,
    do_save_criterion,
    do_save_cycle,
    do_save_feedback,
    do_save_item,
    do_save_review_scores,
    do_save_section,
    do_set_bands,
    do_submit_assessment,
    do_submit_review,
    do_update_instrument,
    do_withdraw_assessor,
    pending_audits,
    submission_problems,
)
from rasad.assessments.actions.assessments import WITHDRAWABLE
from rasad.assessments.actions.common import today
from rasad.assessments.actions.risks import (
    RISK,
    do_add_risk_action,
    do_complete_risk_action,
    do_propose_risk,
    do_rate_risk,
)
from rasad.assessments.choices import (
    AssessmentStatus,
    CycleStatus,
    InstrumentKind,
    InstrumentStatus,
    ReviewKind,
    Stage,
)
from rasad.assessments.compliance import (
    Compliance,
    Heat,
    Visible,
    compliance,
    legend,
    parse_cycle,
)
from rasad.assessments.feedback_report import fallback_name as feedback_fallback_name
from rasad.assessments.feedback_report import feedback_pdf
from rasad.assessments.feedback_report import file_name as feedback_file_name
from rasad.assessments.filtersets import (
    AssessmentFilterSet,
    CycleFilterSet,
    InstrumentFilterSet,
    RiskFilterSet,
)
from rasad.assessments.forms import (
    AnswersForm,
    AssignForm,
    AuditNameForm,
    BandsForm,
    CriterionForm,
    CycleForm,
    FeedbackForm,
    InstrumentForm,
    InstrumentImportForm,
    ItemForm,
    NewItemForm,
    ReasonForm,
    RiskActionForm,
    RiskImportForm,
    RiskRatingForm,
    SectionForm,
    StructureFileForm,
    WithdrawForm,
    answer_field_name,
    reason_field_name,
)
from rasad.assessments.home import waiting_for
from rasad.assessments.indicator_answers import Figure, figures
from rasad.assessments.models import (
    Assessment,
    Band,
    Criterion,
    Cycle,
    CycleAudit,
    Evidence,
    Feedback,
    Finding,
    Instrument,
    Item,
    ItemScore,
    Review,
    RiskAction,
    RiskRating,
    Section,
)
from rasad.assessments.results import Structure, cycle_results
from rasad.assessments.risks import LEVEL_NAMES, RiskRatingImporter, heat_maps, level_of
from rasad.assessments.scoring import BandRule, band_for
from rasad.assessments.spreadsheet import bands_file, file_type_of, instrument_file, results_xlsx
from rasad.cases.models import Case
from rasad.core.importers import MAX_FILE_BYTES
from rasad.core.models import Organization, User
from rasad.lib import formatting
from rasad.lib.downloads import content_download, file_download
from rasad.lib.tabular import XLSX_TYPE
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
    refusal,
)
from rasad.web.maps import points_response

STATUS_CSS = {
    AssessmentStatus.NOT_STARTED: "secondary",
    AssessmentStatus.IN_PROGRESS: "info",
    AssessmentStatus.SUBMITTED: "primary",
    AssessmentStatus.REVIEWED: "warning",
    AssessmentStatus.AGREED: "warning",
    AssessmentStatus.FINAL: "success",
    CycleStatus.DRAFT: "secondary",
    CycleStatus.OPEN: "success",
    CycleStatus.CLOSED: "dark",
    InstrumentStatus.PUBLISHED: "success",
    InstrumentStatus.RETIRED: "light",
}


def _read_upload(form: Any, upload: Any) -> bytes | None:
    if upload.size > MAX_FILE_BYTES:
        form.add_error("file", formatting.file_too_large(MAX_FILE_BYTES))
        return None
    return bytes(upload.read())


# ---------------------------------------------------------------------------------------------
# Instruments
# ---------------------------------------------------------------------------------------------


class InstrumentListView(ScopedListView):
    """Published instruments, and the drafts of the bodies in the user's scope."""

    model = Instrument
    queryset = Instrument.objects.select_related("owner")
    filterset_class = InstrumentFilterSet
    paginate_by = 50
    template_name = "assessments/instrument_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"), status_css=STATUS_CSS)


class InstrumentDetailView(ScopedDetailView):
    """An instrument version's structure: sections, criteria, items with their type, weight,
    guidance and evidence; its bands; the spreadsheet and the actions the user may take."""

    model = Instrument
    queryset = Instrument.objects.select_related("owner", "previous")
    template_name = "assessments/instrument_detail.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        instrument: Instrument = context["object"]
        sections = list(
            self.scoped(Section.objects.filter(instrument=instrument)).prefetch_related(
                "criteria__items__indicator"
            )
        )
        return super().get_context_data(
            **context,
            sections=sections,
            bands=list(instrument.bands.all()),
            can_publish=instrument.status == InstrumentStatus.DRAFT and self.can("publish", instrument),
            can_change=instrument.status != InstrumentStatus.RETIRED and self.can("change", instrument),
            status_css=STATUS_CSS,
        )


def _file_type(request: AuthenticatedRequest) -> str:
    """The download's ``file_type`` (``file_type_of``): a 400 page for a type the API refuses."""
    try:
        return file_type_of(request.GET.get("file_type"))
    except ValidationError as error:
        raise BadRequest(error.messages[0]) from None


class InstrumentSpreadsheetView(ScopedDetailView):
    """The instrument's structure as a workbook (or CSV) in the import format."""

    model = Instrument

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        instrument: Instrument = self.get_object()
        content, content_type, name = instrument_file(instrument, _file_type(request))
        return content_download(content, name, content_type)


class InstrumentImportView(ScopedFormView):
    """A new instrument from a spreadsheet: every bad row listed, nothing written unless the
    whole file is valid."""

    model = Instrument
    scope_action = "add"
    form_class = InstrumentImportForm
    template_name = "assessments/form.html"
    title = gettext_lazy("Import an instrument from a spreadsheet")
    success_url_name = "assessments:instrument-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"owners": self.organizations_for("add")}

    def perform(self, form: InstrumentImportForm) -> Instrument | None:
        upload = form.cleaned_data["file"]
        data = _read_upload(form, upload)
        if data is None:
            return None
        result: Instrument | None = form.run_action(
            do_import_instrument, form.values(), data, upload.name or "upload", acting_user=self.user
        )
        return result

    def get_success_message(self, result: Instrument) -> str:
        return _("The instrument “%(name)s” was imported as a draft.") % {"name": result.name}


class InstrumentStructureView(ScopedFormView):
    """Replace an instrument's structure from a spreadsheet (the next version, when a cycle uses
    this one)."""

    model = Instrument
    scope_action = "change"
    form_class = StructureFileForm
    template_name = "assessments/form.html"
    title = gettext_lazy("Replace the structure from a spreadsheet")
    success_url_name = "assessments:instrument-detail"

    def perform(self, form: StructureFileForm) -> Instrument | None:
        upload = form.cleaned_data["file"]
        data = _read_upload(form, upload)
        if data is None:
            return None
        result: Instrument | None = form.run_action(
            do_replace_structure, self.object, data, upload.name or "upload", acting_user=self.user
        )
        return result

    def get_success_message(self, result: Instrument) -> str:
        return _("The structure of version %(version)s was replaced.") % {
            "version": formatting.number(result.version)
        }


class InstrumentBandsView(ScopedFormView):
    """A version's bands, typed in rows or read from a spreadsheet (the next version when a cycle
    uses this one, so a running cycle keeps its bands)."""

    model = Instrument
    scope_action = "change"
    form_class = BandsForm
    template_name = "assessments/bands_form.html"
    title = gettext_lazy("Bands")

    def get_initial(self) -> dict[str, Any]:
        return BandsForm.initial_for(list(self.scoped(Band.objects.filter(instrument=self.object))))

    def perform(self, form: BandsForm) -> Any:
        upload = form.cleaned_data.get("file")
        if upload:
            data = _read_upload(form, upload)
            if data is None:
                return None
            return form.run_action(
                do_import_bands, self.object, data, upload.name or "upload", acting_user=self.user
            )
        return form.run_action(do_set_bands, self.object, form.bands(), acting_user=self.user)

    def get_success_message(self, result: Any) -> str:
        if result.new_version:
            return _("The instrument is in use: the bands were set in version %(version)s, a draft.") % {
                "version": formatting.number(result.instrument.version)
            }
        return _("The bands were saved.")

    def get_success_url(self, result: Any) -> str:
        return reverse("assessments:instrument-detail", args=[result.instrument.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context, in_use=self.scoped(Cycle.objects.filter(instrument=self.object)).exists()
        )


class InstrumentBandsSpreadsheetView(ScopedDetailView):
    """A version's bands as a workbook (or CSV) in the format the bands page reads."""

    model = Instrument

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        instrument: Instrument = self.get_object()
        content, content_type, name = bands_file(instrument, _file_type(request))
        return file_download(io.BytesIO(content), name, content_type)


class ItemEditView(ScopedFormView):
    """Change an item's words, weight, guidance and evidence. A version a cycle uses is not
    changed: the change goes to the next version (a draft), and the page says so."""

    model = Item
    queryset = Item.objects.select_related("instrument", "criterion__section", "indicator")
    scope_action = "change"
    form_class = ItemForm
    template_name = "assessments/form.html"
    title = gettext_lazy("Edit an item")

    def get_initial(self) -> dict[str, Any]:
        return ItemForm.initial_for(self.object)

    def perform(self, form: ItemForm) -> Any:
        return form.run_action(
            do_save_item,
            self.object.instrument,
            form.values(self.object),
            acting_user=self.user,
            item=self.object,
        )

    def get_success_message(self, result: Any) -> str:
        if result.new_version:
            return _("The instrument is in use: the change was made in version %(version)s, a draft.") % {
                "version": formatting.number(result.instrument.version)
            }
        return _("The item was saved.")

    def get_success_url(self, result: Any) -> str:
        return reverse("assessments:instrument-detail", args=[result.instrument.pk])


def _written_message(result: Any, saved: str) -> str:
    """What a change of an instrument says: ``saved``, or where the change went when a cycle uses
    the version the person was looking at (a form that changed nothing says so whatever the
    page: ``rasad.web.generic.NOTHING_CHANGED``)."""
    if result.new_version:
        return _("The instrument is in use: the change was made in version %(version)s, a draft.") % {
            "version": formatting.number(result.instrument.version)
        }
    return saved


class InstrumentCreateView(ScopedFormView):
    """A new blank instrument (a draft, version 1) whose sections, criteria and items are then
    added on its page."""

    model = Instrument
    scope_action = "add"
    form_class = InstrumentForm
    template_name = "assessments/form.html"
    title = gettext_lazy("New instrument")
    success_url_name = "assessments:instrument-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"owners": self.organizations_for("add")}

    def perform(self, form: InstrumentForm) -> Instrument | None:
        result: Instrument | None = form.run_action(
            do_create_instrument, form.values(), acting_user=self.user
        )
        return result

    def get_success_message(self, result: Instrument) -> str:
        return _("The instrument “%(name)s” was created as a draft: add its sections.") % {
            "name": result.name
        }


class InstrumentEditView(ScopedFormView):
    """Change an instrument's name, description, total and publisher (in the next version when a
    cycle uses this one)."""

    model = Instrument
    scope_action = "change"
    form_class = InstrumentForm
    template_name = "assessments/form.html"
    title = gettext_lazy("Edit the instrument")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"owners": self.organizations_for("change"), "instrument": self.object}

    def get_initial(self) -> dict[str, Any]:
        return InstrumentForm.initial_for(self.object)

    def perform(self, form: InstrumentForm) -> Any:
        return form.run_action(do_update_instrument, self.object, form.values(), acting_user=self.user)

    def get_success_message(self, result: Any) -> str:
        return _written_message(result, _("The instrument was saved."))

    def get_success_url(self, result: Any) -> str:
        return reverse("assessments:instrument-detail", args=[result.instrument.pk])


class _PartFormView(ScopedFormView):
    """A form that adds or changes a part of an instrument; back to the (changed) version."""

    scope_action = "change"
    template_name = "assessments/form.html"
    saved_message: Any = ""

    def get_success_message(self, result: Any) -> str:
        return _written_message(result, str(self.saved_message))

    def get_success_url(self, result: Any) -> str:
        return reverse("assessments:instrument-detail", args=[result.instrument.pk])


class SectionCreateView(_PartFormView):
    model = Instrument
    form_class = SectionForm
    title = gettext_lazy("New section")
    saved_message = gettext_lazy("The section was added.")

    def perform(self, form: SectionForm) -> Any:
        return form.run_action(do_save_section, self.object, form.values(), acting_user=self.user)


class SectionEditView(_PartFormView):
    model = Section
    queryset = Section.objects.select_related("instrument")
    form_class = SectionForm
    title = gettext_lazy("Edit a section")
    saved_message = gettext_lazy("The section was saved.")

    def get_initial(self) -> dict[str, Any]:
        return SectionForm.initial_for(self.object)

    def perform(self, form: SectionForm) -> Any:
        return form.run_action(
            do_save_section,
            self.object.instrument,
            form.values(self.object),
            acting_user=self.user,
            section=self.object,
        )


class CriterionCreateView(_PartFormView):
    """A new criterion of the section in the URL."""

    model = Section
    queryset = Section.objects.select_related("instrument")
    form_class = CriterionForm
    title = gettext_lazy("New criterion")
    saved_message = gettext_lazy("The criterion was added.")

    def perform(self, form: CriterionForm) -> Any:
        return form.run_action(
            do_save_criterion, self.object.instrument, form.values(self.object), acting_user=self.user
        )


class CriterionEditView(_PartFormView):
    model = Criterion
    queryset = Criterion.objects.select_related("instrument", "section")
    form_class = CriterionForm
    title = gettext_lazy("Edit a criterion")
    saved_message = gettext_lazy("The criterion was saved.")

    def get_initial(self) -> dict[str, Any]:
        return CriterionForm.initial_for(self.object)

    def perform(self, form: CriterionForm) -> Any:
        return form.run_action(
            do_save_criterion,
            self.object.instrument,
            form.values(self.object.section, self.object),
            acting_user=self.user,
            criterion=self.object,
        )


class ItemCreateView(_PartFormView):
    """A new item of the criterion in the URL."""

    model = Criterion
    queryset = Criterion.objects.select_related("instrument")
    form_class = NewItemForm
    title = gettext_lazy("New item")
    saved_message = gettext_lazy("The item was added.")

    def perform(self, form: NewItemForm) -> Any:
        return form.run_action(
            do_save_item, self.object.instrument, form.new_values(self.object), acting_user=self.user
        )


class _PartDeleteView(ScopedActionView):
    """Delete a section (with its criteria and items), a criterion (with its items) or an item
    (POST; the instrument's page asks first). A version a cycle uses is not changed: the part is
    deleted from the next version (a draft), and the browser goes there."""

    scope_action = "change"
    deleted_message: Any = ""

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        part = self.get_object()
        try:
            result = do_delete_part(part, acting_user=self.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("assessments:instrument-detail", part.instrument_id)
        messages.success(request, _written_message(result, str(self.deleted_message)))
        return redirect("assessments:instrument-detail", result.instrument.pk)


class SectionDeleteView(_PartDeleteView):
    model = Section
    deleted_message = gettext_lazy("The section was deleted, with its criteria and items.")


class CriterionDeleteView(_PartDeleteView):
    model = Criterion
    deleted_message = gettext_lazy("The criterion was deleted, with its items.")


class ItemDeleteView(_PartDeleteView):
    model = Item
    deleted_message = gettext_lazy("The item was deleted.")


class _PartMoveView(ScopedActionView):
    """Move a section, a criterion or an item one place up or down among its siblings (POST
    ``direction``: ``up`` or ``down``). Like every change, a version a cycle uses is changed in its
    next version (a draft), and the browser goes there."""

    scope_action = "change"

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        part = self.get_object()
        try:
            result = do_move_part(part, request.POST.get("direction", ""), acting_user=self.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("assessments:instrument-detail", part.instrument_id)
        messages.success(request, _written_message(result, str(_("The order was changed."))))
        page = reverse("assessments:instrument-detail", args=[result.instrument.pk])
        return redirect(f"{page}#part-{result.part.code}")


class SectionMoveView(_PartMoveView):
    model = Section


class CriterionMoveView(_PartMoveView):
    model = Criterion


class ItemMoveView(_PartMoveView):
    model = Item


class InstrumentNewVersionView(ScopedActionView):
    """Start the next version of a published instrument (a draft copy, changed freely and checked
    in full when it is published); the browser goes to it."""

    model = Instrument
    scope_action = "change"

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        instrument = self.get_object()
        try:
            draft = do_new_version(instrument, acting_user=self.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("assessments:instrument-detail", instrument.pk)
        messages.success(
            request,
            _("Version %(version)s was started as a draft.") % {"version": formatting.number(draft.version)},
        )
        return redirect("assessments:instrument-detail", draft.pk)


class InstrumentPublishView(ScopedActionView):
    model = Instrument
    scope_action = "publish"
    success_message = gettext_lazy("The instrument was published.")
    success_url_name = "assessments:instrument-detail"

    def perform(self, obj: Instrument) -> Instrument:
        return do_publish_instrument(obj, acting_user=self.user)


# ---------------------------------------------------------------------------------------------
# Cycles
# ---------------------------------------------------------------------------------------------


class CycleListView(ScopedListView):
    """Cycles run, assessed, reviewed or audited by organizations in the user's scope."""

    model = Cycle
    queryset = Cycle.objects.select_related("organization", "instrument")
    filterset_class = CycleFilterSet
    paginate_by = 25
    template_name = "assessments/cycle_list.html"

    def filter_choices(self) -> dict[str, Callable[[], Any]]:
        return {"organization": self.organization_choices(self.get_queryset().values("organization_id"))}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"), status_css=STATUS_CSS)


class CycleCreateView(ScopedFormView):
    model = Cycle
    scope_action = "add"
    form_class = CycleForm
    template_name = "assessments/form.html"
    title = gettext_lazy("New assessment cycle")
    success_url_name = "assessments:cycle-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "runners": self.organizations_for("add"),
            "organizations": self.organizations_for("view", Organization),
            "instruments": self.scoped(Instrument.objects.filter(status=InstrumentStatus.PUBLISHED)),
        }

    def perform(self, form: CycleForm) -> Cycle | None:
        result: Cycle | None = form.run_action(do_save_cycle, form.values(), acting_user=self.user)
        return result

    def get_success_message(self, result: Cycle) -> str:
        return _("The cycle “%(name)s” was saved; launch it when it is ready.") % {"name": result.name}


class CycleDetailView(ScopedDetailView):
    """A cycle: its window and choice of organizations, every assessment the reader may see with
    its stage, score and band, and the ranking within peer groups."""

    model = Cycle
    queryset = Cycle.objects.select_related("organization", "instrument", "scope_root")
    template_name = "assessments/cycle_detail.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        cycle: Cycle = context["object"]
        assessments = list(
            self.scoped(Assessment.objects.filter(cycle=cycle))
            .select_related("organization", "band")
            .order_by("organization__path")
        )
        results = cycle.results or (cycle_results(cycle) if cycle.status == CycleStatus.OPEN else {})
        visible = {a.pk for a in assessments}
        groups = [
            {**group, "members": [m for m in group.get("members", []) if m.get("assessment") in visible]}
            for group in results.get("groups", [])
        ]
        can_change = self.can("change", cycle)
        return super().get_context_data(
            **context,
            assessments=assessments,
            groups=[g for g in groups if g["members"]],
            ranking_message=results.get("message", ""),
            audits=list(
                self.scoped(CycleAudit.objects.filter(cycle=cycle))
                .select_related("organization")
                .prefetch_related("sections")
            ),
            final_count=sum(1 for a in assessments if a.status == AssessmentStatus.FINAL),
            can_name_audit=can_change and cycle.status != CycleStatus.CLOSED,
            can_launch=can_change and cycle.status == CycleStatus.DRAFT,
            can_close=can_change and cycle.status == CycleStatus.OPEN,
            status_css=STATUS_CSS,
        )


class CycleResultsView(ScopedDetailView):
    """The cycle's results as a workbook: the assessments the reader may see, their scores, bands,
    ranks and section points."""

    model = Cycle

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        cycle: Cycle = self.get_object()
        assessments = (
            self.scoped(Assessment.objects.filter(cycle=cycle))
            .select_related("organization", "band")
            .order_by("organization__path")
        )
        sections = list(
            self.scoped(Section.objects.filter(instrument_id=cycle.instrument_id)).order_by("order")
        )
        return content_download(
            results_xlsx(cycle, assessments, sections), f"cycle-{cycle.pk}-results.xlsx", XLSX_TYPE
        )


def _percent(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _section_label(section: Section) -> str:
    return section.heading


class CycleChartView(ScopedDetailView):
    """The cycle's charts as JSON (``assessments/results.js`` draws them on the cycle's page):
    ``sections``, each section's final score (percent of its points) per organization, and
    ``bands``, how many final assessments reached each band, over the final assessments the
    reader may see. Labels are written in the reader's digits; numbers are plain."""

    model = Cycle

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        cycle: Cycle = self.get_object()
        final = list(
            self.scoped(Assessment.objects.filter(cycle=cycle, status=AssessmentStatus.FINAL))
            .select_related("organization")
            .order_by("organization__path")
        )
        sections = list(
            self.scoped(Section.objects.filter(instrument_id=cycle.instrument_id)).order_by("order")
        )
        bands = sorted(
            self.scoped(Band.objects.filter(instrument_id=cycle.instrument_id)), key=lambda band: band.minimum
        )

        def section_percent(assessment: Assessment, code: str) -> float | None:
            scores = (assessment.result or {}).get("final", {}).get("sections", {})
            return _percent(scores.get(code, {}).get("percent"))

        return JsonResponse(
            {
                "final": len(final),
                "sections": {
                    "labels": [formatting.digits(a.organization.name) for a in final],
                    "series": [
                        {"name": _section_label(s), "values": [section_percent(a, s.code) for a in final]}
                        for s in sections
                    ],
                },
                "bands": {
                    "labels": [formatting.digits(band.name) for band in bands],
                    "series": [
                        {
                            "name": _("Final assessments"),
                            "values": [sum(1 for a in final if a.band_id == band.pk) for band in bands],
                        }
                    ],
                },
            }
        )


class CycleLaunchView(ScopedActionView):
    model = Cycle
    scope_action = "change"
    success_message = gettext_lazy("The cycle was launched: each organization has its assessment.")
    success_url_name = "assessments:cycle-detail"

    def perform(self, obj: Cycle) -> Cycle:
        return do_launch_cycle(obj, acting_user=self.user)


class CycleCloseView(ScopedActionView):
    model = Cycle
    scope_action = "change"
    success_message = gettext_lazy("The cycle was closed and its results published.")
    success_url_name = "assessments:cycle-detail"

    def perform(self, obj: Cycle) -> Cycle:
        return do_close_cycle(obj, acting_user=self.user)


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------


class AssessmentListView(ScopedListView):
    """Every assessment the user may see (their own organization's, those they review, those
    of the cycles they run), filtered by cycle and status: the assessor's and the organization's
    queue."""

    model = Assessment
    queryset = Assessment.objects.select_related("organization", "cycle", "band")
    filterset_class = AssessmentFilterSet
    ordering = ("-cycle__opens_on", "organization__path")
    paginate_by = 50
    template_name = "assessments/assessment_list.html"

    def filter_choices(self) -> dict[str, Callable[[], Any]]:
        return {"organization": self.organization_choices(self.get_queryset().values("organization_id"))}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, status_css=STATUS_CSS)


class QueueView(ScopedView):
    """Waiting for me: the assessments whose review the reader is to score, whose consensus they
    are to record as the lead assessor, and whose audit their agency is to make (``waiting_for``,
    the same queues as their home page), the review window's end first."""

    model = Assessment
    template_name = "assessments/queue.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queues: list[dict[str, Any]] = [
            {"queue": queue, "rows": list(assessments[:QUEUE_ROWS])}
            for queue, assessments in waiting_for(self.user)
        ]
        return self.render({"queues": queues, "waiting": sum(len(q["rows"]) for q in queues)})


# A queue page lists at most this many of each kind (an assessor has a few dozen at most).
QUEUE_ROWS = 200


def _label(score: ItemScore | None, item: Item) -> ItemScore | None:
    """Give a choice item's score the label of the chosen option (``display``) for the page."""
    if score is not None and item.item_type == "choice":
        labels = {str(o.get("code")): str(o.get("label")) for o in item.options or []}
        score.display = labels.get(score.answer, score.answer)  # type: ignore[attr-defined]
    return score


def _items(view: Any, assessment: Assessment) -> list[Item]:
    return list(
        view.scoped(Item.objects.filter(instrument_id=assessment.cycle.instrument_id))
        .select_related("criterion__section", "indicator__unit")
        .order_by("criterion__section__order", "criterion__order", "order", "id")
    )


def _figures(assessment: Assessment, items: list[Item]) -> dict[int, Figure]:
    """The approved figure of each item that names an indicator (none asked when no item does)."""
    return figures(assessment, [item for item in items if item.indicator_id])


class AssessmentDetailView(ScopedDetailView):
    """One organization's assessment: where it stands, its scores by section at every stage, each
    item's answers and evidence, its assessors, the findings and their cases, and the buttons the
    reader's role allows."""

    model = Assessment
    queryset = Assessment.objects.select_related(
        "organization", "cycle__instrument", "cycle__organization", "band"
    )
    template_name = "assessments/assessment_detail.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        assessment: Assessment = context["object"]
        items = _items(self, assessment)
        answers = self._answers(assessment, items)
        files = self._files(assessment)
        reviews = list(
            self.scoped(Review.objects.filter(assessment=assessment)).select_related(
                "reviewer", "organization"
            )
        )
        findings = list(
            self.scoped(Finding.objects.filter(assessment=assessment))
            .select_related("section", "case", "risk")
            .prefetch_related(Prefetch("items", queryset=Item.objects.select_related("criterion__section")))
        )
        feedback = list(
            self.scoped(Feedback.objects.filter(assessment=assessment))
            .select_related("criterion__section")
            .order_by("criterion__section__order", "criterion__order")
        )
        found = _figures(assessment, items)
        rows = [
            {
                "item": item,
                "self": _label(answers[item.pk].get(Stage.SELF), item),
                "assessors": [_label(score, item) for score in answers[item.pk]["assessors"]],
                "consensus": _label(answers[item.pk].get(Stage.CONSENSUS), item),
                "files": files.get(item.pk, []),
                "figure": found.get(item.pk),
            }
            for item in items
        ]
        return super().get_context_data(
            **context,
            rows=rows,
            reviews=reviews,
            findings=findings,
            section_rows=_section_rows(assessment),
            general_files=files.get(None, []),
            status_css=STATUS_CSS,
            **self._bands(assessment),
            **self._permissions(assessment, reviews, has_figures=bool(found)),
            feedback=feedback,
            pending=pending_audits(assessment) if assessment.status == AssessmentStatus.AGREED else [],
            is_compliance=assessment.cycle.instrument.kind == InstrumentKind.COMPLIANCE,
        )

    def _answers(self, assessment: Assessment, items: list[Item]) -> dict[int, dict[str, Any]]:
        """Each item's scores: the self-assessed and consensus ones by stage, the assessors' in a
        list (``"assessors"``)."""
        scores = list(
            self.scoped(ItemScore.objects.filter(assessment=assessment)).select_related("review__reviewer")
        )
        by_item: dict[int, dict[str, Any]] = {item.pk: {"assessors": []} for item in items}
        for score in scores:
            row = by_item.setdefault(score.item_id, {"assessors": []})
            if score.stage == Stage.ASSESSOR:
                row["assessors"].append(score)
            else:
                row[score.stage] = score
        return by_item

    def _files(self, assessment: Assessment) -> dict[int | None, list[Evidence]]:
        """The evidence files by item (``None``: the assessment's general files)."""
        evidence = list(self.scoped(Evidence.objects.filter(assessment=assessment)).select_related("item"))
        files: dict[int | None, list[Evidence]] = {}
        for row in evidence:
            files.setdefault(row.item_id, []).append(row)
        return files

    def _bands(self, assessment: Assessment) -> dict[str, Any]:
        """The instrument's bands, and the one the final score reached or (before there is one) the
        one the self-assessed score reaches."""
        bands = sorted(
            self.scoped(Band.objects.filter(instrument_id=assessment.cycle.instrument_id)),
            key=lambda band: band.minimum,
        )
        basis = assessment.final_score if assessment.final_score is not None else assessment.self_score
        reached = band_for(
            Decimal(basis) if basis is not None else None,
            [BandRule(b.name, Decimal(b.minimum), b.pk) for b in bands],
        )
        return {
            "bands": bands,
            "reached_band": reached.pk if reached else None,
            "band_basis": "final" if assessment.final_score is not None else "self",
        }

    def _permissions(
        self, assessment: Assessment, reviews: list[Review], *, has_figures: bool
    ) -> dict[str, bool]:
        """The buttons the reader's role allows at the assessment's status (``can_*``)."""
        status = assessment.status
        window_open = assessment.cycle.status == CycleStatus.OPEN
        can_answer = window_open and status in (AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS)
        reviewable = status in (AssessmentStatus.SUBMITTED, AssessmentStatus.REVIEWED)
        own_review = next(
            (r for r in reviews if r.reviewer_id == self.user.pk and r.kind == ReviewKind.ASSESSOR), None
        )
        is_lead = own_review is not None and own_review.is_lead
        return {
            "can_answer": can_answer and self.can("change", assessment),
            "can_submit": can_answer and self.can("submit", assessment),
            "can_fill": can_answer and has_figures and self.can("change", assessment),
            "can_reopen": window_open
            and status == AssessmentStatus.SUBMITTED
            and not any(r.kind == ReviewKind.ASSESSOR and r.submitted_at for r in reviews)
            and self.can("manage", assessment),
            "can_withdraw": status in WITHDRAWABLE
            and any(r.kind == ReviewKind.ASSESSOR for r in reviews)
            and self.can("manage", assessment),
            "can_review": reviewable and own_review is not None and own_review.submitted_at is None,
            "can_agree": status == AssessmentStatus.REVIEWED and is_lead,
            "can_feedback": status
            in (AssessmentStatus.REVIEWED, AssessmentStatus.AGREED, AssessmentStatus.FINAL)
            and is_lead,
            "can_assign": window_open and status != AssessmentStatus.FINAL and self.can("manage", assessment),
            "can_finalize": status == AssessmentStatus.AGREED and self.can("manage", assessment),
            "can_propose_risk": status == AssessmentStatus.FINAL and self.can("manage", assessment),
            "can_audit": status == AssessmentStatus.AGREED
            and self.can("audit", assessment)
            and not any(
                r.kind == ReviewKind.AUDIT and r.submitted_at
                for r in reviews
                if r.reviewer_id == self.user.pk
            ),
        }


class AssessmentChartView(ScopedDetailView):
    """One assessment's chart as JSON (``assessments/results.js`` draws it on its page): each
    section's score, as a percent of its points, self-assessed and final."""

    model = Assessment
    queryset = Assessment.objects.select_related("cycle")

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        assessment: Assessment = self.get_object()
        rows = _section_rows(assessment)
        series = [
            {"name": _("Self-assessed"), "values": [_percent(row["self"].get("percent")) for row in rows]}
        ]
        if assessment.status == AssessmentStatus.FINAL:
            series.append({"name": _("Final"), "values": [_percent(row.get("percent")) for row in rows]})
        return JsonResponse(
            {"sections": {"labels": [_section_label(row["section"]) for row in rows], "series": series}}
        )


def _section_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """Each section of the instrument with its final result and its self-assessed result."""
    result = assessment.result or {}
    sections = result.get("final", {}).get("sections", {})
    return [
        {
            "section": s,
            **sections.get(s.code, {}),
            "self": result.get("self", {}).get("sections", {}).get(s.code, {}),
        }
        for s in Structure.of(assessment.cycle.instrument_id).sections
    ]


class _AnswersView(ScopedFormView):
    """A form of every item of the assessment's instrument."""

    model = Assessment
    queryset = Assessment.objects.select_related("organization", "cycle__instrument")
    form_class = AnswersForm
    template_name = "assessments/answers_form.html"
    stage = Stage.SELF
    with_files = False
    reviewing = False

    def load(self) -> None:
        super().load()
        self.items = _items(self, self.object)
        self.figures = _figures(self.object, self.items)

    def current(self) -> dict[int, Any]:
        return {
            score.item_id: score
            for score in self.scoped(
                ItemScore.objects.filter(assessment=self.object, stage=self.stage, review=None)
            )
        }

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "initial_answers": self.current(),
            "with_files": self.with_files,
            "reviewing": self.reviewing,
            "figures": self.figures,
        }

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        form = context.get("form")
        rows = []
        sections: list[Any] = []
        for item in self.items:
            section = item.criterion.section
            if not sections or sections[-1]["section"].pk != section.pk:
                sections.append({"section": section, "rows": []})
            sections[-1]["rows"].append(
                {
                    "item": item,
                    "field": form.field_for(item) if form is not None else None,
                    "file": form.file_for(item) if form is not None else None,
                    "reason": form.reason_for(item) if form is not None else None,
                    "figure": self.figures.get(item.pk),
                }
            )
            rows.append(item)
        return super().get_context_data(**context, sections=sections, stage=self.stage)

    def get_success_url(self, result: Any) -> str:
        return reverse("assessments:assessment-detail", args=[self.object.pk])


class SelfAssessmentView(_AnswersView):
    """The organization's own answers, with the evidence each item asks for. "Save" keeps what is
    filled; "Save and submit" also sends it for review (every item answered, every required
    evidence attached)."""

    scope_action = "change"
    title = gettext_lazy("Self-assessment")
    with_files = True

    def perform(self, form: AnswersForm) -> Assessment | None:
        submit = "submit" in self.request.POST
        try:
            with transaction.atomic():
                assessment = do_save_answers(self.object, form.answers(), acting_user=self.user)
                for item, upload in form.uploads():
                    do_add_evidence(assessment, upload, acting_user=self.user, item=item)
                if submit:
                    assessment = do_submit_assessment(assessment, acting_user=self.user)
        except ValidationError as error:
            for errors in error.message_dict.values():
                form.add_error(None, errors)
            return None
        return assessment

    def get_success_message(self, result: Assessment) -> str:
        if result.status == AssessmentStatus.SUBMITTED:
            return _("The self-assessment was submitted for review.")
        return _("The answers were saved.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context,
            problems=submission_problems(self.object),
            submit_label=_("Save and submit for review"),
            autosave=True,
        )

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The whole form (Save, Save and submit); or, from htmx as each item is answered
        (``item`` names it), that item alone, answered with its saved state."""
        if not request.headers.get("HX-Request") or "item" not in request.POST:
            return super().post(request, *args, **kwargs)
        self.load()
        item = next((i for i in self.items if i.code == request.POST["item"]), None)
        if item is None:
            raise refusal()
        # Only this item's fields are read, whatever else the page sent: the other answers are
        # neither saved nor cleared by it (an empty field is left as it is, as on "Save").
        names = (answer_field_name(item), reason_field_name(item))
        data = QueryDict(mutable=True)
        for name in names:
            if name in request.POST:
                data[name] = request.POST[name]
        form = self.get_form(data)
        saved = form.is_valid() and self.perform(form) is not None
        errors = [str(e) for e in form.non_field_errors()] + [
            str(e) for name in names if name in form.fields for e in form[name].errors
        ]
        state = render_to_string(
            "assessments/includes/answer_state.html",
            {"state": "saved" if saved else "error", "errors": errors},
            request=request,
        )
        return HttpResponse(state, status=200 if saved else 400)


class ReviewView(_AnswersView):
    """An assessor's own scores: the organization's answers and evidence beside each item."""

    scope_action = "review"
    title = gettext_lazy("Review")
    stage = Stage.ASSESSOR
    reviewing = True

    def load(self) -> None:
        super().load()
        review = self.scoped(
            Review.objects.filter(assessment=self.object, reviewer=self.user, kind="assessor")
        ).first()
        if review is None:
            from rasad.web.generic import refusal

            raise refusal()
        self.review = review

    def current(self) -> dict[int, Any]:
        return {score.item_id: score for score in self.scoped(ItemScore.objects.filter(review=self.review))}

    def perform(self, form: AnswersForm) -> Review | None:
        submit = "submit" in self.request.POST
        try:
            with transaction.atomic():
                review = do_save_review_scores(self.review, form.answers(), acting_user=self.user)
                if submit:
                    review = do_submit_review(review, acting_user=self.user)
        except ValidationError as error:
            for errors in error.message_dict.values():
                form.add_error(None, errors)
            return None
        return review

    def get_success_message(self, result: Review) -> str:
        return _("Your review was submitted.") if result.submitted_at else _("Your scores were saved.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        own = {
            s.item_id: s
            for s in self.scoped(ItemScore.objects.filter(assessment=self.object, stage=Stage.SELF))
        }
        files: dict[int, list[Evidence]] = {}
        for row in self.scoped(Evidence.objects.filter(assessment=self.object)):
            if row.item_id:
                files.setdefault(row.item_id, []).append(row)
        context = super().get_context_data(**context, submit_label=_("Save and submit my review"))
        for section in context["sections"]:
            for row in section["rows"]:
                row["self"] = _label(own.get(row["item"].pk), row["item"])
                row["files"] = files.get(row["item"].pk, [])
        return context


class ConsensusView(_AnswersView):
    """The lead assessor's consensus: every item where the assessors differ needs the agreed
    answer; where they agree, their answer stands."""

    scope_action = "review"
    title = gettext_lazy("Consensus")
    stage = Stage.CONSENSUS
    reviewing = True

    def load(self) -> None:
        super().load()
        if not Review.objects.filter(
            assessment=self.object, reviewer=self.user, kind="assessor", is_lead=True
        ).exists():
            from rasad.web.generic import refusal

            raise refusal()
        spreads = differences(self.object)
        self.differing = {item_id for item_id, spread in spreads.items() if len({*spread.fractions}) > 1}
        self.spreads = spreads
        self.items = [item for item in self.items if item.pk in self.differing]

    def perform(self, form: AnswersForm) -> Assessment | None:
        result: Assessment | None = form.run_action(
            do_agree_consensus, self.object, form.answers(), acting_user=self.user
        )
        return result

    def get_success_message(self, result: Assessment) -> str:
        return _("The consensus was recorded.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        scores: dict[int, list[ItemScore]] = {}
        for score in self.scoped(
            ItemScore.objects.filter(assessment=self.object, stage=Stage.ASSESSOR).select_related(
                "review__reviewer"
            )
        ):
            scores.setdefault(score.item_id, []).append(score)
        context = super().get_context_data(**context, submit_label=_("Record the consensus"), consensus=True)
        for section in context["sections"]:
            for row in section["rows"]:
                row["assessors"] = [_label(score, row["item"]) for score in scores.get(row["item"].pk, [])]
                row["spread"] = self.spreads[row["item"].pk].width
        return context


class FeedbackView(ScopedFormView):
    """The lead assessor's feedback report: strengths and areas for improvement per criterion."""

    model = Assessment
    queryset = Assessment.objects.select_related("organization", "cycle")
    scope_action = "review"
    form_class = FeedbackForm
    template_name = "assessments/feedback_form.html"
    title = gettext_lazy("Feedback")
    success_message = gettext_lazy("The feedback was saved.")

    def load(self) -> None:
        super().load()
        lead = self.scoped(
            Review.objects.filter(assessment=self.object, reviewer=self.user, kind="assessor", is_lead=True)
        )
        if not lead.exists():
            from rasad.web.generic import refusal

            raise refusal()
        self.criteria = list(
            self.scoped(Criterion.objects.filter(instrument_id=self.object.cycle.instrument_id))
            .select_related("section")
            .order_by("section__order", "order")
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        current = {f.criterion_id: f for f in self.scoped(Feedback.objects.filter(assessment=self.object))}
        return {"criteria": self.criteria, "current": current}

    def perform(self, form: FeedbackForm) -> Assessment | None:
        result = form.run_action(do_save_feedback, self.object, form.entries(), acting_user=self.user)
        return None if result is None else self.object

    def get_success_url(self, result: Assessment) -> str:
        return reverse("assessments:assessment-detail", args=[self.object.pk])


class FeedbackReportView(ScopedDetailView):
    """The feedback report of a final assessment as a PDF (``rasad.assessments.feedback_report``),
    for everyone who may see the assessment; before it is final there is no report (404)."""

    model = Assessment
    queryset = Assessment.objects.select_related("organization", "cycle__instrument", "band")

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        assessment: Assessment = self.get_object()
        if assessment.status != AssessmentStatus.FINAL:
            raise refusal()
        content = feedback_pdf(assessment, self.scoped)
        return file_download(
            io.BytesIO(content),
            feedback_file_name(assessment),
            "application/pdf",
            fallback=feedback_fallback_name(assessment),
        )


class AssignAssessorView(ScopedFormView):
    """The cycle's owner assigns an assessor acting for an organization without a conflict of
    interest."""

    model = Assessment
    scope_action = "manage"
    form_class = AssignForm
    template_name = "assessments/form.html"
    title = gettext_lazy("Assign an assessor")
    success_message = gettext_lazy("The assessor was assigned.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"organizations": self.organizations_for("view", Organization)}

    def perform(self, form: AssignForm) -> Review | None:
        reviewer = User.objects.filter(username=form.cleaned_data["reviewer"], is_active=True).first()
        if reviewer is None:
            form.add_error("reviewer", _("No such person."))
            return None
        result: Review | None = form.run_action(
            do_assign_assessor,
            self.object,
            reviewer,
            form.cleaned_data["organization"],
            acting_user=self.user,
        )
        return result

    def get_success_url(self, result: Review) -> str:
        return reverse("assessments:assessment-detail", args=[self.object.pk])


class ReopenView(ScopedFormView):
    """The cycle's owner gives a submitted self-assessment back to the organization, saying
    why."""

    model = Assessment
    queryset = Assessment.objects.select_related("organization", "cycle")
    scope_action = "manage"
    form_class = ReasonForm
    template_name = "assessments/form.html"
    title = gettext_lazy("Reopen the self-assessment")
    success_message = gettext_lazy(
        "The self-assessment was reopened; the organization can change its answers and submit again."
    )

    def perform(self, form: ReasonForm) -> Assessment | None:
        result: Assessment | None = form.run_action(
            do_reopen_assessment, self.object, acting_user=self.user, reason=form.cleaned_data["reason"]
        )
        return result

    def get_success_url(self, result: Assessment) -> str:
        return reverse("assessments:assessment-detail", args=[self.object.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, submit_label=_("Reopen"))


class WithdrawAssessorView(ScopedFormView):
    """The cycle's owner withdraws one of the assessment's assessors, saying why."""

    model = Assessment
    queryset = Assessment.objects.select_related("organization", "cycle")
    scope_action = "manage"
    form_class = WithdrawForm
    template_name = "assessments/form.html"
    title = gettext_lazy("Withdraw an assessor")
    success_message = gettext_lazy("The assessor was withdrawn.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "reviews": self.scoped(
                Review.objects.filter(assessment=self.object, kind=ReviewKind.ASSESSOR)
            ).select_related("reviewer", "organization")
        }

    def perform(self, form: WithdrawForm) -> Assessment | None:
        result: Assessment | None = form.run_action(
            do_withdraw_assessor,
            form.cleaned_data["review"],
            acting_user=self.user,
            reason=form.cleaned_data["reason"],
        )
        return result

    def get_success_url(self, result: Assessment) -> str:
        return reverse("assessments:assessment-detail", args=[self.object.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, submit_label=_("Withdraw"))


class FillIndicatorAnswersView(ScopedActionView):
    """Bring the approved indicator figures approved since into the self-assessment."""

    model = Assessment
    scope_action = "change"
    success_message = gettext_lazy("The answers were filled from approved indicator values.")
    success_url_name = "assessments:assessment-detail"

    def perform(self, obj: Assessment) -> Assessment:
        return do_fill_indicator_answers(obj, acting_user=self.user)


class FinalizeView(ScopedActionView):
    model = Assessment
    scope_action = "manage"
    success_message = gettext_lazy("The assessment is final; its findings opened their cases.")
    success_url_name = "assessments:assessment-detail"

    def perform(self, obj: Assessment) -> Assessment:
        return do_finalize_assessment(obj, acting_user=self.user)


class AuditView(_AnswersView):
    """The auditing agency's scores of the sections it audits, beside the assessors' consensus."""

    scope_action = "audit"
    title = gettext_lazy("Audit")
    stage = Stage.AUDIT
    reviewing = True

    def load(self) -> None:
        super().load()
        audit = next(
            (
                a
                for a in self.scoped(CycleAudit.objects.filter(cycle_id=self.object.cycle_id))
                if self.can_audit_for(a)
            ),
            None,
        )
        if audit is None:
            from rasad.web.generic import refusal

            raise refusal()
        allowed = {item.pk for item in audited_items(self.object, audit)}
        self.items = [item for item in self.items if item.pk in allowed]
        self.review = self.scoped(
            Review.objects.filter(assessment=self.object, kind="audit", audit=audit)
        ).first()

    def can_audit_for(self, audit: CycleAudit) -> bool:
        return self.can("audit", Assessment(organization=audit.organization, cycle=self.object.cycle))

    def current(self) -> dict[int, Any]:
        if self.review is None:
            return {}
        return {score.item_id: score for score in self.scoped(ItemScore.objects.filter(review=self.review))}

    def perform(self, form: AnswersForm) -> Review | None:
        result: Review | None = form.run_action(
            do_save_audit_scores,
            self.object,
            form.answers(),
            acting_user=self.user,
            submit="submit" in self.request.POST,
        )
        return result

    def get_success_message(self, result: Review) -> str:
        return _("The audit was submitted.") if result.submitted_at else _("The audit scores were saved.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        agreed = {
            s.item_id: s
            for s in self.scoped(ItemScore.objects.filter(assessment=self.object, stage=Stage.CONSENSUS))
        }
        context = super().get_context_data(**context, submit_label=_("Save and submit the audit"))
        for section in context["sections"]:
            for row in section["rows"]:
                row["self"] = _label(agreed.get(row["item"].pk), row["item"])
        context["answer_caption"] = _("The assessors' consensus")
        return context


class NameAuditView(ScopedFormView):
    """The cycle's owner names a second agency to audit chosen sections."""

    model = Cycle
    scope_action = "change"
    form_class = AuditNameForm
    template_name = "assessments/form.html"
    title = gettext_lazy("Name an auditing agency")
    success_message = gettext_lazy("The auditing agency was named.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "organizations": self.organizations_for("view", Organization),
            "sections": self.scoped(Section.objects.filter(instrument_id=self.object.instrument_id)),
        }

    def perform(self, form: AuditNameForm) -> CycleAudit | None:
        result: CycleAudit | None = form.run_action(
            do_name_audit,
            self.object,
            form.cleaned_data["organization"],
            list(form.cleaned_data["sections"]),
            acting_user=self.user,
        )
        return result

    def get_success_url(self, result: CycleAudit) -> str:
        return reverse("assessments:cycle-detail", args=[self.object.pk])


class EvidenceDownloadView(ScopedDetailView):
    """Evidence is served only here, after the assessment's and the file's visibility are
    checked."""

    model = Assessment

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        assessment: Assessment = self.get_object()
        evidence: Evidence = self.get_related(
            Evidence.objects.filter(assessment=assessment), kwargs["evidence_id"]
        )
        return file_download(
            evidence.file.open("rb"), f"evidence-{evidence.pk}{_suffix(evidence.name)}", evidence.content_type
        )


def _suffix(name: str) -> str:
    from pathlib import PurePath

    return PurePath(name).suffix.lower()[:10]


# ---------------------------------------------------------------------------------------------
# Risk register
# ---------------------------------------------------------------------------------------------


RISK_LEVEL_CSS = {"low": "risk-low", "medium": "risk-medium", "high": "risk-high", "extreme": "risk-extreme"}


class RiskRegisterView(ScopedListView):
    """The risks of the user's scope (a subtree with the filter) on two 5×5 heat maps, inherent
    and residual side by side, and the register below: owner, both ratings, next review, open
    treatment actions. A cell of either map filters the list."""

    model = Case
    queryset = (
        Case.objects.filter(kind=RISK)
        .select_related("owner_organization", "reporter_organization", "risk_rating")
        .prefetch_related("risk_actions")
    )
    ordering = ("-likelihood", "-impact", "-opened_at", "-id")
    filterset_class = RiskFilterSet
    paginate_by = 50
    template_name = "assessments/risk_register.html"

    def filter_choices(self) -> dict[str, Callable[[], Any]]:
        # "And below": each organization that owns a risk the reader sees, and those above it.
        def owners_and_above() -> list[int]:
            paths = self.get_queryset().values_list("owner_organization__path", flat=True).distinct()
            return sorted({int(part) for path in paths for part in path.strip("/").split("/") if part})

        organizations = self.organization_choices(owners_and_above)
        return {"organization": organizations}

    def respond(self, objects: Any) -> HttpResponseBase:
        # The maps count the filtered risks but for the chosen cell (so that the cell stays
        # one of many); the list below is narrowed to it.
        data = self.request.GET.copy()
        for name in CELL_FILTERS:
            data.pop(name, None)
        mapped = RiskFilterSet(data or None, queryset=self.get_queryset())
        valid = not mapped.is_bound or mapped.is_valid()
        self.maps = heat_maps(mapped.qs if valid else objects.none())
        return super().respond(objects)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        query = self.request.GET.copy()
        for name in (*CELL_FILTERS, "page"):
            query.pop(name, None)
        return super().get_context_data(
            **context,
            maps=getattr(self, "maps", None),
            level_names=LEVEL_NAMES,
            cell_query=query.urlencode(),
            export_kind="risk-register",
            can_import=self.may("change", RiskRating),
            today=today(),
        )


CELL_FILTERS = ("likelihood", "impact", "residual_likelihood", "residual_impact")


class RiskDetailView(ScopedDetailView):
    """One risk of the register: inherent and residual rating side by side, the next review,
    the treatment plan's actions, and the forms its owner's analysts use."""

    model = Case
    queryset = Case.objects.filter(kind=RISK).select_related("owner_organization", "reporter_organization")
    template_name = "assessments/risk_detail.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        case = context["object"]
        rating = RiskRating.objects.filter(case=case).select_related("reviewed_by").first()
        actions = list(self.scoped(RiskAction.objects.filter(case=case).select_related("owner", "done_by")))
        return super().get_context_data(
            **context,
            rating=rating,
            inherent_level=level_of(case.risk_score),
            residual_level=level_of(rating.residual_score if rating else None),
            level_names=LEVEL_NAMES,
            actions=actions,
            can_rate=self.can("change", RiskRating(case=case)),
            can_add_action=self.can("add", RiskAction(case=case)),
            can_complete=self.permitted("change", actions),
            today=today(),
            finding=Finding.objects.filter(Q(risk=case) | Q(case=case)).select_related("assessment").first(),
        )


class _RiskFormView(ScopedFormView):
    model = Case
    queryset = Case.objects.filter(kind=RISK).select_related("owner_organization")
    template_name = "assessments/form.html"
    register_model: Any = RiskRating
    register_action = "change"

    def load(self) -> None:
        super().load()
        self.require(self.register_action, self.register_model(case=self.object))

    def get_success_url(self, result: Any) -> str:
        return reverse("assessments:risk-detail", args=[self.object.pk])


class RiskRateView(_RiskFormView):
    """Rate the risk after its treatment, and set its next review."""

    form_class = RiskRatingForm
    title = gettext_lazy("Residual risk and next review")
    success_message = gettext_lazy("The rating is saved.")

    def get_initial(self) -> dict[str, Any]:
        rating = RiskRating.objects.filter(case=self.object).first()
        if rating is None:
            return {}
        return {
            "residual_likelihood": rating.residual_likelihood,
            "residual_impact": rating.residual_impact,
            "review_on": rating.review_on,
            "note": rating.note,
        }

    def perform(self, form: RiskRatingForm) -> Any:
        return form.run_action(do_rate_risk, self.object, form.values(), acting_user=self.user)


class RiskActionCreateView(_RiskFormView):
    """Add an action to the risk's treatment plan."""

    form_class = RiskActionForm
    register_model = RiskAction
    register_action = "add"
    title = gettext_lazy("New treatment action")
    success_message = gettext_lazy("The action is added to the treatment plan.")

    def get_initial(self) -> dict[str, Any]:
        return {"owner": self.object.owner_organization_id}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"organizations": self.organizations_for("add", RiskAction)}

    def perform(self, form: RiskActionForm) -> Any:
        data = form.cleaned_data
        return form.run_action(
            do_add_risk_action,
            self.object,
            data["title"],
            data["owner"],
            data["due_on"],
            acting_user=self.user,
        )


class RiskActionDoneView(ScopedActionView):
    model = RiskAction
    scope_action = "change"
    success_message = gettext_lazy("The action is recorded as done.")

    def perform(self, obj: RiskAction) -> Any:
        return do_complete_risk_action(obj, acting_user=self.user)

    def get_success_url(self, obj: RiskAction) -> str:
        return reverse("assessments:risk-detail", args=[obj.case_id])


class ProposeRiskView(ScopedActionView):
    """A non-compliant section of a final assessment proposes a risk with one action."""

    model = Finding
    scope_action = "view"

    def perform(self, obj: Finding) -> Any:
        case = do_propose_risk(obj, acting_user=self.user)
        messages.success(
            self.request, _("Risk %(reference)s is proposed with one action.") % {"reference": case.reference}
        )
        return case

    def get_success_url(self, obj: Finding) -> str:
        return reverse("assessments:assessment-detail", args=[obj.assessment_id])


class RiskImportView(ScopedFormView):
    """Residual ratings and review dates from the register's spreadsheet: every bad row is
    listed, and nothing is written unless every row is valid."""

    model = RiskRating
    scope_action = "change"
    form_class = RiskImportForm
    template_name = "assessments/risk_import.html"
    title = gettext_lazy("Import risk ratings")

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.load()
        form = self.get_form(request.POST, request.FILES)
        report = None
        if form.is_valid():
            content = _read_upload(form, form.cleaned_data["file"])
            if content is not None:
                report = RiskRatingImporter(acting_user=self.user).run(
                    content, file_name=form.cleaned_data["file"].name or "upload"
                )
                if report.applied:
                    messages.success(request, report.summary())
                    return redirect("assessments:risk-register")
        status = 400 if report is not None and not report.ok else 200
        return self.render({"form": form, "report": report}, status=status)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context.setdefault("report", None)
        return super().get_context_data(**context)


# ---------------------------------------------------------------------------------------------
# Compliance at every level
# ---------------------------------------------------------------------------------------------


class _ComplianceBase(ScopedView):
    """The compliance of one cycle at one level (``rasad.assessments.compliance``), over the
    assessments the reader may see. ``cycle`` (its number) and ``under`` (an organization's code)
    choose; either naming what the reader may not see is the 404 of a missing object."""

    model = Assessment

    def visible(self) -> Visible:
        return Visible(
            assessments=self.get_queryset(),
            cycles=self.scoped(Cycle.objects.all()),
            organizations=self.scoped(Organization.objects.all()),
            sections=self.scoped(Section.objects.all()),
        )

    def compute(self) -> Compliance:
        try:
            cycle_id = parse_cycle(self.request.GET.get("cycle"))
        except ValidationError:
            raise refusal() from None
        return compliance(self.visible(), cycle_id, (self.request.GET.get("under") or "")[:40])

    def query(self, result: Compliance) -> str:
        data = QueryDict(mutable=True)
        if result.cycle is not None:
            data["cycle"] = str(result.cycle.pk)
        if result.node is not None:
            data["under"] = result.node.code
        return data.urlencode()


def heat_text(heat: Heat) -> str:
    """«۸۷٪ (۳ ارزیابی)» for the map's tooltips and legend."""
    if heat.percent is None:
        return _("no final assessment")
    return ngettext(
        "%(percent)s (%(count)s final assessment)", "%(percent)s (%(count)s final assessments)", heat.count
    ) % {
        "percent": formatting.percent(heat.percent / 100, decimals=0),
        "count": formatting.number(heat.count),
    }


class ComplianceView(_ComplianceBase):
    """A parent's view of its subtree's compliance: the heat map of organizations × sections at
    one level (each row opens the level below it), the province map, and the trend across the
    cycles of the same checklist."""

    template_name = "assessments/compliance.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        result = self.compute()
        query = self.query(result)
        return self.render(
            {
                "result": result,
                "query": query,
                "legend": legend(),
                "export_kind": "assessment-compliance",
                "map_url": reverse("assessments:compliance-map") + (f"?{query}" if query else ""),
                "points_url": reverse("assessments:compliance-points") + (f"?{query}" if query else ""),
                "trend_chart": _trend_chart(result),
            }
        )


def _trend_chart(result: Compliance) -> dict[str, str]:
    """The trend line's data for the chart script: labels and totals, "|"-separated."""
    rows = [row for row in result.trend if row.assessments]
    return {
        "labels": "|".join(formatting.digits(row.cycle.name) for row in rows),
        "values": "|".join("" if row.total.percent is None else f"{row.total.percent:.1f}" for row in rows),
    }


class ComplianceMapView(_ComplianceBase):
    """The province map's colours: each province's mean final percentage, at the page's cycle
    and level."""

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        result = self.compute()
        return JsonResponse(
            {
                "values": {p.code: p.heat.percent for p in result.provinces if p.heat.percent is not None},
                "display": {
                    p.code: heat_text(p.heat) for p in result.provinces if p.heat.percent is not None
                },
                "label": _("Compliance (mean final score)"),
            }
        )


POINT_COLOURS = {"full": "#1e8449", "good": "#7dbb42", "partial": "#d68910", "low": "#c0392b"}


class CompliancePointsView(_ComplianceBase):
    """The province map's points: each assessed organization with a final score, at its location,
    coloured by its level and linked to its assessment."""

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        result = self.compute()
        return points_response(
            (
                place.latitude,
                place.longitude,
                {
                    "name": f"{place.name}: {heat_text(place.heat)}",
                    "url": reverse("assessments:assessment-detail", args=[place.assessment_id]),
                    "colour": POINT_COLOURS[place.heat.level],
                },
            )
            for place in result.points
            if place.latitude is not None and place.longitude is not None
        )
