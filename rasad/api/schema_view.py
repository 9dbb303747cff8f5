"""``/api/schema/``'s view. A module of its own: ``rasad.api.schema`` is imported by Django REST
framework's settings while drf-spectacular's views are still being imported."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """``/api/schema/``, generated once per language in a process and kept: the schema is the
    code's, public and the same for everyone who asks (anonymous, a staff member, the superuser:
    the same bytes), and generating it costs about a second of processor time, which anyone could
    ask for again and again without signing in. A language the site does not offer (``?lang=``)
    or a requested version is generated as before, not kept, so what is kept stays bounded."""

    _kept: ClassVar[dict[str, dict[str, Any]]] = {}

    def _get_schema_response(self, request: Any) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)  # type: ignore[no-untyped-call]
        language = translation.get_language()
        if version is not None or language not in dict(settings.LANGUAGES):
            return super()._get_schema_response(request)  # type: ignore[no-untyped-call,no-any-return]
        schema = self._kept.get(language)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, patterns=self.patterns)
            schema = self._kept[language] = generator.get_schema(request=request, public=self.serve_public)  # type: ignore[no-untyped-call]
        filename = self._get_filename(request, version)  # type: ignore[no-untyped-call]
        return Response(data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'})
