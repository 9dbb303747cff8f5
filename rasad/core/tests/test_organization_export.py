"""Organization export: the filtered, scoped list to CSV and Excel (prepared in the background),
dates as the reader wants."""

from __future__ import annotations

import datetime

from django.test import Client

from rasad.core.actions.organizations import OrganizationValues, do_update_organization
from rasad.core.actions.people import do_change_preferences
from rasad.jobs.testing import exported
from rasad.testing.cast import Cast
from rasad.testing.tabular import csv_records, xlsx_workbook


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


def _csv(client: Client, query: dict[str, str] | None = None) -> list[dict[str, str]]:
    content = exported(client, "organizations", "csv", query)
    return csv_records(content)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_csv_contains_only_rows_in_scope(cast: Cast):
    assert [row["code"] for row in _csv(_client(cast.alice))] == ["ISF-CC", "ISF-P1"]


def test_export_follows_the_list_filters(cast: Cast):
    rows = _csv(_client(cast.nadia), {"kind": "field_post"})
    assert [row["code"] for row in rows] == ["ISF-P1", "KER-P1"]
    rows = _csv(_client(cast.nadia), {"q": "كرمان"})
    assert [row["code"] for row in rows] == ["KER-CC", "KER-P1"]


def test_dates_are_jalali_with_an_iso_column(cast: Cast):
    _open_isfahan(cast)
    row = _csv(_client(cast.alice))[0]
    assert (row["opened_on"], row["opened_on_iso"], row["parent_code"], row["province_code"]) == (
        "۱۴۰۳/۰۱/۱۵",
        "2024-04-03",
        "NAT",
        "10",
    )


def test_dates_follow_a_gregorian_preference(cast: Cast):
    _open_isfahan(cast)
    do_change_preferences(cast.alice, acting_user=cast.alice, calendar="gregorian", persian_digits=False)
    row = _csv(_client(cast.alice))[0]
    assert (row["opened_on"], row["opened_on_iso"]) == ("2024-04-03", "2024-04-03")


def test_xlsx_has_labels_keys_and_scoped_rows(cast: Cast):
    sheet = xlsx_workbook(exported(_client(cast.bob), "organizations", "xlsx")).worksheets[0]
    keys = [cell.value for cell in sheet[2]]
    codes = [sheet.cell(row=r, column=keys.index("code") + 1).value for r in range(3, sheet.max_row + 1)]
    assert codes == ["KER-CC", "KER-P1"]


def test_an_export_can_be_read_back_by_the_importer(cast: Cast):
    """Export columns are import columns (plus ones the importer skips): nothing is unknown."""
    from rasad.core.importers import OrganizationImporter

    content = exported(_client(cast.alice), "organizations", "xlsx")
    report = OrganizationImporter(acting_user=cast.root).run(content, file_name="export.xlsx", dry_run=True)
    assert {(e.row, e.column) for e in report.errors} == {(3, "code"), (4, "code")}  # they exist already


def test_the_old_addresses_lead_to_the_background_export(cast: Cast):
    client = _client(cast.alice)
    response = client.get("/organizations/export/", {"format": "csv", "kind": "field_post"})
    expected = "/files/new/organizations.csv?kind=field_post"
    assert (response.status_code, response["Location"]) == (302, expected)
    response = client.get("/organizations/export/")
    assert (response.status_code, response["Location"]) == (302, "/files/new/organizations.xlsx")


def test_formula_like_text_is_neutralized():
    from rasad.core.exports import safe_cell

    assert (safe_cell("=HYPERLINK(1)"), safe_cell("@SUM"), safe_cell("سلام"), safe_cell(-1.5)) == (
        "'=HYPERLINK(1)",
        "'@SUM",
        "سلام",
        -1.5,
    )
