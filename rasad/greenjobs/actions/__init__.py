"""Every state change of the green-jobs app. ``check_*`` validates, ``do_*`` executes.

Each ``do_*`` runs in one transaction, checks the acting user's scope (refusals are the 404 of a
missing object), writes its audit event and pushes its event after commit."""

from __future__ import annotations

from rasad.greenjobs.actions.applications import (
    STEPS,
    ApplicationValues,
    Correction,
    do_apply,
    do_approve_application,
    do_attach_document,
    do_check_eligibility,
    do_close_application,
    do_confirm_compliance,
    do_confirm_training,
    do_create_application,
    do_pay_instalment,
    do_refuse_application,
    do_resubmit_application,
    do_return_application,
    do_submit_application,
)
from rasad.greenjobs.actions.certification import (
    EXPIRY_NOTICE_DAYS,
    add_months,
    do_grant_certificate,
    do_notify_expiry,
    do_record_site_visit,
    do_refuse_certificate,
    do_request_certificate,
)
from rasad.greenjobs.actions.outcomes import (
    OUTCOME_NOTICE_DAYS,
    DueMilestone,
    OutcomeValues,
    do_remind_outcome,
    do_report_outcome,
    due_milestones,
    workshop_people,
)
from rasad.greenjobs.actions.registry import (
    BusinessValues,
    OccupationValues,
    SchemeValues,
    check_documents,
    do_save_business,
    do_save_occupation,
    do_save_scheme,
)

__all__ = [
    "EXPIRY_NOTICE_DAYS",
    "OUTCOME_NOTICE_DAYS",
    "STEPS",
    "ApplicationValues",
    "BusinessValues",
    "Correction",
    "DueMilestone",
    "OccupationValues",
    "OutcomeValues",
    "SchemeValues",
    "add_months",
    "check_documents",
    "do_apply",
    "do_approve_application",
    "do_attach_document",
    "do_check_eligibility",
    "do_close_application",
    "do_confirm_compliance",
    "do_confirm_training",
    "do_create_application",
    "do_grant_certificate",
    "do_notify_expiry",
    "do_pay_instalment",
    "do_record_site_visit",
    "do_refuse_application",
    "do_refuse_certificate",
    "do_remind_outcome",
    "do_report_outcome",
    "do_request_certificate",
    "do_resubmit_application",
    "do_return_application",
    "do_save_business",
    "do_save_occupation",
    "do_save_scheme",
    "do_submit_application",
    "due_milestones",
    "workshop_people",
]
