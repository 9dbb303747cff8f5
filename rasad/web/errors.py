"""What a request that failed outside a view answers: the error handlers of ``rasad/urls.py``.

Under ``/api/`` every answer is the API's JSON error shape (``rasad.api.errors``), including a
404 from the URL resolver and a 500. Pages get the site's error page, rendered in the frame when
that works, and a plain page otherwise. A request that failed because the database is away gets
503 with ``Retry-After``: JSON under ``/api/``, and for pages a static "temporarily unavailable"
page that needs neither the database nor a session.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Final

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rasad.api.errors import RETRY_AFTER_UNAVAILABLE, error_response, is_api_request, unavailable_response
from rasad.core.access import audit_deferred_refusal
from rasad.lib import dbhealth

logger = logging.getLogger(__name__)

_PAGES: Final = {
    400: (
        gettext_lazy("Bad request"),
        gettext_lazy("The request could not be understood."),
        "bad_request",
    ),
    # Not the audit trail's «دسترسی غیرمجاز» (an attempt recorded): the page tells a person what
    # they may not do, it does not accuse them.
    403: (
        pgettext_lazy("error page", "Access denied"),
        gettext_lazy("You may not do this."),
        "permission_denied",
    ),
    404: (gettext_lazy("Not found"), gettext_lazy("No such page, or you may not see it."), "not_found"),
    413: (
        gettext_lazy("Request too large"),
        gettext_lazy("The request is larger than Rasad accepts."),
        "too_large",
    ),
    500: (
        gettext_lazy("Server error"),
        gettext_lazy("Something went wrong on our side. It has been logged."),
        "server_error",
    ),
}


def error_page(request: HttpRequest, status: int, text: str | None = None) -> HttpResponse:
    """The error page for ``status``: JSON under ``/api/``, the site's page elsewhere."""
    title, default_text, code = _PAGES[status]
    message = text or str(default_text)
    if is_api_request(request):
        return error_response(status, code, message)
    if not hasattr(request, "user"):  # refused before the session was read: no frame to draw
        return _plain_page(status, title, message)
    try:
        return render(
            request, "web/error.html", {"status": status, "title": title, "text": message}, status=status
        )
    except Exception:
        # The frame needs the session and the menu; when they fail (the database went away
        # while rendering), a plain page still says what happened.
        logger.warning("error page for %s rendered without the frame", status, exc_info=True)
        return _plain_page(status, title, message)


def _plain_page(status: int, title: object, message: str) -> HttpResponse:
    html = render_to_string("web/error_plain.html", {"status": status, "title": title, "text": message})
    return HttpResponse(html, status=status)


def unavailable_page(request: HttpRequest) -> HttpResponse:
    """503 while the database is away: JSON under ``/api/``, else a static page in Persian and
    English that needs no database, no session and no user."""
    if is_api_request(request):
        return unavailable_response()
    with translation.override("fa"):
        html = render_to_string("web/unavailable.html", {"retry_after": RETRY_AFTER_UNAVAILABLE})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    response["Cache-Control"] = "no-store"
    return response


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return error_page(request, 413)
    return error_page(request, 400)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if exception is not None:
        audit_deferred_refusal(exception)  # an action's refusal, its transaction now rolled back
    if is_api_request(request):
        return error_response(404, "not_found", _("No such object, or you may not see it."))
    return error_page(request, 404)


def handler500(request: HttpRequest, *args: Any) -> HttpResponse:
    """Django calls this inside its ``except`` block, so the failing exception is at hand: a
    database that is away answers 503, anything else 500."""
    failure = sys.exc_info()[1]
    if failure is not None and dbhealth.is_unavailable(failure):
        return unavailable_page(request)
    return error_page(request, 500)
