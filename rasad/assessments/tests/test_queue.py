"""Waiting for me: each assessor's queue lists the reviews assigned to them and nobody else's,
moves on to the consensus once they have reviewed as the lead, and the home page counts the same
queue and links to it and to each review."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.assessments.actions import (
    do_assign_assessor,
    do_launch_cycle,
    do_save_review_scores,
    do_submit_review,
)
from rasad.assessments.demo import _answers, _review_of
from rasad.assessments.models import Assessment, Item
from rasad.assessments.testing import make_cycle, make_submitted
from rasad.lib.jalali import today_in_tehran
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def crossed(cast: Cast, civil: Any) -> dict[str, Assessment]:
    """Both field posts submitted; Bob (Kerman) reviews Isfahan's, Alice (Isfahan) Kerman's."""
    cycle = make_cycle(cast.national, user=civil, scope_kinds=["field_post"])
    do_launch_cycle(cycle, acting_user=civil)
    isfahan = make_submitted(
        Assessment.objects.get(cycle=cycle, organization=cast.isfahan_post), answerer=cast.ali
    )
    kerman = make_submitted(
        Assessment.objects.get(cycle=cycle, organization=cast.kerman_post), answerer=cast.bob
    )
    do_assign_assessor(isfahan, cast.bob, cast.kerman, acting_user=civil)
    do_assign_assessor(kerman, cast.alice, cast.isfahan, acting_user=civil)
    return {"isfahan": isfahan, "kerman": kerman}


def _queue(user: Any) -> str:
    response = signed_in_client(user).get("/assessments/queue/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_assessor_sees_only_the_reviews_assigned_to_them(cast: Cast, crossed: dict[str, Assessment]):
    bob, alice = _queue(cast.bob), _queue(cast.alice)
    assert f"/assessments/{crossed['isfahan'].pk}/review/" in bob
    assert f"/assessments/{crossed['kerman'].pk}/review/" not in bob
    assert f"/assessments/{crossed['kerman'].pk}/review/" in alice
    assert f"/assessments/{crossed['isfahan'].pk}/review/" not in alice
    # Ali answered Isfahan's assessment and reviews nothing.
    assert 'data-testid="queue-empty"' in _queue(cast.ali)


def test_the_home_page_counts_the_queue_and_the_lead_moves_on_to_consensus(
    cast: Cast, crossed: dict[str, Assessment]
):
    from rasad.assessments.home import CONSENSUS, REVIEW, provide

    isfahan = crossed["isfahan"]
    home = provide(cast.bob, today_in_tehran())
    assert [(str(c.label), c.value, c.url) for c in home.counts] == [
        (str(REVIEW.title), 1, "assessments:queue")
    ]
    assert [item.url for item in home.items] == [f"/assessments/{isfahan.pk}/review/"]

    items = list(Item.objects.filter(instrument_id=isfahan.cycle.instrument_id))
    review = isfahan.reviews.get(reviewer=cast.bob)
    do_save_review_scores(review, _review_of(items, _answers(items, {})), acting_user=cast.bob)
    do_submit_review(review, acting_user=cast.bob)
    home = provide(cast.bob, today_in_tehran())
    assert [(str(c.label), c.value) for c in home.counts] == [(str(CONSENSUS.title), 1)]
    assert [item.url for item in home.items] == [f"/assessments/{isfahan.pk}/consensus/"]
    assert 'data-testid="queue-review"' not in _queue(cast.bob)


def test_the_api_gives_each_assessor_their_own_queue(cast: Cast, crossed: dict[str, Assessment]):
    from rasad.conftest import client_for

    body = client_for(cast.bob).get("/api/v1/assessments/waiting/").json()
    assert [(row["id"], row["organization"], row["page"]) for row in body["review"]] == [
        (crossed["isfahan"].pk, "ISF-P1", f"/assessments/{crossed['isfahan'].pk}/review/")
    ]
    assert body["consensus"] == [] and body["audit"] == []
    assert client_for(cast.charlie).get("/api/v1/assessments/waiting/").json()["review"] == []
