"""Search finds every spelling, through the one search key, for organizations, people and
cases alike (the filter sets' ``q``)."""

from __future__ import annotations

import pytest
from django.test import Client

from rasad.cases.testing import open_challenge
from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.actions.people import do_create_user
from rasad.core.models import Organization, User
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _organization(cast: Cast, code: str, name: str) -> Organization:
    return do_create_organization(
        OrganizationValues(code=code, name=name, kind="company", parent=cast.isfahan), acting_user=cast.root
    )


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("هیئت مدیرهٔ شرکت آب", "هیات مدیره"),
        ("مسئول آموزش", "مسؤول اموزش"),
        ("اداره محیط‌زیست", "محیط زیست"),
        ("اداره محیط زیست", "محیطزیست"),
        ("دفتر راه‌اندازی", "راه اندازی"),
        ("شرکت ۳۲۹٬۳۶۹", "329369"),
    ],
)
def test_organizations_are_found_in_every_spelling(cast: Cast, name: str, query: str):
    organization = _organization(cast, "ISF-X1", name)
    assert list(Organization.objects.search(query)) == [organization]


def test_a_different_word_is_not_found(cast: Cast):
    _organization(cast, "ISF-X1", "اداره محیط شهری")
    assert list(Organization.objects.search("محیطزیست")) == []


def test_people_search_uses_the_same_key(cast: Cast):
    person = do_create_user("reza", acting_user=None, password=None, display_name="رضا مسئول‌زاده")
    assert list(User.objects.search("مسؤولزاده")) == [person]
    assert list(User.objects.search("REZA")) == [person]


def test_people_search_on_the_page_is_scoped(cast: Cast):
    client = Client()
    client.force_login(cast.alice)
    html = client.get("/people/", {"q": "الیس"}).content.decode()
    assert "آلیس اصفهانی" in html
    assert "باب کرمانی" not in client.get("/people/", {"q": "باب"}).content.decode()


def test_a_case_is_found_by_its_reference(cast: Cast):
    case = open_challenge(cast, cast.isfahan, user=cast.ali, title="قطعی برق")
    from rasad.cases.models import Case

    assert list(Case.objects.search(case.reference.lower())) == [case]
