"""What the live actions share: the field-post check and the push (errors and text cleaning are
``rasad.lib.actions``'s, the scope check ``rasad.core.access.require_scope``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization
from rasad.lib.actions import Errors
from rasad.lib.events import send_event_on_commit


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
