"""How the current request wants dates and numbers shown (per-user preferences).

Set once per request by ``UserPreferenceMiddleware``; read by the template filters, exports and
anything else that formats for a person, so that one preference governs every view.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Final, Protocol

from django.utils import translation

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


def activate(preferences: DisplayPreferences) -> Token[DisplayPreferences]:
    return _current.set(preferences)


def reset(token: Token[DisplayPreferences]) -> None:
    _current.reset(token)


class HasDisplayPreferences(Protocol):
    """What a person's preferences are read from (a ``core.User``)."""

    calendar: str
    persian_digits: bool


class HasLanguage(Protocol):
    language: str


def language_of(person: HasLanguage | None, asked: str | None, default: str = "fa") -> str:
    """The language a request is answered in: the one it asks for (``?lang=``, remembered in the
    session; an API client's ``Accept-Language`` when it sends one), else the person's own, else
    Persian. One rule for a session's page and a token's API request: the middleware applies it
    with the person it knows, and the API again once a token names its user
    (``rasad.api.authentication``)."""
    return asked or (person.language if person is not None else None) or default


def preferences_of(person: HasDisplayPreferences | None, language: str) -> DisplayPreferences:
    """How ``person`` wants dates and numbers shown in ``language``: their calendar, and Persian
    digits only in Persian and only if they want them. Nobody (no one signed in): the Jalali
    calendar, and Persian digits in Persian. One rule for a session's page, a token's API request,
    an export and an e-mail."""
    if person is None:
        return DisplayPreferences(language=language, persian_digits=language == "fa")
    return DisplayPreferences(
        language=language,
        calendar="gregorian" if person.calendar == "gregorian" else "jalali",
        persian_digits=bool(person.persian_digits) and language == "fa",
    )


@contextmanager
def speaking(person: HasDisplayPreferences | None, language: str) -> Iterator[None]:
    """Words in ``language`` and dates and numbers as ``person`` wants them shown in it
    (``preferences_of``; nobody: Jalali, and Persian digits in Persian) for the block: a text
    made outside a request's middleware (an early refusal, a stored text)."""
    with translation.override(language):
        token = activate(preferences_of(person, language))
        try:
            yield
        finally:
            reset(token)


# How a generated text that is stored or sent is written: in Persian, the platform's language,
# as nobody signed in is shown it.
PERSIAN: Final = preferences_of(None, "fa")


def in_persian() -> AbstractContextManager[None]:
    """Write a generated text that is stored or sent (a notification, a reminder, a crisis
    timeline's entry, a case opened by Rasad) as every reader of it is shown it: Persian words,
    Jalali dates and Persian digits, whoever's action (and preferences) caused it. A
    ``translation.override("fa")`` alone gives the Persian words with the acting person's calendar
    and digits («نسخه 1 ... مهلت 2026-12-06»), which session 22 found on the crisis timeline."""
    return speaking(None, "fa")
