"""Every state change of the cases app. ``check_*`` validates, ``do_*`` executes.

Each ``do_*`` runs in one transaction, writes the case timeline (CaseEvent) and the audit trail,
and sends its push event and notifications only after commit. Transitions lock the case row
(``SELECT ... FOR UPDATE``) and compare ``version``, so two people acting at once cannot both
succeed: the second gets a translated error naming ``version`` (or ``action``)."""

from __future__ import annotations

from rasad.cases.actions.answers import do_answer_case
from rasad.cases.actions.calendar import (
    do_delete_holiday,
    do_set_holiday,
    do_update_holiday,
    do_update_working_calendar,
    recompute_due_times,
)
from rasad.cases.actions.cases import (
    EDITABLE_FIELDS,
    CaseValues,
    check_case_values,
    do_open_case,
    do_set_case_deadline,
    do_update_case,
)
from rasad.cases.actions.collaboration import (
    check_attachment,
    do_add_attachment,
    do_add_comment,
    do_mark_notifications_read,
)
from rasad.cases.actions.common import (
    ALLOWED_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES,
    MENTION,
    REFERENCE_PREFIX,
    attachment_accept,
)
from rasad.cases.actions.consolidation import FORWARDABLE, do_forward_dossier, do_merge_cases
from rasad.cases.actions.escalation import (
    do_escalate_case,
    do_escalate_case_by_hand,
    escalation_target,
    may_escalate,
    may_escalate_owner_cases,
)
from rasad.cases.actions.problems import Occurrence, do_add_occurrence, do_raise_problem
from rasad.cases.actions.transitions import (
    allowed_actions,
    assignee_candidates,
    check_transition,
    do_transition_case,
    may_take_steps,
)

__all__ = [
    "ALLOWED_ATTACHMENTS",
    "EDITABLE_FIELDS",
    "FORWARDABLE",
    "MAX_ATTACHMENT_BYTES",
    "MENTION",
    "REFERENCE_PREFIX",
    "CaseValues",
    "Occurrence",
    "allowed_actions",
    "assignee_candidates",
    "attachment_accept",
    "check_attachment",
    "check_case_values",
    "check_transition",
    "do_add_attachment",
    "do_add_comment",
    "do_add_occurrence",
    "do_answer_case",
    "do_delete_holiday",
    "do_escalate_case",
    "do_escalate_case_by_hand",
    "do_forward_dossier",
    "do_mark_notifications_read",
    "do_merge_cases",
    "do_open_case",
    "do_raise_problem",
    "do_set_case_deadline",
    "do_set_holiday",
    "do_transition_case",
    "do_update_case",
    "do_update_holiday",
    "do_update_working_calendar",
    "escalation_target",
    "may_escalate",
    "may_escalate_owner_cases",
    "may_take_steps",
    "recompute_due_times",
]
