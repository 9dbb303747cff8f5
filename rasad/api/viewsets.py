"""Base API views: scope is applied once, here (NetBox ``BaseViewSet.initial``).

A viewset declares ``queryset``, ``serializer_class`` and ``filterset_class``; the base narrows
the queryset with ``visible_to(user, action)`` for the verb being performed, so a user never
reads, changes or deletes anything outside their scope.

Refusals follow these rules, which the authorization matrix (``rasad/api/tests``) checks on every
endpoint:

* not signed in: 401, before anything else;
* an object outside the user's scope *for the verb*: 404, exactly like a missing one, whether
  or not the user may see it. A user never learns that an object outside their scope exists, and
  an analyst who may read an object but not change it gets the same answer as a stranger;
* a create by a user who holds the ``add`` permission for the model in no organization at all:
  403, before the body is validated. The answer reveals nothing about any object, and spares the
  client a round of validation errors for a request that can never succeed;
* a create naming an organization outside the user's ``add`` scope (when they may add
  elsewhere): 400 naming the field when they cannot see that organization (the reference reads
  like a missing one, ``ScopedSlugRelatedField``), 404 from the action's ``require_in_scope``
  when they can see it but not add there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api.filters import FilterBackend
from rasad.api.lean import LeanList, Shape
from rasad.core.access import visible_rows

# The attribute an extra action (DRF ``@action``) carries to name the verb it is scoped by.
SCOPE_ACTION_ATTRIBUTE = "scope_action"

ActionMethod = TypeVar("ActionMethod", bound=Callable[..., Any])
_Body = TypeVar("_Body", bound=BaseSerializer[Any])


def scope_action(verb: str) -> Callable[[ActionMethod], ActionMethod]:
    """Scope an extra action by ``verb`` (``visible_to(user, verb)``) instead of "view".

    Put it beside DRF's ``@action``; it marks the method and returns it unchanged::

        @action(detail=True, methods=["post"])
        @scope_action("change")
        def transition(self, request, pk=None): ...
    """

    def mark(method: ActionMethod) -> ActionMethod:
        setattr(method, SCOPE_ACTION_ATTRIBUTE, verb)
        return method

    return mark


ACTION_VERBS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class ScopedViewSetMixin(viewsets.GenericViewSet[Any]):
    """Apply ``visible_to`` for the action's verb; extra actions declare it with ``@scope_action``.

    ``queryset`` should be a queryset with ``visible_to`` (a ``rasad.core.querysets.ScopedQuerySet``
    or ``GeographyQuerySet``): the base uses it for lists and single objects alike.
    """

    # A hot list reads its rows, and its objects' details, with values() (``rasad.api.lean``);
    # ``None``: the serializer.
    lean_list: LeanList | None = None

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lean = self.lean_list
        if lean is None or not lean.applies(self):
            return super().list(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        rows = lean.rows(self, lambda: self.filter_queryset(self.get_queryset()), self._shape())
        return self.get_paginated_response(rows) if self.paginator is not None else Response(rows)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A lean list's object is read as one row of the scoped queryset. When it is not there,
        ``get_object`` gives the answer every other detail gives (404 for missing and out of
        scope alike, with the audited refusal); the serializer answers when the row appears in
        between."""
        lean = self.lean_list
        if lean is None or not lean.applies(self) or not self._lean_detail_allowed():
            return super().retrieve(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        lookup = self.kwargs[getattr(self, "lookup_url_kwarg", None) or "pk"]
        # The queryset get_object reads (access_object): the model's, in scope for the verb.
        visible = lambda: visible_rows(self._base_queryset(), self.request.user, self.scope_verb())  # noqa: E731
        row = lean.row(self, visible, lookup, self._shape())
        if row is not None:
            return Response(row)
        return super().retrieve(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    def _lean_detail_allowed(self) -> bool:
        """Reading the row skips ``check_object_permissions``: only when no permission class of
        the view judges objects (all of them keep DRF's "yes" for every object), and only for
        a queryset with ``visible_to`` (the one ``get_object`` would use)."""
        if not hasattr(self._declared_queryset(), "visible_to"):
            return False
        return all(
            type(permission).has_object_permission is permissions.BasePermission.has_object_permission
            for permission in self.get_permissions()
        )

    def _shape(self) -> Shape | None:
        """What a lean list's or detail's query is a function of, when that is the user's scope
        and the request's plain filters: then its statements are prepared once per process for
        this key (``rasad.api.lean``). ``None`` (read through the ORM) unless

        * the declared queryset is a ``ScopedQuerySet`` with its own ``visible_to`` (its rows are
          those ``within(scope, verb)`` admits, a function of the scope's rules and the verb) and
          the view neither overrides ``get_queryset`` nor ``filter_queryset``;
        * for a list, the request names nothing but the page (``limit``, ``offset``) and every
          filter backend leaves the queryset alone when given no filter; or it names plain
          filters of the one filter backend's filterset
          (``rasad.api.filters.FilterBackend.filtering``), which the key then describes (the
          filters named and how many values each holds: the values fill the statements' slots);
        * the scope is not empty (the ORM answers an empty one without a query).

        The key holds the view's class (its declared queryset, ordering and serializer), the
        verb and the scope's rules: two users with the same rules read the same statements, and
        a user whose grants change has new rules, hence a new key."""
        from rasad.core.querysets import ScopedQuerySet
        from rasad.core.scope import organization_scope

        view = type(self)
        queryset = self._declared_queryset()
        if (
            getattr(type(queryset), "visible_to", None) is not ScopedQuerySet.visible_to
            or view.get_queryset is not ScopedViewSetMixin.get_queryset
            or view.filter_queryset is not GenericAPIView.filter_queryset
        ):
            return None
        filtering = None
        if not self.detail:
            paginator = self.paginator
            paging = {
                getattr(paginator, "limit_query_param", None),
                getattr(paginator, "offset_query_param", None),
            }
            backends = [backend_class() for backend_class in self.filter_backends]
            ours = [backend for backend in backends if isinstance(backend, FilterBackend)]
            if len(ours) != len(backends):
                return None
            if any(name not in paging for name in self.request.query_params):
                if len(ours) != 1:
                    return None
                filtering = ours[0].filtering(self.request, queryset.model, self, paging)
                if filtering is None:
                    return None
            elif not all(backend.leaves_alone(self.request, queryset.model, self) for backend in ours):
                return None
        verb = self.scope_verb()
        scope = organization_scope(self.request.user, queryset.model, verb)
        if scope.is_nothing:
            return None
        key = (view, verb, scope.is_everything, scope.rules)
        return Shape(key if filtering is None else (*key, filtering.key), filtering)

    def read_body(self, serializer_class: type[_Body], *, partial: bool = False) -> _Body:
        """The request's body read by ``serializer_class`` in this request's context; one that
        does not validate is the API's 400 with the fields' errors."""
        body = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), partial=partial
        )
        body.is_valid(raise_exception=True)
        return body

    def reply(
        self, serializer_class: type[BaseSerializer[Any]], instance: Any, code: int | None = None
    ) -> Response:
        """An action's answer: ``instance`` as ``serializer_class`` shows it, in this request's
        context (absolute links), with status ``code`` (200 when not given)."""
        return Response(serializer_class(instance, context=self.get_serializer_context()).data, status=code)

    def scope_verb(self) -> str:
        explicit = getattr(getattr(self, self.action or "", None), SCOPE_ACTION_ATTRIBUTE, None)
        return explicit or ACTION_VERBS.get(self.action or "", "view")

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        # A create asks for "add" on the model (a viewset may scope its rows by another verb).
        verb = "add" if self.action == "create" else self.scope_verb()
        if request.method == "POST" and not self.detail and verb != "view":
            from rasad.core.access import may_act_anywhere

            # A write on the collection (create, bulk, submit...) names no object: those who may
            # do it nowhere get 403 before the body is read. The model's own answer counts:
            # reference data (the catalogue, holidays) asks for a platform administrator or a
            # national body, not merely the permission somewhere.
            if not may_act_anywhere(request.user, self._model(), verb):
                if self.action == "create":
                    raise exceptions.PermissionDenied(_("You may not create these here."))
                raise exceptions.PermissionDenied(_("You may not do this for any organization."))

    def _declared_queryset(self) -> models.QuerySet[Any]:
        """The class's queryset itself, for what it is (its type, its model), never evaluated:
        ``_base_queryset`` copies it (with its ``select_related``), which a request of a
        detail did four times for nothing but these."""
        declared = type(self).queryset
        assert declared is not None, f"{type(self).__name__} must declare a queryset"
        # A manager given for a queryset is read as its queryset, as ``.all()`` gives it.
        return declared if isinstance(declared, models.QuerySet) else declared.all()

    def _base_queryset(self) -> models.QuerySet[Any]:
        return self._declared_queryset().all()

    def _model(self) -> type[models.Model]:
        return self._declared_queryset().model

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = self._base_queryset()
        return visible_rows(queryset, self.request.user, self.scope_verb())

    def get_object(self) -> Any:
        """Like DRF's, but through ``access_object``: the same 404 for missing and out of scope,
        and an audited refusal when the object exists."""
        from rasad.core.access import access_object

        lookup = self.kwargs[getattr(self, "lookup_url_kwarg", None) or "pk"]
        verb = self.scope_verb()
        if hasattr(self._declared_queryset(), "visible_to"):
            obj = access_object(self._base_queryset(), self.request.user, lookup, action=verb)
        else:
            obj = self._get_from_own_scope(lookup, verb)
        self.check_object_permissions(self.request, obj)
        return obj

    def _get_from_own_scope(self, lookup: Any, verb: str) -> Any:
        """For a viewset whose model has no ``visible_to`` and that scopes by overriding
        ``get_queryset`` (the audit trail reads ``audit_log.visible_events``): the same answers
        as ``access_object``, found in that queryset. Without this, a detail read raised
        AttributeError (a 500)."""
        from rasad.core.access import refusal
        from rasad.core.audit import record_access_denied

        def find(queryset: models.QuerySet[Any]) -> Any:
            try:
                return queryset.filter(pk=lookup).first()
            except (ValueError, TypeError, OverflowError, DjangoValidationError):
                return None

        obj = find(self.get_queryset())
        if obj is not None:
            return obj
        if find(self._base_queryset()) is not None:
            record_access_denied(self.request.user, self._model(), lookup, action=verb)
        raise refusal()


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Any]):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet[Any]):
    """Writes go through actions: subclasses implement ``perform_create``/``perform_update`` by
    calling the app's ``do_*`` function, never ``serializer.save()`` on their own."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
