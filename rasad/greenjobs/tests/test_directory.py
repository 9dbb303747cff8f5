"""The public directory of certified green businesses: anyone reads it, signed in or not; it
lists only businesses whose certificate is valid today and whose organization is open, says
nothing about people, rounds places to about a kilometre, filters by province, sector,
occupation, kind and knowledge-based status (a bad filter is a 400 naming it), and costs the
same number of queries however many businesses it lists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from rasad.core.actions.organizations import OrganizationValues, do_update_organization
from rasad.core.actions.people import do_create_user
from rasad.core.models import Organization
from rasad.greenjobs.directory import certified_businesses, rounded
from rasad.greenjobs.models import Business, Certificate
from rasad.greenjobs.testing import make_business, make_certified_business
from rasad.jobs.exports import do_request_export
from rasad.jobs.models import ExportFile
from rasad.jobs.testing import run_queued
from rasad.lib.jalali import local_date
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast):
    return {
        "solar": make_certified_business(cast.isfahan, knowledge_based=True),
        "recycler": make_certified_business(
            cast.kerman, sector_code="3830", occupations=("recycling-sorter",), months=6
        ),
        "uncertified": make_business(cast.isfahan),
    }


def _province(organization: Organization) -> str:
    assert organization.province is not None
    return organization.province.code


def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def test_anyone_reads_the_directory_of_certified_businesses_without_signing_in(world):
    page = Client().get("/green/directory/")
    assert page.status_code == 200
    text = page.content.decode()
    assert world["solar"].organization.name in text
    assert world["recycler"].organization.name in text
    assert world["uncertified"].organization.name not in text
    assert page.context["tally"].total == 2


def test_a_lapsed_certificate_or_a_closed_business_leaves_the_directory(cast: Cast, world):
    solar: Business = world["solar"]
    assert solar.certified_until is not None
    assert list(certified_businesses(on=solar.certified_until)) == [solar]
    assert list(certified_businesses(on=solar.certified_until + timedelta(days=1))) == []
    organization = solar.organization
    do_update_organization(
        organization,
        OrganizationValues(
            code=organization.code,
            name=organization.name,
            kind=organization.kind,
            parent=organization.parent,
            province=organization.province,
            latitude=organization.latitude,
            longitude=organization.longitude,
            closed_on=local_date(timezone.now()),
        ),
        acting_user=cast.root,
    )
    assert set(certified_businesses()) == {world["recycler"]}
    assert Client().get(f"/green/directory/{solar.pk}/").status_code == 404


def test_the_directory_shows_no_people_no_headcount_and_rounded_places(cast: Cast, world):
    owner = do_create_user(
        "green.owner",
        acting_user=None,
        password=None,
        display_name="حمید رستمی",
        organization=world["solar"].organization,
    )
    for url in ("/green/directory/", f"/green/directory/{world['solar'].pk}/"):
        text = Client().get(url).content.decode()
        assert owner.display_name not in text
        assert "green.owner" not in text
    feed = Client().get("/green/directory/points/").json()
    organization = world["solar"].organization
    point = next(f for f in feed["features"] if f["properties"]["id"] == world["solar"].pk)
    place = [rounded(organization.longitude), rounded(organization.latitude)]
    assert point["geometry"]["coordinates"] == place
    assert set(point["properties"]) == {"id", "name", "url"}
    api = APIClient()
    api.force_authenticate(cast.charlie)
    rows = api.get("/api/v1/green-businesses/directory/").json()["results"]
    row = next(r for r in rows if r["id"] == world["solar"].pk)
    assert "employees" not in row
    assert row["latitude"] == rounded(organization.latitude)
    granted = Certificate.objects.get(business=world["solar"], status="granted")
    assert row["certificate"] == granted.number


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("province={isfahan}", {"solar"}),
        ("sector=E", {"recycler"}),
        ("sector=F", {"solar"}),
        ("occupation=recycling-sorter", {"recycler"}),
        ("knowledge_based=true", {"solar"}),
        ("knowledge_based=false", {"recycler"}),
        ("kind=workshop", {"solar", "recycler"}),
        ("kind=business", set()),
        ("province=", {"solar", "recycler"}),
    ],
)
def test_the_directory_filters(cast: Cast, world, query: str, expected: set[str]):
    query = query.format(isfahan=_province(cast.isfahan))
    api = APIClient()
    api.force_authenticate(cast.charlie)
    names = {key: world[key].organization.name for key in ("solar", "recycler")}
    want = {names[key] for key in expected}
    assert _names(api.get(f"/api/v1/green-businesses/directory/?{query}")) == want
    page = Client().get(f"/green/directory/?{query}")
    assert {b.organization.name for b in page.context["page"]} == want
    feed = Client().get(f"/green/directory/points/?{query}").json()
    assert {f["properties"]["name"] for f in feed["features"]} == want


@pytest.mark.parametrize(
    "query", ["province=99", "sector=Z", "occupation=astronaut", "knowledge_based=maybe"]
)
def test_a_bad_filter_is_refused_naming_it(cast: Cast, world, query: str):
    name = query.split("=")[0]
    page = Client().get(f"/green/directory/?{query}")
    assert page.status_code == 400
    assert page.context["tally"].total == 0
    assert 'data-testid="filter-errors"' in page.content.decode()
    for url in ("/green/directory/points/", "/green/directory/provinces/"):
        feed = Client().get(f"{url}?{query}")
        assert feed.status_code == 400
        assert list(feed.json()["error"]["fields"]) == [name]
    api = APIClient()
    api.force_authenticate(cast.charlie)
    answer = api.get(f"/api/v1/green-businesses/directory/?{query}")
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == [name]


def _page(response, url: str) -> str:
    """The page without what differs between two requests: the CSRF token, and its own address
    (the sign-in link names the page to come back to)."""
    text = response.content.decode().replace(url, "")
    return re.sub(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"', r"\1", text)


def test_a_business_that_is_not_listed_is_the_same_404_as_a_missing_one(world):
    client = Client()
    listed = client.get(f"/green/directory/{world['solar'].pk}/")
    assert listed.status_code == 200
    hidden_url = f"/green/directory/{world['uncertified'].pk}/"
    hidden = client.get(hidden_url)
    missing = client.get("/green/directory/2000000000/")
    assert hidden.status_code == missing.status_code == 404
    assert _page(hidden, hidden_url) == _page(missing, "/green/directory/2000000000/")


def test_the_api_lists_every_certified_business_to_anyone_signed_in(cast: Cast, world):
    assert APIClient().get("/api/v1/green-businesses/directory/").status_code == 401
    api = APIClient()
    api.force_authenticate(cast.charlie)  # no grant anywhere
    answer = api.get("/api/v1/green-businesses/directory/")
    assert answer.status_code == 200
    assert _names(answer) == {world["solar"].organization.name, world["recycler"].organization.name}
    row = next(r for r in answer.json()["results"] if r["id"] == world["recycler"].pk)
    assert row["sector"] == "E"
    assert row["province"] == _province(cast.kerman)
    assert row["occupations"] == ["recycling-sorter"]
    assert row["certified_until"] == world["recycler"].certified_until.isoformat()
    assert row["url"].endswith(f"/green/directory/{world['recycler'].pk}/")


def test_the_province_shading_counts_the_listed_businesses(cast: Cast, world):
    shading = Client().get("/green/directory/provinces/").json()
    assert shading["values"] == {_province(cast.isfahan): 1, _province(cast.kerman): 1}
    assert shading["display"][_province(cast.isfahan)] == "۱"


def test_the_directory_exports_to_excel_for_a_signed_in_person(cast: Cast, world):
    export = do_request_export("green-directory", "xlsx", {"sector": "E"}, acting_user=cast.alice)
    run_queued()
    export = ExportFile.objects.get(pk=export.pk)
    rows = xlsx_rows(export.file.read())
    body = [row for row in rows[2:] if any(row)]
    assert [row[0] for row in body] == [world["recycler"].organization.name]
    assert "certified_until_iso" in rows[1]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_directory_costs_the_same_queries_with_more_businesses(cast: Cast, world):
    api = APIClient()
    api.force_authenticate(cast.charlie)
    urls = [
        "/green/directory/",
        "/green/directory/points/",
        "/green/directory/provinces/",
        f"/green/directory/{world['solar'].pk}/",
    ]
    for url in urls:
        Client().get(url)
    api.get("/api/v1/green-businesses/directory/")
    few = [_queries(Client(), url) for url in urls] + [_queries(api, "/api/v1/green-businesses/directory/")]
    for _ in range(3):
        make_certified_business(cast.isfahan, occupations=("solar-installer", "energy-auditor"))
    many = [_queries(Client(), url) for url in urls] + [_queries(api, "/api/v1/green-businesses/directory/")]
    assert many == few
