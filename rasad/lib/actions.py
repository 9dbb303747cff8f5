"""What the apps' actions share: field errors collected and raised together, and typed text
cleaned the one way."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

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
