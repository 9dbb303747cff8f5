"""Compliance at every level: the civil defence body's cycle over the two field posts, the
Isfahan post with a gap in physical protection (A1.2 "no": section A at 80%, total 95%), the
Kerman post fully compliant; last year's cycle for the trend. The national coordinator sees both
provinces and opens each level; Isfahan and Kerman each see only their own post, on the page,
the map's feeds, the API and the export; bad parameters read like missing objects."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from rasad.assessments.compliance import compliance, level_of, mean, visible_for
from rasad.assessments.models import Assessment, Cycle
from rasad.conftest import client_for
from rasad.core.access import ObjectNotFound
from rasad.jobs.exports import do_request_export
from rasad.jobs.testing import exported
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows, xlsx_sheets
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def _province(organization: Any) -> str:
    assert organization.province is not None
    return str(organization.province.code)


def _codes(result: Any) -> list[str]:
    return [row.organization.code for row in result.rows]


def test_levels_and_means_follow_the_documented_rules():
    assert [level_of(v) for v in (100, 90, 89.9, 75, 50, 49.9, None)] == [
        "full",
        "full",
        "good",
        "good",
        "partial",
        "low",
        "",
    ]
    assert mean([95.0, 100.0, None]).percent == 97.5
    assert mean([93.75]).percent == 93.8  # half up, not to even
    assert mean([None]).count == 0


def test_the_national_coordinator_sees_each_province_then_opens_its_level(
    cast: Cast, civil: Any, posts: Cycle
):
    result = compliance(visible_for(civil))
    assert result.cycle == posts
    assert result.node == cast.national
    assert _codes(result) == ["ISF-CC", "KER-CC"]  # lowest first
    isfahan, kerman = result.rows
    assert (isfahan.total.percent, isfahan.below, isfahan.assessment_id) == (95.0, True, None)
    assert [s.code for s in result.sections] == ["A", "B", "C", "D"]
    assert [h.percent for h in isfahan.sections] == [80.0, 100.0, 100.0, 100.0]
    assert [h.level for h in isfahan.sections] == ["good", "full", "full", "full"]
    assert kerman.total.percent == 100.0
    assert (result.total.percent, result.assessments, result.final) == (97.5, 2, 2)

    below = compliance(visible_for(civil), posts.pk, "isf-cc")
    assert [o.code for o in below.trail] == ["NAT", "ISF-CC"]
    (post,) = below.rows
    own = Assessment.objects.get(cycle=posts, organization=cast.isfahan_post)
    assert (post.organization, post.below, post.assessment_id) == (cast.isfahan_post, False, own.pk)


def test_the_province_map_and_its_points(cast: Cast, civil: Any, posts: Cycle):
    client = signed_in_client(civil)
    body = client.get(f"/assessments/compliance/map.json?cycle={posts.pk}").json()
    isfahan_province = _province(cast.isfahan_post)
    kerman_province = _province(cast.kerman_post)
    assert body["values"] == {isfahan_province: 95.0, kerman_province: 100.0}
    assert body["display"][isfahan_province] == "۹۵٪ (۱ ارزیابی نهایی)"
    points = client.get(f"/assessments/compliance/points.json?cycle={posts.pk}").json()["features"]
    colours = {p["properties"]["url"]: p["properties"]["colour"] for p in points}
    own = Assessment.objects.get(cycle=posts, organization=cast.isfahan_post)
    assert colours[f"/assessments/{own.pk}/"] == "#1e8449"
    assert len(points) == 2


def test_the_trend_compares_the_cycles_of_the_same_checklist(
    cast: Cast, civil: Any, posts: Cycle, last_year: Cycle
):
    result = compliance(visible_for(civil), posts.pk, "KER-CC")
    assert [row.cycle for row in result.trend] == [last_year, posts]  # by opening day
    before, now = result.trend
    # Last year C1.1 (7 of section C's 25 points) was not met: C at 72%, the total 7 points lower.
    assert (before.total.percent, before.sections[2].percent) == (93.0, 72.0)
    assert (now.total.percent, now.sections[2].percent) == (100.0, 100.0)
    # Opening the page on last year's cycle keeps the same trend.
    again = compliance(visible_for(civil), last_year.pk)
    assert [row.cycle for row in again.trend] == [last_year, posts]


def test_two_provinces_never_see_each_other(cast: Cast, posts: Cycle, last_year: Cycle):
    for user, own, other in ((cast.alice, "ISF-P1", "KER"), (cast.bob, "KER-P1", "ISF")):
        result = compliance(visible_for(user))
        assert _codes(result) == [own]
        assert all(other not in o.code for o in result.trail)
        assert [p.code for p in result.provinces] == [
            _province(cast.isfahan_post if own == "ISF-P1" else cast.kerman_post)
        ]
        client = signed_in_client(user)
        page = client.get("/assessments/compliance/").content.decode()
        assert own in page and f"{other}-P1" not in page
        values = client.get("/assessments/compliance/map.json").json()["values"]
        assert len(values) == 1
        api = client_for(user).get("/api/v1/assessments/compliance/").json()
        assert [row["organization"] for row in api["rows"]] == [own]
        assert all(row["assessments"] <= 1 for row in api["trend"])
    # Isfahan's analyst cannot open Kerman's level: the same answer as a code that does not exist.
    client = client_for(cast.alice)
    hidden = client.get("/api/v1/assessments/compliance/?under=KER-CC")
    missing = client.get("/api/v1/assessments/compliance/?under=NOPE")
    assert hidden.status_code == 404
    assert error_without_request_id(hidden) == error_without_request_id(missing)
    alice = signed_in_client(cast.alice)
    assert alice.get("/assessments/compliance/?under=KER-CC").status_code == 404
    assert alice.get(f"/assessments/compliance/?cycle={last_year.pk}").status_code == 200  # sees its cycle
    # Someone with no grant sees nothing, and the page says so.
    empty = signed_in_client(cast.charlie).get("/assessments/compliance/")
    assert empty.status_code == 200
    assert 'data-testid="no-cycle"' in empty.content.decode()


def test_bad_parameters_are_refused_with_the_field_named(cast: Cast, civil: Any, posts: Cycle):
    client = client_for(civil)
    response = client.get("/api/v1/assessments/compliance/?cycle=abc")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["cycle"]
    assert client.get("/api/v1/assessments/compliance/?cycle=999999").status_code == 404
    assert client.get("/api/v1/assessments/compliance/?cycle=").status_code == 200  # empty: no filter
    page = signed_in_client(civil)
    assert page.get("/assessments/compliance/?cycle=abc").status_code == 404
    assert page.get("/assessments/compliance/map.json?under=NOPE").status_code == 404


def test_the_api_gives_the_heat_map_provinces_and_trend(cast: Cast, civil: Any, posts: Cycle):
    body = client_for(civil).get(f"/api/v1/assessments/compliance/?cycle={posts.pk}&under=NAT").json()
    assert body["cycle"]["id"] == posts.pk and body["cycle"]["instrument"] == "PD-INFRA"
    assert body["under"] == "NAT"
    assert [s["code"] for s in body["sections"]] == ["A", "B", "C", "D"]
    first = body["rows"][0]
    assert first["organization"] == "ISF-CC"
    assert first["sections"]["A"] == {"percent": 80.0, "count": 1, "level": "good"}
    assert body["total"] == {"percent": 97.5, "count": 2, "level": "full"}
    assert len(body["provinces"]) == 2
    assert [t["cycle"] for t in body["trend"]] == [posts.pk]


def test_the_page_shows_persian_figures_and_opens_the_level(cast: Cast, civil: Any, posts: Cycle):
    html = signed_in_client(civil).get("/assessments/compliance/").content.decode()
    assert "مرکز فرماندهی استان اصفهان" in html
    assert "۹۵٪" in html and "۸۰" in html
    assert f"?cycle={posts.pk}&amp;under=ISF-CC" in html
    assert 'data-testid="compliance-map"' in html
    assert "compliance/map.json?cycle=" in html


def test_the_export_holds_the_heat_map_the_provinces_and_the_trend(cast: Cast, civil: Any, posts: Cycle):
    content = exported(
        signed_in_client(civil), "assessment-compliance", "xlsx", {"cycle": posts.pk, "under": "NAT"}
    )
    organizations = xlsx_rows(content)
    assert organizations[1][:6] == ("organization", "code", "assessments", "final", "total", "section_A")
    assert organizations[2][1:6] == ("ISF-CC", 1, 1, 95, 80)
    assert organizations[3][1] == "KER-CC"
    assert [len(rows) for rows in xlsx_sheets(content)] == [4, 4, 3]
    # Kerman's analyst asking for Isfahan's level is refused before anything is queued, like a
    # missing organization; a filter the export does not take is named.
    with assert_nothing_changed("jobs.exportfile"):
        with pytest.raises(ObjectNotFound):
            do_request_export("assessment-compliance", "xlsx", {"under": ["ISF-CC"]}, acting_user=cast.bob)
        with pytest.raises(ValidationError) as refused:
            do_request_export("assessment-compliance", "xlsx", {"status": ["x"]}, acting_user=civil)
    assert list(refused.value.message_dict) == ["status"]
