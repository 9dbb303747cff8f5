"""Every import refuses a file it cannot use with the reason in Persian, writes nothing, and
never answers a 500: a text file named as a workbook, a file with nothing in it, a workbook with
an empty sheet, a header that names one column twice, a header of columns no import has, and a
form sent without its file. Each page and each API operation that imports is found in the
authorization table (``rasad.testing.imports``), so a new import is held to this too."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.conftest import client_for
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.imports import IMPORT_OPERATIONS, IMPORT_PAGES, extra_fields, operation_path, page_url
from rasad.testing.tabular import xlsx_bytes
from rasad.testing.web import verified_client

BAD_FILES = {
    "not a spreadsheet": ("notes.xlsx", b"These are notes, not a workbook.\n"),
    "plain text": ("notes.txt", "یادداشت\n".encode()),
    "empty": ("empty.csv", b""),
    "an empty sheet": ("empty.xlsx", xlsx_bytes([])),
    "a column twice": ("twice.csv", b"code,code\nA,B\n"),
    "unknown columns": ("unknown.csv", "ستون,دیگر\n۱,۲\n".encode()),
}
PERSIAN = re.compile("[\u0600-\u06ff]{3}")


def _files(case: str) -> dict[str, SimpleUploadedFile]:
    if case == "no file":
        return {}
    name, content = BAD_FILES[case]
    return {"file": SimpleUploadedFile(name, content)}


CASES = [*BAD_FILES, "no file"]
# Pages on which the file is one way among others, so that a form without it is not bad input:
# the bands page saves the rows typed above the file (none typed: no bands).
FILE_OPTIONAL = {"assessments:instrument-bands"}


@pytest.mark.parametrize(
    ("name", "case"),
    [
        (name, case)
        for name in IMPORT_PAGES
        for case in CASES
        if not (case == "no file" and name in FILE_OPTIONAL)
    ],
)
def test_every_import_page_refuses_a_bad_file_in_persian(cast: Cast, name: str, case: str):
    client = verified_client(cast.root)
    url = page_url(name, cast)
    with assert_nothing_changed():
        response = client.post(url, {**_files(case), **extra_fields(name, cast)})
    assert response.status_code in (200, 400), (name, case, response.status_code)
    page = response.content.decode()
    # The form comes back with the refusal: an error list or the import report's table.
    assert re.search(r'class="[^"]*(invalid-feedback|errorlist|alert-danger|text-danger)', page), (name, case)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("key", IMPORT_OPERATIONS)
def test_every_import_operation_refuses_a_bad_file_in_persian(cast: Cast, key: str, case: str):
    client = client_for(cast.root)
    path = operation_path(key, cast)
    with assert_nothing_changed():
        response = client.post(
            path, {**_files(case), **extra_fields(key, cast)}, format="multipart", HTTP_ACCEPT_LANGUAGE="fa"
        )
    assert response.status_code == 400, (key, case, response.status_code, response.content[:300])
    error = response.json()["error"]
    messages = [message for found in error["fields"].values() for message in found]
    assert messages, (key, case, error)
    assert all(PERSIAN.search(message) for message in messages), (key, case, messages)
