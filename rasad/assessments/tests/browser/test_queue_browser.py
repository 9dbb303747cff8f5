"""An assessor's queue in the browser, in Persian, at phone and desktop widths: Bob (Kerman) finds
the review assigned to him counted on his home page, opens his queue from it, and reaches the
review form from the queue."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.assessments.actions import do_assign_assessor
from rasad.assessments.models import Assessment
from rasad.assessments.testing import make_submitted
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_assessor_reaches_the_review_from_the_home_page_through_the_queue(
    journey: Any, cast: Cast, civil: Any, posts_cycle: Any, width: str
):
    assessment = make_submitted(
        Assessment.objects.get(cycle=posts_cycle, organization=cast.isfahan_post), answerer=cast.ali
    )
    do_assign_assessor(assessment, cast.bob, cast.kerman, acting_user=civil)
    bob = journey(width)
    bob.sign_in("bob")
    page = bob.page
    item = page.locator("[data-testid=item][data-kind='assessments.review']")
    assert "پاسگاه" in item.inner_text()
    bob.submit("[data-testid=count-link][href='/assessments/queue/']")
    rows = page.locator("[data-testid=queue-review] [data-testid=queue-item]")
    assert rows.count() == 1
    bob.submit("[data-testid=queue-review] [data-testid=queue-item]")
    assert page.url.endswith(f"/assessments/{assessment.pk}/review/")
