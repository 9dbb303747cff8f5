"""Every routed URL, discovered from the URL resolver: the one walker the route-wide tests share
(the API matrix in ``rasad.testing.matrix``, the page query-count test, the authorization
table). Nothing is listed by hand, so a new app's pages are covered as soon as they are routed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

API_PREFIX = "api/"
# The API's operations live here; the API's schema and docs pages sit beside them under /api/.
API_OPERATIONS_PREFIX = "api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")


def walk(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(route text, namespace, pattern) for every routed pattern, in URL order."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


@dataclass(frozen=True)
class Page:
    """One routed page (anything outside ``/api/``) with a name to reverse."""

    route: str
    name: str
    pattern: URLPattern

    @property
    def view_class(self) -> type[Any] | None:
        return getattr(self.pattern.callback, "view_class", None)

    @property
    def model(self) -> Any:
        """The model a generic scoped view declares (``None`` for pages about the signed-in
        person and function views)."""
        return getattr(self.view_class, "model", None)

    @property
    def arguments(self) -> tuple[str, ...]:
        """The names of the URL's arguments (``pk``, ``period``...)."""
        return tuple(self.pattern.pattern.regex.groupindex)

    def url(self, **kwargs: Any) -> str:
        return reverse(self.name, kwargs=kwargs or None)


def discover_pages(exclude: str = API_PREFIX) -> list[Page]:
    """Every named page whose route does not start with ``exclude`` (by default everything outside
    ``/api/``; the authorization table passes ``API_OPERATIONS_PREFIX`` to keep the schema and
    docs pages), in URL order."""
    return [
        Page(route=route, name=f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern=pattern)
        for route, namespace, pattern in walk()
        if pattern.name and not route.startswith(exclude)
    ]


@cache
def api_schema() -> dict[str, Any]:
    """The API's OpenAPI schema as drf-spectacular generates it, once per process: generating it
    costs seconds of processor time, and the authorization table and schema fuzzing list their
    operations from it when they are collected (in every pytest worker of every run)."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema: dict[str, Any] = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return schema


def api_operation_labels() -> list[str]:
    """Every operation of the API's schema as ``"METHOD /api/v1/path/"`` (custom actions and PUT
    included), in the schema's order."""
    return [
        f"{method.upper()} {path}"
        for path, operations in api_schema()["paths"].items()
        for method in operations
        if method in METHODS
    ]


def discover_api_operations() -> set[str]:
    """The API's operations (``api_operation_labels``), which is what a row of the authorization
    table is keyed by."""
    return set(api_operation_labels())
