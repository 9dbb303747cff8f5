"""The generic authorization matrix: which endpoints exist, and what each user must get from each.

Endpoints are discovered from the URL resolver (every DRF viewset routed under ``/api/v1/``), so a
new app's router is covered as soon as it is included from ``rasad/api/urls.py``. Expected answers
are computed from the grants (``rasad.core.scope.organization_scope``), never from a hand-written
role table, so the matrix follows the roles in ``rasad/core/roles.py`` as they change.

The rules it holds every endpoint to are those of ``rasad.api.viewsets``: 401 when signed out;
404 (exactly like a missing object) when the object is outside the user's scope for the verb;
403 for a create when the user may add such objects nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse

from rasad.api.viewsets import ACTION_VERBS

# The tests of the matrix read a record's organization as the views do.
from rasad.core.access import organization_of as organization_of
from rasad.testing.factories import FACTORIES, Factory, load_all
from rasad.testing.routes import walk

if TYPE_CHECKING:
    from rasad.core.models import Organization, User
    from rasad.testing.cast import Cast

API_PREFIX = "api/v1/"

# Operation name -> (HTTP method, whether it addresses one object).
OPERATIONS: dict[str, tuple[str, bool]] = {
    "list": ("get", False),
    "retrieve": ("get", True),
    "create": ("post", False),
    "partial_update": ("patch", True),
    "destroy": ("delete", True),
}
SUCCESS = {"list": 200, "retrieve": 200, "create": 201, "partial_update": 200, "destroy": 204}

# Who asks: nobody, then the cast from the outsider to the platform administrator. Objects are
# made in Isfahan, so Bob and Bahram hold grants, but in another organization (Kerman).
USERS = ("anonymous", "charlie", "bob", "bahram", "alice", "ali", "nadia", "root")


@dataclass(frozen=True)
class Endpoint:
    """One routed viewset: its list and detail routes and the HTTP methods each one answers."""

    namespace: str
    basename: str
    viewset: type[Any]
    list_methods: frozenset[str]
    detail_methods: frozenset[str]
    lookup_kwarg: str

    @cached_property
    def list_url(self) -> str:
        return reverse(f"{self.namespace}:{self.basename}-list")

    @cached_property
    def route(self) -> str:
        """The URL segment after ``/api/v1/`` (``organizations``), used in test ids."""
        return self.list_url.split(f"/{API_PREFIX}", 1)[-1].strip("/")

    def detail_url(self, pk: Any) -> str:
        return reverse(f"{self.namespace}:{self.basename}-detail", kwargs={self.lookup_kwarg: pk})

    @property
    def model(self) -> type[models.Model]:
        return self.viewset.queryset.model  # type: ignore[no-any-return]

    @property
    def model_label(self) -> str:
        return self.model._meta.label_lower

    @property
    def factory_label(self) -> str:
        """The factory that makes this endpoint's records: the model's, unless the viewset serves
        a kind of it and names its own (``matrix_factory = "assessments.risk"``: risk cases)."""
        return getattr(self.viewset, "matrix_factory", None) or self.model_label

    @property
    def factory(self) -> Factory | None:
        return FACTORIES.get(self.factory_label)

    def allows(self, operation: str) -> bool:
        """Whether the route maps the operation's method and the viewset accepts that method."""
        method, detail = OPERATIONS[operation]
        mapped = self.detail_methods if detail else self.list_methods
        return method in mapped and method in self.viewset.http_method_names

    @property
    def operations(self) -> list[str]:
        return [operation for operation in OPERATIONS if self.allows(operation)]

    @property
    def is_organization_scoped(self) -> bool:
        """Records that belong to an organization: these must have a factory. Reference data
        (provinces: every signed-in user reads them) need none."""
        from rasad.core.querysets import ScopedQuerySet

        return isinstance(self.viewset.queryset, ScopedQuerySet) or any(
            field.name == "organization" for field in self.model._meta.get_fields()
        )


def discover_endpoints() -> list[Endpoint]:
    """Every viewset routed under ``/api/v1/``, in URL order. Nothing is listed by hand."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for prefix, namespace, pattern in walk():
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        basename = getattr(callback, "initkwargs", {}).get("basename")
        # Format-suffix variants (``organizations.json``) repeat the same routes.
        if not prefix.startswith(API_PREFIX) or not actions or not basename:
            continue
        if "format" in pattern.pattern.regex.groupindex:
            continue
        entry = found.setdefault(
            (namespace, basename),
            {"viewset": callback.cls, "list": frozenset(), "detail": frozenset()},  # type: ignore[attr-defined]
        )
        kind = "detail" if callback.initkwargs.get("detail") else "list"  # type: ignore[attr-defined]
        entry[kind] = entry[kind] | frozenset(actions)
    return [
        Endpoint(
            namespace=namespace,
            basename=basename,
            viewset=entry["viewset"],
            list_methods=entry["list"],
            detail_methods=entry["detail"],
            lookup_kwarg=entry["viewset"].lookup_url_kwarg or entry["viewset"].lookup_field,
        )
        for (namespace, basename), entry in found.items()
    ]


def factories() -> dict[str, Factory]:
    return load_all()


def user_named(cast: Cast, name: str) -> User | None:
    return None if name == "anonymous" else getattr(cast, name)


def expected_status(
    operation: str, user: User | None, model: type[models.Model], organization: Organization
) -> int:
    """The answer the rules of ``rasad.api.viewsets`` give ``user`` for ``operation`` on a record
    of ``model`` in ``organization`` (for ``create``: a new record naming ``organization``)."""
    from rasad.core.models import Organization
    from rasad.core.scope import organization_scope

    if user is None:
        return 401
    if operation == "list":
        return 200
    scope = organization_scope(user, model, ACTION_VERBS[operation])
    if scope.contains(organization):
        return SUCCESS[operation]
    if operation != "create":
        return 404
    if scope.is_nothing:
        return 403
    # The user may add elsewhere: the organization they named reads like a missing reference
    # when they cannot see it, and the action refuses it (404) when they can.
    return 404 if organization_scope(user, Organization, "view").contains(organization) else 400


def expected_in_list(user: User | None, model: type[models.Model], organization: Organization) -> bool:
    from rasad.core.scope import organization_scope

    return user is not None and organization_scope(user, model, "view").contains(organization)
