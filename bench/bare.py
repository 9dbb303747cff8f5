"""Bare Django: one view, no middleware, no database. The floor a Django app can reach on a
server stack; ``bench/requests.py`` serves it with the same server as Rasad and compares.

    granian --interface wsgi bench.bare:wsgi       or      uvicorn bench.bare:asgi
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bare-bench",  # noqa: S106 - answers "ok" and nothing else
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_I18N=False,
        DATABASES={},
    )


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")


urlpatterns = [path("", hello)]

from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

wsgi = get_wsgi_application()
asgi = get_asgi_application()
