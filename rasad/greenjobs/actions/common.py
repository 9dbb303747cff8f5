"""What the green-jobs actions share: error collection, scope checks and the after-commit push."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from rasad.lib.events import send_event_on_commit

MAX_MONEY = Decimal(10) ** 17


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
