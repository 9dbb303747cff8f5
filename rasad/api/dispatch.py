"""API requests that carry a credential and no cookie take the short handler (docs/api.md,
"The request's path through the server"; docs/development/benchmarks.md, "Session 21").

Such a request is a client's with a token: nobody can be signed in to a session (there is no
cookie), so the middleware that serves a person's session, a form's CSRF token or a static file
(``rasad.live.api.agents.PEOPLE_ONLY``: sessions, CSRF, the session's user and its two-factor
wrapper, two-factor set-up, session timeout, static files) has nothing to do for it but cost
about 0.1 ms of CPU. ``TokenDispatch`` sends it to the handler the agents' requests take (Django's
own, without those); everything else, DRF's authentication and the token's checks included,
runs as for any request: the request id, the rate limits, the security headers, the input
boundary, the language, ``no-store``. A request with any cookie, or without an
``Authorization`` header, or outside ``/api/``, takes the whole stack.

The answer is the whole stack's, header for header (``rasad/api/tests/test_dispatch.py``), but
for two things that only a session could give: ``Vary`` names ``Cookie`` as the whole stack's
answers do (the answer at this address does vary with the cookie: a session's is another), and
``?lang=`` chooses the answer's language without being remembered in a new session (the whole
stack made one, and a cookie, for a client that has no use for it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rasad.api.errors import API_PREFIX

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def takes_short_path(environ: dict[str, Any]) -> bool:
    """An API request with an ``Authorization`` header and no ``Cookie`` header."""
    return (
        bool(environ.get("HTTP_AUTHORIZATION"))
        and not environ.get("HTTP_COOKIE")
        and str(environ.get("PATH_INFO", "")).startswith(API_PREFIX)
    )


def _vary_cookie(start_response: StartResponse) -> StartResponse:
    """``start_response`` with ``Cookie`` added to the answer's ``Vary``, as the session's
    middleware adds it to every API answer of the whole stack."""

    def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        for index, (name, value) in enumerate(headers):
            if name.lower() == "vary":
                named = {part.strip().lower() for part in value.split(",")}
                if "cookie" not in named and "*" not in named:
                    headers[index] = (name, f"{value}, Cookie")
                break
        else:
            headers.append(("Vary", "Cookie"))
        return start_response(status, headers, *rest)

    return start


class TokenDispatch:
    """A WSGI application: a request that ``takes_short_path`` goes to ``short`` (the agents'
    ``AgentHandler``), every other to ``app``."""

    def __init__(self, app: WSGIApp, short: WSGIApp) -> None:
        self.app, self.short = app, short

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if takes_short_path(environ):
            return self.short(environ, _vary_cookie(start_response))
        return self.app(environ, start_response)
