"""Programme actions: the structure (axes and objectives) and the weights the lead sets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rasad.core.access import require_scope
from rasad.core.audit_log import changes
from rasad.core.models import User
from rasad.lib.actions import Errors, text
from rasad.programs.actions.common import lock, number, push
from rasad.programs.audit import ProgrammeAuditEvent, audit_programme
from rasad.programs.choices import FINISHED_STATUSES, ProgrammeStatus
from rasad.programs.models import Axis, Objective, Programme


@dataclass
class PartValues:
    """An axis or an objective: its title, description, weight (percent) and order."""

    title: str
    description: str = ""
    weight: int = 0
    position: int | None = None


def _check_open(programme: Programme, errors: Errors) -> None:
    if programme.status in FINISHED_STATUSES:
        errors.add(
            "programme",
            _("The programme is “%(status)s”; its structure cannot change.")
            % {"status": ProgrammeStatus(programme.status).label},
        )


def _check_part(values: PartValues, errors: Errors) -> None:
    if not text(values.title):
        errors.add("title", _("A title is required."))
    if not isinstance(values.weight, int) or not 0 <= values.weight <= 100:
        errors.add("weight", _("A weight is a whole number from 0 to 100."))


def _snapshot(part: Axis | Objective) -> dict[str, Any]:
    """What an axis's or an objective's audit event compares (an objective's axis too); the same
    before and after, the action writes and audits nothing."""
    values: dict[str, Any] = {
        "title": part.title,
        "description": part.description,
        "weight": part.weight,
        "position": part.position,
    }
    if isinstance(part, Objective):
        values["axis"] = part.axis_id
    return values


def _write_part(
    part: Axis | Objective, values: PartValues, *, new: bool, siblings: Callable[[], int]
) -> None:
    """Write ``values`` on ``part`` (not saved). A new part goes after its ``siblings()`` unless
    ``values`` say where."""
    part.title = text(values.title, 300)
    part.description = text(values.description)
    part.weight = values.weight
    if values.position is not None:
        part.position = values.position
    elif new:
        part.position = siblings()


def _save_part(part: Axis | Objective, *, new: bool, moves: tuple[str, ...] = ()) -> None:
    """Insert a new part, or save a change (``moves``: the other fields a change saves)."""
    if new:
        part.save()
    else:
        part.save(update_fields=[*moves, "title", "description", "weight", "position", "last_updated"])


@transaction.atomic
def do_save_axis(
    programme: Programme, values: PartValues, *, acting_user: User, instance: Axis | None = None
) -> Axis:
    """Add an axis to ``programme`` (or change ``instance``; its own values change nothing)."""
    require_scope(acting_user, Axis, "add" if instance is None else "change", programme.organization)
    locked = lock(programme)
    errors = Errors()
    _check_open(locked, errors)
    _check_part(values, errors)
    errors.raise_if_any()
    axis = instance or Axis(programme=locked)
    old = _snapshot(axis) if instance else {}
    _write_part(axis, values, new=instance is None, siblings=locked.axes.count)
    if instance is not None and _snapshot(axis) == old:
        return axis
    _save_part(axis, new=instance is None)
    before, after = changes(old, _snapshot(axis))
    audit_programme(
        ProgrammeAuditEvent.AXIS_SAVED,
        locked,
        acting_user=acting_user,
        obj=axis,
        old=before if instance else None,
        new=after,
    )
    push("programme.changed", locked)
    return axis


@transaction.atomic
def do_delete_axis(axis: Axis, *, acting_user: User) -> None:
    programme = axis.programme
    require_scope(acting_user, Axis, "delete", programme.organization)
    locked = lock(programme)
    errors = Errors()
    _check_open(locked, errors)
    if axis.objectives.exists():
        errors.add("axis", _("The axis has objectives; delete or move them first."))
    errors.raise_if_any()
    audit_programme(
        ProgrammeAuditEvent.AXIS_DELETED, locked, acting_user=acting_user, obj=axis, old={"title": axis.title}
    )
    axis.delete()
    push("programme.changed", locked)


@transaction.atomic
def do_save_objective(
    axis: Axis, values: PartValues, *, acting_user: User, instance: Objective | None = None
) -> Objective:
    """Add an objective under ``axis`` (or change ``instance``, possibly moving it to ``axis``
    of the same programme; its own values change nothing)."""
    programme = axis.programme
    require_scope(acting_user, Objective, "add" if instance is None else "change", programme.organization)
    locked = lock(programme)
    errors = Errors()
    _check_open(locked, errors)
    _check_part(values, errors)
    if instance is not None and instance.programme_id != axis.programme_id:
        errors.add("axis", _("An objective stays in its programme."))
    errors.raise_if_any()
    objective = instance or Objective(programme=locked)
    old = _snapshot(objective) if instance else {}
    objective.axis = axis
    _write_part(objective, values, new=instance is None, siblings=axis.objectives.count)
    if instance is not None and _snapshot(objective) == old:
        return objective
    _save_part(objective, new=instance is None, moves=("axis",))
    before, after = changes(old, _snapshot(objective))
    audit_programme(
        ProgrammeAuditEvent.OBJECTIVE_SAVED,
        locked,
        acting_user=acting_user,
        obj=objective,
        old=before if instance else None,
        new=after,
    )
    push("programme.changed", locked)
    return objective


@transaction.atomic
def do_delete_objective(objective: Objective, *, acting_user: User) -> None:
    programme = objective.programme
    require_scope(acting_user, Objective, "delete", programme.organization)
    locked = lock(programme)
    errors = Errors()
    _check_open(locked, errors)
    if objective.action_items.exists() or objective.indicator_targets.exists():
        errors.add(
            "objective", _("The objective has action items or indicator targets; it cannot be deleted.")
        )
    errors.raise_if_any()
    audit_programme(
        ProgrammeAuditEvent.OBJECTIVE_DELETED,
        locked,
        acting_user=acting_user,
        obj=objective,
        old={"title": objective.title},
    )
    objective.delete()
    push("programme.changed", locked)


def _check_weights(
    weights: Mapping[int, int], expected: set[int], errors: Errors, message: Callable[[int], str]
) -> None:
    if set(weights) != expected:
        errors.add("weights", _("Give a weight for every part, and for nothing else."))
        return
    for value in weights.values():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            errors.add("weights", _("A weight is a whole number from 0 to 100."))
            return
    total = sum(weights.values())
    if total != 100:
        errors.add("weights", message(total))


@transaction.atomic
def do_set_axis_weights(programme: Programme, weights: Mapping[int, int], *, acting_user: User) -> Programme:
    """Set the weight of every axis of ``programme`` at once (axis id → percent); they must sum
    to 100."""
    require_scope(acting_user, Axis, "change", programme.organization)
    locked = lock(programme)
    errors = Errors()
    _check_open(locked, errors)
    axes = {axis.pk: axis for axis in locked.axes.all()}
    _check_weights(
        weights,
        set(axes),
        errors,
        lambda total: _("The weights of the axes sum to %(total)s, not 100.") % {"total": number(total)},
    )
    errors.raise_if_any()
    old = {str(pk): axis.weight for pk, axis in axes.items()}
    for pk, axis in axes.items():
        if axis.weight != weights[pk]:
            axis.weight = weights[pk]
            axis.save(update_fields=["weight", "last_updated"])
    audit_programme(
        ProgrammeAuditEvent.WEIGHTS_SET,
        locked,
        acting_user=acting_user,
        old={"axes": old},
        new={"axes": {str(pk): weight for pk, weight in weights.items()}},
    )
    push("programme.changed", locked)
    return locked


@transaction.atomic
def do_set_objective_weights(axis: Axis, weights: Mapping[int, int], *, acting_user: User) -> Axis:
    """Set the weight of every objective of ``axis`` at once (objective id → percent); they must
    sum to 100."""
    programme = axis.programme
    require_scope(acting_user, Objective, "change", programme.organization)
    locked = lock(programme)
    errors = Errors()
    _check_open(locked, errors)
    objectives = {objective.pk: objective for objective in axis.objectives.all()}
    _check_weights(
        weights,
        set(objectives),
        errors,
        lambda total: (
            _("The weights of the objectives of “%(axis)s” sum to %(total)s, not 100.")
            % {"axis": axis.title, "total": number(total)}
        ),
    )
    errors.raise_if_any()
    old = {str(pk): objective.weight for pk, objective in objectives.items()}
    for pk, objective in objectives.items():
        if objective.weight != weights[pk]:
            objective.weight = weights[pk]
            objective.save(update_fields=["weight", "last_updated"])
    audit_programme(
        ProgrammeAuditEvent.WEIGHTS_SET,
        locked,
        acting_user=acting_user,
        obj=axis,
        old={"objectives": old},
        new={"objectives": {str(pk): weight for pk, weight in weights.items()}},
    )
    push("programme.changed", locked)
    return axis
