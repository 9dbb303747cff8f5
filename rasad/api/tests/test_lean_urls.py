"""A lean list's or detail's links (``rasad.api.lean._reverse``: Django's part reversed once per
process) follow each request's host, script prefix and ``?format=``, as DRF's ``reverse`` gives
them, whatever the requests before it were."""

from __future__ import annotations

from django.test import override_settings
from django.urls import set_script_prefix
from rest_framework.test import APIClient

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
