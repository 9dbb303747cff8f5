"""The agents' endpoint, ``POST /api/v1/live/ingest/``, on a short path (docs/live.md, "How
single events are committed").

Agents at many posts each post a batch of one event, many times a second; most of a request's
CPU went to machinery that serves people, not agents. Two things shorten it:

* the view is plain Django (``ingest``), not DRF's: the credential check, the size limit, the
  JSON, the batch's checks and the answer, with DRF's error shape and statuses (the tests of
  ``rasad/live/tests/test_agent_path.py`` compare the answers). Every other method goes to the
  DRF view (``IngestView``: 401 without a credential, 405 with one), which also documents the
  endpoint in the schema;
* the WSGI application sends an agent's ``POST`` to ``AgentHandler`` (``AgentDispatch``, in
  ``rasad/wsgi.py``, behind the admission gate like every request): Django's own handler, with
  every middleware of ``settings.MIDDLEWARE`` except those that serve a person's session or a
  static file (``PEOPLE_ONLY``): the request id, the rate limits, the security headers, the
  input boundary, the language, ``no-store`` all run as for any API request. An agent has no
  session, and ``AgentPrincipal`` is nobody who holds a grant, so none of the skipped ones
  could change its answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from rasad.api.errors import error_response, unavailable_response
from rasad.api.parsers import not_json
from rasad.lib import context, dbhealth, formatting
from rasad.live.actions import (
    BatchRefused,
    authenticate_agent,
    credential_refused,
    do_ingest_batch,
    known_agent,
    parse_batch,
)
from rasad.live.actions.ingest import Submission
from rasad.live.group_commit import committer
from rasad.live.models import AgentCredential

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Middleware an agent's request skips: they serve a person's session (its cookie, user,
# two-factor, timeout, messages), a form's CSRF token, or static files. The language middleware
# (``UserPreferenceMiddleware``) runs: it chooses an API client's language from its
# ``Accept-Language`` and sets ``Content-Language``.
PEOPLE_ONLY = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "rasad.web.middleware.TwoFactorRequiredMiddleware",
        "rasad.core.middleware.SessionTimeoutMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    }
)


# What a 401 carries (DRF's, from ``AgentAuthentication.authenticate_header``).
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _refusal(refused: BatchRefused, headers: dict[str, str] | None = None) -> JsonResponse:
    return error_response(refused.status, refused.code, refused.message, headers=headers)


def authenticate(request: HttpRequest, *, known: bool = False) -> AgentCredential:
    """The usable credential the request carries (``Authorization: Bearer rpa_...``); raises
    ``BatchRefused`` (401) without one (DRF's ``AgentAuthentication`` asks the same). With
    ``known``, a credential this process has seen lately is taken without a query
    (``known_agent``): only for a request whose write checks it again (``answer``'s)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if isinstance(header, str):  # as DRF reads it (get_authorization_header)
        header = header.encode("iso-8859-1")
    words = header.decode("latin-1").split()
    if not words or words[0].lower() != "bearer" or len(words) != 2:
        raise BatchRefused(
            "not_authenticated", _("Send the post's agent credential as “Authorization: Bearer …”."), 401
        )
    credential = (known_agent if known else authenticate_agent)(words[1])
    if credential is None:
        raise credential_refused()
    return credential


def _too_large(limit: int) -> JsonResponse:
    """The refusal of a body over ``limit`` bytes. Made only for one: translating and formatting
    its message at every request took 12.5 µs, nearly 1 % of a single event's server CPU
    (benchmarks.md, events, session 26)."""
    message = _("A batch is at most %(limit)s bytes.") % {"limit": formatting.number(limit)}
    return _refusal(BatchRefused("too_large", message, 413))


def answer(request: HttpRequest, credential: AgentCredential) -> HttpResponse:
    """Check and record the agent's batch; the answer comes after the commit (or a refusal)."""
    limit = settings.RASAD_LIVE_MAX_BATCH_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdecimal() or int(declared) > limit:
        return _too_large(limit)
    raw = request.body
    if len(raw) > limit:
        return _too_large(limit)
    try:
        body = json.loads(raw)
    except (RecursionError, ValueError) as error:  # said in the agent's language and digits
        return _refusal(BatchRefused("malformed_json", not_json(error)))
    now = timezone.now()
    try:
        batch = parse_batch(body, now, digest=hashlib.sha256(raw).hexdigest())
    except BatchRefused as refused:
        return _refusal(refused)
    try:
        if settings.RASAD_LIVE_GROUP_COMMIT:
            bound = context.current()
            result = committer.submit(
                Submission(
                    credential,
                    batch,
                    now,
                    request_id=bound.request_id if bound else None,
                    ip=bound.ip if bound else None,
                )
            )
        else:
            result = do_ingest_batch(credential, batch, now=now)
    except BatchRefused as refused:  # the credential was revoked since the request found it
        return _refusal(refused, CHALLENGE)
    # Plain JSON, as DRF's renderer writes it: an agent reads only JSON.
    text = json.dumps(result.as_json(), ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(text, content_type="application/json")


def agent_view(drf_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The route's view: an agent's ``POST`` is answered here, anything else by ``drf_view``
    (which the schema documents: the wrapper keeps its attributes)."""

    @csrf_exempt
    def ingest(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return drf_view(request, *args, **kwargs)
        try:
            credential = authenticate(request, known=True)
        except BatchRefused as refused:
            return _refusal(refused, CHALLENGE)
        try:
            return answer(request, credential)
        except Exception as error:
            if dbhealth.is_unavailable(error):
                return unavailable_response()  # as DRF's views answer (rasad.api.errors)
            raise

    for name in ("cls", "initkwargs", "view_class", "view_initkwargs"):
        if hasattr(drf_view, name):
            setattr(ingest, name, getattr(drf_view, name))
    ingest.__doc__ = drf_view.__doc__
    return ingest


class AgentHandler(WSGIHandler):
    """Django's WSGI handler (request signals, the URL resolver, the exception handling and
    error pages) with every middleware except ``PEOPLE_ONLY``."""

    def load_middleware(self, is_async: bool = False) -> None:
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(settings.MIDDLEWARE):
            if path in PEOPLE_ONLY:
                continue
            middleware = import_string(path)(handler)
            handler = convert_exception_to_response(middleware)
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self._middleware_chain = handler


class AgentDispatch:
    """A WSGI application: an agent's ``POST`` to the ingest route goes to ``AgentHandler``,
    every other request to ``app`` (Django's handler)."""

    def __init__(self, app: WSGIApp) -> None:
        from django.urls import reverse
        from django.urls.base import get_script_prefix

        self.app = app
        self.agents = AgentHandler()
        # reverse() puts the script prefix of the moment in front ("/" outside a request): the
        # path compared is WSGI's PATH_INFO, which comes after the script name.
        self.path = "/" + reverse("live-agent:ingest").removeprefix(get_script_prefix())

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == self.path:
            return self.agents(environ, start_response)
        return self.app(environ, start_response)
