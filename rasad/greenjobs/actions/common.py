"""What the green-jobs actions share: error collection, scope checks and the after-commit push."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib.events import send_event_on_commit
from rasad.lib.persian import normalize_text

MAX_MONEY = Decimal(10) ** 17


class Errors:
    """Collects ``{field: [messages]}`` and raises them together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def update(self, found: dict[str, list[str]]) -> None:
        for name, messages in found.items():
            for message in messages:
                self.add(name, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def refusal() -> ObjectNotFound:
    return ObjectNotFound(_("No such object, or you may not see it."))


def require(user: User | None, model: type[models.Model], action: str, organization: Organization) -> None:
    """Refuse (404, like a missing object) unless ``user`` may ``action`` on ``model`` there. The
    system (``None``: the demo loader, a task) may."""
    if user is not None and not organization_scope(user, model, action).contains(organization):
        raise refusal()


def text(value: Any, limit: int | None = None) -> str:
    cleaned = normalize_text(str(value or "")).strip()
    return cleaned[:limit] if limit else cleaned


def money(value: Any) -> Decimal | None:
    """A whole number of rials above zero, or None."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not amount.is_finite() or amount != amount.to_integral_value() or not 0 < amount < MAX_MONEY:
        return None
    return amount


def push(kind: str, organization_ids: set[int], **payload: Any) -> None:
    send_event_on_commit(kind, payload, organization_ids=organization_ids)
