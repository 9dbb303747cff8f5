"""API rate limits: requests per minute per credential and per client address, before anything
else of the request runs (so that guessing tokens is limited too).

A credential is whatever the request authenticates with (the ``Authorization`` header, or the
session cookie of a signed-in browser), counted under a hash so no secret is stored. The address
is the client's (``rasad.core.middleware.client_ip``: behind a trusted reverse proxy, the one it
forwarded). Past a limit the API answers 429 in its error shape with ``Retry-After``: the seconds
until the window that was exceeded starts again. If the counters cannot be reached the request
goes through (the limits protect capacity; they are not an access rule) and the failure is logged.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Final

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from rasad.api.errors import error_response, is_api_request
from rasad.core.middleware import client_ip
from rasad.lib import counters, formatting
from rasad.web.middleware import early_language

WINDOW_SECONDS: Final = 60
logger = logging.getLogger(__name__)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_request(request):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _limits(self, request: HttpRequest) -> list[tuple[str, int]]:
        limits: list[tuple[str, int]] = []
        if settings.API_RATE_PER_ADDRESS:
            limits.append((f"api:address:{_digest(client_ip(request))}", settings.API_RATE_PER_ADDRESS))
        credential = request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get(
            settings.SESSION_COOKIE_NAME
        )
        if credential and settings.API_RATE_PER_TOKEN:
            limits.append((f"api:credential:{_digest(credential)}", settings.API_RATE_PER_TOKEN))
        return limits

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        wait = 0
        try:
            for key, limit in self._limits(request):
                count = counters.hit(key, WINDOW_SECONDS)
                if count.count > limit:
                    wait = max(wait, count.retry_after)
        except Exception:
            logger.exception("rate limit counters unavailable: request let through")
            return None
        if not wait:
            return None
        with early_language(request):  # the language middleware has not run yet
            message = _("Too many requests. Try again in %(seconds)s seconds.") % {
                "seconds": formatting.number(wait)
            }
        return error_response(429, "throttled", message, headers={"Retry-After": str(wait)})
