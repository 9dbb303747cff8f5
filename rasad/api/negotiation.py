"""The API's content negotiation: DRF's, with its answer kept for the few ``Accept`` headers
clients send (docs/development/benchmarks.md, "Session 27").

DRF's ``DefaultContentNegotiation`` reads ``Accept`` through ``request.headers`` (a dictionary of
every header, built for that one read) and parses it into media types on every request, for an
answer that depends only on the header's text, the
``?format=`` asked for (or the path's format suffix) and the view's renderers. The answer for
those is kept here: which of the renderers, and the media type accepted. A header that is not
acceptable (406) or a format no renderer has (404) is not kept: DRF's own refusal is raised
every time. At most ``KEPT`` answers are kept; past that they are all dropped, so a client
sending ever new headers costs the process no memory, only DRF's parsing again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

KEPT = 512
# A longer header is negotiated every time (kept answers hold their headers' text).
KEPT_HEADER = 1024

_answers: dict[tuple[Any, ...], tuple[int, str]] = {}
_lock = threading.Lock()


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Any, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        http = getattr(request, "_request", request)  # DRF's request: its Django request's values
        accept = http.META.get("HTTP_ACCEPT")
        if accept is not None and len(accept) > KEPT_HEADER:
            return super().select_renderer(request, renderers, format_suffix)  # type: ignore[no-any-return]
        override = self.settings.URL_FORMAT_OVERRIDE
        key = (
            tuple(type(renderer) for renderer in renderers),
            accept,
            format_suffix,
            http.GET.get(override) if override else None,
        )
        known = _answers.get(key)
        if known is not None:
            index, media_type = known
            return renderers[index], media_type
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        index = next(i for i, candidate in enumerate(renderers) if candidate is renderer)
        with _lock:
            if len(_answers) >= KEPT:
                _answers.clear()
            _answers[key] = (index, media_type)
        return renderer, media_type
