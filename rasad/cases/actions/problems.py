"""One case per ongoing problem, whatever raises it.

A record that signals a problem (an indicator's threshold breach, a field post gone silent, a
device's high-severity alarm) names the problem by a key (``source_key``). The first signal
opens a case; every later signal with the same key joins that case while it is open: an entry in
its timeline and, when the signal is critical, a higher priority. Once the case is closed, the
next signal opens a new one. Signals of one organization's problems are taken one at a time
(the organization's row is locked), so two signals arriving together open one case, not two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from rasad.cases.actions.cases import CaseValues, do_open_case
from rasad.cases.actions.common import _event, _now, _push
from rasad.cases.audit import CaseAuditEvent, audit_occurrence_added
from rasad.cases.calendar import compute_due
from rasad.cases.choices import OPEN_STATUSES, Priority
from rasad.cases.models import Case
from rasad.core.models import Organization


@dataclass(frozen=True)
class Occurrence:
    """One signal of a problem, as the case's timeline records it."""

    action: str  # the timeline entry's action ("breach", "outage", "device_event", ...)
    note: str  # the sentence a person reads (stored: in Persian, with Persian digits)
    data: dict[str, Any] = field(default_factory=dict)
    critical: bool = False  # raises a joined case to critical priority


def _record(case: Case, occurrence: Occurrence) -> None:
    _event(
        case, occurrence.action, actor=None, created=_now(None), note=occurrence.note, data=occurrence.data
    )


def _open_problem_case(key: str) -> Case | None:
    """The open case of problem ``key``, locked, or None."""
    case: Case | None = (
        Case.objects.select_for_update()
        .filter(source_key=key, status__in=OPEN_STATUSES)
        .order_by("-opened_at", "-pk")
        .first()
    )
    return case


@transaction.atomic
def do_raise_problem(
    key: str,
    organization: Organization,
    occurrence: Occurrence,
    new_case: Callable[[], CaseValues | None],
    *,
    source: models.Model | None = None,
    source_display: str = "",
    audit_event: CaseAuditEvent = CaseAuditEvent.OCCURRENCE_ADDED,
) -> Case | None:
    """Join ``occurrence`` to the open case of problem ``key`` at ``organization``, or open one
    with the values ``new_case`` gives (None: no case can be filed, e.g. no category exists; then
    nothing is written). The system acts: no person is the actor."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    case = _open_problem_case(key)
    if case is None:
        values = new_case()
        if values is None:
            return None
        case = do_open_case(
            values, acting_user=None, source=source, source_key=key, source_display=source_display
        )
        _event(
            case,
            occurrence.action,
            actor=None,
            created=_now(None),
            note=occurrence.note,
            data=occurrence.data,
        )
        return case
    do_add_occurrence(case, occurrence, audit_event=audit_event)
    return case


def do_add_occurrence(
    case: Case, occurrence: Occurrence, *, audit_event: CaseAuditEvent = CaseAuditEvent.OCCURRENCE_ADDED
) -> Case:
    """Record ``occurrence`` in ``case``'s timeline (the case locked by the caller), raising it to
    critical when the occurrence is; audited and pushed after commit."""
    old_priority = case.priority
    if occurrence.critical and case.priority != Priority.CRITICAL:
        case.priority = Priority.CRITICAL
        case.due_at = compute_due(case)
        if case.escalation_level == 0:
            case.next_escalation_at = case.due_at
    case.version += 1
    case.save(update_fields=["priority", "due_at", "next_escalation_at", "version", "last_updated"])
    _event(
        case, occurrence.action, actor=None, created=_now(None), note=occurrence.note, data=occurrence.data
    )
    audit_occurrence_added(case, audit_event, data=occurrence.data, old_priority=old_priority)
    _push("case.changed", case)
    return case
