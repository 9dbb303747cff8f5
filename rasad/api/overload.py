"""The answer a worker gives when it is full (``rasad.lib.admission``): 503 with ``Retry-After``,
the API's error shape for ``/api/`` and a short page for people, in Persian unless the client
asks for English. Built without the database, sessions or templates: a full worker must answer
in microseconds."""

from __future__ import annotations

import functools
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
    page = _page(language)
    return "503 Service Unavailable", [*headers, ("Content-Type", "text/html; charset=utf-8")], page


@functools.lru_cache(maxsize=4)
def _page(language: str) -> bytes:
    """The page for people, built once per language: readable on a phone (the viewport, a
    heading and a line in a Persian font the system has), its style inline: a stylesheet
    would be one more request to a worker that is full."""
    with translation.override(language):
        title = _("The server is busy")
        message = _("The server is busy. Try again in a moment; nothing you sent was recorded.")
        name = _("Rasad")
    direction = "rtl" if language == "fa" else "ltr"
    return (
        f'<!doctype html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — {escape(name)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p></main></body></html>"
    ).encode()


_STYLE = (
    "body{margin:0;padding:0 1rem;background:#f5f7f8;color:#212529;"
    "font:1rem/1.8 Vazirmatn,Tahoma,system-ui,sans-serif}"
    "main{max-width:32rem;margin:3rem auto;padding:1.5rem;background:#fff;border-radius:.5rem;"
    "box-shadow:0 .125rem .25rem rgba(0,0,0,.075)}"
    "h1{margin:0 0 .5rem;font-size:1.35rem;color:#0b5563}p{margin:0}"
)
