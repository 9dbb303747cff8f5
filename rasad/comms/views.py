"""The comms pages: mailboxes (threads, a thread with its messages, writing), peers and their
fingerprints, a centre's keys, the outbox, and joint working groups with their task lists.

Messages are decrypted for the page that shows them and never stored in clear. Opening a thread
marks its received messages read, which sends each sender a signed read receipt.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.comms import errors
from rasad.comms.access import may_open_case
from rasad.comms.actions import (
    Draft,
    OutgoingAttachment,
    do_acknowledge_message,
    do_add_group_task,
    do_block_peer,
    do_confirm_peer,
    do_make_joint_group,
    do_open_case_from_message,
    do_open_message,
    do_register_peer,
    do_revoke_key,
    do_rotate_identity,
    do_rotate_keys,
    do_send_message,
    do_set_group_task_status,
    do_set_up_centre,
    read_attachment,
    read_message,
    read_messages,
)
from rasad.comms.choices import Direction, EnvelopeKind, KeyPurpose, PeerStatus
from rasad.comms.crypto import fingerprint
from rasad.comms.delivery import fetch_bundle
from rasad.comms.directory import address_book_ids
from rasad.comms.filtersets import DeliveryFilterSet, JointGroupFilterSet, PeerFilterSet, ThreadFilterSet
from rasad.comms.forms import (
    AcknowledgeForm,
    ComposeForm,
    ConfirmPeerForm,
    GroupTaskForm,
    MakeJointForm,
    OpenCaseForm,
    PeerAddForm,
    ReasonForm,
    ReplyForm,
    RevokeForm,
    SetUpCentreForm,
)
from rasad.comms.models import Centre, CentreKey, Delivery, GroupTask, JointGroup, Message, Peer, Thread
from rasad.core.choices import OrganizationKind
from rasad.core.models import WorkingGroup
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    refusal,
)


def _attachments(files: list[Any]) -> list[OutgoingAttachment]:
    return [OutgoingAttachment(f.name, f.content_type or "", f.read()) for f in files]


def _flash_validation(request: AuthenticatedRequest, error: ValidationError) -> None:
    texts = (
        [" ".join(texts) for texts in error.message_dict.values()]
        if hasattr(error, "error_dict")
        else error.messages
    )
    for text in texts:
        messages.error(request, text)


class Fingerprinted:
    """A fingerprint ready for a template: digit groups and words."""

    def __init__(self, identity_key: bytes) -> None:
        print_ = fingerprint(identity_key)
        self.groups = print_.digit_groups
        self.words = print_.words


# -- mailboxes -----------------------------------------------------------------------------------


class ThreadListView(ScopedListView):
    """Every thread in the mailboxes the user may read, newest first, with its subject decrypted
    for this page."""

    model = Thread
    queryset = (
        Thread.objects.select_related("centre", "joint_group__working_group")
        .prefetch_related("participants")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(
                    messages__direction=Direction.INCOMING,
                    messages__read_at__isnull=True,
                    messages__envelope__kind=EnvelopeKind.MESSAGE,
                ),
            )
        )
    )
    filterset_class = ThreadFilterSet
    ordering = ("-last_message_at", "-id")
    paginate_by = 25
    template_name = "comms/inbox.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        page = context.get("page")
        if page is not None:
            threads = list(page)
            # Each thread's first message, decrypted for its subject: two queries and one read
            # of each key for the whole page, however many threads it shows.
            first_ids = (
                self.scoped(Message.objects.filter(thread__in=threads))
                .values("thread_id")
                .annotate(first=models.Min("id"))
                .values_list("thread_id", "first")
            )
            chosen = Message.objects.filter(pk__in=[first for _, first in first_ids])
            firsts = {message.thread_id: message for message in chosen.select_related("envelope", "centre")}
            opened = read_messages(firsts.values())
            for thread in threads:
                first = firsts.get(thread.pk)
                thread.first_message = first
                thread.others = [
                    centre.name for centre in thread.participants.all() if centre.pk != thread.centre_id
                ]
                reading = opened[first.pk] if first is not None else None
                # No message yet: no subject; one that cannot be read (its key is gone): None.
                thread.subject = "" if first is None else (reading.content.subject if reading else None)
        return super().get_context_data(**context)


class ThreadView(ScopedDetailView):
    """A thread's messages, decrypted for this page; received ones are marked read (a signed
    read receipt goes to each sender). The reply form writes to the same centres."""

    model = Thread
    queryset = Thread.objects.select_related("centre", "joint_group__working_group").prefetch_related(
        "participants"
    )
    template_name = "comms/thread.html"
    context_object_name = "thread"

    def recipients(self, thread: Thread) -> list[Centre]:
        if thread.joint_group is not None:
            return [member for member in thread.joint_group.members.all() if member.pk != thread.centre_id]
        return [centre for centre in thread.participants.all() if centre.pk != thread.centre_id]

    def entries(self, thread: Thread) -> list[dict[str, Any]]:
        rows = []
        for message in (
            self.scoped(Message.objects.filter(thread=thread))
            .select_related("envelope__sender", "case", "read_by", "acknowledged_by")
            .prefetch_related("receipts__centre")
            .order_by("envelope__created_at", "id")
        ):
            entry: dict[str, Any] = {"message": message, "content": None, "error": ""}
            try:
                opened = do_open_message(message, acting_user=self.user)
            except errors.Refusal as refusal_:
                entry["error"] = refusal_.message
            else:
                entry["content"] = opened.content
                entry["recipients"] = opened.recipients
            entry["receipts"] = list(message.receipts.all())
            entry["may_acknowledge"] = (
                message.direction == Direction.INCOMING
                and message.envelope.requires_ack
                and message.acknowledged_at is None
                and self.can("acknowledge", message)
            )
            rows.append(entry)
        return rows

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        thread: Thread = self.object
        context.setdefault("reply_form", ReplyForm())
        return super().get_context_data(
            **context,
            entries=self.entries(thread),
            recipients=self.recipients(thread),
            may_reply=self.can("add", Message(centre=thread.centre)),
            acknowledge_form=AcknowledgeForm(),
        )

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        thread: Thread = self.get_object()
        self.object = thread
        if not self.can("add", Message(centre=thread.centre)):
            raise refusal()
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            first = Message.objects.filter(thread=thread).order_by("id").first()
            subject = ""
            if first is not None:
                try:
                    subject = read_message(first).content.subject
                except errors.Refusal:
                    subject = ""
            sent = form.run_action(
                do_send_message,
                Draft(
                    sender=thread.centre,
                    recipients=self.recipients(thread),
                    subject=(_("Re: %(subject)s") % {"subject": subject})[:200] if subject else _("Reply"),
                    text=data["text"],
                    priority=data["priority"],
                    requires_ack=data["requires_ack"],
                    attachments=_attachments(data["attachments"]),
                    thread=thread,
                    joint_group=thread.joint_group,
                ),
                acting_user=self.user,
            )
            if sent is not None:
                messages.success(request, _("Your reply was signed, encrypted and sent."))
                return HttpResponseRedirect(reverse("comms:thread", args=[thread.pk]))
        return self.render({"object": thread, "thread": thread, "reply_form": form}, status=400)


class ComposeView(ScopedFormView):
    """Write to one or more centres: offered to those who may write for a centre hosted here."""

    model = Message
    scope_action = "add"
    form_class = ComposeForm
    template_name = "comms/compose.html"
    title = gettext_lazy("New message")

    def senders(self) -> models.QuerySet[Centre]:
        return Centre.objects.filter(
            is_local=True, organization__in=self.organizations_for("add", Message)
        ).order_by("code")

    def get_form_kwargs(self) -> dict[str, Any]:
        senders = self.senders()
        book = address_book_ids(senders)
        return {
            "senders": senders,
            "recipients": Centre.objects.filter(pk__in=book).order_by("-is_local", "code"),
        }

    def perform(self, form: ComposeForm) -> Message | None:
        data = form.cleaned_data
        result: Message | None = form.run_action(
            do_send_message,
            Draft(
                sender=data["sender"],
                recipients=list(data["recipients"]),
                subject=data["subject"],
                text=data["text"],
                priority=data["priority"],
                requires_ack=data["requires_ack"],
                attachments=_attachments(data["attachments"]),
            ),
            acting_user=self.user,
        )
        return result

    def get_success_message(self, result: Message) -> str:
        return _("The message was signed, encrypted and sent.")

    def get_success_url(self, result: Message) -> str:
        return reverse("comms:thread", args=[result.thread_id])


class AttachmentView(ScopedDetailView):
    """An attachment, decrypted for this download only."""

    model = Message

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        message = self.get_object()
        try:
            info, data = read_attachment(message, kwargs["index"])
        except errors.Refusal as refusal_:
            messages.error(request, refusal_.message)
            return HttpResponseRedirect(reverse("comms:thread", args=[message.thread_id]))
        response = HttpResponse(data, content_type="application/octet-stream")
        from urllib.parse import quote

        response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(info.name, safe="")
        return response


class AcknowledgeView(ScopedActionView):
    model = Message
    scope_action = "acknowledge"
    success_message = gettext_lazy("The acknowledgment was signed and sent.")

    def perform(self, obj: Message) -> Any:
        form = AcknowledgeForm(self.request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        return do_acknowledge_message(obj, acting_user=self.user, note=note)

    def get_success_url(self, obj: Message) -> str:
        return reverse("comms:thread", args=[obj.thread_id])


class OpenCaseView(ScopedFormView):
    """Turn a received message into a case of the receiving centre."""

    model = Message
    scope_action = "view"
    form_class = OpenCaseForm
    template_name = "comms/open_case.html"
    title = gettext_lazy("Open a case from this message")

    def load(self) -> None:
        super().load()
        if self.object.direction != Direction.INCOMING or self.object.case_id is not None:
            raise refusal()
        # The case is filed for the receiving centre: whoever may not file cases there is not
        # shown the form (a viewer reads the message but files nothing).
        if not may_open_case(self.user, self.object):
            raise refusal()
        try:
            self.subject = read_message(self.object).content.subject
        except errors.Refusal:
            self.subject = ""

    def get_initial(self) -> dict[str, Any]:
        return {"title": self.subject}

    def perform(self, form: OpenCaseForm) -> Message | None:
        data = form.cleaned_data
        result: Message | None = form.run_action(
            do_open_case_from_message,
            self.object,
            kind=data["kind"],
            category=data["category"],
            title=data["title"] or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            deadline=data.get("deadline"),
            acting_user=self.user,
        )
        return result

    def get_success_message(self, result: Message) -> str:
        return _("Case %(reference)s was opened from the message.") % {"reference": result.case.reference}  # type: ignore[union-attr]

    def get_success_url(self, result: Message) -> str:
        return reverse("cases:case-detail", args=[result.case_id])


# -- peers -----------------------------------------------------------------------------------------


class PeerListView(ScopedListView):
    model = Peer
    queryset = Peer.objects.select_related("local_centre", "centre")
    filterset_class = PeerFilterSet
    ordering = ("local_centre__code", "centre__code")
    paginate_by = 50
    template_name = "comms/peers.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, may_add=self.may("add", Peer))


class PeerView(ScopedDetailView):
    """A peer, its fingerprint, and (for administrators) the confirmation and block forms."""

    model = Peer
    queryset = Peer.objects.select_related("local_centre", "centre", "confirmed_by")
    template_name = "comms/peer.html"
    context_object_name = "peer"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        peer: Peer = self.object
        offered = peer.offered_identity_key
        key = (
            bytes(offered)
            if peer.status == PeerStatus.KEY_CHANGED and offered is not None
            else bytes(peer.pinned_identity_key)
        )
        context.setdefault("confirm_form", ConfirmPeerForm())
        context.setdefault("block_form", ReasonForm())
        return super().get_context_data(
            **context,
            print=Fingerprinted(key),
            old_print=Fingerprinted(bytes(peer.pinned_identity_key))
            if peer.status == PeerStatus.KEY_CHANGED
            else None,
            may_confirm=self.can("confirm", peer),
            keys=CentreKey.objects.filter(centre=peer.centre)
            .exclude(purpose=KeyPurpose.IDENTITY)
            .order_by("-not_before"),
        )

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        peer: Peer = self.get_object(action="confirm")
        self.object = peer
        if request.POST.get("form") == "block":
            form: Any = ReasonForm(request.POST)
            if form.is_valid() and form.run_action(
                do_block_peer, peer, reason=form.cleaned_data["reason"], acting_user=self.user
            ):
                messages.success(request, _("The peer is blocked: nothing is exchanged with it any more."))
                return HttpResponseRedirect(reverse("comms:peer", args=[peer.pk]))
            return self.render({"object": peer, "peer": peer, "block_form": form}, status=400)
        form = ConfirmPeerForm(request.POST)
        if form.is_valid() and form.run_action(
            do_confirm_peer,
            peer,
            fingerprint_digits=form.cleaned_data["fingerprint_digits"],
            acting_user=self.user,
        ):
            messages.success(request, _("The fingerprint matches: the peer is confirmed."))
            return HttpResponseRedirect(reverse("comms:peer", args=[peer.pk]))
        return self.render({"object": peer, "peer": peer, "confirm_form": form}, status=400)


class PeerAddView(ScopedFormView):
    model = Peer
    scope_action = "add"
    form_class = PeerAddForm
    template_name = "comms/form.html"
    title = gettext_lazy("Register a peer centre")
    success_url_name = "comms:peer"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            "centres": Centre.objects.filter(
                is_local=True, organization__in=self.organizations_for("add", Peer)
            ).order_by("code")
        }

    def perform(self, form: PeerAddForm) -> Peer | None:
        data = form.cleaned_data
        if data.get("bundle"):
            try:
                bundle = json.loads(data["bundle"])
            except ValueError:
                form.add_error("bundle", _("This is not JSON."))
                return None
        else:
            url = data["node_url"] if data["node_url"].endswith("/") else data["node_url"] + "/"
            try:
                bundle = fetch_bundle(url, data["code"].strip())
            except errors.Refusal as refusal_:
                form.add_error("node_url", refusal_.message)
                return None
        peer: Peer | None = form.run_action(
            do_register_peer, data["local_centre"], bundle, acting_user=self.user
        )
        return peer

    def get_success_message(self, result: Peer) -> str:
        return _("%(centre)s is registered. Confirm its fingerprint by phone before writing to it.") % {
            "centre": result.centre.name
        }


# -- keys ------------------------------------------------------------------------------------------


class CentreListView(ScopedListView):
    """The command centres hosted here: fingerprints, keys and their states."""

    model = Centre
    queryset = Centre.objects.filter(is_local=True).select_related("organization")
    ordering = ("code",)
    template_name = "comms/centres.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        centres = list(objects)
        keys: dict[int, list[CentreKey]] = {}
        for key in (
            CentreKey.objects.filter(centre__in=centres)
            .exclude(purpose=KeyPurpose.IDENTITY)
            .order_by("-not_before", "purpose")
        ):
            keys.setdefault(key.centre_id, []).append(key)
        for centre in centres:
            centre.print = Fingerprinted(bytes(centre.identity_key))
            centre.key_rows = keys.get(centre.pk, [])
        manageable = self.permitted("manage_keys", centres)
        return self.render(
            {
                "centres": centres,
                "manageable": manageable,
                "revoke_form": RevokeForm(),
                "may_set_up": self.may("manage_keys"),
            }
        )


class _LocalKeysView(ScopedActionView):
    """A step on this centre's own keys (for those who manage them); back to the centres page."""

    model = Centre
    queryset = Centre.objects.filter(is_local=True)
    scope_action = "manage_keys"

    def get_success_url(self, obj: Centre) -> str:
        return reverse("comms:centres")


class RotateView(_LocalKeysView):
    success_message = gettext_lazy(
        "New keys were issued; the old encryption key is kept for the grace period."
    )

    def perform(self, obj: Centre) -> Any:
        return do_rotate_keys(obj, acting_user=self.user)


class RotateIdentityView(_LocalKeysView):
    """A new identity key, vouched for by the old one; every peer must confirm it again."""

    success_message = gettext_lazy(
        "The centre has a new identity key. Read its new fingerprint to every peer centre: they "
        "exchange nothing with it until they confirm it."
    )

    def perform(self, obj: Centre) -> Any:
        return do_rotate_identity(obj, acting_user=self.user)


class RevokeView(_LocalKeysView):
    success_message = gettext_lazy("The key is revoked and the revocation is being published to the peers.")

    def perform(self, obj: Centre) -> Any:
        form = RevokeForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([" ".join(str(text) for text in texts) for texts in form.errors.values()])
        return do_revoke_key(
            obj, form.cleaned_data["kid"], reason=form.cleaned_data["reason"], acting_user=self.user
        )


class SetUpCentreView(ScopedFormView):
    model = Centre
    scope_action = "manage_keys"
    form_class = SetUpCentreForm
    template_name = "comms/form.html"
    title = gettext_lazy("Set up a command centre's keys")

    def get_form_kwargs(self) -> dict[str, Any]:
        organizations = (
            self.organizations_for("manage_keys")
            .filter(kind=OrganizationKind.COMMAND_CENTRE)
            .exclude(comms_centre__isnull=False)
        )
        return {"organizations": organizations}

    def perform(self, form: SetUpCentreForm) -> Centre | None:
        centre: Centre | None = form.run_action(
            do_set_up_centre, form.cleaned_data["organization"], acting_user=self.user
        )
        return centre

    def get_success_message(self, result: Centre) -> str:
        return _("The keys of %(centre)s were created.") % {"centre": result.name}

    def get_success_url(self, result: Centre) -> str:
        return reverse("comms:centres")


# -- outbox ----------------------------------------------------------------------------------------


class OutboxView(ScopedListView):
    model = Delivery
    queryset = Delivery.objects.select_related("sender", "envelope")
    filterset_class = DeliveryFilterSet
    ordering = ("-id",)
    paginate_by = 50
    template_name = "comms/outbox.html"


# -- joint working groups --------------------------------------------------------------------------


class GroupListView(ScopedListView):
    model = JointGroup
    queryset = JointGroup.objects.select_related("working_group", "owner").prefetch_related("members")
    filterset_class = JointGroupFilterSet
    ordering = ("working_group__name",)
    template_name = "comms/groups.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, may_add=self.may("add", JointGroup))


class GroupView(ScopedDetailView):
    """A joint group: its members, its shared thread, its task list and the task form."""

    model = JointGroup
    queryset = JointGroup.objects.select_related("working_group", "owner").prefetch_related("members")
    template_name = "comms/group.html"
    context_object_name = "group"

    def writers(self, group: JointGroup) -> models.QuerySet[Centre]:
        return group.members.filter(is_local=True, organization__in=self.organizations_for("add", GroupTask))

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        group: JointGroup = self.object
        members = group.members.order_by("code")
        context.setdefault("task_form", GroupTaskForm(writers=self.writers(group), members=members))
        tasks = list(
            self.scoped(GroupTask.objects.filter(group=group)).select_related("assigned_centre", "case")
        )
        threads = self.scoped(Thread.objects.filter(uid=group.thread_uid)).select_related("centre")
        return super().get_context_data(
            **context,
            members=members,
            tasks=tasks,
            changeable=self.permitted("change", tasks),
            threads=threads,
            may_add_task=self.writers(group).exists(),
            may_write=self.scoped(Centre.objects.filter(pk__in=members), "view").exists(),
        )

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        group: JointGroup = self.get_object()
        self.object = group
        writers = self.writers(group)
        if request.POST.get("form") == "status":
            task = self.get_related(
                GroupTask.objects.filter(group=group), request.POST.get("task"), action="change"
            )
            centre = (
                writers.first()
                or group.members.filter(
                    is_local=True, organization__in=self.organizations_for("change", GroupTask)
                ).first()
            )
            if centre is None:
                raise refusal()
            try:
                do_set_group_task_status(
                    task, centre=centre, status=request.POST.get("status", ""), acting_user=self.user
                )
            except ValidationError as error:
                _flash_validation(request, error)
            else:
                messages.success(request, _("The task was updated on every member node."))
            return HttpResponseRedirect(reverse("comms:group", args=[group.pk]))
        if not writers.exists():
            raise refusal()
        form = GroupTaskForm(request.POST, writers=writers, members=group.members.order_by("code"))
        if form.is_valid():
            data = form.cleaned_data
            task = form.run_action(
                do_add_group_task,
                group,
                centre=data["centre"],
                title=data["title"],
                description=data["description"],
                assigned_centre=data["assigned_centre"],
                due_date=data.get("due_date"),
                category=data["category"].code if data.get("category") else "other",
                acting_user=self.user,
            )
            if task is not None:
                messages.success(request, _("The task was added; every member node files it as a case."))
                return HttpResponseRedirect(reverse("comms:group", args=[group.pk]))
        return self.render({"object": group, "group": group, "task_form": form}, status=400)


class MakeJointView(ScopedFormView):
    model = JointGroup
    scope_action = "add"
    form_class = MakeJointForm
    template_name = "comms/form.html"
    title = gettext_lazy("Make a working group joint with other centres")
    success_url_name = "comms:group"

    def get_form_kwargs(self) -> dict[str, Any]:
        owners = Centre.objects.filter(
            is_local=True, organization__in=self.organizations_for("add", JointGroup)
        )
        working_groups = WorkingGroup.objects.filter(owner__comms_centre__in=owners, joint_group__isnull=True)
        peers = Centre.objects.filter(
            trusted_by__local_centre__in=owners, trusted_by__status=PeerStatus.PINNED
        ).distinct()
        return {"working_groups": working_groups, "peers": peers}

    def perform(self, form: MakeJointForm) -> JointGroup | None:
        data = form.cleaned_data
        group: JointGroup | None = form.run_action(
            do_make_joint_group, data["working_group"], peers=list(data["peers"]), acting_user=self.user
        )
        return group

    def get_success_message(self, result: JointGroup) -> str:
        return _("%(group)s is now joint.") % {"group": result.working_group.name}
