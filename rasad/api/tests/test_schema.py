"""The OpenAPI document is valid and complete, and its docs page works offline under our CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

EXTERNAL_URL = re.compile(r"\bhttps?://", re.IGNORECASE)


def test_schema_is_valid_openapi(db: None):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_the_schema_is_everyone_s_and_generated_once_per_language(cast, monkeypatch: pytest.MonkeyPatch):
    """Anonymous, a staff member and the superuser read the same bytes, and only the first request
    in a language generates it (``rasad.api.schema_view.SchemaView``: about a second of processor
    time each, for a public address)."""
    from rasad.api.schema_view import SchemaView
    from rasad.conftest import client_for

    anonymous = APIClient().get("/api/schema/", {"format": "json"})  # generates it, if no test has
    generated: list[object] = []
    generator = SchemaView.generator_class

    class Counted(generator):  # type: ignore[misc,valid-type]
        def get_schema(self, *args: object, **kwargs: object) -> object:
            generated.append(self)
            return super().get_schema(*args, **kwargs)

    monkeypatch.setattr(SchemaView, "generator_class", Counted)
    staff = client_for(cast.nadia).get("/api/schema/", {"format": "json"})
    superuser = client_for(cast.root).get("/api/schema/", {"format": "json"})
    assert anonymous.status_code == staff.status_code == superuser.status_code == 200
    assert anonymous.content == staff.content == superuser.content
    assert generated == []
    assert set(SchemaView._kept) <= {code for code, _name in settings.LANGUAGES}


def test_the_yaml_is_drf_spectacular_s_own_rendered_once_and_the_same_for_everyone(cast, monkeypatch):
    """The YAML answered is byte for byte what drf-spectacular's own view renders (its content
    type and file name too), and it is rendered once per language and format: later requests,
    whoever signs in, get the same bytes without the renderer running again (rendering it as YAML
    costs about a second of processor time, ``rasad.api.schema_view.SchemaView``)."""
    from django.utils import translation
    from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer

    from rasad.api.schema_view import SchemaView
    from rasad.conftest import client_for
    from rasad.testing.routes import api_schema

    ours = APIClient().get("/api/schema/", {"format": "yaml"})  # renders it, if no test has
    assert ours.status_code == 200
    assert ours["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    assert ours["Content-Disposition"] == 'inline; filename="Rasad API.yaml"'
    # drf-spectacular's generator and renderer, as its own view uses them (the generation is kept
    # per process: the authorization table and the schema fuzzer read it when collected).
    with translation.override(settings.LANGUAGE_CODE):
        own = OpenApiYamlRenderer().render(api_schema(), OpenApiYamlRenderer.media_type)
    assert ours.content == own
    rendered: list[object] = []

    def counted(self: OpenApiYamlRenderer, *args: object, **kwargs: object) -> bytes:
        rendered.append(self)
        raise AssertionError("rendered again")

    monkeypatch.setattr(OpenApiYamlRenderer, "render", counted)
    for user in (cast.charlie, cast.nadia, cast.root):
        assert client_for(user).get("/api/schema/", {"format": "yaml"}).content == ours.content
    assert rendered == []
    json = APIClient().get("/api/schema/", {"format": "json"})
    with translation.override(settings.LANGUAGE_CODE):
        assert json.content == OpenApiJsonRenderer().render(api_schema(), OpenApiJsonRenderer.media_type)
    media_types = {renderer.media_type for renderer in SchemaView.renderer_classes}
    languages = {code for code, _name in settings.LANGUAGES}
    assert set(SchemaView._rendered) <= {(code, kind) for code in languages for kind in media_types}


def test_a_media_type_with_parameters_is_rendered_as_asked_and_not_kept(db: None):
    from rasad.api.schema_view import SchemaView

    indented = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json; indent=2")
    assert indented.status_code == 200
    assert indented.content.startswith(b'{\n  "openapi": ')
    assert all(not media_type.endswith("indent=2") for _language, media_type in SchemaView._rendered)


def test_schema_generates_without_warnings(tmp_path: Path):
    # --fail-on-warn turns every drf-spectacular warning (an unresolvable field type, a
    # serializer it had to guess) into an error: the document must describe every operation.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_only_list_routes_are_documented_as_paginated(db: None):
    # An action answering a plain array (submit, approve, reopen, completeness) once inherited
    # the list's pagination and filters in the schema, and every client reading it was misled.
    from rasad.testing.matrix import discover_endpoints

    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    list_routes = {endpoint.list_url for endpoint in discover_endpoints()}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ok = operation.get("responses", {}).get("200", {})
            reference = ok.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
            if "/Paginated" in reference:
                assert (method, path) in {("get", route) for route in list_routes}, f"{method.upper()} {path}"


def _scripts_and_links(html: str) -> tuple[list[str], list[str]]:
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL | re.IGNORECASE)
    inline = [body for attributes, body in scripts if "src=" not in attributes and body.strip()]
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    return inline, assets


def test_docs_page_uses_only_local_assets(db: None):
    client = APIClient()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL_URL.search(html), EXTERNAL_URL.findall(html)
    inline, assets = _scripts_and_links(html)
    # script-src 'self': an inline script would be blocked, leaving a blank page.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert inline == []
    static_assets = [asset for asset in assets if asset.startswith("/static/")]
    assert len(static_assets) >= 3, assets
    for asset in static_assets:
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
    [script] = [asset for asset in assets if asset.startswith("/api/docs/")]
    start = client.get(script)
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    body = start.content.decode()
    assert not EXTERNAL_URL.search(body), EXTERNAL_URL.findall(body)
    assert '"validatorUrl": null' in body


@pytest.mark.parametrize(
    "asset", ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"]
)
def test_swagger_ui_is_vendored(asset: str):
    assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}") is not None
