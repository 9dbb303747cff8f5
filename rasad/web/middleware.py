from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from rasad.lib import display

# No external origin of any kind: every asset is vendored. Inline scripts are not allowed;
# styles allow 'unsafe-inline' only for the style attributes that Leaflet and ECharts set.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


class NoStoreMiddleware:
    """What a signed-in person is shown is never kept by a browser or a proxy: every answer to a
    signed-in request (pages, exports, file downloads) and every API answer carries
    ``Cache-Control: no-store``, so the back button or a shared machine's cache does not show it
    to the next person. Static assets are served before this middleware and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = self._signed_in(request)  # before: signing out ends it during the request
        response = self.get_response(request)
        stored = "no-store" in response.get("Cache-Control", "")  # a view may have said so already
        if not stored and (request.path.startswith("/api/") or signed_in or self._signed_in(request)):
            response["Cache-Control"] = "no-store, private"
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


class TwoFactorRequiredMiddleware:
    """A signed-in user who must use two-factor and has not passed it this session reaches only
    the two-factor pages and sign-out: every other page redirects to the two-factor set-up, on
    every route, whatever view serves it. API routes are left to the API's authentication, which
    treats such a session as no authentication (401)."""

    ALLOWED = ("/account/two-factor/", "/login/", "/logout/", "/static/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.requires_two_factor
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(self.ALLOWED)
        ):
            return redirect("web:two-factor-setup")
        return self.get_response(request)


class UserPreferenceMiddleware:
    """Language from ``?lang=`` (remembered in the session), else the user's preference, else
    Persian; calendar and digits from the user's preferences."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        languages = {code for code, _name in settings.LANGUAGES}
        requested = request.GET.get("lang")
        if requested in languages and hasattr(request, "session"):
            request.session["rasad_language"] = requested
        user = request.user
        language: str = (
            requested
            if requested in languages
            else (request.session.get("rasad_language") if hasattr(request, "session") else None)
            or (user.language if user.is_authenticated else None)
            # API clients say what they want in Accept-Language; browsers get Persian unless the
            # person chooses otherwise, whatever language the browser itself is set to.
            or (translation.get_language_from_request(request) if request.path.startswith("/api/") else None)
            or settings.LANGUAGE_CODE
        )
        if language not in languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        if user.is_authenticated:
            preferences = display.DisplayPreferences(
                language=language,
                calendar="gregorian" if user.calendar == "gregorian" else "jalali",
                persian_digits=bool(user.persian_digits) and language == "fa",
            )
        else:
            preferences = display.DisplayPreferences(language=language, persian_digits=language == "fa")
        token = display.activate(preferences)
        try:
            response = self.get_response(request)
        finally:
            display.reset(token)
        response.setdefault("Content-Language", language)
        return response
