"""Every import refuses a decompression bomb in bounded time and memory (issue 9): a 150 KiB
workbook whose one cell inflates to 150 MiB, uploaded to every import page and every import
operation of the API, is refused with the reason in Persian before it inflates, and writes
nothing.

The imports are found in the authorization table (``rasad/testing/authz.py``: every page and
operation has a row there): a page or an operation whose name says it imports is taken in
without being named here, and fails until it refuses the bomb. What a form asks beside the file
is given in ``EXTRA``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rasad.testing.api import assert_nothing_changed
from rasad.testing.authz import API, PAGES, SUBJECTS
from rasad.testing.cast import Cast
from rasad.testing.tabular import bounded, cached_bomb
from rasad.testing.web import verified_client

REFUSED = "فشرده شده است؛ پذیرفته نمی‌شود"  # rasad.lib.tabular's message, in Persian


def _is_import(name: str) -> bool:
    return ("import" in name and "template" not in name) or name.endswith("bands-import/")


IMPORT_PAGES = sorted(name for name in PAGES if _is_import(name) or name == "assessments:instrument-bands")
IMPORT_OPERATIONS = sorted(key for key in API if key.startswith("POST ") and _is_import(key))


def _extra(name: str, cast: Cast) -> dict[str, Any]:
    """What each form asks beside the file, valid, so that the file is what is judged."""
    if name in ("assessments:instrument-import", "POST /api/v1/assessment-instruments/import/"):
        return {
            "code": "BOMB",
            "name": "فهرست آزمایشی",
            "kind": "compliance",
            "total_points": "100",
            "owner": cast.isfahan.pk if ":" in name else cast.isfahan.code,
        }
    return {}


def _url(route: str, cast: Cast, subject: str | None) -> str:
    kwargs = SUBJECTS[subject].make(cast) if subject else None
    return reverse(route, kwargs=kwargs or None)


def test_the_imports_are_found():
    assert len(IMPORT_PAGES) >= 8, IMPORT_PAGES
    assert len(IMPORT_OPERATIONS) >= 5, IMPORT_OPERATIONS


@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_every_import_page_refuses_a_bomb(cast: Cast, name: str):
    client = verified_client(cast.root)
    url = _url(name, cast, PAGES[name].subject)
    client.get(url)  # warm: templates and catalogs load once per process
    data = {"file": SimpleUploadedFile("bomb.xlsx", cached_bomb()), **_extra(name, cast)}
    with assert_nothing_changed(), bounded():
        response = client.post(url, data)
    assert response.status_code in (200, 400), (name, response.status_code)
    assert REFUSED in response.content.decode(), name


@pytest.mark.parametrize("key", IMPORT_OPERATIONS)
def test_every_import_operation_refuses_a_bomb(cast: Cast, key: str):
    from rasad.conftest import client_for

    client = client_for(cast.root)
    path = key.split(" ", 1)[1]
    if "{id}" in path:
        subject = API[key].subject
        assert subject is not None, key
        made = SUBJECTS[subject].make(cast)
        path = path.replace("{id}", str(next(iter(made.values()))))
    client.get("/api/v1/")  # warm
    data = {"file": SimpleUploadedFile("bomb.xlsx", cached_bomb()), **_extra(key, cast)}
    with assert_nothing_changed(), bounded():
        response = client.post(path, data, format="multipart", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 400, (key, response.status_code, response.content[:300])
    assert REFUSED in response.content.decode(), (key, response.content.decode()[:300])
