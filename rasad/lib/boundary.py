"""The rules of Rasad's input boundary: what text and dates may enter at all.

Every value a person or a program sends passes these rules before it reaches an action, whatever
the door (a form, the API, an import, a filter): the request middleware and the API's JSON parser
apply the text rule to every string of a request, the date fields of forms, serializers and
filters apply the date rule, and :func:`check_instance` applies both to every model row saved, so
that nothing that breaks a page, an export or date arithmetic can be stored by any path.

* **Text** may not hold NUL or other C0 control characters, DEL, or lone UTF-16 surrogates.
  Multi-line text (a description, a comment) may hold tab, line feed and carriage return;
  single-line text (a title, a name, a code, a reference) may not. PostgreSQL refuses NUL in text,
  spreadsheets refuse control characters, and a lone surrogate cannot be encoded at all.
* **Dates** lie between Jalali 1200/01/01 and 1500/12/29 (``rasad.lib.jalali``). A stored value
  derived from accepted input may lie up to a year beyond (:data:`STORED_DATE_MARGIN_DAYS`).

``docs/reference/input-boundary.md`` describes the rules for users and integrators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from itertools import chain
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rasad.lib import jalali
from rasad.lib.persian import TextParseError

# Characters no text may hold: C0 controls except tab, LF and CR; DEL; lone surrogates.
_FORBIDDEN_MULTILINE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Single-line text also refuses tab, LF and CR.
_FORBIDDEN_SINGLE_LINE: Final = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def forbidden_character(text: str, *, multiline: bool = True) -> str | None:
    """The first character ``text`` may not hold, or ``None`` when it is clean."""
    match = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_SINGLE_LINE).search(text)
    return match.group() if match else None


def describe_character(char: str) -> str:
    """``U+0007`` for a character that cannot be shown."""
    return f"U+{ord(char):04X}"


def text_error(char: str, *, multiline: bool = True) -> ValidationError:
    if not multiline and char in "\t\n\r":
        return ValidationError(
            _("This text must be on one line: it may not contain a tab or a line break (%(char)s)."),
            code="single_line",
            params={"char": describe_character(char)},
        )
    return ValidationError(
        _("This text contains a control character (%(char)s) that text may not hold."),
        code="control_character",
        params={"char": describe_character(char)},
    )


def check_text(text: str, *, multiline: bool = True) -> None:
    """Raise ``ValidationError`` (code ``control_character`` or ``single_line``) for text that
    breaks the text rule."""
    char = forbidden_character(text, multiline=multiline)
    if char is not None:
        raise text_error(char, multiline=multiline)


def check_single_line(text: str) -> None:
    check_text(text, multiline=False)


# A stored value may lie this far outside the accepted range when it is derived from accepted
# input (a deadline on the last accepted day plus working hours and escalation steps).
STORED_DATE_MARGIN_DAYS: Final = 366


def check_date(value: date, *, margin_days: int = 0) -> None:
    """Raise ``ValidationError`` (code ``date_range``) for a date or datetime outside the accepted
    range (widened by ``margin_days`` on both sides)."""
    try:
        jalali.check_accepted_date(value, margin_days=margin_days)
    except TextParseError as error:
        # Rendered now, in the reader's language and digits (``TextParseError``): Django would
        # put the parameters in as they are, with Latin digits.
        raise ValidationError(str(error), code=error.code) from None


def cell_problems(cells: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(column, message)`` for each cell of an imported row that the boundary refuses: text
    holding a control character (tab and line breaks are allowed: a comment may span lines) and a
    spreadsheet date outside the accepted range. Importers call it for every row, so that a bad
    cell is reported with its row and column instead of reaching the backstop, and bulk writes
    that bypass ``pre_save`` store nothing the boundary refuses."""
    for column, value in cells.items():
        try:
            if isinstance(value, str):
                check_text(value)
            elif isinstance(value, date):
                check_date(value)
        except ValidationError as error:
            yield str(column), error.messages[0]


def cells_are_clean(cells: Mapping[str, Any]) -> bool:
    """True when :func:`cell_problems` would find nothing in ``cells``: no date cell, and no
    forbidden character in the text cells (searched once, joined, since joining texts cannot
    make a forbidden character). A bulk batch's thousand rows take this path; a row it does not
    clear is checked cell by cell, so that each problem is named with its column."""
    texts: list[str] = []
    for value in cells.values():
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, date):
            return False
    return forbidden_character("".join(texts)) is None


def iter_strings(value: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Every string in a parsed JSON document (keys too), with a path naming where it is
    (``items[3].comment``), walked without recursion so that depth cannot exhaust the stack."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in item.items():
                key_text = str(key)
                child_path = f"{where}.{key_text}" if where else key_text
                yield child_path, key_text
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{index}]", child) for index, child in enumerate(item))


def depth_of(value: Any) -> int:
    """How deeply a parsed JSON document nests (a scalar is 0, ``[]`` is 1, ``[[1]]`` is 2).

    Walked a level at a time, without recursion: a level's children are gathered by C loops
    (``dict.values`` chained) and the types of a level are judged once per distinct type, so a
    bulk batch of a thousand flat rows costs a few C passes, not a Python step per row (it
    cost 4 ms a batch as a stack of containers). A mixed level (containers among scalars) is
    filtered item by item."""
    depth = 0
    level: list[Any] = [value]
    while level:
        kinds = set(map(type, level))
        containers = {kind for kind in kinds if issubclass(kind, dict | list)}
        if not containers:
            break
        depth += 1
        if len(containers) < len(kinds):  # scalars beside the containers: keep the containers
            level = [item for item in level if isinstance(item, dict | list)]
        if all(issubclass(kind, dict) for kind in containers):
            level = list(chain.from_iterable(map(dict.values, level)))
        elif all(issubclass(kind, list) for kind in containers):
            level = list(chain.from_iterable(level))
        else:
            level = list(
                chain.from_iterable(item.values() if isinstance(item, dict) else item for item in level)
            )
    return depth


# An escape in JSON text that may decode to a character no text may hold: \b, \f, \u0000 to
# \u001F (tab, LF and CR included: one pattern is enough for a fast path), \u007F, and any
# surrogate (a valid pair decodes to a character that is allowed, but telling pairs from lone
# surrogates is the full check's work).
_RISKY_ESCAPE: Final = re.compile(r"\\(?:[bf]|u00[01]|u007[fF]|u[dD][89a-fA-F])")


def json_text_is_clean(text: str) -> bool:
    """True when no string decoded from the JSON document ``text`` can hold a character the
    text rule refuses, so that walking every string of the parsed document is not needed.

    Every string of a JSON document is a stretch of its text with its escapes decoded; outside
    strings there are only structure, numbers, literals and whitespace (tab, LF and CR, which the
    multi-line rule allows). So if the whole text holds no forbidden character and no escape that
    could decode to one, no string does. False means "maybe": the caller then checks each string
    and names where the bad one is."""
    return forbidden_character(text) is None and _RISKY_ESCAPE.search(text) is None


# ---------------------------------------------------------------------------------------------
# The backstop on every saved row
# ---------------------------------------------------------------------------------------------


def _field_rules(model: type[models.Model]) -> list[tuple[str, str, str]]:
    """(attribute, field name, rule) for each text and date column of a model. The backstop holds
    every text column to the multi-line rule: a single-line column may hold a value derived from
    multi-line text (an audit event's ``object_repr`` is the first words of a comment), and the
    single-line rule is applied where people and programs type (forms, serializers, queries)."""
    rules: list[tuple[str, str, str]] = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            rules.append((field.attname, field.name, "multiline"))
        elif isinstance(field, models.DateField):  # DateTimeField derives from DateField
            rules.append((field.attname, field.name, "date"))
    return rules


_RULES: dict[type[models.Model], list[tuple[str, str, str]]] = {}


def check_instance(instance: models.Model, update_fields: Iterable[str] | None = None) -> None:
    """Raise ``ValidationError({field: [message]})`` when a row about to be saved holds text or a
    date the boundary refuses. Only the fields being written are checked, so a row stored before
    the rule existed can still be touched (``save(update_fields=[...])``) without being rewritten;
    a full save, such as an edit form's, must correct it."""
    model = type(instance)
    rules = _RULES.get(model)
    if rules is None:
        rules = _RULES[model] = _field_rules(model)
    only = set(update_fields) if update_fields is not None else None
    errors: dict[str, list[ValidationError]] = {}
    for attname, name, rule in rules:
        if only is not None and name not in only and attname not in only:
            continue
        value = getattr(instance, attname, None)
        if value is None:
            continue
        try:
            if rule == "date":
                if isinstance(value, date):
                    check_date(value, margin_days=STORED_DATE_MARGIN_DAYS)
            elif isinstance(value, str):
                check_text(value)
        except ValidationError as error:
            errors.setdefault(name, []).append(error)
    if errors:
        raise ValidationError(errors)
