"""Case actions: the working calendar (platform administrators)."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasad.cases.audit import (
    CaseAuditEvent,
    audit_calendar_event,
)
from rasad.cases.calendar import compute_due
from rasad.cases.models import (
    Case,
    Holiday,
    WorkingCalendarSettings,
)
from rasad.core.models import User
from rasad.lib.persian import normalize_text


def _require_platform_admin(acting_user: User | None) -> None:
    if acting_user is not None and not acting_user.is_superuser:
        raise PermissionDenied(_("Only a platform administrator may change the working calendar."))


@transaction.atomic
def do_set_holiday(
    day: date, name_fa: str, *, acting_user: User | None, name_en: str = "", kind: str = "one_off"
) -> Holiday:
    _require_platform_admin(acting_user)
    name = normalize_text(name_fa)
    if not name:
        raise ValidationError({"name_fa": [_("A name is required.")]})
    holiday, created = Holiday.objects.update_or_create(
        date=day, name_fa=name, defaults={"name_en": name_en.strip(), "kind": kind}
    )
    audit_calendar_event(
        CaseAuditEvent.HOLIDAY_CHANGED,
        acting_user=acting_user,
        obj=holiday,
        new={"date": day, "name_fa": name, "kind": kind, "created": created},
    )
    recompute_due_times(acting_user=acting_user)
    return holiday


@transaction.atomic
def do_update_holiday(
    holiday: Holiday,
    *,
    acting_user: User | None,
    day: date,
    name_fa: str,
    name_en: str = "",
    kind: str = "one_off",
) -> Holiday:
    """Correct a holiday's date, names or kind, then recompute every open case's due time."""
    _require_platform_admin(acting_user)
    name = normalize_text(name_fa)
    if not name:
        raise ValidationError({"name_fa": [_("A name is required.")]})
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    if Holiday.objects.filter(date=day, name_fa=name).exclude(pk=holiday.pk).exists():
        raise ValidationError({"date": [_("A holiday with this name is already on that date.")]})
    old = {"date": holiday.date, "name_fa": holiday.name_fa, "name_en": holiday.name_en, "kind": holiday.kind}
    holiday.date, holiday.name_fa, holiday.name_en, holiday.kind = day, name, name_en.strip(), kind
    new = {"date": holiday.date, "name_fa": holiday.name_fa, "name_en": holiday.name_en, "kind": holiday.kind}
    changed = [key for key in old if old[key] != new[key]]
    if not changed:
        return holiday
    holiday.save(update_fields=["date", "name_fa", "name_en", "kind", "last_updated"])
    audit_calendar_event(
        CaseAuditEvent.HOLIDAY_CHANGED,
        acting_user=acting_user,
        obj=holiday,
        old={key: old[key] for key in changed},
        new={key: new[key] for key in changed},
    )
    recompute_due_times(acting_user=acting_user)
    return holiday


@transaction.atomic
def do_delete_holiday(holiday: Holiday, *, acting_user: User | None) -> None:
    _require_platform_admin(acting_user)
    audit_calendar_event(
        CaseAuditEvent.HOLIDAY_CHANGED,
        acting_user=acting_user,
        obj=holiday,
        old={"date": holiday.date, "name_fa": holiday.name_fa, "kind": holiday.kind},
    )
    holiday.delete()
    recompute_due_times(acting_user=acting_user)


def recompute_due_times(*, acting_user: User | None) -> int:
    """After the calendar changes, recompute the due time of every open case."""
    from rasad.cases.calendar import current_calendar

    calendar = current_calendar()
    changed = 0
    for case in Case.objects.open().select_for_update().order_by("pk"):
        due = compute_due(case, calendar)
        if due != case.due_at:
            case.due_at = due
            if case.escalation_level == 0:
                case.next_escalation_at = due
            case.save(update_fields=["due_at", "next_escalation_at", "last_updated"])
            changed += 1
    audit_calendar_event(CaseAuditEvent.DUE_TIMES_RECOMPUTED, acting_user=acting_user, new={"cases": changed})
    return changed


@transaction.atomic
def do_update_working_calendar(
    *,
    acting_user: User | None,
    workday: tuple[time, time],
    thursday: tuple[time, time] | None,
) -> WorkingCalendarSettings:
    """Change the office week (Saturday-Wednesday hours; Thursday hours or closed), then
    recompute every open case's due time."""
    _require_platform_admin(acting_user)
    if not workday[0] < workday[1]:
        raise ValidationError({"workday_end": [_("A working day must end after it starts.")]})
    if thursday is not None and not thursday[0] < thursday[1]:
        raise ValidationError({"thursday_end": [_("A working day must end after it starts.")]})
    row: WorkingCalendarSettings
    row, _created = WorkingCalendarSettings.objects.select_for_update().get_or_create(
        code="default", defaults={"workday_start": workday[0], "workday_end": workday[1]}
    )
    old = {
        "workday": [row.workday_start, row.workday_end],
        "thursday": [row.thursday_start, row.thursday_end],
    }
    hours = (*workday, *(thursday if thursday is not None else (None, None)))
    if not _created and (row.workday_start, row.workday_end, row.thursday_start, row.thursday_end) == hours:
        return row  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
    row.workday_start, row.workday_end, row.thursday_start, row.thursday_end = hours
    row.save(update_fields=["workday_start", "workday_end", "thursday_start", "thursday_end", "last_updated"])
    audit_calendar_event(
        CaseAuditEvent.CALENDAR_CHANGED,
        acting_user=acting_user,
        obj=row,
        old=old,
        new={"workday": list(workday), "thursday": list(thursday) if thursday else None},
    )
    recompute_due_times(acting_user=acting_user)
    return row
