"""The site's address (RASAD_PUBLIC_URL): checked at start-up, and preferred to the request's
host for links in text; without it, links stay relative or absent."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from rasad.env import SettingError
from rasad.lib.site import absolute_url, is_absolute, public_url, public_url_setting

SITE = "https://rasad.example.ir"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("", ""),
        ("  ", ""),
        ("https://rasad.example.ir/", SITE),
        ("http://10.0.0.5:8000", "http://10.0.0.5:8000"),
        ("https://example.ir/rasad/", "https://example.ir/rasad"),
    ],
)
def test_an_address_is_kept_without_its_trailing_slash(given: str, kept: str) -> None:
    assert public_url_setting("RASAD_PUBLIC_URL", given) == kept


@pytest.mark.parametrize(
    "given",
    [
        "rasad.example.ir",
        "ftp://rasad.example.ir",
        "https://",
        "https://rasad.example.ir/?a=1",
        "https://rasad.example.ir/#top",
        "https://user@rasad.example.ir",
        "https://" + "a" * 100 + ".ir",
    ],
)
def test_a_wrong_address_stops_start_up_naming_the_variable(given: str) -> None:
    with pytest.raises(SettingError) as refused:
        public_url_setting("RASAD_PUBLIC_URL", given)
    assert refused.value.name == "RASAD_PUBLIC_URL"


def test_set_the_sites_address_wins_over_the_requests_host(settings) -> None:
    settings.RASAD_PUBLIC_URL = SITE
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    assert public_url("/a/") == f"{SITE}/a/"
    assert absolute_url("/a/") == f"{SITE}/a/"
    assert absolute_url("/a/", request) == f"{SITE}/a/"


def test_unset_the_request_gives_the_address_or_the_path_stays_relative(settings) -> None:
    settings.RASAD_PUBLIC_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    assert public_url("/a/") == ""
    assert absolute_url("/a/", request) == "http://testserver/a/"
    assert absolute_url("/a/") == "/a/"
    assert not is_absolute("/a/")
    assert is_absolute("http://testserver/a/")
