"""Limit/offset pagination whose parameters are checked like any other input: a limit or offset
that is not a whole number in range is a 400 naming it (DRF would silently fall back to the
default page), and the schema states the ranges."""

from __future__ import annotations

from typing import Any, Final

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

# Past this an offset only finds an empty page; larger values overflowed the database driver.
MAX_OFFSET: Final = 2**31 - 1


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 1000

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
                        % {"minimum": minimum, "maximum": maximum}
                    ]
                }
            )
        return number

    def get_limit(self, request: Request) -> int:
        limit = self._number(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if limit is None else limit

    def get_offset(self, request: Request) -> int:
        return self._number(request, self.offset_query_param, 0, MAX_OFFSET) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        ranges = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for parameter in parameters:
            parameter["schema"].update(ranges.get(parameter["name"], {}))
        return parameters
