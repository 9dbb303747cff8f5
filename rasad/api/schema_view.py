"""``/api/schema/``'s view. A module of its own: ``rasad.api.schema`` is imported by Django REST
framework's settings while drf-spectacular's views are still being imported."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpResponseBase
from django.utils import translation
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """``/api/schema/``, generated once per language in a process and kept: the schema is the
    code's, public and the same for everyone who asks (anonymous, a staff member, the superuser:
    the same bytes), and generating it costs about a second of processor time, which anyone could
    ask for again and again without signing in. A language the site does not offer (``?lang=``)
    or a requested version is generated as before, not kept, so what is kept stays bounded. Only
    the view's public ``get`` is overridden: the first request of a language is drf-spectacular's
    own, the later ones answer its kept schema in the format asked for."""

    _kept: ClassVar[dict[str, dict[str, Any]]] = {}

    @extend_schema(**SCHEMA_KWARGS)  # described as drf-spectacular's own view is
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # drf-spectacular's ``get`` reads ``?lang=`` the same way.
        language = request.GET.get("lang") or translation.get_language()
        versioned = self.api_version or request.version or request.GET.get("version")
        if versioned or language not in dict(settings.LANGUAGES):
            return self._generated(request, *args, **kwargs)
        schema = self._kept.get(language)
        if schema is None:
            response = self._generated(request, *args, **kwargs)
            self._kept[language] = response.data
            return response
        suffix = self.perform_content_negotiation(request, force=True)[0].format
        filename = f"{spectacular_settings.TITLE or 'schema'}.{suffix}"
        return Response(data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'})

    def _generated(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """drf-spectacular's own answer: the schema generated for this request."""
        response: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        return response
