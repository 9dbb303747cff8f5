"""What the live actions share: error collection, scope checks, text cleaning, the push."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib.events import send_event_on_commit
from rasad.lib.persian import normalize_text


class Errors:
    """Collects ``{field: [messages]}`` and raises them together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def refusal() -> ObjectNotFound:
    return ObjectNotFound(_("No such object, or you may not see it."))


def require(user: User, model: type[models.Model], action: str, organization: Organization) -> None:
    """Refuse (404, like a missing object) unless ``user`` may ``action`` on ``model`` there."""
    if not organization_scope(user, model, action).contains(organization):
        raise refusal()


def check_field_post(organization: Organization, errors: Errors, field: str = "organization") -> None:
    if organization.kind != OrganizationKind.FIELD_POST:
        errors.add(
            field,
            _("Devices and agent credentials belong to a field post; “%(name)s” is not one.")
            % {"name": organization.name},
        )


def text(value: Any, limit: int | None = None) -> str:
    cleaned = normalize_text(str(value or "")).strip()
    return cleaned[:limit] if limit else cleaned


def push(topic: str, organization_id: int, /, **payload: Any) -> None:
    """After commit: tell open command views (``rasad.live.stream``) what changed at a post."""
    send_event_on_commit(topic, {"post": organization_id, **payload}, organization_ids=[organization_id])
