"""A token's API request without a cookie takes the short handler (``rasad.api.dispatch``):
through WSGI, as the server runs it, its answers are the whole stack's (status, JSON but the
request id, every header but the request id) for reads, lists, details in and out of scope,
writes, bad bodies, bad and revoked tokens, a credential that is no token, unknown paths and
methods, in Persian and in English; only a request that has no cookie and names a credential
under ``/api/`` takes it."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from rasad.api.dispatch import TokenDispatch, takes_short_path
from rasad.cases.testing import make_case
from rasad.core.actions.tokens import do_create_api_token, do_revoke_api_token
from rasad.core.audit import CoreAuditEvent
from rasad.core.models import ApiToken, AuditEvent
from rasad.live.api.agents import AgentHandler
from rasad.testing.cast import Cast

ME = "/api/v1/users/me/"


def _environ(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> dict[str, Any]:
    path_info, _sep, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    if body:
        environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _send(app: Any, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[Any, ...]:
    """Status, body (JSON without its request id) and headers (without the request id)."""
    started: list[Any] = []
    result = app(
        _environ(method, path, headers, body),
        lambda status, given, *rest: started.append((status, given)),
    )
    try:
        content = b"".join(result)
    finally:
        result.close()
    status, given = started[0]
    answer = json.loads(content) if content else None
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        assert answer["error"].pop("request_id")
    kept = sorted((name, value) for name, value in given if name != "X-Request-ID")
    return status, answer, kept


@pytest.fixture
def apps(keep_test_connection: None) -> tuple[Any, Any]:
    """The whole stack and the dispatch, called through WSGI as the server calls them (the
    request's signals kept from closing the test's connection: ``keep_test_connection``)."""
    full = WSGIHandler()
    return full, TokenDispatch(full, AgentHandler())


def _same(apps: tuple[Any, Any], method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Any:
    full, dispatched = apps
    assert takes_short_path(_environ(method, path, headers))
    whole = _send(full, method, path, headers, body)
    short = _send(dispatched, method, path, headers, body)
    assert short == whole
    return whole


def test_the_short_path_answers_as_the_whole_stack(cast: Cast, apps: tuple[Any, Any]):
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="dispatch")[1]
    mine, theirs = make_case(cast, cast.isfahan_post), make_case(cast, cast.kerman_post)
    # The refusal of an object out of scope is audited on the short path (the first of the
    # minute is an event; ``record_access_denied`` tallies the rest).
    denied = AuditEvent.objects.filter(event_type=CoreAuditEvent.ACCESS_DENIED)
    before = denied.count()
    hidden = _send(apps[1], "GET", f"/api/v1/cases/{theirs.pk}/", {"Authorization": f"Bearer {secret}"})
    assert (hidden[0], denied.count()) == ("404 Not Found", before + 1)
    for language in ("fa", "en"):
        token = {"Authorization": f"Bearer {secret}", "Accept-Language": language}
        status, me, headers = _same(apps, "GET", ME, token)
        assert (status, me["username"]) == ("200 OK", "alice")
        assert ("Vary", "Accept-Language, Cookie") in headers
        assert ("Cache-Control", "no-store, private") in headers
        assert _same(apps, "GET", "/api/v1/cases/", token)[1]["count"] == 1
        assert _same(apps, "GET", f"/api/v1/cases/{mine.pk}/", token)[1]["reference"] == mine.reference
        # Out of scope: 404 like a missing case.
        assert _same(apps, "GET", f"/api/v1/cases/{theirs.pk}/", token)[0] == "404 Not Found"
        assert _same(apps, "GET", "/api/v1/no-such-thing/", token)[0] == "404 Not Found"
        assert _same(apps, "DELETE", ME, token)[0] == "405 Method Not Allowed"
        refused = _same(apps, "POST", "/api/v1/cases/", token, b'{"title": ""}')
        assert refused[0] == "400 Bad Request"
        if language == "fa":
            assert refused[1]["error"]["fields"]["title"] == ["این مقدار نباید خالی باشد."]
        for credential in (f"Bearer {secret}x", "Basic YWxpY2U6eA==", "Bearer"):
            status, _body, _headers = _same(
                apps, "GET", ME, {"Authorization": credential, "Accept-Language": language}
            )
            assert status == "401 Unauthorized"
    # A write: the same answer on both paths (the second changes nothing more).
    token = {"Authorization": f"Bearer {secret}", "Accept-Language": "fa"}
    assert _same(apps, "PATCH", ME, token, b'{"calendar": "gregorian"}')[1]["calendar"] == "gregorian"


def test_a_revoked_token_is_refused_at_once_on_the_short_path(cast: Cast, apps: tuple[Any, Any]):
    token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="revoked")
    headers = {"Authorization": f"Bearer {secret}"}
    assert _same(apps, "GET", ME, headers)[0] == "200 OK"
    do_revoke_api_token(ApiToken.objects.get(pk=token.pk), acting_user=cast.alice)
    assert _same(apps, "GET", ME, headers)[0] == "401 Unauthorized"


def test_lang_chooses_the_language_without_a_session(cast: Cast, apps: tuple[Any, Any]):
    """``?lang=`` gives the answer's language on both paths; the whole stack also remembers it in
    a new session (a cookie the client has no use for), the short path does not."""
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="lang")[1]
    full, dispatched = apps
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "fa"}
    whole = _send(full, "GET", ME + "?lang=en", headers)
    short = _send(dispatched, "GET", ME + "?lang=en", headers)
    assert ("Content-Language", "en") in short[2] and ("Content-Language", "en") in whole[2]
    assert short[:2] == whole[:2]
    assert [header for header in short[2] if header[0] == "Set-Cookie"] == []
    assert [header for header in whole[2] if header[0] != "Set-Cookie"] == short[2]


@pytest.mark.parametrize(
    ("path", "headers", "short"),
    [
        (ME, {"HTTP_AUTHORIZATION": "Bearer rsd_x"}, True),
        ("/api/v1/cases/1/", {"HTTP_AUTHORIZATION": "Token rsd_x"}, True),
        (ME, {"HTTP_AUTHORIZATION": "Bearer rsd_x", "HTTP_COOKIE": "sessionid=abc"}, False),
        (ME, {"HTTP_AUTHORIZATION": "Bearer rsd_x", "HTTP_COOKIE": "csrftoken=abc"}, False),
        (ME, {}, False),
        (ME, {"HTTP_AUTHORIZATION": ""}, False),
        ("/cases/", {"HTTP_AUTHORIZATION": "Bearer rsd_x"}, False),
        ("/healthz", {"HTTP_AUTHORIZATION": "Bearer rsd_x"}, False),
    ],
)
def test_only_cookieless_api_requests_with_a_credential_take_the_short_path(
    path: str, headers: dict[str, str], short: bool
):
    taken: list[str] = []

    def app(name: str) -> Any:
        def answer(environ: Any, start_response: Any) -> list[bytes]:
            taken.append(name)
            return [b""]

        return answer

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, **headers}
    TokenDispatch(app("whole"), app("short"))(environ, lambda *args: None)
    assert taken == ["short" if short else "whole"]
    assert takes_short_path(environ) is short


def test_vary_names_cookie_once():
    seen: list[Any] = []
    for given, expected in [
        ([("Vary", "Accept-Language")], [("Vary", "Accept-Language, Cookie")]),
        ([("Vary", "Accept-Language, Cookie")], [("Vary", "Accept-Language, Cookie")]),
        ([("Vary", "*")], [("Vary", "*")]),
        ([("Content-Type", "application/json")], [("Content-Type", "application/json"), ("Vary", "Cookie")]),
    ]:

        def app(environ: Any, start_response: Any, headers: list[Any] = given) -> Any:
            start_response("200 OK", list(headers))
            return [b""]

        environ = {"PATH_INFO": ME, "HTTP_AUTHORIZATION": "Bearer x"}
        TokenDispatch(app, app)(environ, lambda status, headers, *rest: seen.append(headers))
        assert seen.pop() == expected


@pytest.mark.parametrize("value", [None, "Bearer rsd_abc", b"Bearer rsd_abc", "Token  x y", ""])
def test_the_authorization_header_is_read_as_drf_reads_it(value: str | bytes | None):
    from rest_framework.authentication import get_authorization_header
    from rest_framework.request import Request

    from rasad.api.authentication import authorization_header

    extra: dict[str, Any] = {} if value is None else {"HTTP_AUTHORIZATION": value}
    request = Request(RequestFactory().get("/api/v1/users/me/", **extra))
    assert authorization_header(request) == get_authorization_header(request)
    # A Django request (the agents' path reads one) gives the same.
    assert authorization_header(request._request) == get_authorization_header(request)
