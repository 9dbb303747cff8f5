"""Limit/offset pagination whose parameters are checked like any other input: a limit or offset
that is not a whole number in range is a 400 naming it (DRF would silently fall back to the
default page), and the schema states the ranges.

**The count is bounded.** A list counts its rows up to ``COUNT_LIMIT`` (1,000), or to the end of
the page asked for when that is further: ``count`` is then exact when there are no more rows than
that, and ``count_is_exact`` says so; when there are more, ``count`` is that bound and
``count_is_exact`` is false ("more than 1,000"). ``next`` is there whenever rows follow the page,
either way. ``?count=exact`` counts every row. An exact count reads every visible row, so its
cost grows with the data (10,000 visible cases took ~10 ms of PostgreSQL, 1,000 ~0.7 ms); a
bounded one reads at most ``COUNT_LIMIT + 1`` rows past the page's start, whatever the data's
size (docs/development/benchmarks.md, "Session 18"; GitLab bounds its counts the same way, at
1,000 in its pages' counters and 10,000 in its API's headers). Exports count exactly.
"""

from __future__ import annotations

from typing import Any, Final

from django.db import models
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from rasad.lib import formatting

# Past this an offset only finds an empty page; larger values overflowed the database driver.
MAX_OFFSET: Final = 2**31 - 1
# A list's rows are counted up to this many (or to the page's end): "more than 1,000" past it.
COUNT_LIMIT: Final = 1000
EXACT: Final = "exact"


def count_rows(rows: Any, bound: int | None) -> int:
    """How many ``rows`` there are, counted up to ``bound + 1`` (all of them when ``bound`` is
    ``None``): a queryset counts the first ``bound + 1`` of its rows in no order (any ``bound +
    1`` rows tell that there are more); a lean list's page reader (``rasad.api.lean``) counts with
    its own statement (``bounded_count``); anything else is measured."""
    counting = getattr(rows, "bounded_count", None)
    if counting is not None:
        return int(counting(bound))
    if isinstance(rows, models.QuerySet):
        return rows.count() if bound is None else rows.order_by()[: bound + 1].count()
    return len(rows)


def count_up_to(rows: Any, bound: int | None) -> tuple[int, bool]:
    """``rows``' count bounded by ``bound`` (``None``: none) and whether it is exact: ``(n,
    True)`` when there are ``n`` ≤ ``bound`` rows, ``(bound, False)`` when there are more.
    The API's pages and the UI's (``rasad.web.pagination``) both count so."""
    counted = count_rows(rows, bound)
    if bound is None or counted <= bound:
        return counted, True
    return bound, False


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 1000
    count_query_param = "count"
    count_limit = COUNT_LIMIT
    count_is_exact = True

    def _number(self, request: Request, name: str, minimum: int, maximum: int) -> int | None:
        text = request.query_params.get(name)
        if text is None or text == "":
            return None
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not minimum <= number <= maximum:
            raise exceptions.ValidationError(
                {
                    name: [
                        _("Give a whole number from %(minimum)s to %(maximum)s.")
                        % {"minimum": formatting.number(minimum), "maximum": formatting.number(maximum)}
                    ]
                }
            )
        return number

    def get_limit(self, request: Request) -> int:
        limit = self._number(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if limit is None else limit

    def get_offset(self, request: Request) -> int:
        return self._number(request, self.offset_query_param, 0, MAX_OFFSET) or 0

    def wants_exact_count(self, request: Request) -> bool:
        text = request.query_params.get(self.count_query_param)
        if text is None or text == "":
            return False
        if text != EXACT:
            raise exceptions.ValidationError(
                {self.count_query_param: [_("Give “exact” to count every row, or leave it out.")]}
            )
        return True

    def count_bound(self, request: Request, offset: int, limit: int) -> int | None:
        """Up to how many rows this request's list is counted (``None``: every row): the
        ``count_limit``, or the end of the page asked for when that is further, so that a page
        past the limit still knows whether rows follow it."""
        if self.wants_exact_count(request):
            return None
        return max(self.count_limit, offset + limit)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        """DRF's, with the count bounded (``count_bound``)."""
        self.request = request
        self.limit = limit = self.get_limit(request)
        self.offset = offset = self.get_offset(request)
        bound = self.count_bound(request, offset, limit)
        count, self.count_is_exact = count_up_to(queryset, bound)
        self.count = count
        if count > limit and self.template is not None:
            self.display_page_controls = True
        if count == 0 or offset > count:
            return []
        return list(queryset[offset : offset + limit])

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "count_is_exact": self.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self) -> str | None:
        if self.count_is_exact:
            return super().get_next_link()
        # More rows than were counted, which reach past this page (``count_bound``).
        request, offset, limit = self.request, self.offset, self.limit
        assert request is not None and offset is not None and limit is not None
        url = replace_query_param(request.build_absolute_uri(), self.limit_query_param, limit)
        return replace_query_param(url, self.offset_query_param, offset + limit)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"]["description"] = (
            f"The number of rows, counted up to {COUNT_LIMIT:,} or to the end of this page when "
            f"that is further. When there are more, `count` is that bound and `count_is_exact` is "
            f"false: there are more than `count` rows. `{self.count_query_param}={EXACT}` counts "
            f"every row (slower on long lists)."
        )
        response["properties"] = {
            "count": properties["count"],
            "count_is_exact": {
                "type": "boolean",
                "description": "Whether `count` is the number of rows (true) or a bound they exceed (false).",
            },
            **{name: value for name, value in properties.items() if name != "count"},
        }
        response["required"] = ["count", "count_is_exact", "results"]
        return response

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        ranges = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for parameter in parameters:
            parameter["schema"].update(ranges.get(parameter["name"], {}))
        parameters.append(
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"`{EXACT}` counts every row; without it the rows are counted up to "
                    f"{COUNT_LIMIT:,} (or to the end of the page asked for)."
                ),
                "schema": {"type": "string", "enum": [EXACT]},
            }
        )
        return parameters
