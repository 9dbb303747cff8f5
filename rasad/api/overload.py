"""The answer a worker gives when it is full (``rasad.lib.admission``): 503 with ``Retry-After``,
the API's error shape for ``/api/`` and a short page for people, in Persian unless the client
asks for English. Built without the database, sessions or templates: a full worker must answer
in microseconds."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from rasad.core.middleware import REQUEST_ID

RETRY_AFTER_SECONDS = 1


def busy_answer(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    accept = str(environ.get("HTTP_ACCEPT_LANGUAGE", ""))
    language = "en" if accept.lower().startswith("en") else "fa"
    with translation.override(language):
        message = _("The server is busy. Try again in a moment; nothing you sent was recorded.")
        title = _("Busy")
    # The error shape carries a request id like every other answer (rasad.api.errors); the
    # request never reached the middleware that binds one, so it is taken or made here.
    incoming = str(environ.get("HTTP_X_REQUEST_ID", ""))
    request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
    headers = [
        ("Retry-After", str(RETRY_AFTER_SECONDS)),
        ("Cache-Control", "no-store"),
        ("X-Request-ID", request_id),
    ]
    if str(environ.get("PATH_INFO", "")).startswith("/api/"):
        error = {"code": "overloaded", "message": message, "fields": {}, "request_id": request_id}
        body = json.dumps({"error": error}, ensure_ascii=False).encode()
        return "503 Service Unavailable", [*headers, ("Content-Type", "application/json")], body
    direction = "rtl" if language == "fa" else "ltr"
    page = (
        f'<!doctype html><html lang="{language}" dir="{direction}"><meta charset="utf-8">'
        f"<title>{escape(title)}</title><p>{escape(message)}</p></html>"
    )
    return "503 Service Unavailable", [*headers, ("Content-Type", "text/html; charset=utf-8")], page.encode()
