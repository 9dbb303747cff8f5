"""The middleware stack as a client sees it, for what a token's API request skips: it reads no
session or user of a session, makes no message storage and no second language choice, and still
gets every header, the language it asks for and its user's digits. Pages keep their messages and
their language."""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import translation
from rest_framework.test import APIClient

from rasad.core.actions.people import do_grant_role
from rasad.core.actions.tokens import do_create_api_token
from rasad.core.models import Role
from rasad.lib import display
from rasad.testing.cast import Cast

ME = "/api/v1/users/me/"


def _add_message(request: HttpRequest) -> HttpResponse:
    messages.success(request, "saved")
    return HttpResponse("added")


def _show_messages(request: HttpRequest) -> HttpResponse:
    return HttpResponse("|".join(str(message) for message in messages.get_messages(request)))


def _no_messages(request: HttpRequest) -> HttpResponse:
    return HttpResponse("nothing")


urlpatterns = [
    path("messages/add/", _add_message),
    path("messages/show/", _show_messages),
    path("messages/none/", _no_messages),
    path("", include("rasad.urls")),
]


def test_a_token_request_gets_every_header_and_the_language_it_asks_for(cast: Cast):
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="headers")[1]
    response = APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert (response["Content-Language"], response["Cache-Control"]) == ("en", "no-store, private")
    assert "Accept-Language" in response["Vary"]
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert (response["X-Frame-Options"], response["X-Content-Type-Options"]) == ("DENY", "nosniff")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    # Nothing of a browser's: no session and no message cookie is set.
    assert not response.cookies


def test_a_token_request_keeps_the_request_id_it_names(cast: Cast):
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="named")[1]
    response = APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_X_REQUEST_ID="client-id-42")
    assert response["X-Request-ID"] == "client-id-42"


@pytest.mark.parametrize(("persian_digits", "row"), [(True, "۲"), (False, "2")])
def test_a_token_request_answers_in_its_users_digits(cast: Cast, persian_digits, row):
    # Alice administers Isfahan and imports its organizations; the file names one code twice, and
    # the refusal names the first row it is on, in her digits (the Persian of the message alike).
    administrator = Role.objects.get(slug="administrator")
    do_grant_role(cast.alice, administrator, acting_user=None, organization=cast.isfahan)
    cast.alice.persian_digits = persian_digits
    cast.alice.save(update_fields=["persian_digits"])
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="digits")[1]
    rows = "code,name,kind,parent_code\nISF-P7,هفت,field_post,ISF-CC\nISF-P7,تکراری,site,ISF-CC\n"
    response = APIClient().post(
        "/api/v1/organizations/import/",
        {"file": SimpleUploadedFile("orgs.csv", rows.encode(), content_type="text/csv")},
        format="multipart",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert (response.status_code, response["Content-Language"]) == (400, "fa")
    with translation.override("fa"):
        expected = translation.gettext("The code “%(code)s” also appears on row %(row)s.") % {
            "code": "ISF-P7",
            "row": row,
        }
    assert [(error["row"], error["message"]) for error in response.json()["error"]["rows"]] == [(3, expected)]
    # The request's preferences ended with it.
    assert display.current() == display.DisplayPreferences()


def test_an_api_request_without_credentials_is_refused_in_the_language_it_asks_for(db):
    response = APIClient().get(ME, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Content-Language"]) == (401, "en")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("preference", "header", "language"),
    [("en", None, "en"), ("fa", None, "fa"), ("en", "fa", "fa"), ("fa", "en", "en")],
)
def test_a_token_request_answers_in_its_users_language_unless_it_asks_for_one(
    cast: Cast, preference, header, language
):
    # Alice prefers English (or Persian): her script's token request without Accept-Language is
    # answered in her language, as her pages are; a language the script asks for wins
    # (display.language_of, one rule for both). A page size of 0 is refused in that language.
    cast.alice.language = preference
    cast.alice.save(update_fields=["language"])
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="language")[1]
    asked = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}", **asked)
    response = client.get("/api/v1/organizations/?limit=0")
    assert (response.status_code, response["Content-Language"]) == (400, language)
    [message] = response.json()["error"]["fields"]["limit"]
    assert bool(re.search("[\u0600-\u06ff]", message)) == (language == "fa"), message
    assert display.current() == display.DisplayPreferences()


def test_a_page_stays_persian_whatever_the_browser_asks_for(cast: Cast):
    client = Client()
    client.force_login(cast.alice)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Content-Language"]) == (200, "fa")
    assert "Accept-Language" in response["Vary"]
    assert response["Cache-Control"] == "no-store, private"


@override_settings(ROOT_URLCONF=__name__)
def test_a_message_survives_requests_that_do_not_read_it_and_is_shown_once(db):
    client = Client()
    assert client.get("/messages/add/").content == b"added"
    assert client.get("/messages/none/").content == b"nothing"
    assert client.get("/messages/show/").content == b"saved"
    assert client.get("/messages/show/").content == b""
