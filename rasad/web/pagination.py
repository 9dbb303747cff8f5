"""Pages of a long list in the UI whose rows are counted only so far, as the API's lists are
(``rasad.api.pagination``): up to 1,000 rows, or to the end of the page asked for when that is
further. Past that the list says "more than 1,000 cases" in the reader's digits; its export
counts every row."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from rasad.api.pagination import COUNT_LIMIT, MAX_OFFSET, count_up_to
from rasad.lib import formatting


class BoundedPaginator(Paginator):  # type: ignore[type-arg]  # generic in its stubs only
    """Django's paginator for the page ``wanted`` (the request's ``page``), its count bounded:
    ``count`` is the number of rows when ``count_is_exact``, else the bound they exceed, and
    ``num_pages`` then counts the pages known to exist (the next page's first row is known).
    ``shown_count`` and ``shown_pages`` write them for people ("more than 1,000")."""

    def __init__(self, object_list: Any, per_page: int, wanted: Any = None, limit: int | None = None) -> None:
        super().__init__(object_list, per_page)
        try:
            number = max(int(wanted), 1)
        except (TypeError, ValueError):
            number = 1
        # Never past what the database takes as a LIMIT (the API's largest offset): a page
        # number past it is past the end of any list, the last page, as Django answers it.
        self.bound = min(max(COUNT_LIMIT if limit is None else limit, number * int(per_page)), MAX_OFFSET)

    @cached_property
    def counted(self) -> tuple[int, bool]:
        return count_up_to(self.object_list, self.bound)

    @property
    def count_is_exact(self) -> bool:
        return self.counted[1]

    @cached_property
    def count(self) -> int:
        return self.counted[0]

    @cached_property
    def num_pages(self) -> int:
        pages: int = super().num_pages
        return pages if self.count_is_exact else self.bound // self.per_page + 1

    def page(self, number: Any) -> Any:
        """Django's page, but for the last page known of rows counted only so far (what Django
        serves for a page number under 1): its rows are read in full, not cut at the bound."""
        if self.count_is_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return Page(self.object_list[bottom : bottom + self.per_page], number, self)

    @property
    def shown_count(self) -> str:
        return _more_than(self.count, exact=self.count_is_exact)

    @property
    def shown_pages(self) -> str:
        if self.count_is_exact:
            return formatting.number(self.num_pages)
        return _more_than(self.num_pages - 1, exact=False)


def _more_than(count: int, *, exact: bool) -> str:
    shown = formatting.number(count)
    return shown if exact else _("more than %(count)s") % {"count": shown}
