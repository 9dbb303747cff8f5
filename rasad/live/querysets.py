"""Query vocabulary of live operations. Every row belongs to one field post (``organization``),
so the default scope of ``ScopedQuerySet`` is the whole rule: whoever holds the permission over
the post (or a subtree above it) sees or changes its rows."""

from __future__ import annotations

from typing import Any, Self

from rasad.core.querysets import ScopedQuerySet


class LiveQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def in_service(self) -> Self:
        return self.filter(retired_at__isnull=True)
