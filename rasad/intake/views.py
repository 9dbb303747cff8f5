"""Intake pages: submit a document, review its proposals beside the highlighted text, correct or
decide them, and keep the alias list. Every page is a generic scoped view (``rasad.web.generic``)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.cases.models import Case, Category
from rasad.core.models import Organization
from rasad.intake.actions import (
    Acceptance,
    AliasValues,
    SubmissionValues,
    do_accept_proposals,
    do_add_alias,
    do_correct_proposal,
    do_delete_alias,
    do_delete_document,
    do_reject_proposals,
    do_submit_document,
    do_update_alias,
)
from rasad.intake.choices import ProposalField, ProposalStatus
from rasad.intake.filtersets import IntakeDocumentFilterSet, KnownPersonFilterSet, OrganizationAliasFilterSet
from rasad.intake.forms import AliasForm, CorrectProposalForm, SubmitDocumentForm
from rasad.intake.models import IntakeDocument, KnownPerson, OrganizationAlias, Proposal
from rasad.intake.reading import read_pasted, read_upload
from rasad.intake.targets import default_deadline, default_target, guess_category, targets_for
from rasad.lib import jalali
from rasad.lib.display import current as display_preferences
from rasad.lib.persian import format_number
from rasad.web.generic import ScopedActionView, ScopedDetailView, ScopedFormView, ScopedListView


def _count(value: int) -> str:
    return format_number(value, persian_digits=display_preferences().persian_digits)


class DocumentListView(ScopedListView):
    model = IntakeDocument
    queryset = IntakeDocument.objects.select_related("organization", "submitted_by").annotate(
        pending_count=Count("proposals", filter=Q(proposals__status=ProposalStatus.PENDING))
    )
    filterset_class = IntakeDocumentFilterSet
    ordering = ("-created", "-id")
    paginate_by = 25
    template_name = "intake/document_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context["may_submit"] = self.may("add")
        return super().get_context_data(**context)


class DocumentCreateView(ScopedFormView):
    model = IntakeDocument
    scope_action = "add"
    form_class = SubmitDocumentForm
    template_name = "intake/document_form.html"
    title = gettext_lazy("Read a new document")
    success_message = gettext_lazy("The document was read: review what it proposes.")
    invalid_status = 400
    success_url_name = "intake:document-review"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"organizations": self.organizations_for("add")}

    def perform(self, form: SubmitDocumentForm) -> IntakeDocument | None:
        data = form.cleaned_data

        def submit() -> IntakeDocument:
            upload = data.get("file")
            read = read_upload(upload.name, upload.read()) if upload else read_pasted(data["text"])
            return do_submit_document(
                SubmissionValues(
                    read, data["organization"], data.get("title") or "", data.get("document_date")
                ),
                acting_user=self.user,
            )

        document: IntakeDocument | None = form.run_action(submit)
        return document


@dataclass
class Segment:
    text: str
    proposals: list[int] = field(default_factory=list)
    entity: str = ""
    directive: bool = False


def highlight(text: str, proposals: Sequence[Proposal]) -> list[Segment]:
    """The text cut where any highlight starts or ends, each piece knowing who covers it."""
    shown = [p for p in proposals if p.status != ProposalStatus.REJECTED]
    cuts = {0, len(text)}
    for proposal in shown:
        for start, end in proposal.spans:
            cuts.update((max(0, int(start)), min(len(text), int(end))))
    points = sorted(cuts)
    segments: list[Segment] = []
    for start, end in itertools.pairwise(points):
        if start == end:
            continue
        segment = Segment(text[start:end])
        smallest = None
        for proposal in shown:
            for span_start, span_end in proposal.spans:
                if span_start <= start and end <= span_end:
                    segment.proposals.append(proposal.pk)
                    if proposal.field == ProposalField.DIRECTIVE:
                        segment.directive = True
                    elif smallest is None or span_end - span_start < smallest:
                        smallest = span_end - span_start
                        segment.entity = proposal.field
        segments.append(segment)
    return segments


RULE_LABELS = {
    "date.jalali_written": gettext_lazy("a Jalali date written out"),
    "date.jalali_without_year": gettext_lazy("a Jalali day and month; the year nearest the document's date"),
    "date.jalali_numeric": gettext_lazy("a Jalali date in figures"),
    "date.gregorian_numeric": gettext_lazy("a Gregorian date in figures"),
    "date.gregorian_written": gettext_lazy("a Gregorian date written out"),
    "date.month_edge": gettext_lazy("the start, middle or end of a month"),
    "date.day_word": gettext_lazy("today, yesterday or tomorrow, from the document's date"),
    "date.weekday_relative": gettext_lazy("a weekday before or after the document's date"),
    "date.end_of_period": gettext_lazy("the end of this week, month or year"),
    "date.duration": gettext_lazy("a number of days, weeks or months from the document's date"),
    "organization.tree": gettext_lazy("the name of an organization of the tree"),
    "organization.alias": gettext_lazy("another name (alias or short form) of an organization of the tree"),
    "organization.abbreviation": gettext_lazy("an abbreviation the text defines in brackets"),
    "organization.coordinated": gettext_lazy("one of several offices named together"),
    "organization.coordinated_new": gettext_lazy("one of several offices named together, not in the tree"),
    "organization.phrase_matched": gettext_lazy("a name like an organization's, matched to the tree"),
    "organization.new": gettext_lazy("a name like an organization's, not in the tree"),
    "organization.from_title": gettext_lazy("the office a title implies"),
    "organization.new_from_title": gettext_lazy("the office a title implies, not in the tree"),
    "person.honorific": gettext_lazy("a name after an honorific or rank"),
    "person.given_name": gettext_lazy("a given name and a surname"),
    "person.speaker": gettext_lazy("a surname opening a sentence of saying"),
    "person.before_title": gettext_lazy("two words opening a sentence, right before a title"),
    "organization.known_body": gettext_lazy("a well-known national body"),
    "place.province": gettext_lazy("a province"),
    "place.province_cue": gettext_lazy("a province, after «استان»"),
    "place.city": gettext_lazy("a city"),
    "place.city_cue": gettext_lazy("a city, after «شهر»"),
    "place.county_at_seat": gettext_lazy("a county, placed at its seat"),
    "place.new": gettext_lazy("a county the shipped geography does not have"),
    "directive.must": gettext_lazy("an obligation («باید»)"),
    "directive.obliged": gettext_lazy("an obligation («موظف است»)"),
    "directive.necessary": gettext_lazy("a necessity («ضروری است»، «لازم است»)"),
    "directive.emphasis": gettext_lazy("an emphasis («تأکید کرد»)"),
    "directive.request": gettext_lazy("a request («خواستار … شد»، «از … خواست»)"),
    "directive.proposal": gettext_lazy("a proposal («پیشنهاد داد»)"),
    "directive.decision": gettext_lazy("a decision («مقرر شد»، «به تصویب رسید»)"),
    "directive.order": gettext_lazy("an order («دستور داد»)"),
    "directive.subjunctive": gettext_lazy("a body told what to do («… ارسال کند»)"),
    "directive.imperative": gettext_lazy("a command to those in the meeting («… ارسال کنید»)"),
    "directive.minutes_item": gettext_lazy("a numbered resolution of minutes"),
}


def _date_text(iso: str) -> str:
    if not iso:
        return ""
    prefs = display_preferences()
    value = date.fromisoformat(iso)
    return jalali.format_date(
        value, calendar=prefs.calendar, persian_digits=prefs.persian_digits, style="long"
    )


def summarize(proposal: Proposal) -> list[tuple[str, str]]:
    """What a proposal says, as (label, value) rows for its card."""
    values = proposal.values
    rows: list[tuple[str, str]] = []

    def organization(code_key: str, name_key: str, new_key: str) -> str:
        name = values.get(name_key) or ""
        if not name:
            return ""
        return name if not values.get(new_key) else _("%(name)s (not in the tree)") % {"name": name}

    if proposal.field == ProposalField.DATE:
        rows.append((_("Date"), _date_text(values.get("iso", ""))))
        rows.append((_("Gregorian"), str(values.get("iso", ""))))
        if values.get("weekday_mismatch"):
            rows.append((_("Warning"), _("The weekday written does not match this date.")))
    elif proposal.field == ProposalField.ORGANIZATION:
        rows.append((_("Organization"), organization("code", "name", "is_new")))
        if values.get("code"):
            rows.append((_("Code"), values["code"]))
    elif proposal.field == ProposalField.PERSON:
        rows.append((_("Name"), " ".join(filter(None, [values.get("honorific"), values.get("name")]))))
        rows.append((_("Title"), values.get("title") or "—"))
        rows.append(
            (
                _("Organization"),
                organization("organization_code", "organization_name", "organization_is_new") or "—",
            )
        )
    elif proposal.field == ProposalField.PLACE:
        kinds = {"province": _("Province"), "city": _("City"), "county": _("County")}
        rows.append((_("Place"), f"{values.get('name', '')} ({kinds.get(values.get('kind', ''), '')})"))
        if values.get("latitude") is not None:
            rows.append((_("Coordinates"), f"{values['latitude']:.4f}, {values['longitude']:.4f}"))
    else:
        who = organization("organization_code", "organization_name", "organization_is_new") or values.get(
            "actor_text"
        )
        rows.append((_("Who must act"), who or _("not stated")))
        rows.append((_("By when"), _date_text(values.get("deadline", "")) or _("not stated")))
    return rows


class DocumentReviewView(ScopedDetailView):
    model = IntakeDocument
    queryset = IntakeDocument.objects.select_related("organization")
    template_name = "intake/document_review.html"
    context_object_name = "document"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        document: IntakeDocument = context["object"]
        proposals = list(document.proposals.select_related("record_type", "decided_by"))
        may_review = self.can("review", document)
        prefs = display_preferences()
        groups = []
        for value, label in ProposalField.choices:
            items = [p for p in proposals if p.field == value]
            for proposal in items:
                proposal.available_targets = targets_for(proposal)
                proposal.default_target = default_target(proposal)
                proposal.suggested_category = guess_category(proposal.text)
                proposal.summary = summarize(proposal)
                proposal.rule_label = RULE_LABELS.get(proposal.rule, proposal.rule)
                deadline = proposal.values.get("deadline") or ""
                proposal.deadline_input = (
                    jalali.format_date(
                        date.fromisoformat(deadline), calendar=prefs.calendar, persian_digits=False
                    )
                    if deadline
                    else ""
                )
            groups.append({"field": value, "label": label, "proposals": items})
        none = Organization.objects.none()
        context.update(
            {
                "segments": highlight(document.text, proposals),
                "groups": groups,
                "may_review": may_review,
                "may_delete": self.can("delete", document),
                "owners": self.organizations_for("assign", Case) if may_review else none,
                "people_organizations": self.organizations_for("add", KnownPerson) if may_review else none,
                "parents": self.organizations_for("add", Organization) if may_review else none,
                "categories": Category.objects.filter(is_active=True),
                "default_deadline": jalali.format_date(
                    default_deadline(), calendar=prefs.calendar, persian_digits=False
                ),
                "pending": sum(1 for p in proposals if p.status == ProposalStatus.PENDING),
            }
        )
        return super().get_context_data(**context)


def _overrides(post: QueryDict, proposal: Proposal) -> dict[str, Any]:
    """Values the reviewer typed beside one proposal on the review page."""
    prefix = f"p{proposal.pk}-"
    values: dict[str, Any] = {}
    for name in ("organization_code", "category", "parent_code", "new_code", "kind"):
        value = post.get(prefix + name, "").strip()
        if value:
            values[name] = value
    deadline = post.get(prefix + "deadline", "").strip()
    if deadline:
        try:
            values["deadline"] = jalali.parse_date(
                deadline, calendar=display_preferences().calendar
            ).isoformat()
        except ValueError as error:
            raise ValidationError({"deadline": [str(error)]}) from None
    return values


class DocumentDecideView(ScopedActionView):
    """Accept or reject the proposals ticked on the review page (or the one whose button was
    pressed): one action, all or nothing."""

    model = IntakeDocument
    scope_action = "review"
    success_url_name = "intake:document-review"

    def perform(self, obj: IntakeDocument) -> None:
        post = self.request.POST
        # «accept:12» / «reject:12» from a proposal's own button; «accept:selected» and
        # «reject:selected» for the ticked ones.
        decision, _sep, which = post.get("act", "").partition(":")
        ids = post.getlist("proposal") if which == "selected" else [which]
        chosen = list(obj.proposals.filter(pk__in=[i for i in ids if i.isdecimal()]))
        if decision == "reject":
            do_reject_proposals(obj, chosen, acting_user=self.user)
            messages.success(
                self.request, _("%(count)s proposals rejected.") % {"count": _count(len(chosen))}
            )
        elif decision == "accept":
            acceptances = [
                Acceptance(p, post.get(f"p{p.pk}-target", ""), _overrides(post, p)) for p in chosen
            ]
            do_accept_proposals(obj, acceptances, acting_user=self.user)
            messages.success(
                self.request, _("%(count)s proposals accepted.") % {"count": _count(len(chosen))}
            )
        else:
            raise ValidationError({"decision": [_("Choose accept or reject.")]})


class ProposalCorrectView(ScopedFormView):
    model = Proposal
    queryset = Proposal.objects.select_related("document__organization")
    scope_action = "change"
    form_class = CorrectProposalForm
    template_name = "intake/proposal_form.html"
    title = gettext_lazy("Correct a proposal")
    success_message = gettext_lazy("The proposal was corrected.")
    invalid_status = 400

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"proposal": self.object, "organizations": self.organizations_for("view", Organization)}

    def perform(self, form: CorrectProposalForm) -> Proposal | None:
        proposal: Proposal | None = form.run_action(
            do_correct_proposal, self.object, form.changes(), acting_user=self.user
        )
        return proposal

    def get_success_url(self, result: Proposal) -> str:
        return reverse("intake:document-review", args=[result.document_id]) + f"#proposal-{result.pk}"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context["proposal"] = self.object
        return super().get_context_data(**context)


class DocumentDeleteView(ScopedActionView):
    model = IntakeDocument
    scope_action = "delete"
    confirm_template = "intake/confirm_delete.html"
    success_message = gettext_lazy("The document was deleted.")

    def perform(self, obj: IntakeDocument) -> None:
        do_delete_document(obj, acting_user=self.user)

    def get_success_url(self, obj: IntakeDocument) -> str:
        # A refused deletion (records were accepted from it) comes back here with the reason.
        return reverse("intake:document-list")


class AliasListView(ScopedListView):
    model = OrganizationAlias
    queryset = OrganizationAlias.objects.select_related("organization", "created_by")
    filterset_class = OrganizationAliasFilterSet
    paginate_by = 50
    template_name = "intake/alias_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        may_add = self.may("add")
        context.update(
            {
                "may_add": may_add,
                "may_change": self.may("change"),
                "may_delete": self.may("delete"),
                "form": AliasForm(organizations=self.organizations_for("add")) if may_add else None,
            }
        )
        return super().get_context_data(**context)


class _AliasFormView(ScopedFormView):
    """The alias form, adding one or changing the one in the URL; back to the list when saved."""

    model = OrganizationAlias
    form_class = AliasForm
    template_name = "intake/alias_form.html"
    success_message = gettext_lazy("The alias was saved.")
    invalid_status = 400

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"instance": self.object, "organizations": self.organizations_for(self.scope_action)}

    def values(self, form: AliasForm) -> AliasValues:
        return AliasValues(form.cleaned_data["organization"], form.cleaned_data["alias"])

    def get_success_url(self, result: OrganizationAlias) -> str:
        return reverse("intake:alias-list")


class AliasCreateView(_AliasFormView):
    scope_action = "add"
    title = gettext_lazy("Add an alias")

    def perform(self, form: AliasForm) -> OrganizationAlias | None:
        alias: OrganizationAlias | None = form.run_action(
            do_add_alias, self.values(form), acting_user=self.user
        )
        return alias


class AliasEditView(_AliasFormView):
    scope_action = "change"
    title = gettext_lazy("Edit alias")

    def perform(self, form: AliasForm) -> OrganizationAlias | None:
        alias: OrganizationAlias | None = form.run_action(
            do_update_alias, self.object, self.values(form), acting_user=self.user
        )
        return alias


class AliasDeleteView(ScopedActionView):
    model = OrganizationAlias
    scope_action = "delete"
    success_message = gettext_lazy("The alias was deleted.")

    def perform(self, obj: OrganizationAlias) -> None:
        do_delete_alias(obj, acting_user=self.user)

    def get_success_url(self, obj: OrganizationAlias) -> str:
        return reverse("intake:alias-list")


class KnownPersonListView(ScopedListView):
    model = KnownPerson
    queryset = KnownPerson.objects.select_related("organization", "source_proposal__document")
    filterset_class = KnownPersonFilterSet
    paginate_by = 50
    template_name = "intake/people_list.html"
