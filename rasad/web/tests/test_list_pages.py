"""The pages of a long list: one control (web/includes/pages.html) for every list, in words
(«قبلی»، «صفحهٔ ۲ از ۳»، «بعدی»), not a «۲ / ۳» that reads as a fraction nor arrows that point
the wrong way in a right-to-left page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation

from rasad.web.pagination import BoundedPaginator


def _control(page, query: str = "") -> str:
    with translation.override("fa"):
        return render_to_string("web/includes/pages.html", {"page": page, "query": query})


def test_a_middle_page_says_which_of_how_many_with_both_links_keeping_the_filters():
    html = _control(Paginator(list(range(120)), 50).page(2), "status=new&q=%D8%A8")
    assert '<span class="page-link" data-testid="page-of">صفحهٔ ۲ از ۳</span>' in html
    assert '<a class="page-link" rel="prev" href="?status=new&amp;q=%D8%A8&amp;page=1">قبلی</a>' in html
    assert '<a class="page-link" rel="next" href="?status=new&amp;q=%D8%A8&amp;page=3">بعدی</a>' in html
    assert " / " not in html and "‹" not in html and "›" not in html


def test_a_list_counted_only_so_far_says_more_than_and_one_page_lists_no_control():
    paginator = BoundedPaginator(list(range(60)), 10, wanted=1, limit=30)
    assert "صفحهٔ ۱ از بیش از ۳" in _control(paginator.page(1))
    assert _control(Paginator([1, 2], 50).page(1)).strip() == ""
