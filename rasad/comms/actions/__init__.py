"""Every state change of the comms app. ``check_*`` validates, ``do_*`` executes.

Each ``do_*`` runs in one transaction and writes its audit event (every key change among them)
in that transaction; deliveries to other nodes leave only after commit, through the outbox."""

from __future__ import annotations

from rasad.comms.actions.centres import (
    bundle_for,
    do_destroy_retired_keys,
    do_revoke_key,
    do_rotate_identity,
    do_rotate_keys,
    do_set_up_centre,
    published_bundle,
    queue_bundle,
)
from rasad.comms.actions.envelopes import AcceptResult, accept_envelope, register_delivery_scheduler
from rasad.comms.actions.groups import do_add_group_task, do_make_joint_group, do_set_group_task_status
from rasad.comms.actions.messages import (
    Draft,
    OpenedMessage,
    OutgoingAttachment,
    check_draft,
    do_acknowledge_message,
    do_open_case_from_message,
    do_open_message,
    do_send_message,
    read_attachment,
    read_message,
    read_messages,
)
from rasad.comms.actions.peers import (
    apply_bundle_update,
    do_block_peer,
    do_confirm_peer,
    do_register_peer,
    parse_bundle,
)

__all__ = [
    "AcceptResult",
    "Draft",
    "OpenedMessage",
    "OutgoingAttachment",
    "accept_envelope",
    "apply_bundle_update",
    "bundle_for",
    "check_draft",
    "do_acknowledge_message",
    "do_add_group_task",
    "do_block_peer",
    "do_confirm_peer",
    "do_destroy_retired_keys",
    "do_make_joint_group",
    "do_open_case_from_message",
    "do_open_message",
    "do_register_peer",
    "do_revoke_key",
    "do_rotate_identity",
    "do_rotate_keys",
    "do_send_message",
    "do_set_group_task_status",
    "do_set_up_centre",
    "parse_bundle",
    "published_bundle",
    "queue_bundle",
    "read_attachment",
    "read_message",
    "read_messages",
    "register_delivery_scheduler",
]
