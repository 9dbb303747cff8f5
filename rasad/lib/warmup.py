"""Loading the application before a server worker takes its first request.

Django imports the URLconf, and through it every view, serializer and the libraries behind them
(scipy and statsmodels for the indicator methods), on the first request a process serves. On a
loaded two-core machine that took 7-12 s, and every request that reached the worker meanwhile
waited for it behind the import lock: a worker started or respawned while the database was away
held its requests for the whole outage instead of answering 503 at once, and answered them 200
once the database was back (docs/operations.md, "When the database is away").

:func:`warm_up` does that work when the WSGI or ASGI entry point is imported, which granian does
in each worker before it accepts connections: until then the other workers take the requests.
It needs no database, so a worker respawned during an outage warms up and answers 503 as usual.
"""

from __future__ import annotations

import gc

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

# Templates an answer may need while the database is away, when no page of the site renders.
_TEMPLATES = ("web/unavailable.html", "web/error_plain.html")


def warm_up() -> None:
    """Import every view, build the URL resolver's tables and load the translation catalogs and
    the outage templates, in this process, now."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every app's URLs, views and their libraries
    is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # the reverse tables and catalogs are per language
            resolver.reverse_dict  # noqa: B018
    for name in _TEMPLATES:
        get_template(name)


# How many container objects a server worker allocates, net, between two collections of the
# youngest generation (Python's default: 700). A bulk batch of 1,000 rows keeps some 7,000 of
# them until its answer (its parsed rows, their observations, the plan's tuples): at 700 the
# collector ran ten young passes and one middle pass a batch, each walking what the batch had
# made so far, 2 ms of its CPU; at this threshold one young pass every two or three batches,
# 0.6 ms a batch (docs/development/benchmarks.md, "Ingest", session 25).
YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """After :func:`warm_up`, in a server worker: free what warm-up left as garbage, leave what it
    loaded (some 270,000 objects that live as long as the process) out of the collector's passes
    (``gc.freeze``), and collect the youngest generation every ``YOUNG_THRESHOLD`` allocations."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
