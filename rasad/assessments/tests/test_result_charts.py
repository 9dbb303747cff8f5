"""The results pages' charts read JSON feeds: the cycle's (each section's final score per
organization, and how many reached each band) counts only the final assessments the reader may
see; an assessment's gives its sections self-assessed and final. Labels are in Persian digits."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.assessments.models import Assessment, Cycle
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def test_the_cycle_chart_shows_each_section_of_the_final_assessments_the_reader_sees(
    cast: Cast, civil: Any, posts: Cycle, django_assert_max_num_queries: Any
):
    client, url = signed_in_client(civil), f"/assessments/cycles/{posts.pk}/chart.json"
    client.get(url)
    with django_assert_max_num_queries(14):
        body = client.get(url).json()
    assert body["final"] == 2
    assert body["sections"]["labels"] == ["پاسگاه مرزی یک", "پاسگاه کرمان یک"]
    first = body["sections"]["series"][0]
    assert first["values"] == [80.0, 100.0]
    # Isfahan's 95 and Kerman's 100 both reach full compliance (from 90).
    assert body["bands"]["labels"] == ["انطباق ناکافی", "نیازمند بهبود", "انطباق قابل قبول", "انطباق کامل"]
    assert body["bands"]["series"][0]["values"] == [0, 0, 0, 2]
    # Kerman's analyst reads the cycle through its post's assessment, and only that one.
    kerman = signed_in_client(cast.bob).get(url).json()
    assert kerman["sections"]["labels"] == ["پاسگاه کرمان یک"]
    assert kerman["sections"]["series"][0]["values"] == [100.0]


def test_the_assessment_chart_gives_each_section_self_assessed_and_final(cast: Cast, posts: Cycle):
    assessment = Assessment.objects.get(cycle=posts, organization=cast.isfahan_post)
    body = signed_in_client(cast.ali).get(f"/assessments/{assessment.pk}/chart.json").json()
    assert [s["values"][0] for s in body["sections"]["series"]] == [80.0, 80.0]
    page = signed_in_client(cast.ali).get(f"/assessments/{assessment.pk}/").content.decode()
    assert f'data-url="/assessments/{assessment.pk}/chart.json"' in page
