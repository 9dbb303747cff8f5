"""Turn a user's grants into the set of organizations an action is allowed on.

A grant gives a role over one organization, that organization and its subtree, or a working
group's organizations (each optionally with its subtree). A role names Django permissions
(``<app_label>.<action>_<model>``). For a (user, model, action) the scope is the union of the
organizations of every enabled, unexpired grant whose role holds that permission. Superusers see
everything. The result is memoized on the user object for the life of the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User


def permission_name(model: type[models.Model], action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


@dataclass(frozen=True)
class Scope:
    """Where an action is allowed: everywhere, nowhere, or the organizations matching ``rules``.

    ``rules`` are (path, include_descendants) pairs.
    """

    is_everything: bool = False
    rules: tuple[tuple[str, bool], ...] = field(default_factory=tuple)

    @property
    def is_nothing(self) -> bool:
        return not self.is_everything and not self.rules

    def as_q(self, prefix: str = "") -> Q:
        """A filter on Organization (or on ``<prefix>`` pointing at one)."""
        if self.is_everything:
            return Q()
        if not self.rules:
            return Q(pk__in=[])
        clauses = [
            Q(**{f"{prefix}path__startswith": path}) if subtree else Q(**{f"{prefix}path": path})
            for path, subtree in self.rules
        ]
        return reduce(or_, clauses)

    def organization_ids(self) -> models.QuerySet[Any]:
        from rasad.core.models import Organization

        return Organization.objects.filter(self.as_q()).values("pk")

    def contains(self, organization: Any) -> bool:
        if self.is_everything:
            return True
        path: str = organization.path
        return any(path.startswith(rule) if subtree else path == rule for rule, subtree in self.rules)


EVERYTHING = Scope(is_everything=True)
NOTHING = Scope()


def organization_scope(user: User | AnonymousUser, model: type[models.Model], action: str) -> Scope:
    return scope_for_permission(user, permission_name(model, action))


def scope_for_permission(user: User | AnonymousUser, permission: str) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cache: dict[str, Scope] = user.__dict__.setdefault("_rasad_scope_cache", {})
    if permission not in cache:
        cache[permission] = _compute_scope(user, permission)
    return cache[permission]


def clear_scope_cache(user: User | AnonymousUser) -> None:
    user.__dict__.pop("_rasad_scope_cache", None)


def _compute_scope(user: User, permission: str) -> Scope:
    from rasad.core.models import Grant, Organization

    app_label, codename = permission.split(".", 1)
    grants = (
        Grant.objects.filter(
            user=user,
            is_enabled=True,
            role__permissions__codename=codename,
            role__permissions__content_type__app_label=app_label,
        )
        .filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))
        .select_related("organization", "working_group")
    )
    rules: set[tuple[str, bool]] = set()
    group_ids: dict[int, bool] = {}
    for grant in grants:
        if grant.organization is not None:
            rules.add((grant.organization.path, grant.include_descendants))
        elif grant.working_group is not None:
            subtree = grant.include_descendants and grant.working_group.include_descendants
            group_ids[grant.working_group.pk] = group_ids.get(grant.working_group.pk, False) or subtree
    if group_ids:
        members = Organization.objects.filter(working_groups__in=list(group_ids)).values_list(
            "path", "working_groups"
        )
        for path, group_id in members:
            rules.add((path, group_ids[group_id]))
    # A subtree rule makes narrower rules under it redundant; dropping them keeps the SQL small.
    subtrees = sorted(path for path, subtree in rules if subtree)
    kept = [
        (path, subtree)
        for path, subtree in sorted(rules)
        if not any(path.startswith(other) and (path, subtree) != (other, True) for other in subtrees)
    ]
    return Scope(rules=tuple(kept))


def permissions_over(user: User, organization: Any) -> set[str] | None:
    """Every permission ``user`` holds over ``organization`` (``None`` for a superuser: all).

    Used to stop a grantor from handing out more than they hold there themselves.
    """
    from rasad.core.models import Grant, Organization

    if user.is_superuser:
        return None
    path: str = organization.path
    grants = (
        Grant.objects.filter(user=user, is_enabled=True)
        .filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))
        .select_related("organization", "working_group")
        .prefetch_related("role__permissions__content_type")
    )
    held: set[str] = set()
    for grant in grants:
        if grant.organization is not None:
            rule = grant.organization.path
            covers = path.startswith(rule) if grant.include_descendants else path == rule
        elif grant.working_group is not None:
            subtree = grant.include_descendants and grant.working_group.include_descendants
            member_paths = Organization.objects.filter(working_groups=grant.working_group).values_list(
                "path", flat=True
            )
            covers = any(path.startswith(p) if subtree else path == p for p in member_paths)
        else:
            covers = False
        if covers:
            held.update(
                f"{permission.content_type.app_label}.{permission.codename}"
                for permission in grant.role.permissions.all()
            )
    return held
