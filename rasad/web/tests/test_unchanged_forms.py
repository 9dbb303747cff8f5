"""Every edit page saved as it was shown writes nothing and says so: no audit event, no row
changed (not even its time of change), no version of an instrument a cycle uses copied, nothing
pushed, and the page says nothing changed (docs/audit.md, "What is recorded").

The pages are found from the URL resolver: every form page named ``...-edit``, and the other
pages that edit what they show (``EDITS_TOO``). Each is opened as the platform administrator on
a record its model's matrix factory makes (``rasad.testing.factories``) or ``MAKERS`` gives, and
its own form is posted back as a browser sends it untouched (``rasad.testing.forms``). A new
edit page is covered as soon as it is routed, or the first test asks for its record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.factories import FACTORIES, load_all
from rasad.testing.forms import form_as_sent
from rasad.testing.routes import Page, discover_pages
from rasad.testing.web import signed_in_client
from rasad.web.generic import ScopedImportView, SignedInFormView

load_all()

NOTHING_CHANGED = "هیچ تغییری داده نشد"

# Form pages not named "-edit" that show a record's values and save them back.
EDITS_TOO = (
    "core:working-group-members",
    "programs:weights",
    "assessments:instrument-bands",
    "web:preferences",
)


def _in_use_part(part: str) -> Callable[[Cast], Any]:
    """A section, criterion or item of an instrument a cycle uses (an edit of it goes to a new
    draft version: an unchanged form must not make one)."""

    def make(cast: Cast) -> Any:
        from rasad.assessments.testing import make_cycle

        cycle = make_cycle(cast.isfahan, user=cast.root)
        item = cycle.instrument.items.order_by("pk").first()
        assert item is not None
        return {"section": item.criterion.section, "criterion": item.criterion, "item": item}[part]

    return make


def _in_use_instrument(cast: Cast) -> Any:
    from rasad.assessments.testing import make_cycle

    return make_cycle(cast.isfahan, user=cast.root).instrument


def _holiday(cast: Cast) -> Any:
    from rasad.cases.actions.calendar import do_set_holiday

    return do_set_holiday(date(2026, 3, 21), "نوروز", acting_user=cast.root, name_en="Nowruz")


# Records of pages whose model has no matrix factory, or whose factory's record is not the one
# that shows the case (an instrument a cycle uses).
MAKERS: dict[str, Callable[[Cast], Any]] = {
    "assessments:instrument-edit": _in_use_instrument,
    "assessments:instrument-bands": _in_use_instrument,
    "assessments:section-edit": _in_use_part("section"),
    "assessments:criterion-edit": _in_use_part("criterion"),
    "assessments:item-edit": _in_use_part("item"),
    "cases:holiday-edit": _holiday,
}

# Tables each page's unchanged save must leave as they were, besides its model's.
ALSO_UNCHANGED: dict[str, tuple[str, ...]] = {
    "assessments:section-edit": ("assessments.instrument",),
    "assessments:criterion-edit": ("assessments.instrument",),
    "assessments:item-edit": ("assessments.instrument",),
    "assessments:instrument-bands": ("assessments.band",),
    "programs:weights": ("programs.axis",),
    "core:working-group-members": ("core.membership",),
    "web:preferences": ("core.user",),
}


def _is_form(page: Page) -> bool:
    view = page.view_class
    return view is not None and issubclass(view, SignedInFormView) and not issubclass(view, ScopedImportView)


EDIT_PAGES = [
    page
    for page in discover_pages()
    if _is_form(page) and (page.name.endswith("-edit") or page.name in EDITS_TOO)
]


def test_every_edit_page_is_found_and_has_a_record():
    names = {page.name for page in EDIT_PAGES}
    assert set(EDITS_TOO) <= names, set(EDITS_TOO) - names
    unmade = [
        page.name
        for page in EDIT_PAGES
        if page.arguments
        and page.name not in MAKERS
        and (page.model is None or page.model._meta.label_lower not in FACTORIES)
    ]
    assert not unmade, f"edit pages with no record to open: {unmade}; give them a maker in MAKERS"


def _url(page: Page, cast: Cast) -> str:
    if not page.arguments:
        return page.url()
    maker = MAKERS.get(page.name)
    record = maker(cast) if maker else FACTORIES[page.model._meta.label_lower].make(cast, cast.isfahan)
    return page.url(pk=record.pk)


@pytest.mark.parametrize("page", EDIT_PAGES, ids=lambda page: page.name)
def test_an_edit_page_saved_unchanged_writes_nothing_and_says_so(cast: Cast, page: Page):
    url = _url(page, cast)
    client = signed_in_client(cast.root)
    shown = client.get(url)
    assert shown.status_code == 200, (url, shown.status_code)
    sent = form_as_sent(shown.content.decode(), url)
    tables = [page.model._meta.label_lower] if page.model is not None else []
    with assert_nothing_changed(*tables, *ALSO_UNCHANGED.get(page.name, ())):
        answer = client.post(url, sent, follow=True)
    body = answer.content.decode()
    assert answer.redirect_chain, (url, answer.status_code, body[:3000])
    assert NOTHING_CHANGED in body, (url, body[:3000])
