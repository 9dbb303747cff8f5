"""The compliance map: each province shaded by the share of required training met among the
people the reader may see, each organization a point coloured by its own people's share; two
provinces that must not see each other's people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.testing import complete, hold, make_course, make_event, make_member, make_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def bound(cast: Cast) -> None:
    """Isfahan: two PR officers, one has the course (50%). Kerman: one officer, who has it (100%)."""
    for organization, names, done in (
        (cast.isfahan, ["isf-done", "isf-not"], {"isf-done"}),
        (cast.kerman, ["ker-done"], {"ker-done"}),
    ):
        course = make_course(organization)
        make_requirement(organization, [course])
        event = make_event(organization, course=course, starts_at=timezone.now() - timedelta(days=3))
        for name in names:
            person = make_member(name, organization)
            hold(person, organization)
            if name in done:
                complete(person, event)


def test_each_province_is_shaded_by_the_share_met_it_may_see(cast: Cast, bound: None) -> None:
    assert cast.isfahan.province is not None and cast.kerman.province is not None
    isfahan = cast.isfahan.province.code
    kerman = cast.kerman.province.code
    seen = signed_in_client(cast.alice).get("/training/compliance/map.json").json()
    assert seen["values"] == {isfahan: 50.0}
    assert seen["display"][isfahan] == "۵۰٪ (۱ از ۲)"
    assert signed_in_client(cast.bob).get("/training/compliance/map.json").json()["values"] == {kerman: 100.0}
    both = signed_in_client(cast.nadia).get("/training/compliance/map.json").json()["values"]
    assert both == {isfahan: 50.0, kerman: 100.0}


def test_each_organization_is_a_point_coloured_by_its_share(cast: Cast, bound: None) -> None:
    features = signed_in_client(cast.alice).get("/training/compliance/points.json").json()["features"]
    assert len(features) == 1
    (point,) = features
    assert point["geometry"]["coordinates"] == [cast.isfahan.longitude, cast.isfahan.latitude]
    assert point["properties"]["colour"] == "#d68910"
    assert point["properties"]["url"] == f"/training/compliance/#org-{cast.isfahan.code}"
    assert cast.isfahan.name in point["properties"]["name"]
    kerman = signed_in_client(cast.bob).get("/training/compliance/points.json").json()["features"]
    assert [f["properties"]["colour"] for f in kerman] == ["#1e8449"]


def test_someone_who_sees_nobody_bound_gets_an_empty_map(cast: Cast, bound: None) -> None:
    client = signed_in_client(cast.charlie)
    assert client.get("/training/compliance/map.json").json()["values"] == {}
    assert client.get("/training/compliance/points.json").json()["features"] == []
    assert 'data-testid="compliance-map"' not in client.get("/training/compliance/").content.decode()


def test_the_compliance_page_draws_the_map(cast: Cast, bound: None) -> None:
    page = signed_in_client(cast.alice).get("/training/compliance/").content.decode()
    assert 'data-testid="compliance-map"' in page
    assert 'data-choropleth="/training/compliance/map.json"' in page
    assert f'id="org-{cast.isfahan.code}"' in page
