"""What the API views need to write through an app's actions: who is acting, and the create and
update of a viewset whose serializer says what to save (``to_values``) and whose app has one
``do_save_<noun>`` action for both."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from rasad.core.models import User


def acting_user(request: Request) -> User:
    """The signed-in user of an API request, passed to the actions as ``acting_user``. Every
    endpoint requires authentication, so it is never anonymous here."""
    user = request.user
    assert isinstance(user, User)
    return user


class SaveAction(Protocol):
    def __call__(self, values: Any, *, acting_user: User, instance: Any = None) -> Any: ...


class SavedByActionMixin(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """``POST`` and ``PATCH`` through ``save_action``, the app's
    ``do_save_<noun>(values, *, acting_user, instance=None)``: it creates with
    ``serializer.to_values()`` and updates with ``serializer.to_values(instance)`` (what the body
    leaves out keeps its value, ``RasadModelSerializer.submitted``). Put it before the base
    viewset: ``class CourseViewSet(SavedByActionMixin, ScopedModelViewSet)``."""

    save_action: ClassVar[SaveAction]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        values = serializer.to_values()  # type: ignore[attr-defined]
        serializer.instance = type(self).save_action(values, acting_user=acting_user(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        values = serializer.to_values(serializer.instance)  # type: ignore[attr-defined]
        serializer.instance = type(self).save_action(
            values, acting_user=acting_user(self.request), instance=serializer.instance
        )
