"""Organization export: the filtered, scoped list to CSV and Excel, dates as the reader wants."""

from __future__ import annotations

import csv
import datetime
import io

from django.test import Client
from openpyxl import load_workbook

from rasad.core.actions.organizations import OrganizationValues, do_update_organization
from rasad.core.actions.people import do_change_preferences
from rasad.testing.cast import Cast

EXPORT = "/organizations/export/"


def _open_isfahan(cast: Cast) -> None:
    o = cast.isfahan
    do_update_organization(
        o,
        OrganizationValues(
            code=o.code,
            name=o.name,
            kind=o.kind,
            parent=o.parent,
            name_en=o.name_en,
            province=o.province,
            latitude=o.latitude,
            longitude=o.longitude,
            opened_on=datetime.date(2024, 4, 3),
        ),
        acting_user=cast.root,
    )


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_csv_contains_only_rows_in_scope(cast: Cast):
    response = _client(cast.alice).get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row["code"] for row in _csv(response)] == ["ISF-CC", "ISF-P1"]


def test_export_follows_the_list_filters(cast: Cast):
    rows = _csv(_client(cast.nadia).get(EXPORT, {"format": "csv", "kind": "field_post"}))
    assert [row["code"] for row in rows] == ["ISF-P1", "KER-P1"]
    rows = _csv(_client(cast.nadia).get(EXPORT, {"format": "csv", "q": "كرمان"}))
    assert [row["code"] for row in rows] == ["KER-CC", "KER-P1"]


def test_dates_are_jalali_with_an_iso_column(cast: Cast):
    _open_isfahan(cast)
    row = _csv(_client(cast.alice).get(EXPORT, {"format": "csv"}))[0]
    assert (row["opened_on"], row["opened_on_iso"], row["parent_code"], row["province_code"]) == (
        "۱۴۰۳/۰۱/۱۵",
        "2024-04-03",
        "NAT",
        "10",
    )


def test_dates_follow_a_gregorian_preference(cast: Cast):
    _open_isfahan(cast)
    do_change_preferences(cast.alice, acting_user=cast.alice, calendar="gregorian", persian_digits=False)
    row = _csv(_client(cast.alice).get(EXPORT, {"format": "csv"}))[0]
    assert (row["opened_on"], row["opened_on_iso"]) == ("2024-04-03", "2024-04-03")


def test_xlsx_has_labels_keys_and_scoped_rows(cast: Cast):
    response = _client(cast.bob).get(EXPORT)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    keys = [cell.value for cell in sheet[2]]
    codes = [sheet.cell(row=r, column=keys.index("code") + 1).value for r in range(3, sheet.max_row + 1)]
    assert codes == ["KER-CC", "KER-P1"]


def test_an_export_can_be_read_back_by_the_importer(cast: Cast):
    """Export columns are import columns (plus ones the importer skips): nothing is unknown."""
    from rasad.core.importers import OrganizationImporter

    response = _client(cast.alice).get(EXPORT)
    report = OrganizationImporter(acting_user=cast.root).run(
        response.content, file_name="export.xlsx", dry_run=True
    )
    assert {(e.row, e.column) for e in report.errors} == {(3, "code"), (4, "code")}  # they exist already


def test_formula_like_text_is_neutralized():
    from rasad.core.exports import safe_cell

    assert (safe_cell("=HYPERLINK(1)"), safe_cell("@SUM"), safe_cell("سلام"), safe_cell(-1.5)) == (
        "'=HYPERLINK(1)",
        "'@SUM",
        "سلام",
        -1.5,
    )
