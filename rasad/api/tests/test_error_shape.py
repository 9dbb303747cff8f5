"""Every answer under /api/ that is an error has the one JSON error shape with a request id, even
when no view produced it: the URL resolver's 404, the boundary's 400 and 413, a 500, a 503."""

from __future__ import annotations

import json
import re
from typing import Any

import psycopg
import pytest
from django.db import OperationalError
from django.test import override_settings
from rest_framework.test import APIClient

from rasad.conftest import client_for
from rasad.core.api.views import OrganizationViewSet
from rasad.indicators.testing import new_batch
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

ORGS = "/api/v1/organizations/"


def assert_error_shape(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= {"code", "message", "fields", "request_id"}
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == response["X-Request-ID"]
    error: dict[str, Any] = body["error"]
    return error


@pytest.fixture
def nadia(cast: Cast) -> APIClient:
    return client_for(cast.nadia)


@pytest.fixture
def root(cast: Cast) -> APIClient:
    """Root may create organizations, so the body of a POST to them is parsed."""
    return client_for(cast.root)


def test_a_route_that_does_not_exist_answers_json_404(nadia: APIClient):
    error = assert_error_shape(nadia.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert error["fields"] == {}


def test_a_detail_route_with_a_malformed_id_answers_json_404(nadia: APIClient):
    assert_error_shape(nadia.get(f"{ORGS}not-a-number/"), 404, "not_found")


def test_a_route_outside_v1_answers_json_404(api: APIClient):
    assert_error_shape(api.get("/api/v2/organizations/"), 404, "not_found")


def test_a_request_id_sent_by_the_client_comes_back_in_the_error(api: APIClient):
    response = api.get("/api/v1/no-such-thing/", HTTP_X_REQUEST_ID="client-chosen-id-1")
    assert assert_error_shape(response, 404, "not_found")["request_id"] == "client-chosen-id-1"


def test_nul_in_a_query_parameter_is_a_400_naming_it(nadia: APIClient):
    error = assert_error_shape(nadia.get(ORGS, {"organization": "ISF\x00"}), 400, "invalid")
    assert list(error["fields"]) == ["organization"]
    assert "U+0000" in error["fields"]["organization"][0]


def test_a_control_character_in_the_path_is_a_400(nadia: APIClient):
    error = assert_error_shape(nadia.get(f"{ORGS}1%07/"), 400, "invalid")
    assert list(error["fields"]) == ["path"]


def test_nul_in_a_reference_in_a_json_body_is_a_400_naming_the_field(cast: Cast, nadia: APIClient):
    with assert_nothing_changed("indicators.observation"):
        response = nadia.post(
            "/api/v1/observations/submit/", {"organization": "ISF-CC\x00", "period": "1403-01"}, format="json"
        )
    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["organization"]


def test_a_control_character_deep_in_a_json_body_is_named_by_its_path(nadia: APIClient):
    body = {"batch_id": new_batch(), "observations": [{"comment": "fine"}, {"comment": "bell\x07"}]}
    response = nadia.post("/api/v1/observations/bulk/", body, format="json")
    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["observations[1].comment"]


def test_a_control_character_in_a_json_key_is_refused(root: APIClient):
    response = root.post(ORGS, {"na\x00me": "x"}, format="json")
    assert assert_error_shape(response, 400, "invalid")["fields"].keys() == {"na\x00me"}


def test_tab_and_newline_are_accepted_by_the_parser(root: APIClient):
    # They are text; whether a field may hold them is the field's rule (a 400 naming the field).
    response = root.post(ORGS, {"code": "TAB-1", "name": "a\tb", "kind": "company"}, format="json")
    error = assert_error_shape(response, 400, "invalid")
    assert "name" in error["fields"]


def test_json_nested_two_thousand_deep_is_a_400_not_a_recursion_error(root: APIClient):
    body = "[" * 2000 + "]" * 2000
    response = root.generic("POST", ORGS, body, content_type="application/json")
    assert assert_error_shape(response, 400, "parse_error")["message"]


def _api_views() -> list[tuple[str, Any]]:
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[tuple[str, Any]] = []

    def walk(patterns: Any, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                found.append((prefix + str(pattern.pattern), pattern.callback))

    walk(get_resolver().url_patterns, "/")
    return found


def test_every_api_view_reads_bodies_with_the_bounded_parsers():
    """A view or action that names its own parsers must name the project's (rasad/api/parsers.py),
    or a deep JSON body is a RecursionError there (found by the fuzzer on intake documents)."""
    from rasad.api import parsers

    bounded = (parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser)
    views = [(route, view) for route, view in _api_views() if route.startswith("/api/")]
    assert len(views) > 50
    for route, view in views:
        classes = view.initkwargs.get("parser_classes") or view.cls.parser_classes
        assert all(issubclass(cls, bounded) for cls in classes), (route, classes)


def test_json_nested_past_the_limit_is_refused_even_when_the_parser_could(root: APIClient):
    nested: object = "x"
    for _ in range(40):
        nested = [nested]
    body = json.dumps({"name": nested})
    response = root.generic("POST", ORGS, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fa")
    message = assert_error_shape(response, 400, "parse_error")["message"]
    # The limit in the reader's digits (rasad.lib.formatting), as every number of a refusal.
    assert re.search("[۰-۹]", message) and not re.search("[0-9]", message), message


def test_malformed_json_is_a_400_in_the_shape(root: APIClient):
    response = root.generic(
        "POST", ORGS, '{"name": ', content_type="application/json", HTTP_ACCEPT_LANGUAGE="fa"
    )
    message = assert_error_shape(response, 400, "parse_error")["message"]
    # Python's words are English («Expecting value: line 1 column 10»): the place, in Persian.
    assert "سطر ۱" in message and "ستون ۱۰" in message, message
    assert not re.search("[0-9]|Expecting", message), message


def test_invalid_utf8_is_a_400_in_the_shape(root: APIClient):
    response = root.generic(
        "POST",
        ORGS,
        b'{"name": "\xff"}',  # type: ignore[arg-type]
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    message = assert_error_shape(response, 400, "parse_error")["message"]
    assert "UTF-8" in message and not re.search("codec|byte|position", message), message


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_a_body_over_the_limit_is_413_before_it_is_read(nadia: APIClient):
    body = json.dumps({"name": "x" * 4096})
    response = nadia.generic("POST", ORGS, body, content_type="application/json")
    assert_error_shape(response, 413, "too_large")


@override_settings(RASAD_MAX_UPLOAD_BYTES=2048)
def test_an_upload_over_the_limit_is_413(nadia: APIClient):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("orgs.csv", b"code,name\n" + b"x" * 4096)
    response = nadia.post(f"{ORGS}import/", {"file": upload}, format="multipart")
    assert_error_shape(response, 413, "too_large")


def test_a_server_error_answers_json_500(monkeypatch: pytest.MonkeyPatch, cast: Cast):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(OrganizationViewSet, "list", broken)
    client = client_for(cast.nadia)
    client.raise_request_exception = False
    error = assert_error_shape(client.get(ORGS), 500, "server_error")
    assert "a bug" not in error["message"]


def _connection_refused() -> OperationalError:
    error = OperationalError(
        "connection failed: connection to server at 127.0.0.1 failed: Connection refused"
    )
    error.__cause__ = psycopg.OperationalError("connection failed: Connection refused")
    return error


def test_the_database_being_away_inside_a_view_answers_json_503(monkeypatch: pytest.MonkeyPatch, cast: Cast):
    def away(self, request, *args, **kwargs):
        raise _connection_refused()

    monkeypatch.setattr(OrganizationViewSet, "list", away)
    response = client_for(cast.nadia).get(ORGS)
    assert_error_shape(response, 503, "unavailable")
    assert response["Retry-After"] == "5"


def test_the_database_being_away_before_any_view_answers_json_503(
    monkeypatch: pytest.MonkeyPatch, cast: Cast
):
    # The token lookup is the first query of an API request: it fails before DRF's handler runs.
    from rasad.api import authentication

    def away(secret: str):
        raise _connection_refused()

    monkeypatch.setattr(authentication, "authenticate_token", away)
    client = APIClient()
    client.raise_request_exception = False
    response = client.get(ORGS, HTTP_AUTHORIZATION="Bearer rsd_whatever")
    assert_error_shape(response, 503, "unavailable")


def test_a_database_error_that_is_a_bug_stays_a_500(monkeypatch: pytest.MonkeyPatch, cast: Cast):
    def bug(self, request, *args, **kwargs):
        raise OperationalError("no such column: organization.nope")

    monkeypatch.setattr(OrganizationViewSet, "list", bug)
    client = client_for(cast.nadia)
    client.raise_request_exception = False
    assert_error_shape(client.get(ORGS), 500, "server_error")


def test_errors_speak_the_language_asked_for(nadia: APIClient):
    response = nadia.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        assert_error_shape(response, 404, "not_found")["message"] == "No such object, or you may not see it."
    )


def test_a_page_size_out_of_range_is_named_in_the_readers_digits(nadia: APIClient):
    """The bounds of ``limit`` come in Persian digits to a Persian reader, in Latin to an English one."""
    persian = assert_error_shape(nadia.get(f"{ORGS}?limit=0", HTTP_ACCEPT_LANGUAGE="fa"), 400, "invalid")
    assert "۱" in persian["fields"]["limit"][0] and "1" not in persian["fields"]["limit"][0]
    english = assert_error_shape(nadia.get(f"{ORGS}?limit=0", HTTP_ACCEPT_LANGUAGE="en"), 400, "invalid")
    assert "1" in english["fields"]["limit"][0]


def test_drf_s_refusals_of_a_bound_or_a_length_are_in_the_readers_digits(root: APIClient):
    """DRF writes a field's limit as Python does; a Persian reader gets it in Persian digits (as the
    bounds of ``limit`` above), an English reader in Latin ones."""
    body = {"code": "A" * 41, "name": "ن" * 201, "kind": "site"}
    with assert_nothing_changed("core.organization"):
        persian = assert_error_shape(
            root.post(ORGS, body, format="json", HTTP_ACCEPT_LANGUAGE="fa"), 400, "invalid"
        )
        english = assert_error_shape(
            root.post(ORGS, body, format="json", HTTP_ACCEPT_LANGUAGE="en"), 400, "invalid"
        )
    assert set(persian["fields"]) == set(english["fields"]) == {"code", "name"}
    assert "۴۰" in persian["fields"]["code"][0] and "۲۰۰" in persian["fields"]["name"][0]
    assert not [m for messages in persian["fields"].values() for m in messages if re.search("[0-9]", m)]
    assert "40" in english["fields"]["code"][0] and "200" in english["fields"]["name"][0]
