"""What the apps' actions share: field errors collected and raised together, typed text
cleaned the one way, and the values a change would save (``saved_values``: the same before and
after an action sets them, it writes and audits nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from rasad.lib.persian import normalize_text


class Errors:
    """Collects ``{field: [messages]}`` and raises them together, so a form shows every bad
    field at once."""

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


def text(value: Any, limit: int | None = None) -> str:
    """``value`` as text: normalized (``normalize_text``), stripped, and cut at ``limit``
    characters when one is given."""
    cleaned = normalize_text(str(value or "")).strip()
    return cleaned[:limit] if limit else cleaned


def saved_values(record: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values saving ``fields`` of ``record`` writes (a relation by its id, read without a
    query). Taken before and after an action sets the fields from what it was asked: equal, the
    record has them already, and the action writes nothing, audits nothing and pushes nothing
    (docs/audit.md, "What is recorded")."""
    meta = record._meta
    return {name: getattr(record, meta.get_field(name).attname) for name in fields}  # type: ignore[union-attr]  # a field, never a reverse relation
