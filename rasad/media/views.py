"""The media UI: the headquarters' board (statements by state and deadline), a statement's page
(its text, files, versions, the agencies it was issued to and how each answered), its forms
(draft, review, approval, issue), an agency's inbox and its answer form, and the member agencies.
Every page is a generic scoped view (``rasad.web.generic``) and writes through actions; scope is
never applied here by hand."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.core.models import Organization
from rasad.lib.downloads import file_download
from rasad.media.actions import (
    do_acknowledge,
    do_add_member_agency,
    do_add_statement_attachment,
    do_approve_statement,
    do_issue_statement,
    do_respond,
    do_return_statement,
    do_revise_statement,
    do_save_statement,
    do_submit_statement,
)
from rasad.media.actions.statements import spokespeople
from rasad.media.choices import (
    ANSWERED_STATES,
    OPEN_RECIPIENT_STATES,
    CrisisState,
    RecipientState,
    StatementState,
)
from rasad.media.filtersets import RecipientFilterSet, StatementFilterSet
from rasad.media.forms import AttachmentForm, IssueForm, MemberAgencyForm, ResponseForm, StatementForm
from rasad.media.models import Crisis, MemberAgency, Recipient, Statement, StatementAttachment
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
)

STATE_CSS = {
    StatementState.DRAFT: "secondary",
    StatementState.REVIEW: "info",
    StatementState.APPROVED: "primary",
    StatementState.ISSUED: "success",
    StatementState.SUPERSEDED: "light",
}
RECIPIENT_CSS = {
    RecipientState.SENT: "warning",
    RecipientState.ACKNOWLEDGED: "info",
    RecipientState.PUBLISHED: "success",
    RecipientState.NOT_APPLICABLE: "secondary",
    RecipientState.DECLINED: "danger",
    RecipientState.WITHDRAWN: "light",
}


def with_progress(queryset: Any, now: Any) -> Any:
    """Each statement with its receipts counted: issued to, acknowledged, answered, late."""
    return queryset.annotate(
        issued_to=Count("recipients", filter=~Q(recipients__state=RecipientState.WITHDRAWN)),
        acknowledged=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False)),
        answered=Count("recipients", filter=Q(recipients__state__in=ANSWERED_STATES)),
        overdue=Count(
            "recipients",
            filter=Q(recipients__state__in=OPEN_RECIPIENT_STATES, recipients__due_at__lt=now),
        ),
        next_due=Min("recipients__due_at", filter=Q(recipients__state__in=OPEN_RECIPIENT_STATES)),
    )


class BoardView(ScopedListView):
    """The headquarters' board: statements by state, the open ones by their nearest deadline,
    with how many agencies acknowledged, answered, and are late."""

    model = Statement
    queryset = Statement.objects.select_related("organization")
    filterset_class = StatementFilterSet
    paginate_by = 30
    template_name = "media/board.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return with_progress(super().get_queryset(action), timezone.now()).order_by(
            "state", "next_due", "-created", "-pk"
        )

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        counts = dict(
            super()
            .get_queryset()
            .order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        states = [
            {
                "value": state.value,
                "label": state.label,
                "css": STATE_CSS[state],
                "count": counts.get(state, 0),
            }
            for state in StatementState
        ]
        return super().get_context_data(
            **context, states=states, state_css=STATE_CSS, can_add=self.may("add"), now=timezone.now()
        )


class StatementDetailView(ScopedDetailView):
    """A statement: its text and files, its versions, the agencies it was issued to with their
    answers, and the buttons of its next steps for those who may take them."""

    model = Statement
    queryset = Statement.objects.select_related(
        "organization",
        "previous",
        "created_by",
        "approved_by",
        "issued_by",
        "spokesperson__membership__user",
        "spokesperson__membership__organization",
    )
    template_name = "media/statement_detail.html"
    context_object_name = "statement"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        statement: Statement = self.object
        recipients = list(
            self.scoped(Recipient.objects.filter(statement=statement))
            .select_related("agency")
            .order_by("due_at", "agency__name")
        )
        versions = []
        cursor: Statement | None = statement
        while cursor is not None and cursor.previous_id is not None:
            cursor = self.scoped(Statement.objects.filter(pk=cursor.previous_id)).first()
            if cursor is not None:
                versions.append(cursor)
        newer = self.scoped(Statement.objects.filter(previous=statement)).first()
        state = statement.state
        return super().get_context_data(
            **context,
            recipients=recipients,
            recipient_css=RECIPIENT_CSS,
            state_css=STATE_CSS,
            attachments=self.scoped(StatementAttachment.objects.filter(statement=statement)),
            versions=versions,
            newer=newer,
            can_edit=state == StatementState.DRAFT and self.can("change", statement),
            can_submit=state == StatementState.DRAFT and self.can("change", statement),
            can_approve=state == StatementState.REVIEW and self.can("approve", statement),
            can_return=state in (StatementState.REVIEW, StatementState.APPROVED)
            and self.can("approve", statement),
            can_issue=state == StatementState.APPROVED and self.can("issue", statement),
            can_revise=state == StatementState.ISSUED and newer is None and self.can("add", statement),
            attachment_form=AttachmentForm()
            if state == StatementState.DRAFT and self.can("change", statement)
            else None,
            now=timezone.now(),
        )


class StatementFormMixin(ScopedFormView):
    model = Statement
    form_class = StatementForm
    template_name = "media/form.html"
    success_url_name = "media:statement-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        organizations: Any
        if self.object is not None:
            organizations = Organization.objects.filter(pk=self.object.organization_id)
        else:
            organizations = self.organizations_for("add")
        crises = self.scoped(Crisis.objects.filter(state=CrisisState.OPEN, organization__in=organizations))
        # The spokespeople of every headquarters the person drafts for; the action checks the one
        # chosen speaks for the statement's own headquarters or one of its member agencies.
        return {
            "organizations": organizations,
            "crises": crises.order_by("-opened_at"),
            "spokespeople": spokespeople(organizations.values_list("pk", flat=True)),
        }

    def perform(self, form: StatementForm) -> Statement | None:
        # The create view has no object in the URL (``self.object`` is None): a new one.
        result: Statement | None = form.run_action(
            do_save_statement, form.values(), acting_user=self.user, instance=self.object
        )
        return result


class StatementCreateView(StatementFormMixin):
    scope_action = "add"
    title = gettext_lazy("New statement")
    success_message = gettext_lazy("The draft was saved.")

    def get_initial(self) -> dict[str, Any]:
        """The headquarters the person drafts for: the first with member agencies (or the only
        organization they may draft for)."""
        choices = self.organizations_for("add")
        members = MemberAgency.objects.active().filter(hq__in=choices).order_by("hq__name")
        first = members.values_list("hq_id", flat=True).first()
        if first is None and choices.count() == 1:
            first = choices.values_list("pk", flat=True).first()
        initial: dict[str, Any] = {"organization": first} if first is not None else {}
        crisis = self.request.GET.get("crisis", "")
        if crisis.isdecimal():
            found = self.scoped(Crisis.objects.filter(pk=int(crisis), state=CrisisState.OPEN)).first()
            if found is not None:
                initial.update(organization=found.organization_id, crisis=found.pk)
        return initial


class StatementEditView(StatementFormMixin):
    scope_action = "change"
    title = gettext_lazy("Edit statement")
    success_message = gettext_lazy("The draft was saved.")

    def get_initial(self) -> dict[str, Any]:
        return StatementForm.initial_for(self.object)


class _StatementStep(ScopedActionView):
    model = Statement
    success_url_name = "media:statement-detail"


class StatementSubmitView(_StatementStep):
    scope_action = "change"
    success_message = gettext_lazy("The statement was sent for review.")

    def perform(self, obj: Statement) -> Statement:
        return do_submit_statement(obj, acting_user=self.user)


class StatementApproveView(_StatementStep):
    scope_action = "approve"
    success_message = gettext_lazy("The statement was approved.")

    def perform(self, obj: Statement) -> Statement:
        return do_approve_statement(obj, acting_user=self.user)


class StatementReturnView(_StatementStep):
    scope_action = "approve"
    success_message = gettext_lazy("The statement was sent back to draft.")

    def perform(self, obj: Statement) -> Statement:
        return do_return_statement(obj, acting_user=self.user, note=self.request.POST.get("note", ""))


class StatementReviseView(ScopedActionView):
    """Draft the next version of an issued statement, and open it."""

    model = Statement
    scope_action = "add"
    success_message = gettext_lazy("A new version was drafted; edit it, then send it for review.")

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        from django.contrib import messages
        from django.core.exceptions import ValidationError
        from django.http import HttpResponseRedirect

        obj = self.get_object()
        try:
            draft = do_revise_statement(obj, acting_user=self.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("media:statement-detail", args=[obj.pk]))
        messages.success(request, str(self.success_message))
        return HttpResponseRedirect(reverse("media:statement-detail", args=[draft.pk]))


class StatementIssueView(ScopedFormView):
    """Issue an approved statement: to which member agencies, and by when they must answer."""

    model = Statement
    scope_action = "issue"
    form_class = IssueForm
    template_name = "media/issue_form.html"
    title = gettext_lazy("Issue the statement")
    success_message = gettext_lazy("The statement was issued.")
    success_url_name = "media:statement-detail"

    def get_form_kwargs(self) -> dict[str, Any]:
        members = MemberAgency.objects.active().filter(hq_id=self.object.organization_id).values("agency_id")
        return {"agencies": Organization.objects.filter(pk__in=members).order_by("name")}

    def perform(self, form: IssueForm) -> Statement | None:
        result: Statement | None = form.run_action(
            do_issue_statement,
            self.object,
            list(form.cleaned_data["agencies"]),
            form.deadline(),
            acting_user=self.user,
        )
        return result


class StatementAttachView(ScopedFormView):
    """Add a file to a draft."""

    model = Statement
    scope_action = "change"
    form_class = AttachmentForm
    template_name = "media/form.html"
    title = gettext_lazy("Add a file")
    success_message = gettext_lazy("The file was added.")
    invalid_status = 400

    def perform(self, form: AttachmentForm) -> Any:
        from django.core.exceptions import ValidationError

        try:
            return do_add_statement_attachment(self.object, form.cleaned_data["file"], acting_user=self.user)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
            return None

    def get_success_url(self, result: StatementAttachment) -> str:
        return reverse("media:statement-detail", args=[result.statement_id])


class AttachmentDownloadView(ScopedDetailView):
    """Files are served only here, after the statement's and the file's visibility are checked."""

    model = Statement

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        statement = self.get_object()
        attachment = self.get_related(
            StatementAttachment.objects.filter(statement=statement), kwargs["attachment_id"]
        )
        return file_download(attachment.file.open("rb"), attachment.name, attachment.content_type)


class InboxView(ScopedListView):
    """An agency's inbox: the statements issued to the agencies the person answers for, the open
    ones first by deadline."""

    model = Recipient
    queryset = Recipient.objects.select_related("statement", "agency", "statement__organization")
    scope_action = "respond"
    filterset_class = RecipientFilterSet
    paginate_by = 30
    template_name = "media/inbox.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).order_by("-statement__issued_at", "due_at", "pk")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, recipient_css=RECIPIENT_CSS, now=timezone.now())


class RecipientDetailView(ScopedDetailView):
    """A statement as an agency received it: its text and files, the deadline, and the agency's
    acknowledgment and answer (with the buttons and form for those who answer for the agency)."""

    model = Recipient
    queryset = Recipient.objects.select_related(
        "statement", "statement__organization", "agency", "acknowledged_by", "responded_by"
    )
    template_name = "media/recipient_detail.html"
    context_object_name = "recipient"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        recipient: Recipient = context.get("recipient") or self.object
        may_respond = self.can("respond", recipient)
        return super().get_context_data(
            **context,
            statement=recipient.statement,
            attachments=self.scoped(StatementAttachment.objects.filter(statement=recipient.statement_id)),
            can_acknowledge=may_respond and recipient.state == RecipientState.SENT,
            can_respond=may_respond and recipient.state == RecipientState.ACKNOWLEDGED,
            form=context.get("form") or ResponseForm(),
            recipient_css=RECIPIENT_CSS,
            now=timezone.now(),
        )


class RecipientAcknowledgeView(ScopedActionView):
    model = Recipient
    scope_action = "respond"
    success_message = gettext_lazy("Receipt was acknowledged.")

    def perform(self, obj: Recipient) -> Recipient:
        return do_acknowledge(obj, acting_user=self.user)

    def get_success_url(self, obj: Recipient) -> str:
        return self.safe_next(reverse("media:recipient-detail", args=[obj.pk]))


class RecipientRespondView(ScopedFormView):
    """The agency's answer: published (link or file, and channel), not applicable, or declined."""

    model = Recipient
    queryset = RecipientDetailView.queryset
    scope_action = "respond"
    form_class = ResponseForm
    template_name = "media/respond_form.html"
    title = gettext_lazy("Answer the statement")
    success_message = gettext_lazy("The answer was recorded.")
    invalid_status = 400
    success_url_name = "media:recipient-detail"

    def perform(self, form: ResponseForm) -> Recipient | None:
        result: Recipient | None = form.run_action(
            do_respond, self.object, form.values(), acting_user=self.user
        )
        return result


class EvidenceDownloadView(ScopedDetailView):
    """An answer's evidence file, for those who may see the receipt."""

    model = Recipient

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        recipient: Recipient = self.get_object()
        if not recipient.evidence_file:
            raise Http404
        return file_download(
            recipient.evidence_file.open("rb"), recipient.evidence_name, recipient.evidence_type
        )


class MemberAgencyListView(ScopedListView):
    """The member agencies of the media headquarters the person may see."""

    model = MemberAgency
    queryset = MemberAgency.objects.select_related("hq", "agency")
    ordering = ("hq__name", "-is_active", "agency__name")
    template_name = "media/members.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, can_add=self.may("add"))


class MemberAgencyCreateView(ScopedFormView):
    model = MemberAgency
    scope_action = "add"
    form_class = MemberAgencyForm
    template_name = "media/form.html"
    title = gettext_lazy("Add a member agency")
    success_message = gettext_lazy("The agency is now a member.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "hqs": self.organizations_for("add"),
            "agencies": self.organizations_for("view", Organization).order_by("name"),
        }

    def perform(self, form: MemberAgencyForm) -> MemberAgency | None:
        data = form.cleaned_data
        result: MemberAgency | None = form.run_action(
            do_add_member_agency,
            data["hq"],
            data["agency"],
            acting_user=self.user,
            joined_on=data["joined_on"],
        )
        return result

    def get_success_url(self, result: MemberAgency) -> str:
        return reverse("media:members")
