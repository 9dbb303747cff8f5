"""Every state change of the media app. Each ``do_*`` runs in one transaction, checks the acting
user's scope (refusals are the 404 of a missing object), writes its audit event and pushes its
event after commit."""

from __future__ import annotations

from rasad.media.actions.crisis import (
    CrisisValues,
    RumourValues,
    do_add_timeline_entry,
    do_answer_rumour,
    do_assign_rumour,
    do_close_crisis,
    do_dismiss_rumour,
    do_log_rumour,
    do_open_crisis,
)
from rasad.media.actions.deadlines import agency_heads, do_escalate_recipient, do_remind_recipient
from rasad.media.actions.plan import (
    PlanValues,
    do_cancel_planned_item,
    do_change_planned_item,
    do_plan_item,
    do_publish_planned_item,
)
from rasad.media.actions.responses import ResponseValues, do_acknowledge, do_respond
from rasad.media.actions.statements import (
    Deadline,
    StatementValues,
    do_add_member_agency,
    do_add_statement_attachment,
    do_approve_statement,
    do_issue_statement,
    do_return_statement,
    do_revise_statement,
    do_save_statement,
    do_set_member_active,
    do_submit_statement,
)

__all__ = [
    "CrisisValues",
    "Deadline",
    "PlanValues",
    "ResponseValues",
    "RumourValues",
    "StatementValues",
    "agency_heads",
    "do_acknowledge",
    "do_add_member_agency",
    "do_add_statement_attachment",
    "do_add_timeline_entry",
    "do_answer_rumour",
    "do_approve_statement",
    "do_assign_rumour",
    "do_cancel_planned_item",
    "do_change_planned_item",
    "do_close_crisis",
    "do_dismiss_rumour",
    "do_escalate_recipient",
    "do_issue_statement",
    "do_log_rumour",
    "do_open_crisis",
    "do_plan_item",
    "do_publish_planned_item",
    "do_remind_recipient",
    "do_respond",
    "do_return_statement",
    "do_revise_statement",
    "do_save_statement",
    "do_set_member_active",
    "do_submit_statement",
]
