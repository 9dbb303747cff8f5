"""Query vocabulary of the core app, and the one scoping mechanism every app uses.

``OrganizationScopedQuerySet.visible_to(user, action)`` is the only place that turns a user's
grants into a filter. Models owned by an organization use it (directly or through a subclass
that says where the organization lives, ``scope_field``), and the base API viewset and base UI
views apply it once, so module code never re-implements scoping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models

from rasad.lib.search import matching

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User
    from rasad.core.scope import Scope

_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """Base for querysets whose rows belong to an organization at ``scope_field``."""

    scope_field = "organization"

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        """The rows on which ``user`` may do ``action`` (a verb of the model's permissions)."""
        from rasad.core.scope import organization_scope

        scope = organization_scope(user, self.model, action)
        if scope.is_everything:
            return self.all()
        if scope.is_nothing:
            return self.none()
        return self.within(scope, action)

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        """Whether ``user`` may ``action`` rows of this model somewhere: menus, "New" buttons, and
        the check of a create form. Every queryset with ``visible_to`` answers it."""
        from rasad.core.scope import holds_anywhere

        return holds_anywhere(user, self.model, action)

    def within(self, scope: Scope, action: str) -> Self:
        """The one hook: the rows a scope that is neither everything nor nothing admits. The
        default follows ``scope_field``; a queryset whose rows belong to organizations in more
        than one way (cases, grants, people) overrides this, never ``visible_to``."""
        field = "pk" if self.scope_field == "self" else f"{self.scope_field}_id"
        return self.filter(**{f"{field}__in": scope.organization_ids()})

    def search(self, query: str, field: str = "search_text") -> Self:
        """Match every word of the query, in any spelling variant, against a normalized key."""
        return self.filter(matching(query, field))


class OrganizationScopedQuerySet(ScopedQuerySet[_M]):
    scope_field = "organization"


class OrganizationQuerySet(ScopedQuerySet[Any]):
    scope_field = "self"

    def subtree_of(self, organization: Any) -> Self:
        return self.filter(path__startswith=organization.path)

    def active(self) -> Self:
        return self.filter(closed_on__isnull=True)


class OwnRecordsQuerySet(models.QuerySet[_M]):
    """Rows that belong to one person (API tokens, notifications): each sees and acts on their
    own only, whatever the action; no grant reaches another person's."""

    owner_field = "user"

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.filter(**{f"{self.owner_field}_id": user.pk})

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        return bool(user.is_authenticated)


class GeographyQuerySet(models.QuerySet[_M]):
    """Reference data: every signed-in user may read it."""

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        if action == "view" and user.is_authenticated:
            return self.all()
        return self.none()

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        return action == "view" and bool(user.is_authenticated)


class MembershipQuerySet(ScopedQuerySet[Any]):
    """Who works where: visible where the viewer holds ``core.<action>_membership``."""

    scope_field = "organization"


class WorkingGroupQuerySet(ScopedQuerySet[Any]):
    """A working group belongs to its owner organization."""

    scope_field = "owner"


class GrantQuerySet(ScopedQuerySet[Any]):
    """A grant belongs to the organization it is over, or to its working group's owner."""

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        return self.filter(models.Q(organization_id__in=ids) | models.Q(working_group__owner_id__in=ids))


class UserQuerySet(ScopedQuerySet[Any]):
    """People are visible where they are members: a user is in scope when one of their
    memberships is in an organization where the viewer holds ``core.<action>_user``."""

    def within(self, scope: Scope, action: str) -> Self:
        from rasad.core.models import Membership

        members = Membership.objects.filter(organization_id__in=scope.organization_ids()).values("user_id")
        return self.filter(pk__in=members)


class RoleQuerySet(models.QuerySet[_M]):
    """Roles are shared by the whole tree: anyone who may view roles somewhere reads them all;
    only platform administrators change them (a change reaches every subtree)."""

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        from rasad.core.scope import scope_for_permission

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if action == "view" and not scope_for_permission(user, "core.view_role").is_nothing:
            return self.all()
        return self.none()

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        from rasad.core.scope import holds_anywhere

        if not user.is_authenticated:
            return False
        return bool(user.is_superuser) or (action == "view" and holds_anywhere(user, "core.view_role"))
