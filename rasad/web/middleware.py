from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from rasad.api.errors import error_response, is_api_request
from rasad.core.access import session_passed_two_factor
from rasad.lib import boundary, display
from rasad.web.errors import error_page

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


def signed_in(request: HttpRequest) -> bool:
    """Whether a person is signed in to the request's session. A request without the session
    cookie (an API client with a token, a probe) has nobody signed in: its user is not read, which
    would read the session and the two-factor state for nothing."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key is None:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreMiddleware:
    """What a signed-in person is shown is never kept by a browser or a proxy: every answer to a
    signed-in request (pages, exports, file downloads) and every API answer carries
    ``Cache-Control: no-store``, so the back button or a shared machine's cache does not show it
    to the next person. Static assets are served before this middleware and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        was_signed_in = api or signed_in(request)  # before: signing out ends it during the request
        response = self.get_response(request)
        stored = "no-store" in response.get("Cache-Control", "")  # a view may have said so already
        if not stored and (was_signed_in or signed_in(request)):
            response["Cache-Control"] = "no-store, private"
        return response


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
            not request.path.startswith(self.ALLOWED)
            and signed_in(request)
            and user.is_authenticated
            and not session_passed_two_factor(user)
        ):
            return redirect("web:two-factor-setup")
        return self.get_response(request)


def _language_in_header(request: HttpRequest) -> str | None:
    """The first of our languages an API client's ``Accept-Language`` names, in its order of
    preference; ``None`` when it names none (``*``, another language, an empty header): that is
    no choice, and the token's user's own language counts (docs/api.md). Django's reading of the
    header answered the default language then, as if the client had asked for it (review 21)."""
    # From ``META``: ``request.headers`` builds a dictionary of every header the first time.
    for code, _quality in parse_accept_lang_header(str(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def _asked_without_session(request: HttpRequest) -> str | None:
    """What a request asks for that is read without its session or its user: ``?lang=``, else an
    API client's ``Accept-Language`` (``_language_in_header``)."""
    requested = request.GET.get("lang")
    if requested in {code for code, _name in settings.LANGUAGES}:
        return requested
    return _language_in_header(request) if request.path.startswith("/api/") else None


def early_language(request: HttpRequest) -> AbstractContextManager[None]:
    """The language and display of an answer made before ``UserPreferenceMiddleware`` has run
    (the rate limit's and the input boundary's refusals): what the request asks for without a
    session (``_asked_without_session``), else Persian, as for nobody signed in. Django keeps a
    thread's active language from one request to the next, so without this such a refusal came
    in the language the thread's previous request left active (review 22)."""
    language = display.language_of(None, _asked_without_session(request), settings.LANGUAGE_CODE)
    return display.speaking(None, language)


class UserPreferenceMiddleware:
    """Language from ``?lang=`` (remembered in the session), else the user's preference, else
    Persian (an API client: its ``Accept-Language``); calendar and digits from the user's
    preferences. It replaces Django's ``LocaleMiddleware``, whose choice it always overrode, and
    marks every answer as varying with ``Accept-Language`` as that one did."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        languages = {code for code, _name in settings.LANGUAGES}
        requested = request.GET.get("lang")
        if requested in languages and hasattr(request, "session"):
            request.session["rasad_language"] = requested
        # A request may come without ``request.user``: agents' requests skip the session's
        # middleware (rasad.live.api.agents) and still get their language here.
        person = getattr(request, "user", None)
        user = person if person is not None and signed_in(request) and person.is_authenticated else None
        asked: str | None = (
            requested
            if requested in languages
            else (request.session.get("rasad_language") if hasattr(request, "session") else None)
            # API clients say what they want in Accept-Language (a token's request has nobody
            # signed in here); browsers get Persian unless the person chooses otherwise, whatever
            # language the browser itself is set to.
            or (_language_in_header(request) if user is None and request.path.startswith("/api/") else None)
        )
        language = display.language_of(user, asked, settings.LANGUAGE_CODE)
        if language not in languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        # What the request asked for, for the API to apply the same rule to a token's user.
        request.rasad_language_asked = asked  # type: ignore[attr-defined]
        # A token's request has nobody signed in here: its user is known only once the API has
        # read the token, which then applies the user's preferences (api.authentication).
        token = display.activate(display.preferences_of(user, language))
        try:
            response = self.get_response(request)
        finally:
            display.reset(token)
        # A token's user may have changed it (rasad.api.authentication).
        response.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Accept-Language",))
        return response


class MessageMiddleware(DjangoMessageMiddleware):
    """Django's, with the message storage (a cookie store and a session store) made when something
    first adds or reads a message. Most requests do neither (every API request, every htmx
    fragment), and making it was a tenth of what the middleware stack costs an API request. A
    storage never made has nothing to save, as one made but neither read nor added to."""

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        storage = request.__dict__.get("_messages")
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response
        return super().process_response(request, response)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputBoundaryMiddleware:
    """The request half of the input boundary (``rasad.lib.boundary``), before any view runs:

    * a body larger than the limit (``Content-Length`` above ``RASAD_MAX_BODY_BYTES``, or
      ``RASAD_MAX_UPLOAD_BYTES`` for a multipart upload) answers 413 without being read;
    * the path and every query parameter may hold no control character at all (they are one
      line by nature), so a NUL in a reference or a filter never reaches the database;
    * the fields of a page's form may hold tab and line breaks but no other control character.

    The API's bodies are checked by its parsers (``rasad.api.parsers``), which also name the
    place in a JSON document. Refusals are 400/413 in the API's JSON error shape under ``/api/``
    and the site's error page elsewhere.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        if refusal is None:
            return self.get_response(request)
        # Refused (rarely): the answer is written in the language the request asks for. The
        # decision is not made again there: a body Django could not parse reads as empty the
        # second time (review 23).
        with early_language(request):
            return refusal()

    def _refusal(self, request: HttpRequest) -> Callable[[], HttpResponse] | None:
        """The refusal of ``request``, to be written in its language, or ``None``."""
        content_type = request.content_type or ""
        limit = (
            settings.RASAD_MAX_UPLOAD_BYTES
            if content_type == "multipart/form-data"
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return lambda: self._bad(request, {"Content-Length": [self._not_a_number()]})
        if length > limit:
            return lambda: self._too_large(request)
        try:
            found = self._check(self._line_strings(request), multiline=False)
            if not is_api_request(request) and request.method == "POST" and content_type in _FORM_TYPES:
                found += self._check(self._form_strings(request), multiline=True)
        except RequestDataTooBig:
            return lambda: self._too_large(request)
        except (TooManyFieldsSent, MultiPartParserError, SuspiciousOperation, UnicodeDecodeError):
            return lambda: self._bad(request, {})
        return (lambda: self._bad(request, self._errors(found))) if found else None

    @staticmethod
    def _not_a_number() -> str:
        return _("The Content-Length header is not a number.")

    @staticmethod
    def _line_strings(request: HttpRequest) -> Iterable[tuple[str, str]]:
        yield "path", request.path
        for key, values in request.GET.lists():
            yield key, key
            for value in values:
                yield key, value

    @staticmethod
    def _form_strings(request: HttpRequest) -> Iterable[tuple[str, str]]:
        for key, values in request.POST.lists():
            yield key, key
            for value in values:
                yield key, value
        for key, uploads in request.FILES.lists():
            for upload in uploads:
                yield key, str(upload.name or "")

    @staticmethod
    def _check(strings: Iterable[tuple[str, str]], *, multiline: bool) -> list[tuple[str, str, bool]]:
        """Where a forbidden character is, which one, and whether the text may hold line breaks."""
        found: list[tuple[str, str, bool]] = []
        for where, text in strings:
            char = boundary.forbidden_character(text, multiline=multiline)
            if char is not None:
                found.append((where, char, multiline))
        return found

    @staticmethod
    def _errors(found: list[tuple[str, str, bool]]) -> dict[str, list[str]]:
        """``_check``'s findings as messages, in the active language."""
        errors: dict[str, list[str]] = {}
        for where, char, multiline in found:
            errors.setdefault(where, []).extend(boundary.text_error(char, multiline=multiline).messages)
        return errors

    @staticmethod
    def _bad(request: HttpRequest, fields: dict[str, list[str]]) -> HttpResponse:
        if is_api_request(request):
            message = _("Some values are invalid.") if fields else _("The request could not be understood.")
            return error_response(400, "invalid" if fields else "bad_request", message, fields)
        text = " ".join(message for messages in fields.values() for message in messages)
        return error_page(request, 400, text or None)

    @staticmethod
    def _too_large(request: HttpRequest) -> HttpResponse:
        if is_api_request(request):
            return error_response(413, "too_large", _("The request body is larger than Rasad accepts."))
        return error_page(request, 413)
