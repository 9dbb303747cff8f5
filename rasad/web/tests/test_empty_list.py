"""An empty list says what is not there and what to do next, or, with filters on, that nothing
matches them and how to clear them: one piece (``{% empty_list %}``) used by every list."""

from __future__ import annotations

from rasad.testing.cast import Cast
from rasad.testing.templates import template_texts
from rasad.testing.web import signed_in_client

SCOPED_NONE = "هنوز پرونده‌ای که بتوانید ببینید ثبت نشده است."


def test_an_empty_list_says_what_is_missing_and_offers_to_add_it_to_whoever_may(cast: Cast):
    page = signed_in_client(cast.ali).get("/cases/").content.decode()
    assert SCOPED_NONE in page
    link = '<a href="/cases/new/" data-testid="empty-list-action"><i class="bi bi-plus-lg"></i> ثبت پرونده'
    assert link in page
    # A viewer may file nothing: the words, no link.
    viewer = signed_in_client(cast.wali).get("/cases/").content.decode()
    assert SCOPED_NONE in viewer and 'data-testid="empty-list-action"' not in viewer


def test_an_empty_list_says_none_yet_only_to_whoever_sees_every_row(cast: Cast):
    from rasad.cases.testing import make_case

    # Kerman's case is outside Ali's scope: his list is empty, but cases have been filed. He is
    # told what he can see; nothing says whether other organizations' cases exist.
    make_case(cast, cast.kerman)
    ali = signed_in_client(cast.ali)
    page = ali.get("/cases/").content.decode()
    assert SCOPED_NONE in page and "هنوز پرونده‌ای ثبت نشده است." not in page
    english = ali.get("/cases/?lang=en").content.decode()
    assert "No case you can see has been filed yet." in english
    # Bob, Kerman's analyst, sees the case.
    assert 'data-testid="empty-list"' not in signed_in_client(cast.bob).get("/cases/").content.decode()


def test_an_empty_list_of_everything_says_none_yet(cast: Cast):
    page = signed_in_client(cast.root).get("/cases/").content.decode()
    assert "هنوز پرونده‌ای ثبت نشده است." in page and "بتوانید ببینید" not in page


def test_every_list_of_scoped_rows_words_its_emptiness_for_what_the_person_sees():
    # Reference data every signed-in person reads whole: "none yet" is true for everyone (and
    # the piece itself, whose comment names the tag).
    whole = {"occupation_list.html", "empty_list.html"}
    unscoped = [
        f"{path.name}: {use[:60]}"
        for path, text in template_texts()
        if path.name not in whole
        for use in text.split("{% empty_list ")[1:]
        if " scoped=" not in use.split("%}", 1)[0]
    ]
    assert unscoped == []


def test_an_empty_list_offers_nothing_to_export(cast: Cast):
    from rasad.cases.testing import make_case

    ali = signed_in_client(cast.ali)
    assert 'data-testid="export"' not in ali.get("/cases/").content.decode()
    assert 'data-testid="export"' not in ali.get("/indicators/observations/").content.decode()
    make_case(cast, cast.isfahan)
    assert 'data-testid="export"' in ali.get("/cases/").content.decode()
    # Filtered to nothing: nothing to export either.
    assert 'data-testid="export"' not in ali.get("/cases/?q=ناموجود").content.decode()


def test_every_export_button_is_told_whether_its_list_is_empty():
    untold = [
        path.name
        for path, text in template_texts()
        for use in text.split('{% include "web/includes/export_button.html"')[1:]
        if " rows=" not in use.split("%}", 1)[0]
    ]
    assert untold == []


def test_a_filtered_empty_list_says_so_and_clears_the_filters(cast: Cast):
    page = signed_in_client(cast.ali).get("/cases/?q=ناموجود&page=1").content.decode()
    assert "با این فیلترها موردی نیست." in page
    assert '<a href="/cases/" data-testid="clear-filters">' in page
    assert "هنوز پرونده‌ای" not in page and 'data-testid="empty-list-action"' not in page
    # An empty filter is no filter.
    assert SCOPED_NONE in signed_in_client(cast.ali).get("/cases/?q=").content.decode()


def test_no_list_writes_its_own_nothing_found():
    own = [
        str(path)
        for path, text in template_texts()
        if "Nothing matches" in text and path.name != "empty_list.html"
    ]
    assert own == []
