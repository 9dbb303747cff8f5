"""Every state change of the training app. ``check_*`` validates, ``do_*`` executes.

Each ``do_*`` runs in one transaction, checks the acting user's scope (refusals are the 404 of a
missing object), writes its audit event and pushes its event after commit."""

from __future__ import annotations

from rasad.training.actions.catalogue import (
    CourseValues,
    EventValues,
    RequirementValues,
    check_event,
    do_assign_position,
    do_cancel_event,
    do_end_position,
    do_save_course,
    do_save_event,
    do_save_requirement,
)
from rasad.training.actions.common import add_months
from rasad.training.actions.enrolment import (
    AttendanceMark,
    RosterRow,
    audience_membership,
    do_cancel_enrolment,
    do_enrol,
    do_import_roster,
    do_record_attendance,
    may_cancel,
    missing_prerequisites,
)

__all__ = [
    "AttendanceMark",
    "CourseValues",
    "EventValues",
    "RequirementValues",
    "RosterRow",
    "add_months",
    "audience_membership",
    "check_event",
    "do_assign_position",
    "do_cancel_enrolment",
    "do_cancel_event",
    "do_end_position",
    "do_enrol",
    "do_import_roster",
    "do_record_attendance",
    "do_save_course",
    "do_save_event",
    "do_save_requirement",
    "may_cancel",
    "missing_prerequisites",
]
