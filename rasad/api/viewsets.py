"""Base API views: scope is applied once, here (NetBox ``BaseViewSet.initial``).

A viewset declares ``queryset``, ``serializer_class`` and ``filterset_class``; the base narrows
the queryset with ``visible_to(user, action)`` for the verb being performed, so a user never
reads, changes or deletes anything outside their scope, and out-of-scope objects answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import viewsets

ACTION_VERBS = {
    "list": "view", "retrieve": "view", "create": "add", "update": "change", "partial_update": "change",
    "destroy": "delete",
}


class ScopedViewSetMixin:
    """Apply ``visible_to`` for the action's verb; custom actions declare ``scope_action``."""

    queryset: models.QuerySet[Any]
    request: Any
    action: str | None

    def scope_verb(self) -> str:
        explicit = getattr(getattr(self, self.action or "", None), "scope_action", None)
        return explicit or ACTION_VERBS.get(self.action or "", "view")

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = self.queryset.all()
        return queryset.visible_to(self.request.user, self.scope_verb())  # type: ignore[no-any-return,attr-defined]

    def get_object(self) -> Any:
        """Like DRF's, but through ``access_object``: the same 404 for missing and out of scope,
        and an audited refusal when the object exists."""
        from rasad.core.access import access_object

        lookup = self.kwargs[getattr(self, "lookup_url_kwarg", None) or "pk"]
        obj = access_object(self.queryset.all(), self.request.user, lookup, action=self.scope_verb())
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    """Writes go through actions: subclasses implement ``perform_create``/``perform_update`` by
    calling the app's ``do_*`` function, never ``serializer.save()`` on their own."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
