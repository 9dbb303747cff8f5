"""The green-jobs UI: schemes with their budget use, the application form (works on a phone),
each office's queue, an application's page with the step of the reader's office, the registry of
businesses and the occupations catalogue. Every page is a generic scoped view
(``rasad.web.generic``) and writes through actions; scope is never applied here by hand."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from rasad.core.models import Organization, Province, User
from rasad.greenjobs import sectors
from rasad.greenjobs.actions import (
    Correction,
    do_apply,
    do_approve_application,
    do_check_eligibility,
    do_close_application,
    do_confirm_compliance,
    do_confirm_training,
    do_grant_certificate,
    do_pay_instalment,
    do_record_site_visit,
    do_refuse_application,
    do_refuse_certificate,
    do_report_outcome,
    do_request_certificate,
    do_resubmit_application,
    do_return_application,
    do_save_business,
    do_save_scheme,
)
from rasad.greenjobs.actions.applications import ApplicationValues
from rasad.greenjobs.choices import Agency, Milestone, Stage
from rasad.greenjobs.directory import (
    KINDS,
    POINT_DECIMALS,
    DirectoryFilterSet,
    certified_businesses,
    tally,
    today,
)
from rasad.greenjobs.exports import DIRECTORY_EXPORT
from rasad.greenjobs.filtersets import (
    ApplicationFilterSet,
    BusinessFilterSet,
    CertificateFilterSet,
    DashboardFilterSet,
    OccupationFilterSet,
    SchemeFilterSet,
)
from rasad.greenjobs.forms import (
    ApplicationForm,
    ApproveForm,
    BusinessForm,
    CertificateRequestForm,
    CorrectionForm,
    GrantForm,
    InstalmentForm,
    NoteForm,
    OutcomeForm,
    ReasonForm,
    SchemeForm,
    SiteVisitForm,
)
from rasad.greenjobs.models import (
    Application,
    Business,
    Certificate,
    Document,
    Occupation,
    OutcomeReport,
    Scheme,
)
from rasad.greenjobs.outcomes import latest_reports, milestones_of, totals
from rasad.greenjobs.rules import describe
from rasad.jobs.exports import may_export
from rasad.lib import display, formatting
from rasad.lib.downloads import file_download
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from rasad.web.maps import points_response

STAGE_CSS = {
    Stage.DRAFT: "secondary",
    Stage.SUBMITTED: "info",
    Stage.ELIGIBLE: "info",
    Stage.COMPLIANT: "info",
    Stage.TRAINED: "primary",
    Stage.APPROVED: "success",
    Stage.DISBURSED: "success",
    Stage.CLOSED: "dark",
    Stage.RETURNED: "warning",
    Stage.REFUSED: "danger",
}


def _css(stage: str) -> str:
    return STAGE_CSS.get(Stage(stage), "secondary")


def budget_use(scheme: Scheme) -> dict[str, Any]:
    """Shares of the budget paid, committed and free, in whole per cent, for the bar, and the
    amount committed but not yet paid, for its legend."""
    budget = scheme.budget or 1
    paid = int(scheme.disbursed * 100 / budget)
    committed = int(scheme.committed * 100 / budget) - paid
    return {
        "paid": paid,
        "committed": max(committed, 0),
        "free": max(100 - paid - max(committed, 0), 0),
        "unpaid": max(scheme.committed - scheme.disbursed, 0),
    }


# ---- schemes -------------------------------------------------------------------------------------


class SchemeListView(ScopedListView):
    """The schemes the reader may see, each with its window and budget use."""

    model = Scheme
    queryset = Scheme.objects.select_related("organization")
    filterset_class = SchemeFilterSet
    paginate_by = 25
    template_name = "greenjobs/scheme_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context = super().get_context_data(**context)
        for scheme in context["page"]:
            scheme.bar = budget_use(scheme)
        context["can_add"] = self.may("add")
        return context


class SchemeDetailView(ScopedDetailView):
    """A scheme: budget use, window, rules in words, documents, the three offices, and how many
    applications stand at each step."""

    model = Scheme
    queryset = Scheme.objects.select_related(
        "organization", "labour_office", "environment_office", "training_office", "programme"
    )
    template_name = "greenjobs/scheme_detail.html"
    context_object_name = "scheme"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        scheme: Scheme = self.object
        counts = dict(
            self.scoped(Application.objects.filter(scheme=scheme))
            .values_list("stage")
            .annotate(n=Count("pk"))
            .values_list("stage", "n")
        )
        stages = [
            (stage, label, counts.get(stage, 0)) for stage, label in Stage.choices if stage != Stage.DRAFT
        ]
        return super().get_context_data(
            **context,
            bar=budget_use(scheme),
            rules=[describe(rule) for rule in scheme.rules],
            stages=stages,
            can_apply=self.may("add", Application),
            can_edit=self.can("change", scheme),
        )


class SchemeFormMixin(ScopedFormView):
    model = Scheme
    form_class = SchemeForm
    template_name = "greenjobs/form.html"
    success_url_name = "greenjobs:scheme-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "organizations": self.organizations_for(self.scope_action),
            "offices": self.scoped(Organization.objects.all()).order_by("path"),
        }

    def perform(self, form: SchemeForm) -> Scheme | None:
        # The create view has no object in the URL (``self.object`` is None): a new one.
        result: Scheme | None = form.run_action(
            do_save_scheme, form.values(self.object), acting_user=self.user, instance=self.object
        )
        return result


class SchemeCreateView(SchemeFormMixin):
    scope_action = "add"
    title = gettext_lazy("New incentive scheme")
    success_message = gettext_lazy("The scheme was saved.")


class SchemeEditView(SchemeFormMixin):
    scope_action = "change"
    title = gettext_lazy("Edit incentive scheme")
    success_message = gettext_lazy("The scheme was saved.")

    def get_initial(self) -> dict[str, Any]:
        return SchemeForm.initial_for(self.object)


class ApplyView(ScopedFormView):
    """The application form of a business: amount, purpose, jobs and the scheme's documents, in
    one column on a phone. Nothing is kept unless the whole application is accepted."""

    model = Scheme
    scope_action = "view"
    form_class = ApplicationForm
    template_name = "greenjobs/apply.html"
    title = gettext_lazy("Apply for the scheme")
    success_message = gettext_lazy("The application was sent to the labour office.")
    success_url_name = "greenjobs:application-detail"

    def businesses(self) -> Any:
        return self.scoped(
            Business.objects.filter(
                organization__in=self.organizations_for("add", Application)
            ).select_related("organization")
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"scheme": self.object, "businesses": self.businesses()}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context, scheme=self.object, rules=[describe(r) for r in self.object.rules]
        )

    def perform(self, form: ApplicationForm) -> Application | None:
        data = form.cleaned_data
        values = ApplicationValues(
            scheme=self.object,
            business=data["business"],
            amount_requested=data["amount_requested"],
            purpose=data["purpose"],
            jobs_planned=data["jobs_planned"],
        )
        result: Application | None = form.run_action(
            do_apply, values, form.files_by_code(), acting_user=self.user
        )
        return result


# ---- applications --------------------------------------------------------------------------------


class ApplicationListView(ScopedListView):
    """Every application the reader may see, filterable, with the export."""

    model = Application
    queryset = Application.objects.select_related("scheme", "organization")
    filterset_class = ApplicationFilterSet
    paginate_by = 25
    template_name = "greenjobs/application_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context = super().get_context_data(**context)
        for application in context["page"]:
            application.css = _css(application.stage)
        return context


QUEUES = (
    (Agency.LABOUR, Stage.SUBMITTED, gettext_lazy("Eligibility to check (labour office)"), "review"),
    (Agency.ENVIRONMENT, Stage.ELIGIBLE, gettext_lazy("Environmental compliance to confirm"), "review"),
    (
        Agency.TRAINING,
        Stage.COMPLIANT,
        gettext_lazy("Training to confirm (technical-training office)"),
        "review",
    ),
    (Agency.LABOUR, Stage.TRAINED, gettext_lazy("To approve with an amount"), "approve"),
    (Agency.LABOUR, Stage.APPROVED, gettext_lazy("Instalments to pay"), "approve"),
)


class QueueView(ScopedView):
    """Each office's queue: the applications waiting for the step of an office the reader acts
    for, oldest first, with priority points."""

    model = Application
    template_name = "greenjobs/queue.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        sections: list[dict[str, Any]] = []
        base = Application.objects.select_related("scheme", "organization").order_by(
            "-priority_points", "submitted_at"
        )
        for _agency, stage, title, action in QUEUES:
            rows = list(self.scoped(base.filter(stage=stage), action)[:100])
            sections.append({"stage": stage, "title": title, "rows": rows})
        return self.render(
            {
                "sections": sections,
                "waiting": sum(len(s["rows"]) for s in sections),
                "title": gettext_lazy("Queues"),
            }
        )


class ApplicationDetailView(ScopedDetailView):
    """An application: what was asked, where it stands, each office's decision, the documents,
    the instalments, and the step the reader's office may take now."""

    model = Application
    queryset = Application.objects.select_related(
        "scheme__labour_office",
        "scheme__environment_office",
        "scheme__training_office",
        "business",
        "organization",
    )
    template_name = "greenjobs/application_detail.html"
    context_object_name = "application"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        application: Application = self.object
        may_review = self.can("review", application)
        may_approve = self.can("approve", application)
        stage = application.stage
        steps = []
        if may_review and stage == Stage.SUBMITTED:
            steps.append(("greenjobs:application-eligibility", gettext_lazy("Check eligibility"), "primary"))
        if may_review and stage == Stage.ELIGIBLE:
            steps.append(
                (
                    "greenjobs:application-compliance",
                    gettext_lazy("Confirm environmental compliance"),
                    "primary",
                )
            )
        if may_review and stage == Stage.COMPLIANT:
            steps.append(("greenjobs:application-training", gettext_lazy("Confirm training"), "primary"))
        if may_approve and stage == Stage.TRAINED:
            steps.append(("greenjobs:application-approve", gettext_lazy("Approve with an amount"), "success"))
        if may_approve and stage == Stage.APPROVED:
            steps.append(("greenjobs:application-pay", gettext_lazy("Record an instalment"), "success"))
        if may_approve and stage in (Stage.APPROVED, Stage.DISBURSED):
            steps.append(("greenjobs:application-close", gettext_lazy("Close"), "outline-secondary"))
        if may_review and stage in (Stage.SUBMITTED, Stage.ELIGIBLE, Stage.COMPLIANT, Stage.TRAINED):
            steps.append(
                ("greenjobs:application-return", gettext_lazy("Return for correction"), "outline-warning")
            )
            steps.append(("greenjobs:application-refuse", gettext_lazy("Refuse"), "outline-danger"))
        outcomes = list(self.scoped(application.outcomes.all()))
        if (
            stage in FUNDED
            and application.disbursed_amount
            and len(outcomes) < len(Milestone)
            and self.can("add", OutcomeReport(organization=application.organization))
        ):
            steps.append(
                ("greenjobs:application-outcome", gettext_lazy("Report outcomes"), "outline-success")
            )
        if stage == Stage.RETURNED and self.can("change", application):
            steps.append(("greenjobs:application-resubmit", gettext_lazy("Correct and resubmit"), "primary"))
        required = {d["code"]: d["name"] for d in application.scheme.documents}
        instalments = list(self.scoped(application.instalments.all()))
        documents = list(self.scoped(application.documents.all()))
        for document in documents:
            document.label = required.get(document.requirement, document.requirement)
        return super().get_context_data(
            **context,
            steps=steps,
            stage_css=_css(stage),
            decisions=self.scoped(application.decisions.select_related("decided_by", "acting_for")),
            documents=documents,
            instalments=instalments,
            outcomes=outcomes,
            milestones=milestones_of(instalments, outcomes, self.scoped(application.outcome_reminders.all()))
            if stage in FUNDED and instalments
            else [],
        )


class StepView(ScopedFormView):
    """One office's step on an application (a form: a note, an amount, reasons)."""

    model = Application
    queryset = Application.objects.select_related("scheme", "organization")
    template_name = "greenjobs/step.html"
    form_class: ClassVar[type[forms.BaseForm]] = NoteForm

    def get_success_url(self, result: Any) -> str:
        return reverse("greenjobs:application-detail", args=[self.object.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, application=self.object)


class EligibilityView(StepView):
    scope_action = "review"
    title = gettext_lazy("Check eligibility")
    success_message = gettext_lazy("Eligibility recorded; the environment office is next.")

    def perform(self, form: NoteForm) -> Any:
        return form.run_action(
            do_check_eligibility, self.object, note=form.cleaned_data["note"], acting_user=self.user
        )


class ComplianceView(StepView):
    scope_action = "review"
    title = gettext_lazy("Confirm environmental compliance")
    success_message = gettext_lazy("Compliance confirmed; the technical-training office is next.")

    def perform(self, form: NoteForm) -> Any:
        return form.run_action(
            do_confirm_compliance, self.object, note=form.cleaned_data["note"], acting_user=self.user
        )


class TrainingView(StepView):
    scope_action = "review"
    title = gettext_lazy("Confirm training")
    success_message = gettext_lazy("Training confirmed; the labour office approves next.")

    def perform(self, form: NoteForm) -> Any:
        return form.run_action(
            do_confirm_training, self.object, note=form.cleaned_data["note"], acting_user=self.user
        )


class ApproveView(StepView):
    scope_action = "approve"
    form_class = ApproveForm
    title = gettext_lazy("Approve the application")
    success_message = gettext_lazy("The application was approved.")

    def get_initial(self) -> dict[str, Any]:
        return {"amount": self.object.amount_requested}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, remaining=self.object.scheme.remaining)

    def perform(self, form: ApproveForm) -> Any:
        data = form.cleaned_data
        return form.run_action(
            do_approve_application, self.object, data["amount"], note=data["note"], acting_user=self.user
        )


class PayView(StepView):
    scope_action = "approve"
    form_class = InstalmentForm
    title = gettext_lazy("Record an instalment")
    success_message = gettext_lazy("The instalment was recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"amount": self.object.undisbursed}

    def perform(self, form: InstalmentForm) -> Any:
        data = form.cleaned_data
        return form.run_action(
            do_pay_instalment,
            self.object,
            data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            acting_user=self.user,
        )


class CloseView(StepView):
    scope_action = "approve"
    title = gettext_lazy("Close the application")
    success_message = gettext_lazy("The application was closed.")

    def perform(self, form: NoteForm) -> Any:
        return form.run_action(
            do_close_application, self.object, note=form.cleaned_data["note"], acting_user=self.user
        )


class ReturnView(StepView):
    scope_action = "review"
    form_class = ReasonForm
    title = gettext_lazy("Return for correction")
    success_message = gettext_lazy("The application was returned to the business.")

    def perform(self, form: ReasonForm) -> Any:
        return form.run_action(
            do_return_application, self.object, reason=form.cleaned_data["reason"], acting_user=self.user
        )


class RefuseView(StepView):
    scope_action = "review"
    form_class = ReasonForm
    title = gettext_lazy("Refuse the application")
    success_message = gettext_lazy("The application was refused.")

    def perform(self, form: ReasonForm) -> Any:
        return form.run_action(
            do_refuse_application, self.object, reason=form.cleaned_data["reason"], acting_user=self.user
        )


class ResubmitView(StepView):
    scope_action = "change"
    form_class = CorrectionForm
    title = gettext_lazy("Correct and resubmit")
    success_message = gettext_lazy("The application was sent back to the office that returned it.")

    def get_initial(self) -> dict[str, Any]:
        a = self.object
        return {"amount_requested": a.amount_requested, "purpose": a.purpose, "jobs_planned": a.jobs_planned}

    def perform(self, form: CorrectionForm) -> Any:
        data = form.cleaned_data
        correction = Correction(
            amount_requested=data["amount_requested"],
            purpose=data["purpose"],
            jobs_planned=data["jobs_planned"],
            note=data["note"],
        )
        return form.run_action(do_resubmit_application, self.object, correction, acting_user=self.user)


class DocumentDownloadView(ScopedDetailView):
    """A document is served only here, after the application's visibility is checked."""

    model = Document

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        document: Document = self.get_object()
        return file_download(document.file.open("rb"), document.name, document.content_type)


# ---- the registry --------------------------------------------------------------------------------


class BusinessListView(ScopedListView):
    """The green businesses and workshops the reader may see."""

    model = Business
    queryset = Business.objects.select_related("organization__province").prefetch_related("occupations")
    filterset_class = BusinessFilterSet
    paginate_by = 25
    template_name = "greenjobs/business_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"))


class BusinessDetailView(ScopedDetailView):
    model = Business
    queryset = Business.objects.select_related("organization__province", "organization__county")
    template_name = "greenjobs/business_detail.html"
    context_object_name = "business"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        business: Business = self.object
        applications = list(self.scoped(business.applications.select_related("scheme")))
        for application in applications:
            application.css = _css(application.stage)
        totals = self.scoped(business.applications.all()).aggregate(
            approved=Sum("approved_amount"), paid=Sum("disbursed_amount")
        )
        return super().get_context_data(
            **context,
            applications=applications,
            totals=totals,
            occupations=business.occupations.all(),
            can_edit=self.can("change", business),
        )


class BusinessFormMixin(ScopedFormView):
    model = Business
    form_class = BusinessForm
    template_name = "greenjobs/form.html"
    success_url_name = "greenjobs:business-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        organizations = self.organizations_for(self.scope_action).filter(kind__in=["business", "workshop"])
        if self.object is None:
            organizations = organizations.filter(green_business__isnull=True)
        return {"organizations": organizations}

    def perform(self, form: BusinessForm) -> Business | None:
        # The create view has no object in the URL (``self.object`` is None): a new one.
        result: Business | None = form.run_action(
            do_save_business, form.values(self.object), acting_user=self.user, instance=self.object
        )
        return result


class BusinessCreateView(BusinessFormMixin):
    scope_action = "add"
    title = gettext_lazy("Enter a business in the green registry")
    success_message = gettext_lazy("The business was saved.")


class BusinessEditView(BusinessFormMixin):
    scope_action = "change"
    title = gettext_lazy("Edit the business's green record")
    success_message = gettext_lazy("The business was saved.")

    def get_initial(self) -> dict[str, Any]:
        return BusinessForm.initial_for(self.object)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"organizations": Organization.objects.filter(pk=self.object.organization_id)}


class OccupationListView(ScopedListView):
    """The catalogue of green occupations, with their ISCO-08 and ISIC Rev.4 codes."""

    model = Occupation
    filterset_class = OccupationFilterSet
    paginate_by = 50
    template_name = "greenjobs/occupation_list.html"


# ---- certification -------------------------------------------------------------------------------

CERTIFICATE_CSS = {"requested": "info", "visited": "primary", "granted": "success", "refused": "danger"}


class CertificateListView(ScopedListView):
    """The certification requests and certificates the reader may see: the business's own, and
    those an environment office reviews."""

    model = Certificate
    queryset = Certificate.objects.select_related("organization", "office")
    filterset_class = CertificateFilterSet
    paginate_by = 25
    template_name = "greenjobs/certificate_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context = super().get_context_data(**context, can_add=self.may("add"))
        for certificate in context["page"]:
            certificate.css = CERTIFICATE_CSS.get(certificate.status, "secondary")
        return context


class CertificateDetailView(ScopedDetailView):
    model = Certificate
    queryset = Certificate.objects.select_related(
        "organization", "office", "business", "assessment__cycle", "renews", "requested_by", "decided_by"
    )
    template_name = "greenjobs/certificate_detail.html"
    context_object_name = "certificate"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        certificate: Certificate = self.object
        may_certify = self.can("certify", certificate)
        return super().get_context_data(
            **context,
            css=CERTIFICATE_CSS.get(certificate.status, "secondary"),
            can_visit=may_certify and certificate.status in ("requested", "visited"),
            can_decide=may_certify and certificate.status == "visited",
            can_refuse=may_certify and certificate.status in ("requested", "visited"),
        )


class CertificateRequestView(ScopedFormView):
    """A business asks the environment office to certify it green, naming its submitted greening
    checklist, or to renew a certificate it holds."""

    model = Certificate
    scope_action = "add"
    form_class = CertificateRequestForm
    template_name = "greenjobs/form.html"
    title = gettext_lazy("Ask to be certified green")
    success_message = gettext_lazy("The request was sent to the environment office.")
    success_url_name = "greenjobs:certificate-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        from rasad.assessments.models import Assessment
        from rasad.greenjobs.actions.certification import ANSWERED, GREENING_CHECKLIST, OFFICE_KINDS

        acting_for = self.organizations_for("add")
        return {
            "businesses": self.scoped(Business.objects.filter(organization__in=acting_for)).select_related(
                "organization"
            ),
            "offices": Organization.objects.filter(kind__in=OFFICE_KINDS).order_by("path"),
            "assessments": self.scoped(
                Assessment.objects.filter(
                    organization__in=acting_for,
                    cycle__instrument__code=GREENING_CHECKLIST,
                    status__in=ANSWERED,
                ).select_related("cycle", "organization")
            ),
            "certificates": self.scoped(
                Certificate.objects.filter(organization__in=acting_for, status="granted")
            ),
        }

    def perform(self, form: CertificateRequestForm) -> Certificate | None:
        data = form.cleaned_data
        result: Certificate | None = form.run_action(
            do_request_certificate,
            data["business"],
            office=data["office"],
            assessment=data["assessment"],
            renews=data["renews"],
            acting_user=self.user,
        )
        return result


class CertificateStepView(ScopedFormView):
    model = Certificate
    scope_action = "certify"
    template_name = "greenjobs/form.html"

    def get_success_url(self, result: Any) -> str:
        return reverse("greenjobs:certificate-detail", args=[self.object.pk])


class SiteVisitView(CertificateStepView):
    form_class = SiteVisitForm
    title = gettext_lazy("Record the site visit")
    success_message = gettext_lazy("The site visit was recorded.")

    def perform(self, form: SiteVisitForm) -> Any:
        data = form.cleaned_data
        return form.run_action(
            do_record_site_visit,
            self.object,
            visited_on=data["visited_on"],
            findings=data["findings"],
            acting_user=self.user,
        )


class GrantView(CertificateStepView):
    form_class = GrantForm
    title = gettext_lazy("Grant the green certificate")
    success_message = gettext_lazy("The certificate was granted.")

    def get_initial(self) -> dict[str, Any]:
        return {"valid_months": 24}

    def perform(self, form: GrantForm) -> Any:
        return form.run_action(
            do_grant_certificate,
            self.object,
            valid_months=form.cleaned_data["valid_months"],
            acting_user=self.user,
        )


class CertificateRefuseView(CertificateStepView):
    form_class = ReasonForm
    title = gettext_lazy("Refuse the certification")
    success_message = gettext_lazy("The certification was refused.")

    def perform(self, form: ReasonForm) -> Any:
        return form.run_action(
            do_refuse_certificate, self.object, reason=form.cleaned_data["reason"], acting_user=self.user
        )


# ---- the public directory ------------------------------------------------------------------------
# Public pages, like training's certificate check: anyone reaches them, signed in or not, and they
# show the same rows to everyone. What they may show is decided in ``rasad.greenjobs.directory``
# (certified, current businesses; no personal data); nothing here reads a grant.


def _directory(request: HttpRequest) -> tuple[DirectoryFilterSet, QuerySet[Business], bool]:
    """The directory's filter set over the certified businesses, the rows it selects, and whether
    its filters were valid (an invalid filter selects nothing)."""
    filterset = DirectoryFilterSet(request.GET or None, queryset=certified_businesses())
    if filterset.is_bound and not filterset.is_valid():
        return filterset, Business.objects.none(), False
    return filterset, filterset.qs, True


def _invalid_filters(filterset: DirectoryFilterSet) -> JsonResponse:
    fields = {name: [str(message) for message in errors] for name, errors in filterset.errors.items()}
    body = {"error": {"code": "invalid", "message": gettext("Some filters are not valid."), "fields": fields}}
    return JsonResponse(body, status=400)


def _persian() -> bool:
    return display.current().language.startswith("fa")


class DirectoryView(View):
    """The directory of certified green businesses, filterable by province, sector, occupation,
    kind and knowledge-based status, with a map (points rounded to about a kilometre, provinces
    shaded by count) and the counts by province and sector beside it."""

    paginate_by = 30

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset, businesses, valid = _directory(request)
        page: Any = Paginator(businesses, self.paginate_by).get_page(request.GET.get("page"))
        for business in page:
            section = sectors.section_of(business.sector_code)
            business.sector_name = section.name if section else ""
        query = request.GET.copy()
        query.pop("page", None)
        user = request.user
        context = {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "tally": tally(businesses, persian=_persian()),
            "provinces": Province.objects.order_by("name_fa"),
            "sectors": sectors.choices(),
            "occupations": Occupation.objects.all(),
            "kinds": KINDS,
            "can_export": isinstance(user, User) and may_export(user, DIRECTORY_EXPORT),
            "today": today(),
        }
        return render(request, "greenjobs/directory.html", context, status=200 if valid else 400)


class DirectoryPointsView(View):
    """The directory's businesses on the map (GeoJSON for the shared map component), each at its
    organization's point rounded to two decimals of a degree, linked to its public page."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset, businesses, valid = _directory(request)
        if not valid:
            return _invalid_filters(filterset)
        rows = businesses.prefetch_related(None).values_list(
            "pk", "organization__name", "organization__latitude", "organization__longitude"
        )
        points = []
        for pk, name, latitude, longitude in rows:
            if latitude is None or longitude is None:
                continue
            url = reverse("greenjobs:directory-entry", args=[pk])
            place = (round(latitude, POINT_DECIMALS), round(longitude, POINT_DECIMALS))
            points.append((*place, {"id": pk, "name": name, "url": url}))
        return points_response(points)


class DirectoryProvincesView(View):
    """How many listed businesses each province has, for the map's shading."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset, businesses, valid = _directory(request)
        if not valid:
            return _invalid_filters(filterset)
        counts = tally(businesses, persian=_persian()).provinces
        return JsonResponse(
            {
                "values": {code: n for code, _name, n in counts if code},
                "display": {code: formatting.number(n) for code, _name, n in counts if code},
                "label": gettext("Certified green businesses"),
            }
        )


class DirectoryEntryView(View):
    """One business of the directory: what its certificate makes public. A business that is not
    listed (no valid certificate, closed, or no such business) is the same plain 404."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        business = certified_businesses().filter(pk=kwargs["pk"]).first()
        if business is None:
            raise Http404(gettext("No certified green business has this number."))
        section = sectors.section_of(business.sector_code)
        context = {
            "business": business,
            "section": section,
            "today": today(),
        }
        return render(request, "greenjobs/directory_entry.html", context)


# ---- outcomes and the dashboard ------------------------------------------------------------------

FUNDED = (Stage.APPROVED, Stage.DISBURSED, Stage.CLOSED)


class OutcomeReportView(ScopedFormView):
    """The business reports its outcomes at six or twelve months after its first payment."""

    model = Application
    queryset = Application.objects.select_related("scheme", "organization")
    creates = OutcomeReport
    form_class = OutcomeForm
    template_name = "greenjobs/step.html"
    title = gettext_lazy("Report outcomes")
    success_message = gettext_lazy("The outcomes were recorded.")

    def reported(self) -> frozenset[str]:
        return frozenset(
            self.scoped(OutcomeReport.objects.filter(application=self.object)).values_list(
                "milestone", flat=True
            )
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"reported": self.reported()}

    def get_initial(self) -> dict[str, Any]:
        return {"milestone": Milestone.TWELVE if Milestone.SIX in self.reported() else Milestone.SIX}

    def perform(self, form: OutcomeForm) -> OutcomeReport | None:
        result: OutcomeReport | None = form.run_action(
            do_report_outcome, self.object, form.values(), acting_user=self.user
        )
        return result

    def get_success_url(self, result: Any) -> str:
        return reverse("greenjobs:application-detail", args=[self.object.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, application=self.object)


class DashboardView(ScopedListView):
    """Outcomes by province and by scheme: the funded applications the reader may see, what was
    approved and paid, the jobs planned, created and kept, the energy, water and waste saved
    (from each application's latest report), and the certified businesses of each province."""

    model = Application
    queryset = Application.objects.filter(stage__in=FUNDED)
    filterset_class = DashboardFilterSet
    template_name = "greenjobs/dashboard.html"

    def respond(self, objects: QuerySet[Any]) -> HttpResponseBase:
        province_name = "name_fa" if _persian() else "name_en"
        rows = list(
            objects.order_by().values(
                "pk",
                "scheme_id",
                "scheme__title",
                "organization__province__code",
                f"organization__province__{province_name}",
                "approved_amount",
                "disbursed_amount",
                "jobs_planned",
            )
        )
        reports = self.scoped(OutcomeReport.objects.filter(application__in=objects.values("pk"))).values(
            "application_id",
            "milestone",
            "jobs_created",
            "jobs_retained",
            "energy_saved",
            "water_saved",
            "waste_diverted",
        )
        latest = latest_reports(reports)
        provinces, grand = totals(
            rows, latest, key="organization__province__code", name=f"organization__province__{province_name}"
        )
        schemes, _grand = totals(rows, latest, key="scheme_id", name="scheme__title")
        certified = {code: n for code, _name, n in tally(certified_businesses()).provinces}
        for row in provinces:
            row.certified = certified.get(row.key, 0)
        return self.render(
            {
                "filter": self.filterset,
                "provinces": provinces,
                "schemes": schemes,
                "grand": grand,
                "scheme_choices": self.scoped(Scheme.objects.all()).values_list("pk", "title"),
                "province_choices": Province.objects.order_by(province_name).values_list(
                    "code", province_name
                ),
            }
        )
