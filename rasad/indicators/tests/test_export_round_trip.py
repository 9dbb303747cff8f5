"""The observations export reads as a Persian reader reads (the period by name, the unit's
Persian name, numbers that stay numbers) and is itself an import: re-imported, in either format,
it changes nothing (docs/exports-and-background-work.md, "What an exported file looks like")."""

from __future__ import annotations

import pytest
from django.test import Client

from rasad.indicators.importer import do_import, read_table
from rasad.indicators.models import Observation
from rasad.indicators.testing import indicator, record
from rasad.jobs.testing import exported
from rasad.testing.cast import Cast
from rasad.testing.tabular import csv_records, xlsx_rows, xlsx_workbook

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_observations_read_in_persian_and_re_import_unchanged(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 1234.5, user=assigned.ali, comment="بازبینی شد")
    record(assigned.isfahan_post, "ORE_MILLED", "1402-02", 50.0, user=assigned.ali)
    browser = _client(assigned.ali)
    workbook = exported(browser, "observations", "xlsx", {"year": "1402"})
    labels, keys, *values = xlsx_rows(workbook)
    rows = [dict(zip(keys, row, strict=True)) for row in values]
    first = next(row for row in rows if row["indicator"] == "ELEC_CONS")
    assert first["period"] == "1402-01"  # the key the import reads
    assert first["period_label"] == "فروردین ۱۴۰۲"  # the name a reader reads
    assert (first["unit"], first["unit_name"]) == ("MWh", "مگاوات‌ساعت")
    assert first["value"] == 1234.5
    assert labels[keys.index("unit_name")] == "یکا"
    # The value a number a spreadsheet sums, shown in its unit; the column mixes units, each cell
    # has its own format (MWh's places by size as on the pages, kt's one place).
    sheet = xlsx_workbook(workbook).active
    column = keys.index("value") + 1
    formats = {
        sheet.cell(row=row, column=1 + keys.index("indicator")).value: sheet.cell(row=row, column=column)
        for row in range(3, 3 + len(values))
    }
    assert formats["ELEC_CONS"].data_type == "n"
    assert formats["ELEC_CONS"].number_format == f'[$-3000429]#,##0" {indicator("ELEC_CONS").unit.name}"'
    assert formats["ORE_MILLED"].number_format == f'[$-3000429]#,##0.0" {indicator("ORE_MILLED").unit.name}"'
    before = list(Observation.objects.order_by("pk").values_list("pk", "value", "comment", "status"))
    for name, content in (("back.xlsx", workbook), ("back.csv", exported(browser, "observations", "csv"))):
        if name.endswith(".csv"):
            records = csv_records(content)
            assert {r["period_label"] for r in records} >= {"فروردین ۱۴۰۲", "اردیبهشت ۱۴۰۲"}
            assert {r["value"] for r in records} >= {"1234.5", "50.0"}  # CSV: the number, as before
        outcome = do_import(read_table(name, content), acting_user=assigned.ali)
        assert outcome.errors == [], (name, outcome.errors)
        assert outcome.applied is not None
        assert (outcome.applied.created, outcome.applied.updated, outcome.applied.unchanged) == (0, 0, 2), (
            name
        )
    after = list(Observation.objects.order_by("pk").values_list("pk", "value", "comment", "status"))
    assert after == before
