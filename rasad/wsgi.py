"""The WSGI entry point ``rasad serve`` runs (granian, threads), behind the admission gate.

The application is loaded whole before the worker serves (``rasad.lib.warmup``), and what it
loaded is then left out of the garbage collector's passes (``gc.freeze``): some 270,000 objects
(modules, classes, the URL resolver's tables, the catalogs) that live as long as the process.
Scanning them made each full pass, about one per 1,500 agents' requests, cost 180 ms of CPU
with the GIL held, while every request of the worker waited; 14 ms without them
(docs/development/benchmarks.md, "Live operations over HTTP", session 17). The youngest
generation is collected less often than Python's default (``rasad.lib.warmup.settle``)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")
django_application = get_wsgi_application()

from rasad.api.dispatch import TokenDispatch  # noqa: E402
from rasad.api.overload import busy_answer  # noqa: E402
from rasad.lib.admission import AdmissionGate  # noqa: E402
from rasad.lib.spread import spread  # noqa: E402
from rasad.lib.warmup import settle, warm_up  # noqa: E402
from rasad.live.api.agents import AgentDispatch  # noqa: E402

warm_up()
settle()

# An agent's POST of events takes a shorter path through Django (rasad.live.api.agents), and so
# does an API request with a token and no cookie, through the same handler (rasad.api.dispatch).
agents = AgentDispatch(django_application)
# Kept connections spread evenly over rasad serve's workers (rasad.lib.spread).
application = spread(
    AdmissionGate(
        TokenDispatch(agents, agents.agents),
        limit=settings.ADMISSION_LIMIT,
        queue=settings.ADMISSION_QUEUE,
        timeout=settings.ADMISSION_TIMEOUT_MS / 1000,
        busy=busy_answer,
        # A live stream holds its thread for as long as the tab is open; the view caps how many.
        exempt=("/healthz", "/live/stream/"),
    )
)
