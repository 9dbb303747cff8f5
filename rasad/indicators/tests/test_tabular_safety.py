"""Every indicators export neutralises formula-like text and drops characters a workbook cannot
hold; the indicators import refuses a decompression bomb in under a second with flat memory."""

from __future__ import annotations

import operator

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rasad.core.models import Organization
from rasad.indicators.importer import do_import, read_table
from rasad.indicators.models import Observation
from rasad.indicators.tests.test_import import xlsx
from rasad.jobs.testing import exported
from rasad.testing.cast import Cast
from rasad.testing.tabular import BELL, FORMULA, assert_csv_safe, assert_xlsx_safe, bounded, cached_bomb


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_observation_export_is_safe(assigned: Cast):
    rows = [
        ["ISF-P1", "ELEC_CONS", "1402-01", 100, "MWh", "first"],
        ["ISF-P1", "ELEC_CONS", "1402-02", 110, "MWh", "ok"],
    ]
    outcome = do_import(read_table("a.xlsx", xlsx(rows)), acting_user=assigned.ali)
    assert outcome.errors == []
    Observation.objects.filter(comment="first").update(comment=FORMULA)
    # A control character stored before the input boundary refused it.
    Organization.objects.filter(pk=assigned.isfahan_post.pk).update(name=BELL)
    assert Observation.objects.filter(comment=FORMULA).count() == 1
    assert_xlsx_safe(exported(_client(assigned.alice), "observations", "xlsx"))


def test_import_templates_are_clean(assigned: Cast):
    client = _client(assigned.ali)
    workbook = client.get("/indicators/import/template.xlsx")
    assert workbook.status_code == 200
    assert_xlsx_safe(workbook.content, expect_formula=False, expect_bell=False)
    text = client.get("/indicators/import/template.csv").content.decode("utf-8-sig")
    assert text.splitlines()[0] == "organization,indicator,period,value,unit,comment"


def test_csv_written_by_the_tabular_module_reads_back(assigned: Cast):
    from io import BytesIO

    from rasad.lib.tabular import ExportColumn, write_csv

    buffer = BytesIO()
    columns = [
        ExportColumn(k, k, operator.itemgetter(k))
        for k in ("organization", "indicator", "period", "value", "comment")
    ]
    write_csv(
        buffer,
        columns,
        [
            {
                "organization": "ISF-P1",
                "indicator": "ELEC_CONS",
                "period": "1402-03",
                "value": 5,
                "comment": FORMULA,
            }
        ],
    )
    assert_csv_safe(buffer.getvalue())
    outcome = do_import(read_table("a.csv", buffer.getvalue()), acting_user=assigned.ali)
    assert outcome.errors == []
    assert Observation.objects.get(period_key="1402-03").comment == FORMULA


def test_a_bomb_is_refused_by_the_import_page(assigned: Cast):
    client = _client(assigned.ali)
    bomb = cached_bomb()
    client.get("/indicators/import/")  # warm: templates and catalogs load once per process
    with bounded():
        response = client.post("/indicators/import/", {"file": SimpleUploadedFile("bomb.xlsx", bomb)})
    page = response.content.decode()
    assert "پذیرفته نمی‌شود" in page
    assert Observation.objects.count() == 0
