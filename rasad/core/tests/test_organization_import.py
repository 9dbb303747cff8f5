"""Bulk organization import: all or nothing, every bad row reported, parents in any order."""

from __future__ import annotations

import hashlib
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.conftest import client_for
from rasad.core.importers import OrganizationImporter, organization_template
from rasad.core.models import AuditEvent, Organization
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_workbook

IMPORT = "/api/v1/organizations/import/"
HEADER = "code,name,kind,parent_code,province_code,latitude,longitude,opened_on\n"


def csv_file(body: str, name: str = "orgs.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + body).encode("utf-8"), content_type="text/csv")


def errors_of(report) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in report.errors}


BAD_ROWS = (
    "ISF-P2,پاسگاه دو,field_post,ISF-CC,10,33.6,54.9,1403/01/15\n"  # row 2: valid
    "ISF-X1,بد یک,spaceship,ISF-CC,,,,\n"  # row 3: unknown kind
    "ISF-X2,بد دو,site,ISF-CC,99,,,\n"  # row 4: unknown province
    "ISF-X3,بد سه,site,ISF-CC,,41.0,29.0,\n"  # row 5: outside Iran
    "ISF-X4,بد چهار,site,NOPE,,,,\n"  # row 6: unknown parent
    "ISF-P2,تکراری,site,ISF-CC,,,,\n"  # row 7: duplicate code in the file
    "ISF-P1,تکراری,site,ISF-CC,,,,\n"  # row 8: code already in the database
    "ISF-X5,بد پنج,site,ISF-CC,,,,1403/13/01\n"  # row 9: month 13
    "ISF-X6,بد شش,site,KER-CC,,,,\n"  # row 10: parent outside the importer's scope
)
BAD_CELLS = {
    (3, "kind"),
    (4, "province_code"),
    (5, "latitude"),
    (6, "parent_code"),
    (7, "code"),
    (8, "code"),
    (9, "opened_on"),
    (10, "parent_code"),
}


def test_every_bad_row_is_reported_and_nothing_is_applied(cast: Cast, isfahan_admin):
    data = (HEADER + BAD_ROWS).encode()
    with assert_nothing_changed("core.organization", "core.organizationparenthistory"):
        report = OrganizationImporter(acting_user=isfahan_admin).run(data, file_name="orgs.csv")
    assert errors_of(report) == BAD_CELLS
    assert (report.applied, report.created, report.row_count) == (False, [], 9)
    assert report.bad_rows == [3, 4, 5, 6, 7, 8, 9, 10]


def test_messages_name_the_cause(cast: Cast, isfahan_admin):
    from django.utils import translation

    from rasad.lib import display

    # A person reading English with Latin digits.
    token = display.activate(display.DisplayPreferences(language="en", persian_digits=False))
    try:
        with translation.override("en"):
            report = OrganizationImporter(acting_user=isfahan_admin).run(
                (HEADER + BAD_ROWS).encode(), file_name="x.csv"
            )
    finally:
        display.reset(token)
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "spaceship" in messages[(3, "kind")]
    assert "Field post, Command centre, Business, Workshop." in messages[(3, "kind")]
    assert "99" in messages[(4, "province_code")]
    assert "outside Iran" in messages[(5, "latitude")]
    assert "NOPE" in messages[(6, "parent_code")]
    assert "row 2" in messages[(7, "code")]
    assert "ISF-P1" in messages[(8, "code")]
    # Out of scope reads exactly like missing.
    assert messages[(10, "parent_code")] == messages[(6, "parent_code")].replace("NOPE", "KER-CC")


def test_api_reports_every_row_in_the_error_shape(cast: Cast, isfahan_admin):
    client = client_for(isfahan_admin)
    with assert_nothing_changed("core.organization"):
        response = client.post(IMPORT, {"file": csv_file(BAD_ROWS)}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_invalid"
    assert {(row["row"], row["column"]) for row in error["rows"]} == BAD_CELLS
    assert set(error["fields"]) == {f"rows[{row}].{column}" for row, column in BAD_CELLS}


def test_valid_file_is_applied_with_one_audit_event_carrying_the_sha256(cast: Cast, isfahan_admin):
    body = (
        "ISF-P2,پاسگاه دو,field_post,ISF-CC,10,33.6,54.9,1403/01/15\n"
        "ISF-P3,پاسگاه سه,field_post,ISF-CC,,,,2024-04-03\n"
    )
    response = client_for(isfahan_admin).post(IMPORT, {"file": csv_file(body)}, format="multipart")
    assert response.status_code == 201, response.json()
    assert (response.json()["created"], response.json()["applied"]) == (2, True)
    created = Organization.objects.filter(code__in=["ISF-P2", "ISF-P3"]).order_by("code")
    assert [(o.parent_id, str(o.opened_on)) for o in created] == [
        (cast.isfahan.pk, "2024-04-03"),
        (cast.isfahan.pk, "2024-04-03"),
    ]
    event = AuditEvent.objects.get(event_type=105)
    assert event.new == {
        "count": 2,
        "sha256": hashlib.sha256((HEADER + body).encode()).hexdigest(),
        "file": "orgs.csv",
    }
    assert event.organization_id == cast.isfahan.pk
    assert AuditEvent.objects.filter(event_type=101, object_id__in=[str(o.pk) for o in created]).count() == 0


def test_dry_run_validates_only(cast: Cast, isfahan_admin):
    body = "ISF-P2,پاسگاه دو,field_post,ISF-CC,,,,\n"
    with assert_nothing_changed("core.organization"):
        response = client_for(isfahan_admin).post(
            IMPORT, {"file": csv_file(body), "dry_run": "true"}, format="multipart"
        )
    assert response.status_code == 200
    assert (response.json()["applied"], response.json()["created"], response.json()["rows"]) == (False, 0, 1)


def test_parents_may_be_defined_later_in_the_file(cast: Cast, isfahan_admin):
    body = (
        "ISF-S1,معدن یک,site,ISF-C2,,,,\n"  # its parent is two rows below
        "ISF-S2,معدن دو,site,ISF-S1,,,,\n"
        "ISF-C2,شرکت دو,company,ISF-CC,,,,\n"
    )
    report = OrganizationImporter(acting_user=isfahan_admin).run((HEADER + body).encode(), file_name="f.csv")
    assert report.errors == []
    company = Organization.objects.get(code="ISF-C2")
    mine = Organization.objects.get(code="ISF-S1")
    deeper = Organization.objects.get(code="ISF-S2")
    assert (company.parent_id, mine.parent_id, deeper.parent_id) == (cast.isfahan.pk, company.pk, mine.pk)
    assert (company.depth, mine.depth, deeper.depth) == (2, 3, 4)
    assert deeper.path == f"{mine.path}{deeper.pk:08d}/"


def test_a_cycle_in_the_file_is_reported_on_each_of_its_rows(cast: Cast, isfahan_admin):
    body = (
        "ISF-A,الف,site,ISF-B,,,,\n"  # row 2
        "ISF-B,ب,site,ISF-A,,,,\n"  # row 3
        "ISF-C,پ,site,ISF-CC,,,,\n"  # row 4: fine on its own
        "ISF-D,ت,site,ISF-D,,,,\n"  # row 5: its own parent
    )
    with assert_nothing_changed("core.organization"):
        report = OrganizationImporter(acting_user=isfahan_admin).run(
            (HEADER + body).encode(), file_name="c.csv"
        )
    assert errors_of(report) == {(2, "parent_code"), (3, "parent_code"), (5, "parent_code")}


def test_parent_outside_scope_is_refused_even_for_a_file_that_is_otherwise_valid(cast: Cast, isfahan_admin):
    client = client_for(isfahan_admin)
    with assert_nothing_changed("core.organization"):
        response = client.post(
            IMPORT, {"file": csv_file("KER-P9,نفوذی,field_post,KER-CC,,,,\n")}, format="multipart"
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["rows[2].parent_code"]


def test_a_top_level_row_needs_a_platform_administrator(cast: Cast, isfahan_admin):
    report = OrganizationImporter(acting_user=isfahan_admin).run(
        (HEADER + "TOP-1,سر,national_body,,,,,\n").encode(), file_name="t.csv"
    )
    assert errors_of(report) == {(2, "parent_code")}


def test_users_without_add_permission_cannot_import(cast: Cast):
    with assert_nothing_changed("core.organization"):
        response = client_for(cast.alice).post(
            IMPORT, {"file": csv_file("ISF-P2,دو,field_post,ISF-CC,,,,\n")}, format="multipart"
        )
    assert response.status_code == 403


def _xlsx_from_template(rows: list[list[object]]) -> bytes:
    workbook = xlsx_workbook(organization_template())
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_row(**values: object) -> list[object]:
    keys = [cell.value for cell in xlsx_workbook(organization_template()).worksheets[0][2]]
    return [values.get(str(key)) for key in keys]


def test_template_has_labels_then_english_keys(db):
    sheet = xlsx_workbook(organization_template()).worksheets[0]
    assert [cell.value for cell in sheet[2]] == [
        "code",
        "name",
        "name_en",
        "kind",
        "parent_code",
        "province_code",
        "county_code",
        "latitude",
        "longitude",
        "sector_tags",
        "opened_on",
        "closed_on",
    ]
    assert sheet.max_row == 2


def test_a_control_character_or_far_date_in_any_cell_is_reported_with_its_row(cast: Cast, isfahan_admin):
    """The input boundary, cell by cell, before the importer's own checks: every bad cell is
    reported (not only the first row the pre_save backstop would stop at), and nothing is applied."""
    import datetime

    from django.utils import translation

    body = (
        "ISF-P2,پاسگاه\x07 دو,field_post,ISF-CC,10,,,\n"  # row 2: BEL in the name
        "ISF-P3,پاسگاه سه,field_post,ISF-CC\x00,10,,,\n"  # row 3: NUL in a reference
        "ISF-P4,پاسگاه چهار,field_post,ISF-CC,10,,,\n"  # row 4: fine
    )
    with translation.override("en"), assert_nothing_changed("core.organization"):
        report = OrganizationImporter(acting_user=isfahan_admin).run(
            (HEADER + body).encode(), file_name="orgs.csv"
        )
    assert errors_of(report) == {(2, "name"), (3, "parent_code")}
    assert "control character (U+0007)" in {(e.row, e.column): e.message for e in report.errors}[(2, "name")]
    far = _xlsx_from_template(
        [
            _xlsx_row(
                code="ISF-P5",
                name="پاسگاه پنج",
                kind="field_post",
                parent_code="ISF-CC",
                opened_on=datetime.datetime(9999, 12, 31),
            )
        ]
    )
    with assert_nothing_changed("core.organization"):
        report = OrganizationImporter(acting_user=isfahan_admin).run(far, file_name="orgs.xlsx")
    assert errors_of(report) == {(3, "opened_on")}  # the template's first data row is row 3


def test_xlsx_import_reports_rows_as_the_spreadsheet_numbers_them(cast: Cast, isfahan_admin):
    import datetime

    data = _xlsx_from_template(
        [
            _xlsx_row(
                code="ISF-P2", name="پاسگاه دو", kind="field_post", parent_code="ISF-CC", province_code=10
            ),
            _xlsx_row(
                code="ISF-X1", name="بد", kind="site", parent_code="ISF-CC", latitude=41.0, longitude=29.0
            ),
            _xlsx_row(code="ISF-X2", name="", kind="site", parent_code="ISF-CC"),
        ]
    )
    with assert_nothing_changed("core.organization"):
        report = OrganizationImporter(acting_user=isfahan_admin).run(data, file_name="orgs.xlsx")
    assert errors_of(report) == {(4, "latitude"), (5, "name")}
    good = _xlsx_from_template(
        [
            _xlsx_row(
                code="ISF-P2",
                name="پاسگاه دو",
                kind="field_post",
                parent_code="ISF-CC",
                province_code=10,
                opened_on=datetime.datetime(2024, 4, 3),
                sector_tags="مرزی، امنیتی",
            )
        ]
    )
    report = OrganizationImporter(acting_user=isfahan_admin).run(good, file_name="orgs.xlsx")
    assert report.errors == []
    created = Organization.objects.get(code="ISF-P2")
    assert created.province is not None
    assert (created.province.code, str(created.opened_on), created.sector_tags) == (
        "10",
        "2024-04-03",
        ["امنیتی", "مرزی"],
    )


def test_unreadable_file_is_one_file_error(cast: Cast, isfahan_admin):
    report = OrganizationImporter(acting_user=isfahan_admin).run(b"PK\x03\x04garbage", file_name="x.xlsx")
    assert errors_of(report) == {(0, "file")}


def test_unknown_and_missing_columns_are_reported(cast: Cast, isfahan_admin):
    report = OrganizationImporter(acting_user=isfahan_admin).run(
        b"code,colour\nISF-P2,red\n", file_name="x.csv"
    )
    assert errors_of(report) == {(1, "colour"), (1, "name"), (1, "kind")}


def test_ui_upload_lists_every_bad_row(cast: Cast, admin_client):
    with assert_nothing_changed("core.organization"):
        response = admin_client.post("/organizations/import/", {"file": csv_file(BAD_ROWS)})
    assert response.status_code == 400
    html = response.content.decode()
    for row, column in BAD_CELLS:
        assert f'data-row="{row}" data-column="{column}"' in html


def test_ui_upload_imports_a_valid_file(cast: Cast, admin_client):
    response = admin_client.post(
        "/organizations/import/", {"file": csv_file("ISF-P2,دو,field_post,ISF-CC,,,,\n")}
    )
    assert response.status_code == 200
    assert Organization.objects.get(code="ISF-P2").parent_id == cast.isfahan.pk


def test_template_download(cast: Cast, admin_client):
    response = admin_client.get("/organizations/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_persian_reader_gets_each_bad_cell_named_with_persian_digits(cast: Cast, isfahan_admin):
    """Every number in a row's message (the value, the bounds, a row, a length, a year, a
    month) is in the reader's digits (rasad.lib.formatting), as the rest of the page is, and each
    message is on the cell it is about."""
    from django.utils import translation

    from rasad.lib import display

    long_name = "ن" * 201
    body = (
        "ISF-P2,پاسگاه دو,field_post,ISF-CC,10,95,54.9,\n"  # row 2: latitude beyond 90
        "ISF-P3,پاسگاه سه,field_post,ISF-CC,10,۳۳٫۶,-۲۰۰,\n"  # row 3: longitude beyond -180
        "ISF-P4,پاسگاه چهار,site,ISF-CC,,41.5,29.25,\n"  # row 4: a point outside Iran
        "ISF-P5,پاسگاه پنج,site,ISF-CC,,,,1404/12/30\n"  # row 5: 1404 is not a leap year (1403 is)
        "ISF-P6,پاسگاه شش,site,ISF-CC,,,,1403/13/01\n"  # row 6: month 13
        f"ISF-P7,{long_name},site,ISF-CC,,,,\n"  # row 7: a name over 200 characters
        "ISF-P2,تکراری,site,ISF-CC,,,,\n"  # row 8: the code of row 2 again
    )
    token = display.activate(display.DisplayPreferences(language="fa", persian_digits=True))
    try:
        with translation.override("fa"), assert_nothing_changed("core.organization"):
            report = OrganizationImporter(acting_user=isfahan_admin).run(
                (HEADER + body).encode(), file_name="orgs.csv"
            )
    finally:
        display.reset(token)
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert set(messages) == {
        (2, "latitude"),
        (3, "longitude"),
        (4, "latitude"),
        (5, "opened_on"),
        (6, "opened_on"),
        (7, "name"),
        (8, "code"),
    }
    # What echoes the file («ISF-P2») is quoted as it was written; every other digit is Persian.
    unquoted = {cell: re.sub("«[^»]*»", "", message) for cell, message in messages.items()}
    assert not [message for message in unquoted.values() if re.search("[0-9]", message)], messages
    assert "۹۵" in messages[(2, "latitude")] and "۹۰" in messages[(2, "latitude")]
    assert "۲۰۰" in messages[(3, "longitude")] and "۱۸۰" in messages[(3, "longitude")]
    assert "۴۱٫۵" in messages[(4, "latitude")] and "۲۹٫۲۵" in messages[(4, "latitude")]
    assert "۱۴۰۴" in messages[(5, "opened_on")]
    assert "۱۳" in messages[(6, "opened_on")]
    assert "۲۰۰" in messages[(7, "name")]
    assert "۲" in messages[(8, "code")]
    assert report.summary() == "۷ مشکل در ۷ ردیف؛ چیزی وارد نشد."


def test_a_full_file_with_one_bad_row_at_its_end_writes_nothing(cast: Cast, isfahan_admin):
    """5,000 rows (the most a file may have), the last one bad: the bad row is reported by its
    number, and none of the 4,999 good ones is written."""
    from rasad.core.importers import MAX_ROWS

    good = "".join(
        f"ISF-N{number},پاسگاه {number},field_post,ISF-CC,10,,,\n" for number in range(MAX_ROWS - 1)
    )
    body = good + "ISF-LAST,آخر,spaceship,ISF-CC,10,,,\n"
    with assert_nothing_changed("core.organization", "core.organizationparenthistory"):
        report = OrganizationImporter(acting_user=isfahan_admin).run(
            (HEADER + body).encode(), file_name="o.csv"
        )
    assert (report.row_count, errors_of(report), report.applied) == (
        MAX_ROWS,
        {(MAX_ROWS + 1, "kind")},
        False,
    )


def test_a_file_over_the_row_limit_is_one_file_error_naming_the_limit(cast: Cast, isfahan_admin):
    body = "".join(f"ISF-N{number},پاسگاه {number},field_post,ISF-CC,10,,,\n" for number in range(10_000))
    with assert_nothing_changed("core.organization"):
        report = OrganizationImporter(acting_user=isfahan_admin).run(
            (HEADER + body).encode(), file_name="o.csv"
        )
    assert errors_of(report) == {(0, "file")}
    assert "۵٬۰۰۰" in report.errors[0].message, report.errors[0].message


def test_a_header_without_rows_is_one_file_error(cast: Cast, isfahan_admin):
    for data, name in ((HEADER.encode(), "o.csv"), (organization_template(), "template.xlsx")):
        report = OrganizationImporter(acting_user=isfahan_admin).run(data, file_name=name)
        assert errors_of(report) == {(0, "file")}, name
        assert report.errors[0].message == "فایل سطر عنوان دارد اما هیچ ردیفی ندارد.", report.errors[
            0
        ].message
