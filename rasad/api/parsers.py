"""The API's body parsers: the input boundary for request bodies.

The JSON parser reads at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (413 beyond), refuses a
document nested deeper than :data:`MAX_JSON_DEPTH` (the standard parser would exhaust the stack
near a thousand levels), and, like the form parsers, refuses any string (key or value) holding a
character no text may hold (``rasad.lib.boundary``), naming where it is: ``items[3].comment``.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

from django.conf import settings
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant

from rasad.api.exceptions import PayloadTooLarge
from rasad.lib import boundary, formatting

# Deep enough for any payload the API takes (a batch of items with nested values is 4 levels).
MAX_JSON_DEPTH: Final = 32


def refuse_forbidden_strings(strings: Iterable[tuple[str, str]]) -> None:
    """Raise a 400 naming every place whose text holds a forbidden character."""
    errors: dict[str, list[str]] = {}
    for where, text in strings:
        char = boundary.forbidden_character(text)
        if char is not None:
            errors.setdefault(where or "non_field_errors", []).extend(boundary.text_error(char).messages)
    if errors:
        raise exceptions.ValidationError(errors)


def _form_strings(
    data: QueryDict, files: MultiValueDict[str, Any] | None = None
) -> Iterable[tuple[str, str]]:
    for key, values in data.lists():
        yield key, key
        for value in values:
            yield key, value
    for key, uploads in (files or MultiValueDict()).lists():
        yield key, key
        for upload in uploads:
            yield key, str(getattr(upload, "name", "") or "")


def not_json(error: RecursionError | ValueError, encoding: str = "utf-8") -> str:
    """Why a body could not be read as JSON (``json.loads``'s error), in the reader's language: the
    JSON parser's and the agents' endpoint's (``rasad.live.api.agents``) message. Python's words
    are English («Expecting value: line 1 column 10 (char 9)»): the place is said in the reader's
    words and digits (``rasad.lib.formatting``)."""
    if isinstance(error, RecursionError):
        return str(_("The JSON document is nested too deeply."))
    if isinstance(error, UnicodeDecodeError):
        return str(_("The body is not %(encoding)s text.") % {"encoding": encoding.upper()})
    if isinstance(error, json.JSONDecodeError):
        return str(
            _("The body is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": formatting.number(error.lineno), "column": formatting.number(error.colno)}
        )
    # A constant strict JSON refuses (NaN, Infinity).
    return str(_("The body is not valid JSON: NaN and Infinity are not numbers."))


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw: bytes = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=strict_constant if api_settings.STRICT_JSON else None)
        except (RecursionError, ValueError) as error:
            raise exceptions.ParseError(not_json(error, encoding)) from None
        if boundary.depth_of(data) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(
                _("The JSON document is nested too deeply (at most %(depth)s levels).")
                % {"depth": formatting.number(MAX_JSON_DEPTH)}
            )
        # The whole text at once first (two regular-expression scans); each string, with the
        # place it is named by, only when the text may hold a refused character.
        if not boundary.json_text_is_clean(text):
            refuse_forbidden_strings(boundary.iter_strings(data))
        return data


class FormParser(parsers.FormParser):
    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        refuse_forbidden_strings(_form_strings(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        result = super().parse(stream, media_type, parser_context)
        refuse_forbidden_strings(_form_strings(result.data, result.files))
        return result
