"""How the current request wants dates and numbers shown (per-user preferences).

Set once per request by ``UserPreferenceMiddleware``; read by the template filters, exports and
anything else that formats for a person, so that one preference governs every view.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from rasad.lib.jalali import Calendar


@dataclass(frozen=True)
class DisplayPreferences:
    language: str = "fa"
    calendar: Calendar = "jalali"
    persian_digits: bool = True


# DisplayPreferences is a frozen dataclass, so sharing one default instance is safe.
_current: ContextVar[DisplayPreferences] = ContextVar("rasad_display", default=DisplayPreferences())  # noqa: B039


def current() -> DisplayPreferences:
    return _current.get()


def activate(preferences: DisplayPreferences) -> object:
    return _current.set(preferences)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
