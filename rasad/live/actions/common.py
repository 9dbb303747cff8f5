"""What the live actions share: the scope check, the field-post check, the push (errors and
text cleaning are ``rasad.lib.actions``'s)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from rasad.core.access import refusal
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib.actions import Errors
from rasad.lib.events import send_event_on_commit


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


def push(topic: str, organization_id: int, /, **payload: Any) -> None:
    """After commit: tell open command views (``rasad.live.stream``) what changed at a post."""
    send_event_on_commit(topic, {"post": organization_id, **payload}, organization_ids=[organization_id])
