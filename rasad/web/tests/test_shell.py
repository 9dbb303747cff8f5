"""The Persian-first web shell: language, direction, calendar, digits, errors, navigation."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from rasad.core.models import User
from rasad.testing.cast import PASSWORD, Cast


@pytest.fixture
def alice_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.alice)
    return client


def test_login_page_is_persian_and_rtl_by_default(db):
    html = Client().get("/login/").content.decode()
    assert '<html lang="fa" dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    assert "ورود" in html


def test_lang_parameter_switches_to_english_ltr(db):
    html = Client().get("/login/?lang=en").content.decode()
    assert '<html lang="en" dir="ltr"' in html
    assert "Sign in" in html


def test_language_choice_is_remembered_in_the_session(alice_client):
    alice_client.get("/?lang=en")
    assert '<html lang="en"' in alice_client.get("/").content.decode()


def test_home_shows_real_counts_in_persian_digits(alice_client):
    html = alice_client.get("/").content.decode()
    counts = re.findall(r'data-testid="count">([^<]+)<', html)
    # Organizations and sites first (core), then each app's counts, all in Persian digits.
    assert counts[:2] == ["۲", "۱"]
    assert all(re.fullmatch("[۰-۹]+", count) for count in counts)


def test_home_shows_today_as_a_jalali_date(alice_client):
    from django.utils import timezone

    from rasad.lib.jalali import format_date

    html = alice_client.get("/").content.decode()
    assert format_date(timezone.localdate(), style="long") in html


def test_gregorian_preference_changes_every_date(cast: Cast, alice_client):
    response = alice_client.post(
        "/account/preferences/", {"language": "fa", "calendar": "gregorian", "persian_digits": ""}
    )
    assert response.status_code == 302
    from django.utils import timezone

    html = alice_client.get("/").content.decode()
    assert timezone.localdate().strftime("%Y") in html
    cast.alice.refresh_from_db()
    assert cast.alice.calendar == "gregorian"


def test_bad_preference_value_shows_a_field_error(alice_client):
    html = alice_client.post(
        "/account/preferences/", {"language": "xx", "calendar": "jalali"}
    ).content.decode()
    assert 'data-field-error="language"' in html


def test_navigation_hides_what_the_user_cannot_see(cast: Cast):
    client = Client()
    client.force_login(cast.charlie)
    html = client.get("/").content.decode()
    assert "/organizations/" not in html.split("<main")[0]


@pytest.mark.parametrize(("path", "status", "text"), [("/no-such-page/", 404, "یافت نشد")])
def test_error_pages_are_translated(alice_client, path, status, text):
    response = alice_client.get(path)
    assert response.status_code == status
    assert text in response.content.decode()


def test_out_of_scope_organization_page_is_404(cast: Cast, alice_client):
    assert alice_client.get(f"/organizations/{cast.kerman.pk}/").status_code == 404
    assert alice_client.get(f"/organizations/{cast.isfahan.pk}/").status_code == 200


def test_map_feed_contains_only_visible_points(cast: Cast, alice_client):
    features = alice_client.get("/organizations/map.geojson").json()["features"]
    assert sorted(f["properties"]["name"] for f in features) == sorted(
        ["پاسگاه مرزی یک", "مرکز فرماندهی استان اصفهان"]
    )


def test_login_with_wrong_password_shows_a_persian_error(cast: Cast):
    html = Client().post("/login/", {"username": "alice", "password": "nope"}).content.decode()
    assert "نام کاربری یا گذرواژه" in html


def test_login_form_names_the_missing_field(db):
    html = Client().post("/login/", {"username": "alice", "password": ""}).content.decode()
    assert 'data-field-error="password"' in html


def test_pages_reference_no_external_url(alice_client, cast: Cast):
    for path in [
        "/",
        "/organizations/",
        "/organizations/map/",
        f"/organizations/{cast.isfahan.pk}/",
        "/audit/",
    ]:
        html = alice_client.get(path).content.decode()
        urls = re.findall(r'(?:src|href)="(https?:)?//', html)
        assert urls == [], path


def test_signin_then_home(cast: Cast):
    client = Client()
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_the_english_home_page_greets_a_person_by_their_english_name_or_by_no_name(cast: Cast, alice_client):
    # Alice's display name is Persian («آلیس اصفهانی»): the English page does not greet her with
    # it, and her menu shows her username; the Persian page does.
    english = alice_client.get("/?lang=en").content.decode()
    assert '<h1 class="h4 mb-0" data-testid="welcome">Welcome</h1>' in english
    assert "آلیس اصفهانی" not in english
    assert '<span dir="ltr" translate="no">alice</span>' in english
    # No page sets an English name yet; Django's first and last names hold it (the admin sets them).
    User.objects.filter(pk=cast.alice.pk).update(first_name="Alice", last_name="Esfahani")
    english = alice_client.get("/").content.decode()
    assert '<h1 class="h4 mb-0" data-testid="welcome">Welcome, Alice Esfahani</h1>' in english
    persian = alice_client.get("/?lang=fa").content.decode()
    assert '<h1 class="h4 mb-0" data-testid="welcome">آلیس اصفهانی، خوش آمدید</h1>' in persian
