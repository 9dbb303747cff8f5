from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import HTTP_HEADER_ENCODING, authentication, exceptions
from rest_framework.request import Request

from rasad.core.access import session_passed_two_factor
from rasad.core.actions.tokens import authenticate_token
from rasad.lib import display


def authorization_header(request: Request | HttpRequest) -> bytes:
    """DRF's ``get_authorization_header``: the ``Authorization`` header as bytes, read from
    ``META`` rather than ``request.headers``, a dictionary of every header built for this one
    read (docs/development/benchmarks.md, "Session 27")."""
    value = getattr(request, "_request", request).META.get("HTTP_AUTHORIZATION", b"")
    return value.encode(HTTP_HEADER_ENCODING) if isinstance(value, str) else value


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer rsd_...``: a hashed, expiring, revocable token acting as its user."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in {"bearer", "token"}:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        token = authenticate_token(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked."))
        # UserPreferenceMiddleware chose the language and display before the token was read, as
        # for nobody signed in: now the token's user (read by the same statement as the token)
        # gets their language unless the client asked for one (display.language_of), and their
        # calendar and digits, as a signed-in person does on every page. Only under the
        # middleware (it sets LANGUAGE_CODE), whose reset at the end of the request undoes the
        # display's change too; the next request activates its own language.
        if getattr(request, "LANGUAGE_CODE", None) is not None:
            language = display.language_of(token.user, getattr(request, "rasad_language_asked", None))
            if language != request.LANGUAGE_CODE:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
            display.activate(display.preferences_of(token.user, language))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, but only once two-factor is passed by those who must use it: an
    unverified session of an administrator is no authentication at all (401 on every API
    route), so it cannot read the API with the browser's cookie."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        if not session_passed_two_factor(result[0]):
            return None
        return result


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "rasad.api.authentication.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


class VerifiedSessionAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "rasad.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
