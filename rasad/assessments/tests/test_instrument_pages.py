"""Instruments built in the pages, without a spreadsheet: a coordinator of Isfahan starts a blank
instrument, adds a section, a criterion and items, edits and deletes them, each change one audit
event; a used instrument changes in its next version (a draft); a refused value comes back in
Persian on the field it names, with nothing saved; Kerman's coordinator gets the 404 of a missing
page for every one of them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from rasad.assessments.audit import AssessmentAuditEvent
from rasad.assessments.models import Criterion, Instrument, Item, Section
from rasad.assessments.testing import make_cycle, starter
from rasad.core.models import AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db

PERSIAN = re.compile("[\u0600-\u06ff]")


def _field_errors(response: Any) -> dict[str, str]:
    """The page's error under each field, by the field's name."""
    page = response.content.decode()
    return dict(re.findall(r'data-field-error="([^"]+)">([^<]*)<', page))


def _events(event: AssessmentAuditEvent, user: Any) -> int:
    return AuditEvent.objects.filter(event_type=int(event), actor=user).count()


def _instrument_form(cast: Cast, **values: Any) -> dict[str, Any]:
    return {
        "code": "GREEN-ISF",
        "name": "سبزسازی کارگاه‌های اصفهان",
        "name_en": "",
        "description": "چک‌لیست استانی",
        "kind": "compliance",
        "total_points": "۱۰۰",
        "owner": cast.isfahan.pk,
        **values,
    }


SECTION = {"code": "A", "title": "انرژی", "title_en": "", "points": "۱۰۰", "ranking_role": "level"}
CRITERION = {"code": "A1", "title": "مصرف برق", "title_en": ""}
ITEM = {
    "code": "A1.1",
    "item_type": "compliance",
    "text": "روشنایی کم‌مصرف است.",
    "weight": "۶۰",
    "guidance": "",
    "required_evidence": "",
}


def _build(client: Any, cast: Cast) -> Instrument:
    """A blank instrument with section A, criterion A1 and item A1.1, through the pages."""
    response = client.post(reverse("assessments:instrument-create"), _instrument_form(cast))
    assert response.status_code == 302, _field_errors(response)
    instrument = Instrument.objects.get(code="GREEN-ISF")
    assert response["Location"] == reverse("assessments:instrument-detail", args=[instrument.pk])
    assert (
        client.post(reverse("assessments:section-create", args=[instrument.pk]), SECTION).status_code == 302
    )
    section = instrument.sections.get(code="A")
    assert (
        client.post(reverse("assessments:criterion-create", args=[section.pk]), CRITERION).status_code == 302
    )
    criterion = instrument.criteria.get(code="A1")
    assert client.post(reverse("assessments:item-create", args=[criterion.pk]), ITEM).status_code == 302
    return instrument


def test_a_blank_instrument_is_built_edited_and_taken_apart_in_the_pages(
    cast: Cast, isfahan_coordinator: Any
):
    client = signed_in_client(isfahan_coordinator)
    listing = client.get(reverse("assessments:instrument-list")).content.decode()
    assert reverse("assessments:instrument-create") in listing and 'data-testid="new-instrument"' in listing
    assert client.get(reverse("assessments:instrument-create")).status_code == 200

    instrument = _build(client, cast)
    assert (instrument.version, instrument.status, instrument.owner) == (1, "draft", cast.isfahan)
    assert instrument.total_points == 100 and instrument.kind == "compliance"
    section = instrument.sections.get()
    assert (section.title, section.points, section.ranking_role) == ("انرژی", Decimal(100), "level")
    criterion = section.criteria.get()
    assert criterion.title == "مصرف برق"
    item = criterion.items.get()
    assert (item.text, item.weight, item.item_type) == ("روشنایی کم‌مصرف است.", Decimal(60), "compliance")
    # A number item with the values scoring nothing and full marks.
    response = client.post(
        reverse("assessments:item-create", args=[criterion.pk]),
        {**ITEM, "code": "A1.2", "item_type": "number", "text": "شدت مصرف برق", "weight": "۴۰"}
        | {"threshold": "۲۰۰", "target": "۱۰۰٫۵"},
    )
    assert response.status_code == 302, _field_errors(response)
    number = instrument.items.get(code="A1.2")
    assert (number.threshold, number.target, number.weight) == (200.0, 100.5, Decimal(40))
    assert _events(AssessmentAuditEvent.INSTRUMENT_CREATED, isfahan_coordinator) == 1
    assert _events(AssessmentAuditEvent.INSTRUMENT_PART_SAVED, isfahan_coordinator) == 4

    # The page offers every change to the one who keeps it, in Persian digits.
    page = client.get(reverse("assessments:instrument-detail", args=[instrument.pk])).content.decode()
    for url in (
        reverse("assessments:instrument-edit", args=[instrument.pk]),
        reverse("assessments:section-create", args=[instrument.pk]),
        reverse("assessments:section-edit", args=[section.pk]),
        reverse("assessments:section-delete", args=[section.pk]),
        reverse("assessments:criterion-create", args=[section.pk]),
        reverse("assessments:criterion-edit", args=[criterion.pk]),
        reverse("assessments:criterion-delete", args=[criterion.pk]),
        reverse("assessments:item-create", args=[criterion.pk]),
        reverse("assessments:item-edit", args=[item.pk]),
        reverse("assessments:item-delete", args=[item.pk]),
    ):
        assert url in page, url
    assert page.count("data-confirm=") == 4  # the section, the criterion and both items
    assert "۱۰۰" in page and "۶۰" in page

    # Edits: each form starts from what is there.
    edit = reverse("assessments:instrument-edit", args=[instrument.pk])
    assert "سبزسازی کارگاه‌های اصفهان" in client.get(edit).content.decode()
    response = client.post(edit, {**_instrument_form(cast), "name": "سبزسازی کسب‌وکارهای اصفهان"})
    assert response.status_code == 302, _field_errors(response)
    url = reverse("assessments:section-edit", args=[section.pk])
    assert "انرژی" in client.get(url).content.decode()
    assert client.post(url, {**SECTION, "title": "انرژی و آب"}).status_code == 302
    url = reverse("assessments:criterion-edit", args=[criterion.pk])
    assert "مصرف برق" in client.get(url).content.decode()
    assert client.post(url, {**CRITERION, "title": "مصرف انرژی"}).status_code == 302
    instrument.refresh_from_db()
    section.refresh_from_db()
    criterion.refresh_from_db()
    assert instrument.name == "سبزسازی کسب‌وکارهای اصفهان" and instrument.version == 1
    assert (section.title, criterion.title) == ("انرژی و آب", "مصرف انرژی")
    assert _events(AssessmentAuditEvent.INSTRUMENT_CHANGED, isfahan_coordinator) == 1
    assert _events(AssessmentAuditEvent.INSTRUMENT_PART_SAVED, isfahan_coordinator) == 6
    assert not Instrument.objects.filter(code="GREEN-ISF", version=2).exists()

    # Deletes: POST only (the page asks first); each takes what hangs under it.
    assert client.get(reverse("assessments:item-delete", args=[item.pk])).status_code == 405
    response = client.post(reverse("assessments:item-delete", args=[item.pk]))
    assert response["Location"] == reverse("assessments:instrument-detail", args=[instrument.pk])
    assert list(instrument.items.values_list("code", flat=True)) == ["A1.2"]
    client.post(reverse("assessments:criterion-delete", args=[criterion.pk]))
    assert not instrument.criteria.exists() and not instrument.items.exists()
    client.post(reverse("assessments:section-delete", args=[section.pk]))
    assert not instrument.sections.exists()
    deleted = AuditEvent.objects.filter(
        event_type=int(AssessmentAuditEvent.INSTRUMENT_PART_DELETED), actor=isfahan_coordinator
    ).order_by("pk")
    assert [event.old["code"] for event in deleted] == ["A1.1", "A1", "A"]
    page = client.get(reverse("assessments:instrument-detail", args=[instrument.pk])).content.decode()
    assert 'data-testid="no-sections"' in page


def test_a_used_instrument_is_changed_in_its_next_version(cast: Cast, civil: Any):
    """The starter guideline used by a cycle: every change goes to version 2, a draft, and the
    cycle keeps version 1 as it was."""
    make_cycle(cast.national, user=civil)
    used = starter()
    root = signed_in_client(cast.root)
    section = used.sections.order_by("order").first()
    assert section is not None
    before = (section.title, used.items.count(), used.name)

    response = root.post(
        reverse("assessments:section-edit", args=[section.pk]),
        {
            "code": section.code,
            "title": "حفاظت فیزیکی تأسیسات",
            "title_en": section.title_en,
            "points": str(section.points),
            "ranking_role": section.ranking_role,
            "case_category": section.case_category,
        },
    )
    version2 = Instrument.objects.get(code=used.code, version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:instrument-detail", args=[version2.pk])
    assert version2.status == "draft" and version2.previous == used
    assert version2.sections.get(code=section.code).title == "حفاظت فیزیکی تأسیسات"
    assert AuditEvent.objects.filter(
        event_type=int(AssessmentAuditEvent.INSTRUMENT_VERSIONED), actor=cast.root
    ).exists()
    # A second change of version 1 is refused (version 2 is the draft to change), with a message.
    item = used.items.order_by("pk").first()
    assert item is not None
    with assert_nothing_changed("assessments.item", "assessments.instrument"):
        response = root.post(reverse("assessments:item-delete", args=[item.pk]), follow=True)
    assert PERSIAN.search(" ".join(str(m) for m in response.context["messages"]))
    # Version 2 itself is a draft no cycle uses: changed in place.
    draft_item = version2.items.get(code=item.code)
    response = root.post(reverse("assessments:item-delete", args=[draft_item.pk]))
    assert response["Location"] == reverse("assessments:instrument-detail", args=[version2.pk])
    assert not version2.items.filter(code=item.code).exists()
    used.refresh_from_db()
    assert (used.sections.get(code=section.code).title, used.items.count(), used.name) == before


def test_a_published_instrument_starts_its_next_version_from_its_page(cast: Cast):
    """Changes that would leave a published version unusable on the way are made in a draft: the
    page starts one (a second draft of the same code is refused, with its reason)."""
    published = starter()
    root = signed_in_client(cast.root)
    url = reverse("assessments:instrument-new-version", args=[published.pk])
    page = root.get(reverse("assessments:instrument-detail", args=[published.pk])).content.decode()
    assert url in page and 'data-testid="new-version"' in page
    assert root.get(url).status_code == 405
    response = root.post(url)
    draft = Instrument.objects.get(code=published.code, version=2)
    assert response["Location"] == reverse("assessments:instrument-detail", args=[draft.pk])
    assert (draft.status, draft.previous, draft.items.count()) == (
        "draft",
        published,
        published.items.count(),
    )
    assert AuditEvent.objects.filter(
        event_type=int(AssessmentAuditEvent.INSTRUMENT_VERSIONED), actor=cast.root
    ).exists()
    with assert_nothing_changed("assessments.instrument", "assessments.item"):
        response = root.post(url, follow=True)
    assert PERSIAN.search(" ".join(str(m) for m in response.context["messages"]))
    draft_page = root.get(reverse("assessments:instrument-detail", args=[draft.pk])).content.decode()
    assert 'data-testid="new-version"' not in draft_page


def test_a_refused_value_names_its_field_in_persian_and_saves_nothing(cast: Cast, isfahan_coordinator: Any):
    client = signed_in_client(isfahan_coordinator)
    instrument = _build(client, cast)
    section = instrument.sections.get()
    criterion = section.criteria.get()
    tables = ("assessments.instrument", "assessments.section", "assessments.criterion", "assessments.item")
    cases = [
        (reverse("assessments:instrument-create"), _instrument_form(cast), "code"),  # its code is taken
        (reverse("assessments:instrument-create"), _instrument_form(cast, code="X", name=""), "name"),
        (reverse("assessments:section-create", args=[instrument.pk]), {**SECTION, "points": "0"}, "points"),
        (reverse("assessments:section-create", args=[instrument.pk]), {**SECTION, "code": "B C"}, "code"),
        (reverse("assessments:section-create", args=[instrument.pk]), SECTION, "code"),  # A exists
        (
            reverse("assessments:section-create", args=[instrument.pk]),
            {**SECTION, "code": "B", "case_category": "no-such-category"},
            "case_category",
        ),
        (reverse("assessments:criterion-create", args=[section.pk]), {**CRITERION, "title": ""}, "title"),
        (
            reverse("assessments:item-create", args=[criterion.pk]),
            {**ITEM, "code": "A1.9"} | {"text": ""},
            "text",
        ),
        (
            reverse("assessments:item-create", args=[criterion.pk]),
            {**ITEM, "code": "A1.9", "item_type": "number"},  # scored, without its range
            "target",
        ),
        (reverse("assessments:item-create", args=[criterion.pk]), {**ITEM, "weight": "ده"}, "weight"),
        (
            reverse("assessments:instrument-edit", args=[instrument.pk]),
            _instrument_form(cast, total_points="0"),
            "total_points",
        ),
    ]
    for url, data, field in cases:
        with assert_nothing_changed(*tables):
            response = client.post(url, data)
        assert response.status_code == 200, (url, field)
        errors = _field_errors(response)
        assert field in errors, (url, field, errors)
        assert PERSIAN.search(errors[field]), (field, errors[field])


def test_another_organizations_coordinator_gets_404_everywhere(
    cast: Cast, isfahan_coordinator: Any, kerman_coordinator: Any
):
    instrument = _build(signed_in_client(isfahan_coordinator), cast)
    section = instrument.sections.get()
    criterion = section.criteria.get()
    item = criterion.items.get()
    kerman = signed_in_client(kerman_coordinator)
    forms = [
        (
            reverse("assessments:instrument-edit", args=[instrument.pk]),
            _instrument_form(cast, owner=cast.kerman.pk),
        ),
        (reverse("assessments:section-create", args=[instrument.pk]), {**SECTION, "code": "B"}),
        (reverse("assessments:section-edit", args=[section.pk]), SECTION),
        (reverse("assessments:criterion-create", args=[section.pk]), {**CRITERION, "code": "A2"}),
        (reverse("assessments:criterion-edit", args=[criterion.pk]), CRITERION),
        (reverse("assessments:item-create", args=[criterion.pk]), {**ITEM, "code": "A1.2"}),
        (reverse("assessments:item-edit", args=[item.pk]), ITEM),
    ]
    deletes = [
        reverse("assessments:section-delete", args=[section.pk]),
        reverse("assessments:criterion-delete", args=[criterion.pk]),
        reverse("assessments:item-delete", args=[item.pk]),
    ]
    with assert_nothing_changed(
        "assessments.instrument", "assessments.section", "assessments.criterion", "assessments.item"
    ):
        for url, data in forms:
            assert kerman.get(url).status_code == 404, url
            assert kerman.post(url, data).status_code == 404, url
        for url in deletes:
            assert kerman.post(url).status_code == 404, url
    assert Section.objects.filter(pk=section.pk).exists()
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    assert Item.objects.filter(pk=item.pk).exists()


def test_a_choice_item_and_an_item_answered_by_an_indicator_are_added_in_the_pages(
    cast: Cast, isfahan_coordinator: Any
):
    from rasad.indicators.models import Indicator

    client = signed_in_client(isfahan_coordinator)
    instrument = _build(client, cast)
    criterion = instrument.criteria.get(code="A1")
    url = reverse("assessments:item-create", args=[criterion.pk])
    # Options that cannot be read, or none at all, are named on the box; nothing is saved.
    for options in ("کامل بدون امتیاز", ""):
        with assert_nothing_changed("assessments.item"):
            response = client.post(url, {**ITEM, "code": "A1.2", "item_type": "choice", "options": options})
        assert response.status_code == 200
        assert PERSIAN.search(_field_errors(response)["options"])
    choice = {**ITEM, "code": "A1.2", "item_type": "choice", "weight": "۲۰"}
    choice["options"] = "A:۱۰۰:کامل؛ B:50:ناقص; C:0:ندارد"  # Persian or Latin digits and separators
    assert client.post(url, choice).status_code == 302
    item = instrument.items.get(code="A1.2")
    assert item.item_type == "choice"
    assert item.options == [
        {"code": "A", "label": "کامل", "score": 100},
        {"code": "B", "label": "ناقص", "score": 50},
        {"code": "C", "label": "ندارد", "score": 0},
    ]
    electricity = Indicator.objects.get(code="ELEC_CONS")
    number = {
        **ITEM,
        "code": "A1.3",
        "item_type": "number",
        "weight": "۲۰",
        "threshold": "۲۰۰",
        "target": "۱۰۰",
    }
    assert client.post(url, {**number, "indicator": electricity.pk}).status_code == 302
    assert instrument.items.get(code="A1.3").indicator == electricity
