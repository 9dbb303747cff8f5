"""The hook other apps use to react to threshold breaches.

``register_breach_handler(handler)`` adds a callable that receives each new ``Alert``. Handlers
run inside the transaction that created the alert, so whatever they write (the cases app opens a
case linked to the observation) commits or rolls back together with it; a handler that raises
rolls the whole write back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rasad.indicators.models import Alert

BreachHandler = Callable[["Alert"], None]

_handlers: list[BreachHandler] = []


def register_breach_handler(handler: BreachHandler) -> Callable[[], None]:
    """Register ``handler``; returns a function that unregisters it (handy in tests)."""
    _handlers.append(handler)

    def unregister() -> None:
        if handler in _handlers:
            _handlers.remove(handler)

    return unregister


def notify(alert: Alert) -> None:
    for handler in list(_handlers):  # noqa: PERF101 (a copy: a handler may unsubscribe)
        handler(alert)
