"""Every export reads as the Persian-speaking officials who receive it read (docs/exports-and-
background-work.md, "What an exported file looks like"): every registered kind, in every format,
over the whole demo, as the national coordinator asks for it in Persian.

* Excel: every sheet right-to-left and named in Persian; the label row in Persian; every number a
  number whose format shows Persian digits.
* CSV: UTF-8 with a BOM, a Persian label row, then the English keys.
* PDF: Persian digits only, no «·» beside a number, the prepared line on every page.
* The file's name: its Persian title and the Jalali moment it was prepared.

A kind the demo gives no rows fails, like a kind ``_params`` does not know. PostgreSQL only, as
the safety test of every export beside it: the demo takes tens of seconds to load
(once per run: ``module_demo``, rasad/testing/demo.py)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from rasad.core.models import User
from rasad.jobs.exports import do_request_export, export_dir, export_kinds
from rasad.jobs.models import ExportFile, ExportStatus
from rasad.jobs.testing import run_queued
from rasad.jobs.tests.test_every_export_is_safe import _params
from rasad.lib.tabular import PERSIAN_LOCALE
from rasad.testing.tabular import xlsx_workbook

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.usefixtures("module_demo"),
]

PERSIAN = re.compile("[\u0600-\u06ff]")
# Names the energy standards (ISO 50001, 50006) give their measures, kept as they are written.
ACRONYMS = {"CUSUM"}
MARKS = dict.fromkeys(map(ord, "\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _check_xlsx(name: str, content: bytes) -> None:
    workbook = xlsx_workbook(content)
    for sheet in workbook.worksheets:
        where = f"{name}, sheet {sheet.title!r}"
        assert sheet.sheet_view.rightToLeft, f"{where}: not right-to-left"
        assert PERSIAN.search(sheet.title), f"{where}: a sheet name not in Persian"
        rows = list(sheet.iter_rows())
        keys_row = [c.value for c in rows[1]] if len(rows) > 1 else []
        if keys_row and all(isinstance(k, str) and k.isascii() for k in keys_row if k is not None):
            labels = [c.value for c in rows[0] if c.value is not None]
            english = [v for v in labels if not PERSIAN.search(str(v)) and v not in ACRONYMS]
            assert not english, f"{where}: labels not in Persian: {english}"
        for row in rows[2:]:
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    # Persian digits by the locale prefix; a figure in a unit shows it after the number.
                    assert cell.number_format.startswith(PERSIAN_LOCALE), f"{where} {cell.coordinate}"


def _check_csv(name: str, content: bytes) -> None:
    assert content.startswith(b"\xef\xbb\xbf"), f"{name}: no BOM"
    labels, keys = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[:2]
    assert all(key.isascii() for key in keys), f"{name}: row 2 holds the keys"
    english = [label for label in labels if not PERSIAN.search(label) and label not in ACRONYMS]
    assert not english, f"{name}: labels not in Persian: {english}"


def _check_pdf(name: str, content: bytes) -> None:
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    pages = [page for page in text.decode().translate(MARKS).split("\f") if page.strip()]
    whole = "\n".join(pages)
    assert not re.search(r"[0-9]", whole), (name, re.findall(r".{0,20}[0-9].{0,20}", whole))
    assert not re.search(r"[۰-۹]\s*·|·\s*[۰-۹]", whole), name
    prepared = re.compile(r"تهیهشده در .*۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2}")
    assert all(prepared.search(page) for page in pages), f"{name}: a page without its prepared line"


def test_every_export_reads_in_persian():
    reader = User.objects.get(username="national.coordinator")
    checked = []
    with translation.override("fa"):
        for kind in sorted(export_kinds().values(), key=lambda k: k.name):
            for file_format in kind.formats:
                export = do_request_export(kind.name, file_format, _params(kind.name), acting_user=reader)
                run_queued()
                export.refresh_from_db()
                assert export.status == ExportStatus.READY, (kind.name, file_format, export.error)
                assert export.row_count, f"{kind.name} ({file_format}): the demo gives it no rows"
                content = (export_dir() / Path(str(export.file.name)).name).read_bytes()
                name = f"{kind.name}.{file_format}"
                {"xlsx": _check_xlsx, "csv": _check_csv, "pdf": _check_pdf}[file_format](name, content)
                _check_file_name(export)
                checked.append(name)
    assert len(checked) == sum(len(kind.formats) for kind in export_kinds().values())


def _check_file_name(export: ExportFile) -> None:
    assert export.download_name.startswith(export.shown_title), export.download_name
    assert re.search(r"۱۴[۰-۹]{2}-[۰-۹]{2}-[۰-۹]{2} [۰-۹]{2}-[۰-۹]{2}\.", export.download_name)
    assert re.fullmatch(
        rf"{re.escape(export.kind)}-14\d\d-\d\d-\d\d-\d\d-\d\d\.\w+", export.download_fallback
    )
