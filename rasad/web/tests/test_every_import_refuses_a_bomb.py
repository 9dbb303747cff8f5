"""Every import refuses a decompression bomb in bounded time and memory (issue 9): a 150 KiB
workbook whose one cell inflates to 150 MiB, uploaded to every import page and every import
operation of the API, is refused with the reason in Persian before it inflates, and writes
nothing.

The imports are found in the authorization table (``rasad.testing.imports``): a page or an
operation whose name says it imports is taken in without being named here, and fails until it
refuses the bomb.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.imports import IMPORT_OPERATIONS, IMPORT_PAGES, extra_fields, operation_path, page_url
from rasad.testing.tabular import bounded, cached_bomb
from rasad.testing.web import verified_client

REFUSED = "فشرده شده است؛ پذیرفته نمی‌شود"  # rasad.lib.tabular's message, in Persian


def test_the_imports_are_found():
    assert len(IMPORT_PAGES) >= 8, IMPORT_PAGES
    assert len(IMPORT_OPERATIONS) >= 5, IMPORT_OPERATIONS


@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_every_import_page_refuses_a_bomb(cast: Cast, name: str):
    client = verified_client(cast.root)
    url = page_url(name, cast)
    client.get(url)  # warm: templates and catalogs load once per process
    data = {"file": SimpleUploadedFile("bomb.xlsx", cached_bomb()), **extra_fields(name, cast)}
    with assert_nothing_changed(), bounded():
        response = client.post(url, data)
    assert response.status_code in (200, 400), (name, response.status_code)
    assert REFUSED in response.content.decode(), name


@pytest.mark.parametrize("key", IMPORT_OPERATIONS)
def test_every_import_operation_refuses_a_bomb(cast: Cast, key: str):
    from rasad.conftest import client_for

    client = client_for(cast.root)
    path = operation_path(key, cast)
    client.get("/api/v1/")  # warm
    data = {"file": SimpleUploadedFile("bomb.xlsx", cached_bomb()), **extra_fields(key, cast)}
    with assert_nothing_changed(), bounded():
        response = client.post(path, data, format="multipart", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 400, (key, response.status_code, response.content[:300])
    assert REFUSED in response.content.decode(), (key, response.content.decode()[:300])
