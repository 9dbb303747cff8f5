from __future__ import annotations

import functools
import re
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from rasad.lib import addresses, context

# A client may name its request (8-64 letters, digits, ".", "_", "-"); anything else gets a new id.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# The same few peers and forwarded chains come again and again (a proxy, the clients behind it);
# parsing them with ``ipaddress`` on every request cost more than the rest of the request's context.
_client_address = functools.lru_cache(maxsize=4096)(addresses.client_address)


def client_ip(request: HttpRequest) -> str:
    """The client's address, as throttling and the audit trail use it: the TCP peer, or behind
    the reverse proxies of ``RASAD_TRUSTED_PROXIES`` the address they forwarded
    (``rasad.lib.addresses``). Computed once per request."""
    known: str | None = getattr(request, "_rasad_client_ip", None)
    if known is None:
        known = _client_address(
            str(request.META.get("REMOTE_ADDR") or ""),
            request.META.get("HTTP_X_FORWARDED_FOR"),
            tuple(settings.TRUSTED_PROXY_NETWORKS),
        )
        request._rasad_client_ip = known  # type: ignore[attr-defined]
    return known


class RequestContextMiddleware:
    """Gives every request an id (kept from a well-formed ``X-Request-ID``), returns it in the
    response header, and binds it with the client address for audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # From ``META``: ``request.headers`` builds a dictionary of every header the first time.
        incoming = str(request.META.get("HTTP_X_REQUEST_ID", ""))
        request_id = incoming if REQUEST_ID.match(incoming) else secrets.token_hex(16)
        with context.bound(request_id, client_ip(request)) as bound:
            request.request_id = bound.request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = bound.request_id
        return response


class SessionTimeoutMiddleware:
    """Signs out a session idle for longer than ``SESSION_IDLE_SECONDS``, or older than
    ``SESSION_COOKIE_AGE`` since sign-in however active (the absolute timeout: saving the session
    renews the cookie, so the start time is kept in the session itself)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A request without the session cookie has no session to time out (rasad.web.middleware.signed_in).
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None and request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("rasad_started", now)
            last_seen = session.get("rasad_last_seen", now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif now - last_seen >= 30 or "rasad_last_seen" not in session:
                session["rasad_last_seen"] = now
        return self.get_response(request)
