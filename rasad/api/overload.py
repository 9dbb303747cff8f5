"""The answer a worker gives when it is full (``rasad.lib.admission``): 503 with ``Retry-After``,
the API's error shape for ``/api/`` and a short page for people, in Persian unless the client
asks for English. Built without the database, sessions or templates: a full worker must answer
in microseconds."""

from __future__ import annotations

import json
from typing import Any

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 1


def busy_answer(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    accept = str(environ.get("HTTP_ACCEPT_LANGUAGE", ""))
    language = "en" if accept.lower().startswith("en") else "fa"
    with translation.override(language):
        message = _("The server is busy. Try again in a moment; nothing you sent was recorded.")
        title = _("Busy")
    headers = [("Retry-After", str(RETRY_AFTER_SECONDS)), ("Cache-Control", "no-store")]
    if str(environ.get("PATH_INFO", "")).startswith("/api/"):
        body = json.dumps(
            {"error": {"code": "overloaded", "message": message, "fields": {}}}, ensure_ascii=False
        ).encode()
        return "503 Service Unavailable", [*headers, ("Content-Type", "application/json")], body
    direction = "rtl" if language == "fa" else "ltr"
    page = (
        f'<!doctype html><html lang="{language}" dir="{direction}"><meta charset="utf-8">'
        f"<title>{escape(title)}</title><p>{escape(message)}</p></html>"
    )
    return "503 Service Unavailable", [*headers, ("Content-Type", "text/html; charset=utf-8")], page.encode()
