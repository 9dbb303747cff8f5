"""A lean list's or detail's links (``rasad.api.lean._reverse``: Django's part reversed once per
process) follow each request's host, script prefix and ``?format=``, as DRF's ``reverse`` gives
them, whatever the requests before it were."""

from __future__ import annotations

from typing import cast as typed

import pytest
from django.core.exceptions import DisallowedHost
from django.test import RequestFactory, override_settings
from django.urls import set_script_prefix
from rest_framework.relations import HyperlinkedIdentityField
from rest_framework.request import Request
from rest_framework.test import APIClient

from rasad.api import lean
from rasad.cases.api.serializers import CaseSerializer
from rasad.cases.testing import make_case
from rasad.core.actions.tokens import do_create_api_token
from rasad.testing.cast import Cast


@override_settings(ALLOWED_HOSTS=["a.example", "b.example"])
def test_lean_links_follow_each_requests_host_prefix_and_format(cast: Cast):
    case = make_case(cast, cast.isfahan_post)
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="links")[1]
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    detail, listing = f"/api/v1/cases/{case.pk}/", "/api/v1/cases/"
    for host, prefix, query, expected in [
        ("a.example", "", "", f"http://a.example/api/v1/cases/{case.pk}/"),
        ("b.example", "/rasad", "", f"http://b.example/rasad/api/v1/cases/{case.pk}/"),
        ("a.example", "", "?format=json", f"http://a.example/api/v1/cases/{case.pk}/?format=json"),
        ("a.example", "", "", f"http://a.example/api/v1/cases/{case.pk}/"),
    ]:
        # The test client leaves the script prefix as it finds it (the WSGI handler sets it from
        # SCRIPT_NAME for each request).
        set_script_prefix(prefix + "/")
        try:
            assert client.get(detail + query, HTTP_HOST=host).json()["url"] == expected
            rows = client.get(listing + query, HTTP_HOST=host).json()["results"]
        finally:
            set_script_prefix("/")
        assert [row["url"] for row in rows] == [expected]


@override_settings(ALLOWED_HOSTS=["a.example"], SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_a_kept_link_template_follows_the_scheme(cast: Cast):
    case = make_case(cast, cast.isfahan_post)
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="links")[1]
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    detail = f"/api/v1/cases/{case.pk}/"
    for forwarded, scheme in [("http", "http"), ("https", "https"), ("http", "http")]:
        answer = client.get(detail, HTTP_HOST="a.example", HTTP_X_FORWARDED_PROTO=forwarded).json()
        assert answer["url"] == f"{scheme}://a.example/api/v1/cases/{case.pk}/"


def test_a_kept_link_template_does_not_outlive_its_hosts_being_allowed():
    """A template is kept by the hosts allowed when it was made: under a setting that refuses its
    host, the request's host is checked again (Django's ``DisallowedHost``), not taken from it."""
    identity = typed(HyperlinkedIdentityField, CaseSerializer().fields["url"])
    with override_settings(ALLOWED_HOSTS=["a.example"]):
        request = Request(RequestFactory().get("/api/v1/cases/", HTTP_HOST="a.example"))
        prefix, suffix = lean._url_template(identity, {"request": request})
        assert (prefix, suffix) == ("http://a.example/api/v1/cases/", "/")
        assert lean._url_template(identity, {"request": request}) == (prefix, suffix)
    with override_settings(ALLOWED_HOSTS=["b.example"]):
        request = Request(RequestFactory().get("/api/v1/cases/", HTTP_HOST="a.example"))
        with pytest.raises(DisallowedHost):
            lean._url_template(identity, {"request": request})
