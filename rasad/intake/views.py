"""Intake pages: submit a document, review its proposals beside the highlighted text, correct or
decide them, and keep the alias list."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.cases.models import Case, Category
from rasad.core.access import ObjectNotFound, access_object
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
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
from rasad.web.views import RasadView


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _count(value: int) -> str:
    return format_number(value, persian_digits=display_preferences().persian_digits)


def _organizations(user: User, model: Any, action: str) -> QuerySet[Organization]:
    scope = organization_scope(user, model, action)
    return Organization.objects.filter(scope.as_q(), closed_on__isnull=True).order_by("path")


class DocumentListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        queryset = IntakeDocument.objects.visible_to(user, "view").select_related(
            "organization", "submitted_by"
        )
        filterset = IntakeDocumentFilterSet(request.GET or None, queryset=queryset)
        page = Paginator(filterset.qs.order_by("-created", "-id"), 25).get_page(request.GET.get("page"))
        pending = dict(
            Proposal.objects.filter(document__in=[d.pk for d in page], status=ProposalStatus.PENDING)
            .values_list("document_id")
            .annotate(count=Count("id"))
            .values_list("document_id", "count")
        )
        for document in page:
            document.pending_count = pending.get(document.pk, 0)
        return render(
            request,
            "intake/document_list.html",
            {
                "page": page,
                "filter": filterset,
                "may_submit": not organization_scope(user, IntakeDocument, "add").is_nothing,
            },
        )


class DocumentCreateView(RasadView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (
            request.user.is_authenticated
            and organization_scope(request.user, IntakeDocument, "add").is_nothing
        ):
            raise ObjectNotFound(_("No such object, or you may not see it."))
        return super().dispatch(request, *args, **kwargs)

    def _form(self, request: HttpRequest, data: Any = None, files: Any = None) -> SubmitDocumentForm:
        return SubmitDocumentForm(
            data, files, organizations=_organizations(_user(request), IntakeDocument, "add")
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "intake/document_form.html", {"form": self._form(request)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data

            def submit() -> IntakeDocument:
                upload = data.get("file")
                try:
                    read = read_upload(upload.name, upload.read()) if upload else read_pasted(data["text"])
                except ValidationError as error:
                    # The reading errors name "file" or "text"; both are fields of this form.
                    raise error from None
                return do_submit_document(
                    SubmissionValues(
                        read, data["organization"], data.get("title") or "", data.get("document_date")
                    ),
                    acting_user=_user(request),
                )

            document = form.run_action(submit)
            if document is not None:
                messages.success(request, _("The document was read: review what it proposes."))
                return HttpResponseRedirect(reverse("intake:document-review", args=[document.pk]))
        return render(request, "intake/document_form.html", {"form": form}, status=400)


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


class DocumentReviewView(RasadView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        document: IntakeDocument = access_object(
            IntakeDocument.objects.select_related("organization"), user, pk
        )
        proposals = list(document.proposals.select_related("record_type", "decided_by"))
        may_review = organization_scope(user, IntakeDocument, "review").contains(document.organization)
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
                        date.fromisoformat(deadline),
                        calendar=display_preferences().calendar,
                        persian_digits=False,
                    )
                    if deadline
                    else ""
                )
            groups.append({"field": value, "label": label, "proposals": items})
        owners = _organizations(user, Case, "assign") if may_review else Organization.objects.none()
        prefs = display_preferences()
        return render(
            request,
            "intake/document_review.html",
            {
                "document": document,
                "segments": highlight(document.text, proposals),
                "groups": groups,
                "may_review": may_review,
                "may_delete": organization_scope(user, IntakeDocument, "delete").contains(
                    document.organization
                ),
                "owners": owners,
                "people_organizations": _organizations(user, KnownPerson, "add") if may_review else [],
                "parents": _organizations(user, Organization, "add") if may_review else [],
                "categories": Category.objects.filter(is_active=True),
                "default_deadline": jalali.format_date(
                    default_deadline(), calendar=prefs.calendar, persian_digits=False
                ),
                "pending": sum(1 for p in proposals if p.status == ProposalStatus.PENDING),
            },
        )


def _overrides(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    """Values the reviewer typed beside one proposal on the review page."""
    prefix = f"p{proposal.pk}-"
    values: dict[str, Any] = {}
    for name in ("organization_code", "category", "parent_code", "new_code", "kind"):
        value = request.POST.get(prefix + name, "").strip()
        if value:
            values[name] = value
    deadline = request.POST.get(prefix + "deadline", "").strip()
    if deadline:
        try:
            values["deadline"] = jalali.parse_date(
                deadline, calendar=display_preferences().calendar
            ).isoformat()
        except ValueError as error:
            raise ValidationError({"deadline": [str(error)]}) from None
    return values


class DocumentDecideView(RasadView):
    """Accept or reject the proposals ticked on the review page (or the one whose button was
    pressed): one action, all or nothing."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        document: IntakeDocument = access_object(IntakeDocument.objects.all(), user, pk, action="review")
        review_url = reverse("intake:document-review", args=[document.pk])
        # «accept:12» / «reject:12» from a proposal's own button; «accept:selected» and
        # «reject:selected» for the ticked ones.
        decision, _sep, which = request.POST.get("act", "").partition(":")
        ids = request.POST.getlist("proposal") if which == "selected" else [which]
        chosen = list(document.proposals.filter(pk__in=[i for i in ids if i.isdigit()]))
        try:
            if decision == "reject":
                do_reject_proposals(document, chosen, acting_user=user)
                messages.success(request, _("%(count)s proposals rejected.") % {"count": _count(len(chosen))})
            elif decision == "accept":
                acceptances = [
                    Acceptance(p, request.POST.get(f"p{p.pk}-target", ""), _overrides(request, p))
                    for p in chosen
                ]
                do_accept_proposals(document, acceptances, acting_user=user)
                messages.success(request, _("%(count)s proposals accepted.") % {"count": _count(len(chosen))})
            else:
                raise ValidationError({"decision": [_("Choose accept or reject.")]})
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return HttpResponseRedirect(review_url)


class ProposalCorrectView(RasadView):
    def _load(self, request: HttpRequest, pk: int) -> Proposal:
        proposal: Proposal = access_object(
            Proposal.objects.select_related("document__organization"), _user(request), pk, action="change"
        )
        return proposal

    def _form(self, request: HttpRequest, proposal: Proposal, data: Any = None) -> CorrectProposalForm:
        user = _user(request)
        organizations = (
            Organization.objects.visible_to(user, "view").filter(closed_on__isnull=True).order_by("path")
        )
        return CorrectProposalForm(data, proposal=proposal, organizations=organizations)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        proposal = self._load(request, pk)
        return render(
            request,
            "intake/proposal_form.html",
            {"proposal": proposal, "form": self._form(request, proposal)},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        proposal = self._load(request, pk)
        form = self._form(request, proposal, request.POST)
        if form.is_valid():
            result = form.run_action(
                do_correct_proposal, proposal, form.changes(), acting_user=_user(request)
            )
            if result is not None:
                messages.success(request, _("The proposal was corrected."))
                url = reverse("intake:document-review", args=[proposal.document_id])
                return HttpResponseRedirect(f"{url}#proposal-{proposal.pk}")
        return render(request, "intake/proposal_form.html", {"proposal": proposal, "form": form}, status=400)


class DocumentDeleteView(RasadView):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = access_object(IntakeDocument.objects.all(), _user(request), pk, action="delete")
        return render(
            request,
            "intake/confirm_delete.html",
            {"object": document, "back": reverse("intake:document-review", args=[pk])},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        document: IntakeDocument = access_object(
            IntakeDocument.objects.all(), _user(request), pk, action="delete"
        )
        try:
            do_delete_document(document, acting_user=_user(request))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("intake:document-review", args=[pk]))
        messages.success(request, _("The document was deleted."))
        return HttpResponseRedirect(reverse("intake:document-list"))


class AliasListView(RasadView):
    def _form(self, request: HttpRequest, data: Any = None) -> AliasForm:
        return AliasForm(data, organizations=_organizations(_user(request), OrganizationAlias, "add"))

    def _render(self, request: HttpRequest, form: AliasForm, status: int = 200) -> HttpResponse:
        user = _user(request)
        queryset = OrganizationAlias.objects.visible_to(user, "view").select_related(
            "organization", "created_by"
        )
        filterset = OrganizationAliasFilterSet(request.GET or None, queryset=queryset)
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "intake/alias_list.html",
            {
                "page": page,
                "filter": filterset,
                "form": form,
                "may_add": not organization_scope(user, OrganizationAlias, "add").is_nothing,
                "editable": set(
                    OrganizationAlias.objects.visible_to(user, "change")
                    .filter(pk__in=[a.pk for a in page])
                    .values_list("pk", flat=True)
                ),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        if organization_scope(_user(request), OrganizationAlias, "add").is_nothing:
            raise ObjectNotFound(_("No such object, or you may not see it."))
        form = self._form(request, request.POST)
        if form.is_valid():
            alias = form.run_action(
                do_add_alias,
                AliasValues(form.cleaned_data["organization"], form.cleaned_data["alias"]),
                acting_user=_user(request),
            )
            if alias is not None:
                messages.success(request, _("Alias “%(alias)s” added.") % {"alias": alias.alias})
                return HttpResponseRedirect(reverse("intake:alias-list"))
        return self._render(request, form, status=400)


class AliasEditView(RasadView):
    def _load(self, request: HttpRequest, pk: int) -> OrganizationAlias:
        alias: OrganizationAlias = access_object(
            OrganizationAlias.objects.all(), _user(request), pk, action="change"
        )
        return alias

    def _form(self, request: HttpRequest, alias: OrganizationAlias, data: Any = None) -> AliasForm:
        return AliasForm(
            data, instance=alias, organizations=_organizations(_user(request), OrganizationAlias, "change")
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        alias = self._load(request, pk)
        return render(
            request, "intake/alias_form.html", {"form": self._form(request, alias), "object": alias}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alias = self._load(request, pk)
        form = self._form(request, alias, request.POST)
        if form.is_valid():
            values = AliasValues(form.cleaned_data["organization"], form.cleaned_data["alias"])
            if form.run_action(do_update_alias, alias, values, acting_user=_user(request)) is not None:
                messages.success(request, _("The alias was saved."))
                return HttpResponseRedirect(reverse("intake:alias-list"))
        return render(request, "intake/alias_form.html", {"form": form, "object": alias}, status=400)


class AliasDeleteView(RasadView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alias: OrganizationAlias = access_object(
            OrganizationAlias.objects.all(), _user(request), pk, action="delete"
        )
        do_delete_alias(alias, acting_user=_user(request))
        messages.success(request, _("The alias was deleted."))
        return HttpResponseRedirect(reverse("intake:alias-list"))


class KnownPersonListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        queryset = KnownPerson.objects.visible_to(_user(request), "view").select_related(
            "organization", "source_proposal__document"
        )
        filterset = KnownPersonFilterSet(request.GET or None, queryset=queryset)
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        return render(request, "intake/people_list.html", {"page": page, "filter": filterset})
