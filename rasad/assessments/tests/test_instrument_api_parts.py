"""An instrument built and changed part by part through the API (docs/assessments.md "API"): a
section, a criterion and items added, one changed by its code (its type and options too), moved
and deleted; every refusal names its field in Persian with nothing written, and another
province's coordinator finds no such instrument."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rasad.assessments.actions import InstrumentValues, do_create_instrument
from rasad.assessments.audit import AssessmentAuditEvent
from rasad.assessments.models import Instrument
from rasad.assessments.testing import make_cycle, starter
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db
PARTS = ("assessments.instrument", "assessments.section", "assessments.criterion", "assessments.item")


def _draft(cast: Cast, coordinator: Any) -> Instrument:
    values = InstrumentValues(
        "GREEN-ISF", "سبزسازی کارگاه‌های اصفهان", "compliance", Decimal(100), cast.isfahan
    )
    return do_create_instrument(values, acting_user=coordinator)


def _structure(body: dict[str, Any]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    return [
        (s["code"], [(c["code"], [i["code"] for i in c["items"]]) for c in s["criteria"]])
        for s in body["sections"]
    ]


def test_an_instrument_is_built_changed_moved_and_pruned_part_by_part(cast: Cast, isfahan_coordinator: Any):
    instrument = _draft(cast, isfahan_coordinator)
    client = client_for(isfahan_coordinator)
    url = f"/api/v1/assessment-instruments/{instrument.pk}/"

    response = client.post(url + "sections/", {"code": "A", "title": "انرژی", "points": "100"}, format="json")
    assert response.status_code == 200, response.json()
    client.post(url + "criteria/", {"section": "A", "code": "A1", "title": "مصرف برق"}, format="json")
    item = {"criterion": "A1", "code": "A1.1", "item_type": "compliance", "text": "روشنایی کم‌مصرف است."}
    assert client.post(url + "items/", {**item, "weight": "60"}, format="json").status_code == 200
    choice = {
        "criterion": "A1",
        "code": "A1.2",
        "item_type": "choice",
        "text": "وضعیت کولرها",
        "weight": "40",
        "options": [
            {"code": "a", "label": "کامل", "score": 100},
            {"code": "b", "label": "ندارد", "score": 0},
        ],
    }
    body = client.post(url + "items/", choice, format="json").json()
    assert _structure(body) == [("A", [("A1", ["A1.1", "A1.2"])])]
    options = body["sections"][0]["criteria"][0]["items"][1]["options"]
    assert [(o["code"], o["score"]) for o in options] == [("a", 100), ("b", 0)]

    # The same code changes the item: its words and, unlike the page, its type.
    body = client.post(
        url + "items/",
        {**item, "item_type": "radar", "text": "روشنایی LED است.", "weight": "60"},
        format="json",
    ).json()
    changed = body["sections"][0]["criteria"][0]["items"][0]
    assert (changed["code"], changed["item_type"], changed["text"]) == ("A1.1", "radar", "روشنایی LED است.")
    assert instrument.items.count() == 2

    body = client.post(
        url + "move-part/", {"kind": "item", "code": "A1.2", "direction": "up"}, format="json"
    ).json()
    assert _structure(body) == [("A", [("A1", ["A1.2", "A1.1"])])]
    body = client.post(url + "delete-part/", {"kind": "criterion", "code": "A1"}, format="json").json()
    assert _structure(body) == [("A", [])]
    assert not instrument.items.exists()

    saved = AuditEvent.objects.filter(
        event_type=int(AssessmentAuditEvent.INSTRUMENT_PART_SAVED), actor=isfahan_coordinator
    )
    assert saved.count() == 6  # section, criterion, two items, the change, the move
    assert AuditEvent.objects.filter(
        event_type=int(AssessmentAuditEvent.INSTRUMENT_PART_DELETED), actor=isfahan_coordinator
    ).exists()


def test_bad_parts_are_refused_naming_the_field_in_persian(cast: Cast, isfahan_coordinator: Any):
    instrument = _draft(cast, isfahan_coordinator)
    client = client_for(isfahan_coordinator)
    url = f"/api/v1/assessment-instruments/{instrument.pk}/"
    client.post(url + "sections/", {"code": "A", "title": "انرژی", "points": "100"}, format="json")
    client.post(url + "criteria/", {"section": "A", "code": "A1", "title": "مصرف برق"}, format="json")
    item = {"criterion": "A1", "code": "A1.1", "item_type": "compliance", "text": "پرسش", "weight": "100"}
    client.post(url + "items/", item, format="json")
    cases = [
        ("sections/", {"code": "B", "title": "آب", "points": "0"}, "points"),
        ("sections/", {"code": "B C", "title": "آب", "points": "10"}, "code"),
        ("criteria/", {"section": "Z", "code": "Z1", "title": "هیچ"}, "section"),
        ("items/", {**item, "code": "A1.2", "criterion": "Q9"}, "criterion"),
        ("items/", {**item, "code": "A1.2", "item_type": "choice"}, "options"),
        ("items/", {**item, "code": "A1.2", "item_type": "number"}, "target"),
        ("items/", {**item, "code": "A1.2", "indicator": "NO-SUCH"}, "indicator"),
        ("move-part/", {"kind": "item", "code": "A1.1", "direction": "up"}, "direction"),
        ("move-part/", {"kind": "item", "code": "A1.1", "direction": "left"}, "direction"),
        ("delete-part/", {"kind": "section", "code": "NOPE"}, "code"),
        ("delete-part/", {"kind": "page", "code": "A"}, "kind"),
    ]
    for path, data, field in cases:
        with assert_nothing_changed(*PARTS, "core.auditevent"):
            response = client.post(url + path, data, format="json")
        assert response.status_code == 400, (path, data, response.content)
        fields = response.json()["error"]["fields"]
        assert field in fields, (path, data, fields)
        assert any("\u0600" <= ch <= "\u06ff" for ch in " ".join(fields[field])), fields


def test_another_provinces_coordinator_finds_no_such_instrument(
    cast: Cast, isfahan_coordinator: Any, kerman_coordinator: Any
):
    instrument = _draft(cast, isfahan_coordinator)
    client_for(isfahan_coordinator).post(
        f"/api/v1/assessment-instruments/{instrument.pk}/sections/",
        {"code": "A", "title": "انرژی", "points": "100"},
        format="json",
    )
    url = f"/api/v1/assessment-instruments/{instrument.pk}/"
    with assert_nothing_changed(*PARTS, "core.auditevent"):
        for path, data in [
            ("sections/", {"code": "A", "title": "تغییر", "points": "100"}),
            ("criteria/", {"section": "A", "code": "A1", "title": "معیار"}),
            ("move-part/", {"kind": "section", "code": "A", "direction": "down"}),
            ("delete-part/", {"kind": "section", "code": "A"}),
        ]:
            assert client_for(kerman_coordinator).post(url + path, data, format="json").status_code == 404


def test_a_part_of_a_used_version_is_changed_in_its_next_version(cast: Cast, civil: Any):
    make_cycle(cast.national, user=civil)
    used = starter()
    section = used.sections.order_by("order", "pk").first()
    assert section is not None
    response = client_for(cast.root).post(
        f"/api/v1/assessment-instruments/{used.pk}/sections/",
        {"code": section.code, "title": "حفاظت فیزیکی تأسیسات", "points": str(section.points)},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["version"], response.json()["status"]) == (2, "draft")
    assert Instrument.objects.get(code=used.code, version=2).sections.get(code=section.code).title == (
        "حفاظت فیزیکی تأسیسات"
    )
    assert used.sections.get(code=section.code).title == section.title


def test_an_unknown_part_is_named_by_its_code_in_the_readers_digits(cast: Cast, isfahan_coordinator: Any):
    # A Persian answer names the code as the pages write codes, «Q۹», not «Q9» in a Persian
    # sentence; a client that asks for English reads it in Latin digits.
    instrument = _draft(cast, isfahan_coordinator)
    client = client_for(isfahan_coordinator)
    url = f"/api/v1/assessment-instruments/{instrument.pk}/criteria/"
    criterion = {"section": "Q9", "code": "Q9.1", "title": "هیچ"}
    response = client.post(url, criterion, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["section"] == ["این نسخه موردی با کد «Q۹» ندارد."]
    response = client.post(url, criterion, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["fields"]["section"] == ["This version has no part with the code “Q9”."]
