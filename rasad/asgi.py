"""The ASGI application (``rasad serve --interface asgi``): Django's, with one difference for the
responses that stay open for as long as a browser tab (the live stream, ``live:stream``).

Django's ``ASGIHandler.__call__`` runs every request inside an asgiref ``ThreadSensitiveContext``
of its own: the request's synchronous code (every middleware here is synchronous, and so are the
views) runs on a single-thread executor created for that request, and the executor ends with the
response. For a stream the response never ends while the tab is open, so each open stream kept an
OS thread (bench/live.py: +1,950 threads for 1,950 streams, most of 137 KiB per idle stream).

For a long-lived response, this application calls the same handler's ``handle()`` (the request,
every middleware, the view and the response, exactly as ``__call__`` would) inside a
``ThreadSensitiveContext`` given one of ``STREAM_THREADS`` executors shared by all the streams of
the process (asgiref >= 3.10 lets the caller supply the executor and keeps it after the block).
The request's synchronous calls still run on one thread, one at a time, as Django expects (the
database connection is the thread's); the streams' openings queue on those few threads for the
few milliseconds each takes, and an open stream, which runs no synchronous code until it ends,
holds none. Every other request keeps Django's thread of its own.

Its handler also lets a stream write itself: a ``rasad.lib.push.PushResponse`` (the live stream)
is handed the server's ``send`` once Django has sent its headers (every middleware has run, as
for any response), and the hub then writes each event to every connection from one callback on
the event loop, instead of waking a task per stream that runs Django's response iteration.

The application is loaded whole before the worker serves (``rasad.lib.warmup``)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import HttpResponseBase

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")

# As django-stubs types Django's handler.
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

# The URL names of the responses that stay open (their paths come from the URLconf).
LONG_LIVED = ("live:stream",)
# Threads shared by the long-lived requests' synchronous code. More than one, so that a stream
# whose opening waits on the database (the pool's wait, a slow query) does not hold up the rest.
STREAM_THREADS = 4


class Handler(ASGIHandler):
    """Django's ASGI handler; a ``PushResponse`` is given the server's ``send`` before Django
    iterates it (the module's docstring says why)."""

    async def send_response(self, response: HttpResponseBase, send: Send) -> None:
        from rasad.lib.push import PushResponse

        if isinstance(response, PushResponse):
            response.connect(send)
        await super().send_response(response, send)


class Application:
    """Django's ASGI handler; long-lived responses on a few shared threads (the module's
    docstring says why)."""

    def __init__(self, handler: ASGIHandler, *, threads: int = STREAM_THREADS) -> None:
        self.handler = handler
        self.executors = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"rasad-stream-{n}") for n in range(threads)
        ]
        self._turn = itertools.cycle(self.executors)
        self._paths: frozenset[str] | None = None

    def long_lived_paths(self) -> frozenset[str]:
        """The paths (after the script prefix) of ``LONG_LIVED``, from the URLconf, once."""
        if self._paths is None:
            from django.urls import reverse
            from django.urls.base import get_script_prefix as current_prefix

            # reverse() puts the script prefix of the moment in front ("/" outside a request):
            # take it off, so that the path compares with the request's path_info.
            prefix = current_prefix()
            self._paths = frozenset("/" + reverse(name).removeprefix(prefix) for name in LONG_LIVED)
        return self._paths

    def is_long_lived(self, scope: Scope) -> bool:
        if scope["type"] != "http":
            return False
        path: str = scope["path"]
        script_name = get_script_prefix(scope)  # Django's own rule (ASGIRequest.path_info)
        path_info = path.removeprefix(script_name) if script_name else path
        return path_info in self.long_lived_paths()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.is_long_lived(scope):
            await self.handler(scope, receive, send)
            return
        async with ThreadSensitiveContext(executor=next(self._turn)):
            await self.handler.handle(scope, receive, send)


django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application()
application = Application(Handler())

from rasad.lib.warmup import warm_up  # noqa: E402

warm_up()
