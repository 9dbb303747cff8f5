"""``/api/schema/``'s view. A module of its own: ``rasad.api.schema`` is imported by Django REST
framework's settings while drf-spectacular's views are still being imported."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpResponse, HttpResponseBase
from django.utils import translation
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """``/api/schema/``, generated once per language in a process and kept, and rendered once per
    language and format: the schema is the code's, public and the same for everyone who asks
    (anonymous, a staff member, the superuser: the same bytes); generating it costs about a second
    of processor time and rendering it as YAML most of another (``docs/development/benchmarks.md``,
    "Session 26: the schema's YAML"), which anyone could ask for again and again without signing
    in. A language the site does not offer (``?lang=``) or a requested version is generated as
    before, not kept; a media type with parameters (``Accept: application/json; indent=2``) is
    rendered from the kept schema, not kept: so what is kept stays bounded (languages × the four
    renderers). Only the view's public ``get`` is overridden: the first request of a language is
    drf-spectacular's own generation, and every answer is the bytes its negotiated renderer makes
    of that schema (``Renderer.render``, as a ``Response`` would render them)."""

    _kept: ClassVar[dict[str, dict[str, Any]]] = {}
    _rendered: ClassVar[dict[tuple[str, str], bytes]] = {}

    @extend_schema(**SCHEMA_KWARGS)  # described as drf-spectacular's own view is
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # drf-spectacular's ``get`` reads ``?lang=`` the same way.
        language = request.GET.get("lang") or translation.get_language()
        versioned = self.api_version or request.version or request.GET.get("version")
        if versioned or language not in dict(settings.LANGUAGES):
            return self._generated(request, *args, **kwargs)
        schema = self._kept.get(language)
        if schema is None:
            schema = self._kept[language] = self._generated(request, *args, **kwargs).data
        renderer, accepted = request.accepted_renderer, request.accepted_media_type
        key = (language, renderer.media_type)
        content = self._rendered.get(key) if accepted == renderer.media_type else None
        if content is None:
            rendered = renderer.render(schema, accepted, self.get_renderer_context())
            content = rendered.encode(renderer.charset or "utf-8") if isinstance(rendered, str) else rendered
            if accepted == renderer.media_type:
                self._rendered[key] = content
        suffix = renderer.format
        filename = f"{spectacular_settings.TITLE or 'schema'}.{suffix}"
        charset = f"; charset={renderer.charset}" if renderer.charset else ""
        return HttpResponse(
            content,
            content_type=f"{renderer.media_type}{charset}",
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )

    def _generated(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """drf-spectacular's own answer: the schema generated for this request."""
        response: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        return response
