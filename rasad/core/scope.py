"""What a grant means: the one place that turns grants into "who may do what, where".

A grant gives a user a role over one organization, that organization and its subtree, or a
working group's member organizations (each member with its subtree when both the grant and the
group say so). A role names Django permissions (``<app_label>.<action>_<model>``). A grant counts
while it is enabled and not expired (``active_grants``), and only for an active user.

Everything else asks this module, in one of five ways:

* ``organization_scope(user, Model, action)`` / ``scope_for_permission(user, "app.perm")``: the
  ``Scope`` where a user may do something (everywhere, nowhere, or a set of path rules). Querysets
  turn it into a filter (``rasad.core.querysets.ScopedQuerySet.visible_to``).
* ``holds_anywhere(user, Model, action)``: whether the user may do it somewhere at all (menus,
  buttons, and the "may open this form" check of the generic views).
* ``organizations_for(user, Model, action)``: the organizations a user may do it for, the choices
  of every form's organization field.
* ``users_who_can(permission, organization)``: the people who may do it there (assignment
  candidates, notification recipients), computed from the same grants at the moment of use.
* ``subtree_roots(user, Model, action)`` and ``Scope.covers_subtree``: the organizations whose
  whole subtrees a user sees (dashboards sum their rollups).

Superusers (platform administrators) may do everything and hold no grants. A scope is memoized on
the user object for the life of the request (``clear_scope_cache`` after changing grants).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONArray
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import Grant, Organization, User

Rule = tuple[str, bool]  # (organization path, whether its subtree is included)


def permission_name(model: type[models.Model], action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def _permission(model_or_permission: type[models.Model] | str, action: str | None) -> str:
    if isinstance(model_or_permission, str):
        return model_or_permission
    assert action is not None, "an action is needed with a model"
    return permission_name(model_or_permission, action)


@dataclass(frozen=True)
class Scope:
    """Where an action is allowed: everywhere, nowhere, or the organizations matching ``rules``.

    ``rules`` are (path, include_descendants) pairs, with no rule under another subtree rule.
    """

    is_everything: bool = False
    rules: tuple[Rule, ...] = field(default_factory=tuple)

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

    def organization_ids(self) -> RawSQL:
        """The ids of the scope's organizations, as a subquery for ``<field>__in``. Compiled
        once per scope (so once per user, permission and request): a list filters on it two or
        three times, and compiling it each time was a third of a list's SQL compilation."""

        def ids() -> models.QuerySet[Any]:
            from rasad.core.models import Organization

            return Organization.objects.filter(self.as_q()).order_by().values("pk")

        return self.subquery("organization_ids", ids)

    def subquery(self, name: str, build: Callable[[], models.QuerySet[Any]]) -> RawSQL:
        """``build()``'s one-column queryset as a subquery for ``<field>__in``, compiled once per
        process for each scope (its rules), database vendor and ``name``: a list's count and page
        filter on the same subqueries, and every request of the same people asks for the same
        scopes. ``build`` must depend on the scope alone (it may use ``organization_ids()``:
        cases, the dossiers forwarded to the scope), so that a name always means one query. The
        SQL holds paths, not ids, so an organization added under a path is in it at once; a
        changed grant changes the rules, hence the key."""
        from django.db import connection

        key = (self.is_everything, self.rules, name, connection.vendor)
        compiled = _COMPILED_SUBQUERIES.get(key)
        if compiled is None:
            sql, params = build().query.sql_with_params()
            # Django compiled the SQL, with its values as parameters: nothing is interpolated.
            compiled = RawSQL(sql, params, output_field=models.BigIntegerField())  # noqa: S611
            if len(_COMPILED_SUBQUERIES) >= _COMPILED_SUBQUERIES_LIMIT:
                _COMPILED_SUBQUERIES.clear()
            _COMPILED_SUBQUERIES[key] = compiled
        return compiled

    def contains(self, organization: Any) -> bool:
        if self.is_everything:
            return True
        path: str = organization.path
        return any(path.startswith(rule) if subtree else path == rule for rule, subtree in self.rules)

    def covers_subtree(self, organization: Any) -> bool:
        """Whether the scope holds ``organization`` together with everything under it."""
        if self.is_everything:
            return True
        path: str = organization.path
        return any(subtree and path.startswith(rule) for rule, subtree in self.rules)

    @property
    def subtree_paths(self) -> list[str]:
        """The paths where the scope's subtree rules start (disjoint: none is under another)."""
        return [path for path, subtree in self.rules if subtree]


# Compiled scope subqueries (``Scope.subquery``), shared by every request of the process. A
# RawSQL is copied by Django each time a query uses it, so sharing one is safe; the bound keeps a
# process serving many distinct scopes from growing without end.
_COMPILED_SUBQUERIES: dict[tuple[bool, tuple[Rule, ...], str, str], RawSQL] = {}
_COMPILED_SUBQUERIES_LIMIT = 4096

EVERYTHING = Scope(is_everything=True)
NOTHING = Scope()


# ---------------------------------------------------------------------------------------------
# Grants: which count, and what each covers
# ---------------------------------------------------------------------------------------------


def active_grants(now: Any = None) -> models.QuerySet[Grant]:
    """Grants that count now: enabled, not expired, held by an active user."""
    from rasad.core.models import Grant

    moment = now or timezone.now()
    return Grant.objects.filter(is_enabled=True, user__is_active=True).filter(
        Q(expires__isnull=True) | Q(expires__gt=moment)
    )


def _holding(grants: models.QuerySet[Grant], permission: str) -> models.QuerySet[Grant]:
    app_label, codename = permission.split(".", 1)
    return grants.filter(
        role__permissions__codename=codename, role__permissions__content_type__app_label=app_label
    )


def _rules_of(grants: list[Grant]) -> set[Rule]:
    """The (path, subtree) rules the grants cover, working groups expanded to their members."""
    from rasad.core.models import Organization

    rules: set[Rule] = set()
    group_subtree: dict[int, bool] = {}
    for grant in grants:
        if grant.organization is not None:
            rules.add((grant.organization.path, grant.include_descendants))
        elif grant.working_group is not None:
            subtree = grant.include_descendants and grant.working_group.include_descendants
            group_subtree[grant.working_group.pk] = (
                group_subtree.get(grant.working_group.pk, False) or subtree
            )
    if group_subtree:
        members = Organization.objects.filter(working_groups__in=list(group_subtree)).values_list(
            "path", "working_groups"
        )
        for path, group_id in members:
            rules.add((path, group_subtree[group_id]))
    return rules


def _pruned(rules: set[Rule]) -> tuple[Rule, ...]:
    """Drop the rules a subtree rule already covers (it keeps the SQL small)."""
    subtrees = sorted(path for path, subtree in rules if subtree)
    return tuple(
        (path, subtree)
        for path, subtree in sorted(rules)
        if not any(path.startswith(other) and (path, subtree) != (other, True) for other in subtrees)
    )


# ---------------------------------------------------------------------------------------------
# Where a user may act
# ---------------------------------------------------------------------------------------------


def organization_scope(user: User | AnonymousUser, model: type[models.Model], action: str) -> Scope:
    return scope_for_permission(user, permission_name(model, action))


def scope_for_permission(user: User | AnonymousUser, permission: str) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cache: dict[str, Any] = user.__dict__.setdefault(_CACHE, {})
    if permission not in cache:
        cache[permission] = Scope(rules=_pruned(_held_rules(_held_grants(user, cache), permission, cache)))
    scope: Scope = cache[permission]
    return scope


# The memo on the user object: scopes by permission, plus the grants and working-group members
# they are computed from, under keys no permission can have.
_CACHE = "_rasad_scope_cache"
_GRANTS = ":grants"
_MEMBERS = ":members"


@dataclass(frozen=True)
class _HeldGrant:
    """One grant that counts, as the scope rules need it (see ``_rules_of``)."""

    organization_path: str | None
    working_group_id: int | None
    subtree: bool  # include_descendants
    group_subtree: bool  # the working group's include_descendants
    permissions: frozenset[str]


class _RolePermissionsStamp(models.Expression):
    """A stamp of the whole role–permission table, read with the grants; any change to any role's
    permissions changes it. On PostgreSQL, the one row a trigger rewrites with a new random value
    in the transaction of every change (migration ``core/0009_role_permissions_stamp``: one
    primary-key read instead of a scan of the table on every request). On SQLite, the table's
    row count, highest id and a sum of its pairs (SQLite gives a new row the id of a rolled-back
    one, so the count and id alone could come back)."""

    output_field = models.TextField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        from rasad.core.models import Role

        table = connection.ops.quote_name(Role.permissions.through._meta.db_table)
        stamp = "COUNT(*) || ':' || COALESCE(MAX(id), 0) || ':' "
        stamp += "|| COALESCE(SUM(role_id * 1000003 + permission_id), 0)"
        return f"(SELECT {stamp} FROM {table})", ()  # noqa: S608 - a table name of Django's

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return "(SELECT stamp FROM rasad_role_permissions_stamp WHERE id = 1)", ()


def _role_permissions_stamp() -> _RolePermissionsStamp:
    return _RolePermissionsStamp()


class _RolePermissions:
    """Each role's permission names (``app.codename``), per process: roles change rarely and
    every request with grants needs them, so they are read once and again only when the stamp
    read with a user's grants (``_role_permissions_stamp``) differs from the one they were read
    under. A change to a role counts from the next request on, in every process."""

    def __init__(self) -> None:
        self._current: tuple[str, dict[int, frozenset[str]]] = ("", {})

    def of(self, stamp: str) -> dict[int, frozenset[str]]:
        current_stamp, by_role = self._current
        if stamp != current_stamp:
            from rasad.core.models import Role

            names: dict[int, set[str]] = {}
            for role_id, app_label, codename in Role.permissions.through.objects.values_list(
                "role_id", "permission__content_type__app_label", "permission__codename"
            ):
                names.setdefault(role_id, set()).add(f"{app_label}.{codename}")
            by_role = {role_id: frozenset(held) for role_id, held in names.items()}
            self._current = (stamp, by_role)  # one assignment: other threads see old or new
        return by_role


_role_permissions = _RolePermissions()

_GRANT_COLUMNS = (
    "organization__path",
    "working_group_id",
    "include_descendants",
    "working_group__include_descendants",
    "role_id",
)


def _held_grants(user: User, cache: dict[str, Any]) -> list[_HeldGrant]:
    """The user's grants that count, each with every permission its role names: one query per
    request, however many permissions menus, views and serializers ask about (none when the
    request's authentication read them with the user, ``held_grants_of``)."""
    if _GRANTS not in cache:
        cache[_GRANTS] = _grants_from_rows(
            active_grants()
            .filter(user=user)
            .annotate(role_permissions_stamp=_role_permissions_stamp())
            .values_list(*_GRANT_COLUMNS, "role_permissions_stamp")
        )
    held_grants: list[_HeldGrant] = cache[_GRANTS]
    return held_grants


def _grants_from_rows(rows: Iterable[Sequence[Any]]) -> list[_HeldGrant]:
    """Rows of ``_GRANT_COLUMNS`` and the stamp of the role permissions, read in one statement."""
    grants: list[_HeldGrant] = []
    for path, group_id, subtree, group_subtree, role_id, stamp in rows:
        permissions = _role_permissions.of(stamp).get(role_id, frozenset())
        grants.append(_HeldGrant(path, group_id, bool(subtree), bool(group_subtree), permissions))
    return grants


class _JSONRows(models.Aggregate):
    """The aggregated rows as one JSON text (an array of arrays); NULL when there are none."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, function="JSON_AGG", template="%(function)s(%(expressions)s)::text", **extra
        )


def held_grants_of(user_field: str, now: Any = None) -> models.Subquery:
    """An annotation for a query that reads users (``user_field``: the user's id there): the
    user's grants that count at ``now``, as ``_held_grants`` reads them, in the same statement.
    A token's request reads its user and grants in one query; ``remember_held_grants`` takes the
    result."""
    rows = (
        active_grants(now)
        .filter(user_id=OuterRef(user_field))
        .order_by()
        .values("user_id")
        .annotate(rows=_JSONRows(JSONArray(*_GRANT_COLUMNS, _role_permissions_stamp())))
        .values("rows")
    )
    return models.Subquery(rows, output_field=models.TextField())


def remember_held_grants(user: User, rows_json: str | None) -> None:
    """Memoize on ``user`` the grants a ``held_grants_of`` annotation read with it."""
    cache: dict[str, Any] = user.__dict__.setdefault(_CACHE, {})
    cache[_GRANTS] = _grants_from_rows(json.loads(rows_json) if rows_json else [])


def _held_rules(grants: list[_HeldGrant], permission: str, cache: dict[str, Any]) -> set[Rule]:
    """``_rules_of`` for the grants holding ``permission``; working groups' members are read
    once per request."""
    from rasad.core.models import Organization

    rules: set[Rule] = set()
    group_subtree: dict[int, bool] = {}
    for grant in grants:
        if permission not in grant.permissions:
            continue
        if grant.organization_path is not None:
            rules.add((grant.organization_path, grant.subtree))
        elif grant.working_group_id is not None:
            subtree = grant.subtree and grant.group_subtree
            group_subtree[grant.working_group_id] = (
                group_subtree.get(grant.working_group_id, False) or subtree
            )
    if group_subtree:
        if _MEMBERS not in cache:
            groups = {grant.working_group_id for grant in grants if grant.working_group_id is not None}
            members: dict[int, list[str]] = {}
            for path, group_id in Organization.objects.filter(working_groups__in=groups).values_list(
                "path", "working_groups"
            ):
                members.setdefault(group_id, []).append(path)
            cache[_MEMBERS] = members
        for group_id, subtree in group_subtree.items():
            rules.update((path, subtree) for path in cache[_MEMBERS].get(group_id, ()))
    return rules


def clear_scope_cache(user: User | AnonymousUser) -> None:
    user.__dict__.pop(_CACHE, None)


def holds_anywhere(
    user: User | AnonymousUser, model_or_permission: type[models.Model] | str, action: str | None = None
) -> bool:
    """Whether ``user`` may do ``action`` on ``model`` (or hold ``"app.perm"``) somewhere."""
    return not scope_for_permission(user, _permission(model_or_permission, action)).is_nothing


def organizations_for(
    user: User | AnonymousUser,
    model_or_permission: type[models.Model] | str,
    action: str | None = None,
    *,
    include_closed: bool = False,
) -> models.QuerySet[Organization]:
    """The organizations ``user`` may do ``action`` on ``model`` for, in tree order: the choices
    of a form's organization field. Closed organizations are left out unless asked for."""
    from rasad.core.models import Organization

    scope = scope_for_permission(user, _permission(model_or_permission, action))
    organizations = Organization.objects.filter(scope.as_q()).order_by("path")
    return organizations if include_closed else organizations.filter(closed_on__isnull=True)


def subtree_roots(
    user: User | AnonymousUser, model: type[models.Model], action: str = "view"
) -> models.QuerySet[Organization]:
    """The organizations whose whole subtrees make up the user's subtree scope, disjoint (for a
    superuser: the roots of the tree). Dashboards sum these organizations' rollups."""
    from rasad.core.models import Organization

    scope = organization_scope(user, model, action)
    if scope.is_everything:
        return Organization.objects.filter(depth=0)
    return Organization.objects.filter(path__in=scope.subtree_paths)


def permissions_over(user: User, organization: Organization) -> set[str] | None:
    """Every permission ``user`` holds over ``organization`` (``None`` for a superuser: all).

    Used to stop a grantor from handing out more than they hold there themselves.
    """
    if user.is_superuser:
        return None
    grants = (
        active_grants()
        .filter(user=user)
        .select_related("organization", "working_group")
        .prefetch_related("role__permissions__content_type")
    )
    held: set[str] = set()
    for grant in grants:
        if Scope(rules=tuple(_rules_of([grant]))).contains(organization):
            held.update(
                f"{permission.content_type.app_label}.{permission.codename}"
                for permission in grant.role.permissions.all()
            )
    return held


# ---------------------------------------------------------------------------------------------
# Who may act on an organization
# ---------------------------------------------------------------------------------------------


def covering_grants(organization: Organization) -> Q:
    """A filter on Grant: the grants whose scope contains ``organization`` (the same rules as
    ``_rules_of``, asked the other way round)."""
    ancestors = _ancestor_paths(organization.path)
    return (
        Q(organization_id=organization.pk)
        | Q(organization__path__in=ancestors, include_descendants=True)
        | Q(working_group__organizations=organization)
        | Q(
            working_group__organizations__path__in=ancestors,
            working_group__include_descendants=True,
            include_descendants=True,
        )
    )


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts) - 1)]


def users_who_can(
    model_or_permission: type[models.Model] | str, organization: Organization, action: str | None = None
) -> models.QuerySet[User]:
    """Active users holding the permission through a grant that counts and covers
    ``organization``. Platform administrators are included only through grants of their own."""
    from rasad.core.models import User

    permission = _permission(model_or_permission, action)
    grants = _holding(active_grants(), permission).filter(covering_grants(organization))
    users: models.QuerySet[User] = User.objects.filter(pk__in=grants.values("user_id"), is_active=True)
    return users.order_by("pk")
