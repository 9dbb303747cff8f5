"""A text written once for several readers and read later (a notification), kept as its message
id and parameters and written in each reader's language, calendar and digits when it is read:
``StoredText("%(reference)s was assigned to you: %(title)s", {"reference": Code("CH-000012"),
"title": case.title})`` reads «CH-۰۰۰۰۱۲ به شما واگذار شد: …» to a Persian reader and
"CH-000012 was assigned to you: …" to an English one (docs/development/conventions.md, "Stored
texts").

Parameters are kept as JSON, each by what it is, so that the reader's preferences apply when it is
written out (``rasad.lib.formatting``):

* text (a title, a name) stays as it was written;
* a number («۳»), a date or a moment (the reader's calendar), a ``Code`` (a reference in the
  reader's digits), a ``Person`` (the name the reader calls them by: ``formatting.person_name``),
  ``Words`` (a label of the code, ``gettext_lazy``: a status, an action, translated when read);
* a ``Period`` (a reporting period by its key: «آذر ۱۴۰۵», "Azar 1405"), a ``LongDate`` (a day
  with its month by name: «۱۲ آذر ۱۴۰۵», "12 Azar 1405", "3 December 2026"), a ``Clock`` (a
  moment's time of day in Tehran: «۰۹:۳۰»), ``Names`` (texts listed: «الف، ب», "a, b");
* a ``StoredText`` itself, for a part of the message that has words of its own (an event's day
  and hours, «and 2 more»): written out the same way, inside the message.

A message id the catalogue does not know reads as itself, so a text stored by an older version
stays readable. A row keeps three things (``StoredText.kept``): the text in Persian (what a row
stored before has alone, and every reader's fallback), the message id and the parameters; ``read``
gives the row's text to the current reader.

A refusal (a ``ValidationError``) kept to be read later, as the reason a file or a report could
not be made, is kept by ``of_refusal``: each of its messages by its id and parameters when it was
raised lazily (``gettext_lazy``, parameters in ``params``), as its text otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext

from rasad.lib import display, formatting, jalali


@dataclass(frozen=True)
class Code:
    """A reference or code («CH-000012»): shown in the reader's digits (``formatting.code``)."""

    value: str


@dataclass(frozen=True)
class Person:
    """A person as pages name them: the display name in Persian, the Latin name in English."""

    display_name: str
    latin_name: str = ""
    username: str = ""
    first_name: str = ""
    last_name: str = ""

    @classmethod
    def of(cls, user: Any) -> Person:
        return cls(
            user.display_name, user.latin_name, user.username, user.first_name or "", user.last_name or ""
        )


@dataclass(frozen=True)
class Words:
    """A label of the code (a status, an action) by its message id, translated when read."""

    msgid: str

    @classmethod
    def of(cls, label: str | Promise) -> Words:
        """The message id of a ``gettext_lazy`` label (a choice's label), or the text itself (in
        the language active now) for anything else, a ``pgettext_lazy`` label among them."""
        args = getattr(label, "_args", None)
        return cls(str(args[0]) if args and len(args) == 1 else str(label))


@dataclass(frozen=True)
class Period:
    """A reporting period by its key («1405-09»): by name in the reader's language and digits
    (``formatting.period``)."""

    key: str


@dataclass(frozen=True)
class LongDate:
    """A day written with its month by name (``formatting.date_text(style="long")``)."""

    value: date


@dataclass(frozen=True)
class Clock:
    """The time of day of a moment, in Tehran: «۰۹:۳۰» to a Persian reader, "09:30" to others."""

    moment: datetime


@dataclass(frozen=True)
class Names:
    """Texts (names, titles) listed in the reader's language (``formatting.join``)."""

    items: tuple[str, ...]

    def __str__(self) -> str:
        # As a refusal's parameter (``ValidationError(..., params=...)``): listed for the
        # reader of the moment, and by its items for a reader later (``of_refusal``).
        return formatting.join(self.items)


Param = (
    str | int | float | Decimal | date | datetime | Code | Person | Words | Period | LongDate | Clock | Names
)


def _encode(value: Param | StoredText) -> Any:
    if isinstance(value, bool):
        return {"number": int(value)}
    if isinstance(value, int | float):
        return {"number": value}
    if isinstance(value, Decimal):
        return {"number": str(value)}
    if isinstance(value, datetime):
        return {"moment": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Code):
        return {"code": value.value}
    if isinstance(value, Person):
        return {"person": list(astuple(value))}
    if isinstance(value, Words):
        return {"words": value.msgid}
    if isinstance(value, Period):
        return {"period": value.key}
    if isinstance(value, LongDate):
        return {"long_date": value.value.isoformat()}
    if isinstance(value, Clock):
        return {"clock": value.moment.isoformat()}
    if isinstance(value, Names):
        return {"names": list(value.items)}
    if isinstance(value, StoredText):
        return {"text": [value.msgid, value.as_json()]}
    return str(value)


def _shown(value: Any) -> str:
    """A stored parameter as the current reader reads it."""
    if not isinstance(value, dict) or len(value) != 1:
        return str(value)
    [(kind, raw)] = value.items()
    if kind == "number":
        return formatting.number(Decimal(raw) if isinstance(raw, str) else raw)
    if kind == "moment":
        return formatting.datetime_text(datetime.fromisoformat(raw))
    if kind == "date":
        return formatting.date_text(date.fromisoformat(raw))
    if kind == "code":
        return formatting.code(raw)
    if kind == "person":
        return formatting.person_name(Person(*raw)) or raw[2] or raw[0]
    if kind == "words":
        return gettext(raw)
    if kind == "period":
        return formatting.period(raw)
    if kind == "long_date":
        return formatting.date_text(date.fromisoformat(raw), style="long")
    if kind == "clock":
        local = jalali.to_tehran(datetime.fromisoformat(raw))
        return formatting.digits(f"{local.hour:02d}:{local.minute:02d}")
    if kind == "names":
        return formatting.join(raw)
    if kind == "text":
        msgid, params = raw
        return render(msgid, params)
    return str(value)


@dataclass(frozen=True)
class StoredText:
    """A message id and its parameters (``Param``), written out for the current reader."""

    msgid: str
    params: Mapping[str, Param | StoredText] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {key: _encode(value) for key, value in self.params.items()}

    def render(self) -> str:
        return render(self.msgid, self.as_json())

    def kept(self) -> tuple[str, str, dict[str, Any]]:
        """What a row keeps of it: the text in Persian (``display.in_persian``), the message id
        and the parameters as JSON."""
        with display.in_persian():
            persian = self.render()
        return persian, self.msgid, self.as_json()


def read(written: str, msgid: str, params: dict[str, Any]) -> str:
    """A row's stored text for the current reader: by its message id and parameters, or as it was
    written when it has no message id (a row stored before)."""
    return render(msgid, params) if msgid else written


def of_refusal(error: ValidationError) -> StoredText:
    """A refusal's messages (a field's or not), kept to be read in each reader's language. A
    message raised with ``gettext`` is already words of one language and stays so; raise it with
    ``gettext_lazy`` and its ``params`` for every reader to read it in their own."""
    leaves = (
        [leaf for errors in error.error_dict.values() for each in errors for leaf in each.error_list]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    parts = [StoredText(Words.of(leaf.message).msgid, dict(leaf.params or {})) for leaf in leaves]
    if len(parts) == 1:
        return parts[0]
    # Several messages side by side, as ``" ".join(error.messages)`` wrote them; this id has no
    # words to translate and reads as itself.
    return StoredText(
        " ".join(f"%(part{i})s" for i in range(len(parts))), {f"part{i}": p for i, p in enumerate(parts)}
    )


def render(msgid: str, params: dict[str, Any]) -> str:
    """A stored message (its id and JSON parameters) in the current reader's language and
    preferences (``display.speaking`` outside a request)."""
    text = gettext(msgid)
    if not params:
        return text
    try:
        return text % {key: _shown(value) for key, value in params.items()}
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder: the message as the code wrote it.
        return msgid % {key: _shown(value) for key, value in params.items()}
