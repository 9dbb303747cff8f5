"""The parts of an instrument are put in order on its page: a section, a criterion or an item
moves one place up or down among its siblings (docs/assessments.md "Instruments"); the move is an
audited change like any other, goes to the next version when a cycle uses the version, and is
refused with a message at either end."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from rasad.assessments.actions import do_move_part
from rasad.assessments.audit import AssessmentAuditEvent
from rasad.assessments.models import Instrument
from rasad.assessments.testing import make_cycle, starter
from rasad.core.models import AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db
PERSIAN = re.compile("[\u0600-\u06ff]")


def _codes(queryset: Any) -> list[str]:
    return list(queryset.order_by("order", "pk").values_list("code", flat=True))


def test_sections_criteria_and_items_move_up_and_down_on_the_page(cast: Cast):
    instrument = starter()
    root = signed_in_client(cast.root)
    sections = _codes(instrument.sections)
    first, second = instrument.sections.order_by("order", "pk")[:2]
    page = root.get(reverse("assessments:instrument-detail", args=[instrument.pk])).content.decode()
    assert reverse("assessments:section-move", args=[second.pk]) in page
    assert page.count('data-testid="move-section-up"') == len(sections) - 1
    assert page.count('data-testid="move-section-down"') == len(sections) - 1

    response = root.post(reverse("assessments:section-move", args=[second.pk]), {"direction": "up"})
    assert response["Location"] == (
        reverse("assessments:instrument-detail", args=[instrument.pk]) + f"#part-{second.code}"
    )
    assert _codes(instrument.sections) == [second.code, first.code, *sections[2:]]
    event = AuditEvent.objects.filter(
        event_type=int(AssessmentAuditEvent.INSTRUMENT_PART_SAVED), actor=cast.root
    ).latest("pk")
    assert (event.old, event.new) == ({"order": second.order}, {"order": 1})

    criterion = instrument.criteria.filter(section=first).order_by("order", "pk").first()
    assert criterion is not None
    criteria = _codes(first.criteria)
    if len(criteria) > 1:
        root.post(reverse("assessments:criterion-move", args=[criterion.pk]), {"direction": "down"})
        assert _codes(first.criteria) == [criteria[1], criteria[0], *criteria[2:]]
    items = _codes(criterion.items)
    assert len(items) > 1
    last = criterion.items.get(code=items[-1])
    root.post(reverse("assessments:item-move", args=[last.pk]), {"direction": "up"})
    assert _codes(criterion.items) == [*items[:-2], items[-1], items[-2]]


def test_a_move_past_either_end_or_without_a_direction_is_refused_in_persian(cast: Cast):
    instrument = starter()
    root = signed_in_client(cast.root)
    first = instrument.sections.order_by("order", "pk").first()
    last = instrument.sections.order_by("order", "pk").last()
    assert first is not None and last is not None
    url = reverse("assessments:section-move", args=[first.pk])
    assert root.get(url).status_code == 405
    tables = ("assessments.section", "assessments.instrument", "core.auditevent")
    for part, direction in ((first, "up"), (last, "down"), (first, ""), (first, "sideways")):
        with assert_nothing_changed(*tables):
            response = root.post(
                reverse("assessments:section-move", args=[part.pk]), {"direction": direction}, follow=True
            )
        messages = " ".join(str(m) for m in response.context["messages"])
        assert PERSIAN.search(messages), (direction, messages)


def test_a_move_in_a_used_version_goes_to_its_next_version(cast: Cast, civil: Any):
    make_cycle(cast.national, user=civil)
    used = starter()
    before = _codes(used.sections)
    second = used.sections.get(code=before[1])
    response = signed_in_client(cast.root).post(
        reverse("assessments:section-move", args=[second.pk]), {"direction": "up"}
    )
    draft = Instrument.objects.get(code=used.code, version=2)
    assert response["Location"].startswith(reverse("assessments:instrument-detail", args=[draft.pk]))
    assert _codes(draft.sections) == [before[1], before[0], *before[2:]]
    assert _codes(used.sections) == before


def test_the_action_renumbers_siblings_whose_numbers_repeat(cast: Cast):
    instrument = starter()
    criterion = instrument.criteria.order_by("order", "pk").first()
    assert criterion is not None
    criterion.items.update(order=0)  # as an old spreadsheet import may have left them
    items = _codes(criterion.items)
    moved = criterion.items.get(code=items[0])
    do_move_part(moved, "down", acting_user=cast.root)
    assert _codes(criterion.items) == [items[1], items[0], *items[2:]]
    assert list(criterion.items.order_by("order", "pk").values_list("order", flat=True)) == list(
        range(1, len(items) + 1)
    )
