"""Single-object access helpers: one error for "missing" and "forbidden".

A user never learns that an object outside their scope exists: both cases raise
``ObjectNotFound`` (HTTP 404). When the object does exist, the refusal is audited.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import Organization, User

_M = TypeVar("_M", bound=models.Model)


class ObjectNotFound(Http404):
    """Raised for objects that do not exist and for objects outside the user's scope alike."""

    # A refusal an action raised inside its transaction (``require_scope``, ``require_in_scope``):
    # who was refused what where, audited where the refusal is answered
    # (``audit_deferred_refusal``), since the rollback the refusal causes would take an audit
    # event written in the action's transaction with it.
    refused: Refused | None = None


@dataclass(frozen=True)
class Refused:
    """What a deferred refusal records: ``user`` was refused ``action`` on the record ``model``
    ``pk`` when that record is there once the action's writes are rolled back (it was there
    before them); else (a record the rolled-back writes made, whose id then names nothing, or an
    unsaved one) the ``permission`` at the first of ``organizations`` still there (where the
    record was to be, then its ancestors, nearest first)."""

    user: Any
    permission: str
    organizations: tuple[int, ...]
    model: type[models.Model] | None = None
    pk: Any = None
    action: str = ""


def session_verified(user: Any) -> bool:
    """Whether the signed-in session has passed two-factor: django-otp's middleware gives the
    request's user ``is_verified`` at run time (a user without it has not)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def session_passed_two_factor(user: Any) -> bool:
    """Whether a signed-in session may act: users who must use two-factor need a verified
    session."""
    return not getattr(user, "requires_two_factor", False) or session_verified(user)


def refusal() -> ObjectNotFound:
    """The one answer to anything a user may not do or see: the 404 of a missing object."""
    return ObjectNotFound(gettext("No such object, or you may not see it."))


def visible_rows(
    queryset: models.QuerySet[_M], user: User | AnonymousUser, action: str = "view"
) -> models.QuerySet[_M]:
    """The rows of ``queryset`` on which ``user`` may ``action``: its ``visible_to``, which every
    queryset of a scoped model has (``rasad.core.querysets``), typed once here for the callers
    that hold a plain ``QuerySet``."""
    rows: models.QuerySet[_M] = queryset.visible_to(user, action)  # type: ignore[attr-defined]
    return rows


def access_object(
    queryset: models.QuerySet[_M], user: User | AnonymousUser, pk: Any, *, action: str = "view"
) -> _M:
    """Fetch ``pk`` from ``queryset`` if ``user`` may perform ``action`` on it."""
    visible = visible_rows(queryset, user, action)
    try:
        return visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        pass
    try:
        exists = queryset.filter(pk=pk).exists()
    except (ValueError, TypeError):
        exists = False
    if exists:
        from rasad.core.audit import record_access_denied

        record_access_denied(user, queryset.model, pk, action=action)
    raise refusal()


def access_organization_by_id(user: User | AnonymousUser, pk: Any, *, action: str = "view") -> Organization:
    from rasad.core.models import Organization

    organization: Organization = access_object(Organization.objects.all(), user, pk, action=action)
    return organization


def organization_of(obj: models.Model) -> Organization:
    """The organization a record belongs to, following its queryset's ``scope_field``."""
    scope_field = getattr(type(obj)._default_manager.all(), "scope_field", "organization")
    owner: Any = obj
    for part in () if scope_field == "self" else scope_field.split("__"):
        owner = getattr(owner, part)
    organization: Organization = owner
    return organization


def _scoped_by_field(model: type[models.Model]) -> bool:
    """Whether the model's rows belong to organizations only through ``scope_field`` (so a scope
    check can be made in memory), rather than in several ways (cases: reporter, owner, dossier)."""
    from rasad.core.querysets import ScopedQuerySet

    queryset = model._default_manager.all()
    return isinstance(queryset, ScopedQuerySet) and type(queryset).within is ScopedQuerySet.within


def can(user: User | AnonymousUser, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may perform ``action`` on ``obj``: a saved record, or an unsaved one that
    names its organization (``Target(organization=org)``: "may add a target here")."""
    from rasad.core.scope import organization_scope

    if obj.pk is None or _scoped_by_field(type(obj)):
        return organization_scope(user, type(obj), action).contains(organization_of(obj))
    visible = visible_rows(type(obj)._default_manager.all(), user, action)
    return bool(visible.filter(pk=obj.pk).exists())


def may_act_anywhere(user: User | AnonymousUser, model: type[models.Model], action: str) -> bool:
    """Whether ``user`` may ``action`` some row of ``model``, as the model's queryset says (a
    grant's permission for organization-owned rows; the queryset's own rule for reference data
    and personal rows)."""
    answer = _anywhere_answer(model)
    if answer is None:
        from rasad.core.scope import holds_anywhere

        return holds_anywhere(user, model, action)
    return bool(answer(user, action))


@functools.cache
def _anywhere_answer(model: type[models.Model]) -> Any:
    """The model's queryset's ``may_act_anywhere`` (bound to a queryset made once per model and
    never evaluated: every such answer reads only the queryset's model), or ``None``. Making the
    queryset at every call was about 1 % of a one-row write's Python (its ``Query`` built for
    nothing; docs/development/benchmarks.md, "Session 26")."""
    return getattr(model._default_manager.all(), "may_act_anywhere", None)


def permitted_ids(user: User | AnonymousUser, action: str, objects: Iterable[models.Model]) -> set[Any]:
    """The primary keys of those ``objects`` (saved, of one model) ``user`` may ``action``: the
    buttons of a list, in at most one query."""
    from rasad.core.scope import organization_scope

    rows = list(objects)
    if not rows:
        return set()
    model = type(rows[0])
    if _scoped_by_field(model):
        scope = organization_scope(user, model, action)
        return {row.pk for row in rows if scope.contains(organization_of(row))}
    visible = visible_rows(model._default_manager.all(), user, action)
    return set(visible.filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True))


def refuse(user: User | AnonymousUser, obj: models.Model, *, action: str) -> ObjectNotFound:
    """The refusal of ``action`` on an object the user may see: audited like any refusal, and the
    same 404 as a missing object (a forbidden step on a visible object gives nothing away)."""
    from rasad.core.audit import record_access_denied

    record_access_denied(user, type(obj), obj.pk, action=action)
    return refusal()


def refusal_at(user: User | AnonymousUser, permission: str, organization: Organization) -> ObjectNotFound:
    """The refusal of ``permission`` at ``organization``, audited where it is answered (by the
    request that asked; a check repeated where nobody asks, as a file's each read, audits
    nothing: the error is caught there)."""
    error = refusal()
    error.refused = Refused(user, permission, (organization.pk,))
    return error


def _refused_on(user: User | AnonymousUser, action: str, obj: models.Model) -> ObjectNotFound:
    """The refusal of ``action`` on ``obj`` after a write, audited where it is answered: on the
    record if it outlives the rollback, else at its organization or the nearest ancestor that
    does (``Refused``)."""
    from rasad.core.scope import permission_name

    organization = organization_of(obj)
    ancestors = reversed(organization.ancestor_ids() if organization.path else [])
    where = tuple(pk for pk in (organization.pk, *ancestors) if pk is not None)
    error = refusal()
    error.refused = Refused(
        user, permission_name(type(obj), action), where, model=type(obj), pk=obj.pk, action=action
    )
    return error


def audit_deferred_refusal(error: BaseException) -> None:
    """Audit the refusal of an action's own check (``require_scope``, ``require_in_scope``),
    once: called where the refusal is answered (the API's exception handler, the 404 page),
    after the action's transaction has been rolled back. Nothing for any other error."""
    refused = getattr(error, "refused", None)
    if not isinstance(error, ObjectNotFound) or refused is None:
        return
    error.refused = None
    from rasad.core.audit import record_access_denied
    from rasad.core.models import Organization

    model = refused.model
    if model is not None and refused.pk is not None and model._default_manager.filter(pk=refused.pk).exists():
        record_access_denied(refused.user, model, refused.pk, action=refused.action)
        return
    there = set(Organization.objects.filter(pk__in=refused.organizations).values_list("pk", flat=True))
    nearest = next((pk for pk in refused.organizations if pk in there), None)
    if nearest is not None:
        record_access_denied(refused.user, Organization, nearest, action=refused.permission)


def require_scope(
    user: User | AnonymousUser | None, model: type[models.Model], action: str, organization: Organization
) -> None:
    """Refuse (404, like a missing object) unless ``user`` may ``action`` on ``model`` at
    ``organization``. The system (``None``: the demo loader, a task) may. The refusal is
    audited where it is answered (``audit_deferred_refusal``)."""
    from rasad.core.scope import organization_scope, permission_name

    if user is not None and not organization_scope(user, model, action).contains(organization):
        raise refusal_at(user, permission_name(model, action), organization)


def require_in_scope(user: User | AnonymousUser, action: str, obj: models.Model) -> None:
    """Re-check after a write, inside the same transaction: raising rolls the write back (NetBox).
    The refusal is audited where it is answered (``audit_deferred_refusal``): on ``obj`` when it
    is there after the rollback, else (a record the write made, or an unsaved one) as the refusal
    of ``action``'s permission at its organization, or at the nearest ancestor still there."""
    if not can(user, action, obj):
        raise _refused_on(user, action, obj)


def require_permission_in_scope(
    user: User | AnonymousUser, permission: str, organization: Organization
) -> None:
    """Like ``require_in_scope`` for a permission named in full (``core.add_grant``)."""
    from rasad.core.scope import scope_for_permission

    if not scope_for_permission(user, permission).contains(organization):
        raise refusal_at(user, permission, organization)
