"""Bare Django: no middleware, no DRF, no Rasad. The floor a Django app can reach on a server
stack; ``bench/requests.py`` serves it with the same server as Rasad and compares.

* ``/``: one view, no database (the issue's denominator for the cheapest authenticated request);
* ``/me``: the least any Django app must do to answer an authenticated request from its database:
  hash the bearer token, read the token's row and its user's in one statement (Rasad's token
  table, by the same unique index), answer the user as JSON. Served only when ``DATABASE_URL``
  names a PostgreSQL database (the benchmark's). It is a reference, not a goal: it shows how much
  of Rasad's ``users/me`` is the framework's and the database's floor
  (docs/development/benchmarks.md, "Where the goals stand").

* ``/replay/<name>``: the statements Rasad sent to answer one of its requests (``BARE_REPLAY``
  names a file of them, written by ``bench/requests.py``: ``captured``), sent again with the same
  values, each by its own kept cursor, prepared on the server where Rasad prepared it, and the
  largest result answered as JSON. The same database work as Rasad's request with none of its
  Python: the ceiling any implementation of that request in Django reaches on this machine
  (docs/development/benchmarks.md, "Where the goals stand").

    granian --interface wsgi bench.bare:wsgi       or      uvicorn bench.bare:asgi
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path


def _database(url: str) -> dict[str, Any]:
    """``postgres://user:password@host:port/name`` as Django's settings; nothing otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        return {}
    return {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": None,  # one connection per thread, kept: no pool to beat
        }
    }


if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bare-bench",  # noqa: S106 - answers "ok" and nothing else
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_I18N=False,
        USE_TZ=True,
        DATABASES=_database(os.environ.get("DATABASE_URL", "")),
    )


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")


# Rasad's token table and user table, read by the token's unique hash as Rasad reads them
# (without the grants Rasad reads in the same statement).
_ME = """
    SELECT u.id, u.username, u.first_name, u.last_name, u.email
      FROM core_apitoken t JOIN core_user u ON u.id = t.user_id
     WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires > now() AND u.is_active
"""


def me(request: HttpRequest) -> HttpResponse:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return JsonResponse({"detail": "no token"}, status=401)
    with connection.cursor() as cursor:
        cursor.execute(_ME, [hashlib.sha256(secret.encode()).hexdigest()])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"detail": "invalid token"}, status=401)
    names = ("id", "username", "first_name", "last_name", "email")
    return JsonResponse(dict(zip(names, row, strict=True)))


# name -> [(sql, params, prepared)], from the file BARE_REPLAY names (the benchmark's own).
_REPLAYS: dict[str, list[tuple[str, Any, bool]]] = {}
if os.environ.get("BARE_REPLAY"):
    with open(os.environ["BARE_REPLAY"], "rb") as handle:
        _REPLAYS = pickle.load(handle)  # noqa: S301 - written by bench/requests.py in this run


def replay(request: HttpRequest, name: str) -> HttpResponse:
    statements = _REPLAYS.get(name)
    if statements is None:
        return JsonResponse({"detail": "no such replay"}, status=404)
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # Django's connections prepare nothing, unless asked
        raw.prepare_threshold = 2**62
    kept: dict[str, Any] = raw.__dict__.setdefault("_bare_cursors", {})
    largest: list[dict[str, Any]] = []
    for sql, params, prepared in statements:
        cursor = kept.get(sql)
        if cursor is None:
            cursor = kept[sql] = psycopg.Cursor(raw) if prepared else psycopg.ClientCursor(raw)
        cursor.execute(sql, params, prepare=prepared or None)
        if cursor.description is not None:
            names = [column.name for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            if len(rows) >= len(largest):
                largest = rows
    body = json.dumps({"results": largest}, default=str, ensure_ascii=False)
    return HttpResponse(body.encode(), content_type="application/json")


urlpatterns = [path("", hello)]
if settings.DATABASES:
    urlpatterns += [path("me", me), path("replay/<str:name>", replay)]

from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

wsgi = get_wsgi_application()
asgi = get_asgi_application()
