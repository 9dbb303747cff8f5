from __future__ import annotations

import base64
import binascii
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.serializers import (
    RasadModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    person_field,
    read_only_slug,
)
from rasad.cases.choices import CaseKind
from rasad.comms import errors
from rasad.comms.actions import read_message
from rasad.comms.choices import EnvelopeKind, KeyPurpose, Priority, TaskStatus
from rasad.comms.crypto import fingerprint
from rasad.comms.models import Centre, CentreKey, Delivery, GroupTask, JointGroup, Message, Peer, Thread
from rasad.core.models import WorkingGroup


class KeySerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = CentreKey
        fields = [
            "kid",
            "purpose",
            "state",
            "not_before",
            "not_after",
            "retired_at",
            "destroyed_at",
            "revoked_at",
        ]


class FingerprintMixin(serializers.Serializer[Any]):
    def _identity(self, obj: Any) -> bytes:
        return bytes(obj.identity_key)

    @extend_schema_field(serializers.CharField(help_text="30 digits in six groups, to read over the phone."))
    def get_fingerprint(self, obj: Any) -> str:
        return fingerprint(self._identity(obj)).digits

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_fingerprint_words(self, obj: Any) -> list[str]:
        return list(fingerprint(self._identity(obj)).words)


class CentreSerializer(FingerprintMixin, RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="comms-api:centre-detail")
    organization = read_only_slug("code", allow_null=True)
    fingerprint = serializers.SerializerMethodField()
    fingerprint_words = serializers.SerializerMethodField()
    keys = serializers.SerializerMethodField()

    class Meta:
        model = Centre
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "organization",
            "node_url",
            "identity_kid",
            "fingerprint",
            "fingerprint_words",
            "keys",
            "created",
            "last_updated",
        ]

    @extend_schema_field(KeySerializer(many=True))
    def get_keys(self, obj: Centre) -> list[dict[str, Any]]:
        keys = [key for key in obj.keys.all() if key.purpose != KeyPurpose.IDENTITY]
        return list(KeySerializer(keys, many=True).data)


class RevokeSerializer(serializers.Serializer[Any]):
    kid = serializers.CharField(max_length=32)
    reason = serializers.CharField(max_length=200)


class PeerCentreSerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = Centre
        fields = ["code", "name", "node_url", "identity_kid"]


class PeerSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="comms-api:peer-detail")
    local_centre = read_only_slug("code")
    centre = PeerCentreSerializer(read_only=True)
    fingerprint = serializers.SerializerMethodField()
    fingerprint_words = serializers.SerializerMethodField()
    confirmed_by = person_field(allow_null=True)

    class Meta:
        model = Peer
        fields = [
            "id",
            "url",
            "display",
            "local_centre",
            "centre",
            "status",
            "fingerprint",
            "fingerprint_words",
            "confirmed_by",
            "confirmed_at",
            "key_changed_at",
            "created",
            "last_updated",
        ]

    def _key(self, obj: Peer) -> bytes:
        offered = obj.offered_identity_key
        return (
            bytes(offered)
            if obj.status == "key_changed" and offered is not None
            else bytes(obj.pinned_identity_key)
        )

    @extend_schema_field(
        serializers.CharField(help_text="The fingerprint to confirm: of the new key when the key changed.")
    )
    def get_fingerprint(self, obj: Peer) -> str:
        return fingerprint(self._key(obj)).digits

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_fingerprint_words(self, obj: Peer) -> list[str]:
        return list(fingerprint(self._key(obj)).words)


class PeerRegisterSerializer(serializers.Serializer[Any]):
    local_centre = ScopedSlugRelatedField(
        slug_field="code", queryset=Centre.objects.filter(is_local=True), help_text=_("Code of our centre.")
    )
    bundle = serializers.JSONField(
        required=False, help_text=_("The peer's public key bundle (JSON), as its node serves it.")
    )
    node_url = serializers.URLField(required=False, max_length=300, help_text=_("The peer node's address."))
    code = serializers.CharField(required=False, max_length=40, help_text=_("The peer centre's code there."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("bundle") is None and not (attrs.get("node_url") and attrs.get("code")):
            raise serializers.ValidationError(
                {"bundle": [_("Give the bundle, or the node address and the code.")]}
            )
        return attrs


class ConfirmSerializer(serializers.Serializer[Any]):
    fingerprint_digits = serializers.CharField(
        max_length=120,
        help_text=_("The 30 digits the other centre read out (spaces and Persian digits allowed)."),
    )


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200)


def _subject(message: Message | None) -> str | None:
    if message is None:
        return None
    try:
        return read_message(message).content.subject
    except errors.Refusal:
        return None


class ThreadSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="comms-api:thread-detail")
    centre = read_only_slug("code")
    participants = read_only_slug("code", many=True)
    joint_group: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    unread = serializers.IntegerField(read_only=True, help_text="Received messages not yet read.")

    class Meta:
        model = Thread
        fields = [
            "id",
            "url",
            "display",
            "uid",
            "centre",
            "participants",
            "joint_group",
            "unread",
            "last_message_at",
            "created",
            "last_updated",
        ]


class ThreadDetailSerializer(ThreadSerializer):
    """One thread, with its subject decrypted from its first message (lists leave it out: it
    would decrypt one message per row)."""

    subject = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "subject"]

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="Decrypted from the first message.")
    )
    def get_subject(self, obj: Thread) -> str | None:
        return _subject(obj.messages.order_by("id").first())


class ReceiptSerializer(serializers.Serializer[Any]):
    centre = serializers.CharField(source="centre.code")
    kind = serializers.ChoiceField(choices=EnvelopeKind.choices)
    at = serializers.DateTimeField()


class AttachmentInfoSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ReferenceSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    centre = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")


class ContentSerializer(serializers.Serializer[Any]):
    subject = serializers.CharField()
    text = serializers.CharField()
    author = serializers.CharField()
    author_title = serializers.CharField()
    attachments = AttachmentInfoSerializer(many=True)
    references = ReferenceSerializer(many=True)


class MessageSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="comms-api:message-detail")
    centre = read_only_slug("code")
    thread: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    msg_id = serializers.UUIDField(source="envelope.msg_id", read_only=True)
    sender = serializers.CharField(source="envelope.sender.code", read_only=True)
    written_at = serializers.DateTimeField(source="envelope.created_at", read_only=True)
    priority = serializers.ChoiceField(source="envelope.priority", choices=Priority.choices, read_only=True)
    requires_ack = serializers.BooleanField(source="envelope.requires_ack", read_only=True)
    size = serializers.IntegerField(source="envelope.size", read_only=True)
    receipts = ReceiptSerializer(many=True, read_only=True)
    case = read_only_slug("reference", allow_null=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "url",
            "display",
            "centre",
            "thread",
            "msg_id",
            "direction",
            "sender",
            "written_at",
            "priority",
            "requires_ack",
            "size",
            "read_at",
            "acknowledged_at",
            "receipts",
            "case",
            "created",
            "last_updated",
        ]


class MessageDetailSerializer(MessageSerializer):
    """One message with its content decrypted for this response only (never stored). Reading it
    here does not mark it read: ``POST .../read/`` does, and sends the read receipt."""

    content = serializers.SerializerMethodField()

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "content"]

    @extend_schema_field(ContentSerializer(allow_null=True))
    def get_content(self, obj: Message) -> dict[str, Any] | None:
        """``null`` when it cannot be decrypted (its key was destroyed without an archive copy)."""
        try:
            content = read_message(obj).content
        except errors.Refusal:
            return None
        return {
            "subject": content.subject,
            "text": content.text,
            "author": content.author,
            "author_title": content.author_title,
            "attachments": [item.to_dict() for item in content.attachments],
            "references": [item.to_dict() for item in content.references],
        }


class OutgoingAttachmentSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    content_type = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    content = serializers.CharField(help_text=_("The file, base64-encoded."))

    def validate_content(self, value: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Not valid base64.")) from None


class MessageSendSerializer(serializers.Serializer[Any]):
    sender = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Centre.objects.filter(is_local=True),
        help_text=_("Code of the sending centre."),
    )
    recipients = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=64, help_text=_("Centre codes.")
    )
    subject = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=100_000, allow_blank=True, required=False, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.NORMAL)
    requires_ack = serializers.BooleanField(required=False, default=False)
    thread = ScopedPrimaryKeyRelatedField(queryset=Thread.objects.all(), required=False, allow_null=True)
    attachments = OutgoingAttachmentSerializer(many=True, required=False, default=list)
    references = ReferenceSerializer(many=True, required=False, default=list)


class AcknowledgeSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class OpenCaseSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    category = serializers.CharField(max_length=50, help_text=_("Category code."))
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    latitude = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=-90, max_value=90
    )
    longitude = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=-180, max_value=180
    )
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class DeliverySerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="comms-api:delivery-detail")
    sender = read_only_slug("code")
    msg_id = serializers.UUIDField(source="envelope.msg_id", read_only=True, allow_null=True)
    reason = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "url",
            "display",
            "sender",
            "node_url",
            "kind",
            "msg_id",
            "centres",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "delivered_at",
            "last_error_code",
            "reason",
            "created",
            "last_updated",
        ]

    @extend_schema_field(serializers.CharField(help_text="The last error, in the reader's language."))
    def get_reason(self, obj: Delivery) -> str:
        return errors.message_for(obj.last_error_code) if obj.last_error_code else ""


class JointGroupSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="comms-api:jointgroup-detail")
    code = serializers.CharField(source="working_group.code", read_only=True)
    name = serializers.CharField(source="working_group.name", read_only=True)
    owner = read_only_slug("code")
    members = read_only_slug("code", many=True)

    class Meta:
        model = JointGroup
        fields = [
            "id",
            "url",
            "display",
            "uid",
            "code",
            "name",
            "owner",
            "members",
            "thread_uid",
            "created",
            "last_updated",
        ]


class JointGroupCreateSerializer(serializers.Serializer[Any]):
    working_group = ScopedSlugRelatedField(
        slug_field="code", queryset=WorkingGroup.objects.all(), help_text=_("Code of the working group.")
    )
    peers = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        help_text=_("Peer centre codes."),
    )


class GroupTaskSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="comms-api:grouptask-detail")
    group: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    assigned_centre = read_only_slug("code")
    changed_by_centre = read_only_slug("code")
    case = read_only_slug("reference", allow_null=True)

    class Meta:
        model = GroupTask
        fields = [
            "id",
            "url",
            "display",
            "uid",
            "group",
            "title",
            "description",
            "assigned_centre",
            "due_date",
            "status",
            "category_code",
            "version",
            "changed_by_centre",
            "case",
            "created",
            "last_updated",
        ]


class GroupTaskCreateSerializer(serializers.Serializer[Any]):
    group = ScopedPrimaryKeyRelatedField(queryset=JointGroup.objects.all())
    centre = serializers.CharField(max_length=40, help_text=_("Code of the writing centre (hosted here)."))
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    assigned_centre = serializers.CharField(max_length=40)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    category = serializers.CharField(max_length=50, required=False, default="other")


class TaskStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    centre = serializers.CharField(
        max_length=40, help_text=_("Code of the member centre acting (hosted here).")
    )
