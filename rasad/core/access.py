"""Single-object access helpers: one error for "missing" and "forbidden".

A user never learns that an object outside their scope exists: both cases raise
``ObjectNotFound`` (HTTP 404). When the object does exist, the refusal is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import Organization, User

_M = TypeVar("_M", bound=models.Model)


class ObjectNotFound(Http404):
    """Raised for objects that do not exist and for objects outside the user's scope alike."""


def access_object(
    queryset: models.QuerySet[_M], user: User | AnonymousUser, pk: Any, *, action: str = "view"
) -> _M:
    """Fetch ``pk`` from ``queryset`` if ``user`` may perform ``action`` on it."""
    visible: models.QuerySet[_M] = queryset.visible_to(user, action)  # type: ignore[attr-defined]
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
    raise ObjectNotFound(_("No such object, or you may not see it."))


def access_organization_by_id(user: User | AnonymousUser, pk: Any, *, action: str = "view") -> Organization:
    from rasad.core.models import Organization

    organization: Organization = access_object(Organization.objects.all(), user, pk, action=action)
    return organization


def can(user: User | AnonymousUser, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may perform ``action`` on ``obj`` (an Organization or an owned record)."""
    from rasad.core.scope import organization_scope

    organization = obj if obj._meta.model_name == "organization" else obj.organization  # type: ignore[attr-defined]
    return organization_scope(user, type(obj), action).contains(organization)


def require_in_scope(user: User | AnonymousUser, action: str, obj: models.Model) -> None:
    """Re-check after a write, inside the same transaction: raising rolls the write back (NetBox)."""
    if not can(user, action, obj):
        raise ObjectNotFound(_("No such object, or you may not see it."))


def require_permission_in_scope(
    user: User | AnonymousUser, permission: str, organization: Organization
) -> None:
    """Like ``require_in_scope`` for a permission named in full (``core.add_grant``)."""
    from rasad.core.scope import scope_for_permission

    if not scope_for_permission(user, permission).contains(organization):
        raise ObjectNotFound(_("No such object, or you may not see it."))
