"""OpenAPI generation: every operation documents every status it can return (so that a
schema-driven fuzzer finds nothing undocumented), all with the one error shape: 413 for a body
over the size limit and 503 while the database is away (or the server is saturated) apply to
every operation. The schema is served by ``rasad.api.schema_view``."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

from rasad.api.errors import ErrorSerializer


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        error = self._get_response_for_code(ErrorSerializer, "400")  # type: ignore[no-untyped-call]
        for status in ("400", "401", "403", "404", "405", "406", "413", "415", "429", "503"):
            responses.setdefault(status, error)
        return responses
