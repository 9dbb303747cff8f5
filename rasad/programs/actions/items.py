"""Programme actions: what each party owes. An action item is a directive case opened by the
cases app's own action; an indicator target is a value a party's indicator must reach."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.cases.actions import CaseValues, do_open_case
from rasad.cases.choices import CaseKind, Priority
from rasad.cases.models import Category
from rasad.core.access import require_scope
from rasad.core.audit_log import changes
from rasad.core.models import Organization, User
from rasad.indicators.models import Indicator
from rasad.lib.actions import Errors
from rasad.lib.jalali import local_date
from rasad.programs.actions.common import day, lock, may_see, push
from rasad.programs.audit import ProgrammeAuditEvent, audit_programme
from rasad.programs.choices import OPEN_FOR_ITEMS, Comparator, ProgrammeStatus
from rasad.programs.models import ActionItem, IndicatorTarget, Objective, Party, Programme


def _check_party(programme: Programme, party: Party, errors: Errors) -> None:
    if party.programme_id != programme.pk:
        errors.add(
            "party",
            _("%(organization)s is not a party of this programme.")
            % {"organization": party.organization.name},
        )


def party_of(programme: Programme, organization: Organization) -> Party:
    """The party of ``programme`` that ``organization`` is; a translated error naming ``party``
    otherwise (an action item can only be assigned to a party)."""
    party: Party | None = programme.parties.filter(organization=organization).first()
    if party is None:
        raise ValidationError(
            {
                "party": [
                    _("%(organization)s is not a party of this programme.")
                    % {"organization": organization.name}
                ]
            }
        )
    return party


@dataclass
class ActionItemValues:
    """A new action item: the directive case's values, where it sits, and its weight."""

    objective: Objective
    party: Party
    title: str
    deadline: date | None
    category: Category
    description: str = ""
    priority: str = Priority.MEDIUM
    starts_on: date | None = None
    weight: int = 1


def check_action_item(values: ActionItemValues, *, today: date) -> date:
    """Validate what the programme decides about an action item (the case's own rules are checked
    by the cases action); returns its start date."""
    programme = values.objective.programme
    errors = Errors()
    if programme.status not in OPEN_FOR_ITEMS:
        errors.add(
            "programme",
            _("The programme is “%(status)s”; no action item can be added.")
            % {"status": ProgrammeStatus(programme.status).label},
        )
    _check_party(programme, values.party, errors)
    if not isinstance(values.weight, int) or not 1 <= values.weight <= 100:
        errors.add("weight", _("A weight is a whole number from 1 to 100."))
    starts_on = values.starts_on or max(programme.starts_on, today)
    if values.deadline is not None:
        if values.deadline < starts_on:
            errors.add(
                "starts_on",
                _("The start %(start)s is after the deadline %(deadline)s.")
                % {"start": day(starts_on), "deadline": day(values.deadline)},
            )
        if values.deadline > programme.ends_on:
            errors.add(
                "deadline",
                _("The deadline %(deadline)s is after the programme ends (%(end)s).")
                % {"deadline": day(values.deadline), "end": day(programme.ends_on)},
            )
    if starts_on < programme.starts_on:
        errors.add(
            "starts_on",
            _("The start %(start)s is before the programme starts (%(programme_start)s).")
            % {"start": day(starts_on), "programme_start": day(programme.starts_on)},
        )
    errors.raise_if_any()
    return starts_on


@transaction.atomic
def do_add_action_item(
    values: ActionItemValues, *, acting_user: User, now: datetime | None = None
) -> ActionItem:
    """Add an action item: open its directive case (reported by the lead, owned by the party,
    raised for the objective) through the cases app's action, and place it in the programme.

    The case is opened by the system on the programme's authority: by signing, a party accepted
    that the lead routes the programme's action items to it, so the acting user needs the right
    to add action items over the lead, not the right to route cases to every party."""
    moment = now or timezone.now()
    programme = values.objective.programme
    require_scope(acting_user, ActionItem, "add", programme.organization)
    locked = lock(programme)
    values.objective.programme = locked
    starts_on = check_action_item(values, today=local_date(moment))
    case = do_open_case(
        CaseValues(
            kind=CaseKind.DIRECTIVE,
            category=values.category,
            title=values.title,
            reporter_organization=locked.organization,
            owner_organization=values.party.organization,
            description=values.description,
            priority=values.priority,
            deadline=values.deadline,
            origin=locked.title[:300],
            watchers=[acting_user],
        ),
        acting_user=None,
        now=moment,
        source=values.objective,
    )
    item = ActionItem.objects.create(
        programme=locked,
        objective=values.objective,
        party=values.party,
        case=case,
        weight=values.weight,
        starts_on=starts_on,
        created_by=acting_user,
    )
    audit_programme(
        ProgrammeAuditEvent.ACTION_ITEM_ADDED,
        locked,
        acting_user=acting_user,
        obj=item,
        new={
            "case": case.pk,
            "reference": case.reference,
            "objective": values.objective.pk,
            "party": values.party.organization_id,
            "weight": item.weight,
            "starts_on": starts_on,
            "deadline": case.deadline,
        },
    )
    push("programme.changed", locked)
    return item


@transaction.atomic
def do_update_action_item(
    item: ActionItem,
    *,
    acting_user: User,
    weight: int | None = None,
    starts_on: date | None = None,
    objective: Objective | None = None,
) -> ActionItem:
    """Change where an action item sits (objective of the same programme), its weight or its
    start. Its title, deadline and workflow belong to its case."""
    programme = item.programme
    require_scope(acting_user, ActionItem, "change", programme.organization)
    lock(programme)
    errors = Errors()
    old = {"weight": item.weight, "starts_on": item.starts_on, "objective": item.objective_id}
    if weight is not None:
        if not isinstance(weight, int) or not 1 <= weight <= 100:
            errors.add("weight", _("A weight is a whole number from 1 to 100."))
        item.weight = weight
    if objective is not None:
        if objective.programme_id != programme.pk:
            errors.add("objective", _("Choose an objective of this programme."))
        item.objective = objective
    if starts_on is not None:
        deadline = item.case.deadline
        if deadline is not None and starts_on > deadline:
            errors.add(
                "starts_on",
                _("The start %(start)s is after the deadline %(deadline)s.")
                % {"start": day(starts_on), "deadline": day(deadline)},
            )
        if starts_on < programme.starts_on:
            errors.add(
                "starts_on",
                _("The start %(start)s is before the programme starts (%(programme_start)s).")
                % {"start": day(starts_on), "programme_start": day(programme.starts_on)},
            )
        item.starts_on = starts_on
    errors.raise_if_any()
    new = {"weight": item.weight, "starts_on": item.starts_on, "objective": item.objective_id}
    changed = {key for key in new if new[key] != old[key]}
    if not changed:
        return item
    item.save(update_fields=["weight", "starts_on", "objective", "last_updated"])
    audit_programme(
        ProgrammeAuditEvent.ACTION_ITEM_CHANGED,
        programme,
        acting_user=acting_user,
        obj=item,
        old={key: old[key] for key in sorted(changed)},
        new={key: new[key] for key in sorted(changed)},
    )
    push("programme.changed", programme)
    return item


# ---------------------------------------------------------------------------------------------
# Indicator targets
# ---------------------------------------------------------------------------------------------


@dataclass
class IndicatorTargetValues:
    objective: Objective
    party: Party
    indicator: Indicator
    organization: Organization
    comparator: str
    target_value: float | None
    due_on: date | None
    weight: int = 1


def _check_target(values: IndicatorTargetValues, acting_user: User, errors: Errors) -> None:
    programme = values.objective.programme
    _check_party(programme, values.party, errors)
    if values.comparator not in Comparator.values:
        errors.add("comparator", _("Choose “at least” or “at most”."))
    if values.target_value is None:
        errors.add("target_value", _("Give the value to reach."))
    if values.due_on is None:
        errors.add("due_on", _("Give the date by which the value must be reached."))
    elif not programme.starts_on <= values.due_on <= programme.ends_on:
        errors.add(
            "due_on",
            _("The date %(date)s is outside the programme (%(start)s to %(end)s).")
            % {"date": day(values.due_on), "start": day(programme.starts_on), "end": day(programme.ends_on)},
        )
    if not isinstance(values.weight, int) or not 1 <= values.weight <= 100:
        errors.add("weight", _("A weight is a whole number from 1 to 100."))
    organization = values.organization
    if not may_see(acting_user, organization):
        errors.add("organization", _("No such organization, or you may not see it."))
    elif not organization.path.startswith(values.party.organization.path):
        errors.add(
            "organization",
            _("The values counted must be those of %(party)s or of an organization under it.")
            % {"party": values.party.organization.name},
        )


def _target_snapshot(target: IndicatorTarget) -> dict[str, Any]:
    """What an indicator target's audit event compares; the same before and after, the action
    writes and audits nothing."""
    return {
        "objective": target.objective_id,
        "indicator": target.indicator_id,
        "organization": target.organization_id,
        "comparator": target.comparator,
        "target_value": target.target_value,
        "due_on": target.due_on,
        "weight": target.weight,
        "party": target.party_id,
    }


@transaction.atomic
def do_save_indicator_target(
    values: IndicatorTargetValues, *, acting_user: User, instance: IndicatorTarget | None = None
) -> IndicatorTarget:
    programme = values.objective.programme
    require_scope(
        acting_user, IndicatorTarget, "add" if instance is None else "change", programme.organization
    )
    locked = lock(programme)
    values.objective.programme = locked
    errors = Errors()
    if locked.status not in OPEN_FOR_ITEMS:
        errors.add(
            "programme",
            _("The programme is “%(status)s”; its targets cannot change.")
            % {"status": ProgrammeStatus(locked.status).label},
        )
    if instance is not None and instance.programme_id != locked.pk:
        errors.add("objective", _("Choose an objective of this programme."))
    _check_target(values, acting_user, errors)
    errors.raise_if_any()
    assert values.target_value is not None and values.due_on is not None
    target = instance or IndicatorTarget(programme=locked)
    old = _target_snapshot(target) if instance else {}
    target.objective = values.objective
    target.party = values.party
    target.indicator = values.indicator
    target.organization = values.organization
    target.comparator = values.comparator
    target.target_value = float(values.target_value)
    target.due_on = values.due_on
    target.weight = values.weight
    new = _target_snapshot(target)
    if instance is not None and new == old:
        return target
    if instance is None:
        target.save()
    else:
        target.save(
            update_fields=[
                "objective",
                "party",
                "indicator",
                "organization",
                "comparator",
                "target_value",
                "due_on",
                "weight",
                "last_updated",
            ]
        )
    before, after = changes(old, new)
    audit_programme(
        ProgrammeAuditEvent.INDICATOR_TARGET_SAVED,
        locked,
        acting_user=acting_user,
        obj=target,
        old=before if instance else None,
        new=after,
    )
    push("programme.changed", locked)
    return target


@transaction.atomic
def do_delete_indicator_target(target: IndicatorTarget, *, acting_user: User) -> None:
    programme = target.programme
    require_scope(acting_user, IndicatorTarget, "delete", programme.organization)
    locked = lock(programme)
    if locked.status not in OPEN_FOR_ITEMS:
        raise ValidationError(
            {
                "programme": [
                    _("The programme is “%(status)s”; its targets cannot change.")
                    % {"status": ProgrammeStatus(locked.status).label}
                ]
            }
        )
    audit_programme(
        ProgrammeAuditEvent.INDICATOR_TARGET_DELETED,
        locked,
        acting_user=acting_user,
        obj=target,
        old={"indicator": target.indicator_id, "target_value": target.target_value},
    )
    target.delete()
    push("programme.changed", locked)


@transaction.atomic
def do_import_action_items(
    programme: Programme,
    rows: Sequence[tuple[int, ActionItemValues]],
    *,
    acting_user: User,
    sha256: str,
    now: datetime | None = None,
) -> list[ActionItem]:
    """Add every row's action item through ``do_add_action_item``, or none: a row the action
    refuses is reported as ``rows[<row>].<field>`` and everything is rolled back. One audit event
    for the batch carries the file's SHA-256 and the ids."""
    require_scope(acting_user, ActionItem, "add", programme.organization)
    errors: dict[str, list[str]] = {}
    items: list[ActionItem] = []
    for number, values in rows:
        try:
            with transaction.atomic():
                items.append(do_add_action_item(values, acting_user=acting_user, now=now))
        except ValidationError as error:
            named = (
                error.message_dict.items() if hasattr(error, "error_dict") else [("title", error.messages)]
            )
            for field, messages in named:
                errors.setdefault(f"rows[{number}].{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    audit_programme(
        ProgrammeAuditEvent.ACTION_ITEMS_IMPORTED,
        programme,
        acting_user=acting_user,
        new={"count": len(items), "action_items": [item.pk for item in items], "sha256": sha256},
    )
    return items
