"""Every state change of the programmes app. ``check_*`` validates, ``do_*`` executes.

Each ``do_*`` runs in one transaction, locks the programme row, checks the acting user's scope
over the lead organization (or, for a status report, over the party that owes it), writes its
audit event, and pushes its event after commit. Action items and report requests are directive
cases opened by the cases app's own action; nothing of the case workflow, SLA or escalation is
re-implemented here."""

from __future__ import annotations

from rasad.programs.actions.attachments import do_add_programme_attachment
from rasad.programs.actions.items import (
    ActionItemValues,
    IndicatorTargetValues,
    check_action_item,
    do_add_action_item,
    do_delete_indicator_target,
    do_import_action_items,
    do_save_indicator_target,
    do_update_action_item,
    party_of,
)
from rasad.programs.actions.programmes import (
    PartyValues,
    ProgrammeValues,
    allowed_steps,
    check_programme_values,
    do_add_party,
    do_create_programme,
    do_remove_party,
    do_transition_programme,
    do_update_party,
    do_update_programme,
    readiness_errors,
)
from rasad.programs.actions.reports import (
    ReportValues,
    do_request_status_reports,
    do_submit_status_report,
    due_date,
    may_submit,
    reporting_season,
)
from rasad.programs.actions.structure import (
    PartValues,
    do_delete_axis,
    do_delete_objective,
    do_save_axis,
    do_save_objective,
    do_set_axis_weights,
    do_set_objective_weights,
)

__all__ = [
    "ActionItemValues",
    "IndicatorTargetValues",
    "PartValues",
    "PartyValues",
    "ProgrammeValues",
    "ReportValues",
    "allowed_steps",
    "check_action_item",
    "check_programme_values",
    "do_add_action_item",
    "do_add_party",
    "do_add_programme_attachment",
    "do_create_programme",
    "do_delete_axis",
    "do_delete_indicator_target",
    "do_delete_objective",
    "do_import_action_items",
    "do_remove_party",
    "do_request_status_reports",
    "do_save_axis",
    "do_save_indicator_target",
    "do_save_objective",
    "do_set_axis_weights",
    "do_set_objective_weights",
    "do_submit_status_report",
    "do_transition_programme",
    "do_update_action_item",
    "do_update_party",
    "do_update_programme",
    "due_date",
    "may_submit",
    "party_of",
    "readiness_errors",
    "reporting_season",
]
