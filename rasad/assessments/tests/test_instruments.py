"""Instruments as data: the five starter instruments, the spreadsheet round trip through the
project's tabular module, every bad row reported with nothing written, versions kept for the
cycles that use them, and drafts seen only in their owner's scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.assessments.actions import (
    SectionValues,
    do_launch_cycle,
    do_publish_instrument,
    do_save_section,
    usable_problems,
)
from rasad.assessments.models import Instrument
from rasad.assessments.spreadsheet import COLUMNS, structure_csv
from rasad.assessments.starter import DATA_DIR, STARTER
from rasad.assessments.structure import spec_of
from rasad.assessments.testing import make_cycle, starter
from rasad.conftest import client_for
from rasad.core.importers import read_table
from rasad.lib import tabular
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name: str = "instrument.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _payload(data: bytes, name: str = "instrument.csv", **overrides: Any) -> dict[str, Any]:
    return {
        "file": _upload(data, name),
        "code": "GREEN-ISF",
        "name": "چک‌لیست سبزسازی کارگاه‌های اصفهان",
        "kind": "compliance",
        "total_points": "100",
        "owner": "ISF-CC",
        **overrides,
    }


def test_the_five_starter_instruments_are_published_and_usable(cast: Cast):
    codes = {s.code for s in STARTER}
    published = Instrument.objects.filter(code__in=codes, version=1, status="published")
    assert (
        set(published.values_list("code", flat=True))
        == codes
        == {
            "PD-INFRA",
            "CYBER-BASE",
            "EMA",
            "EXC-ENV",
            "GREEN-WS",
        }
    )
    for instrument in published:
        assert usable_problems(instrument) == [], instrument.code
    item = starter("EMA").items.get(code="T1.1")
    assert item.indicator is not None
    assert item.indicator.code == "ENERGY_INTENSITY"


def test_an_exported_instrument_imports_as_a_new_draft(cast: Cast, isfahan_coordinator: Any):
    client = client_for(isfahan_coordinator)
    exported = client.get(f"/api/v1/assessment-instruments/{starter('GREEN-WS').pk}/spreadsheet/")
    assert exported.status_code == 200
    assert exported["Content-Type"] == tabular.XLSX_TYPE
    response = client.post(
        "/api/v1/assessment-instruments/import/",
        _payload(exported.content, "green.xlsx"),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["version"], body["status"], body["owner"]) == (
        "GREEN-ISF",
        1,
        "draft",
        "ISF-CC",
    )
    imported = Instrument.objects.get(pk=body["id"])
    assert spec_of(imported) == spec_of(starter("GREEN-WS"))
    assert do_publish_instrument(imported, acting_user=isfahan_coordinator).status == "published"


def test_a_file_with_bad_rows_reports_every_one_and_writes_nothing(cast: Cast, isfahan_coordinator: Any):
    rows = (DATA_DIR / "GREEN-WS.csv").read_text(encoding="utf-8").splitlines()
    header, first, second, *rest = rows
    broken = [header, first.replace(",compliance,", ",yesno,", 1), second, *rest]
    # The third data row also loses its weight: the section's weights no longer sum to its points.
    data = "\n".join(broken).encode()
    with assert_nothing_changed("assessments.instrument", "assessments.section", "assessments.item"):
        response = client_for(isfahan_coordinator).post(
            "/api/v1/assessment-instruments/import/", _payload(data), format="multipart"
        )
    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["file"]
    assert any("yesno" in m and ("Row 2" in m or "ردیف ۲" in m or "ردیف 2" in m) for m in messages), messages


def test_weights_that_do_not_sum_to_the_section_are_refused(cast: Cast, isfahan_coordinator: Any):
    rows = (DATA_DIR / "GREEN-WS.csv").read_text(encoding="utf-8").splitlines()
    header, first, *rest = rows
    cells = first.split(",")
    weight_at = header.split(",").index("weight")
    cells[weight_at] = str(int(cells[weight_at]) + 1)
    data = "\n".join([header, ",".join(cells), *rest]).encode()
    with assert_nothing_changed("assessments.instrument"):
        response = client_for(isfahan_coordinator).post(
            "/api/v1/assessment-instruments/import/", _payload(data), format="multipart"
        )
    assert response.status_code == 400
    assert any("weights sum to" in m or "وزن" in m for m in response.json()["error"]["fields"]["file"])


def test_importing_needs_the_right_to_add_instruments(cast: Cast):
    data = structure_csv(spec_of(starter("GREEN-WS")))
    with assert_nothing_changed("assessments.instrument"):
        response = client_for(cast.alice).post(
            "/api/v1/assessment-instruments/import/", _payload(data), format="multipart"
        )
    assert response.status_code == 403


def test_an_owner_in_another_province_reads_like_a_missing_one(cast: Cast, kerman_coordinator: Any):
    data = structure_csv(spec_of(starter("GREEN-WS")))
    with assert_nothing_changed("assessments.instrument"):
        response = client_for(kerman_coordinator).post(
            "/api/v1/assessment-instruments/import/", _payload(data), format="multipart"
        )
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]


def test_a_draft_is_seen_only_in_its_owners_scope(
    cast: Cast, isfahan_coordinator: Any, kerman_coordinator: Any
):
    data = structure_csv(spec_of(starter("GREEN-WS")))
    body = (
        client_for(isfahan_coordinator)
        .post("/api/v1/assessment-instruments/import/", _payload(data), format="multipart")
        .json()
    )
    url = f"/api/v1/assessment-instruments/{body['id']}/"
    assert client_for(cast.alice).get(url).status_code == 200
    assert client_for(kerman_coordinator).get(url).status_code == 404
    assert client_for(cast.bob).get(url).status_code == 404
    listed = {
        row["id"] for row in client_for(cast.bob).get("/api/v1/assessment-instruments/").json()["results"]
    }
    assert body["id"] not in listed
    assert starter().pk in listed  # a published standard is read by everyone who reads instruments


def test_changing_an_instrument_a_cycle_uses_makes_a_new_version(cast: Cast, civil: Any):
    instrument = starter()
    cycle = make_cycle(cast.national, user=civil, scope_kinds=["field_post"])
    do_launch_cycle(cycle, acting_user=cast.root)
    section = instrument.sections.get(code="A")
    written = do_save_section(
        instrument,
        SectionValues(
            code="A", title="حفاظت فیزیکی و کنترل تردد", points=Decimal(25), case_category="infrastructure"
        ),
        acting_user=cast.root,
        section=section,
    )
    assert written.new_version is True
    assert (written.instrument.version, written.instrument.status) == (2, "draft")
    assert written.instrument.sections.get(code="A").title == "حفاظت فیزیکی و کنترل تردد"
    cycle.refresh_from_db()
    assert cycle.instrument_id == instrument.pk
    assert instrument.sections.get(code="A").title == "حفاظت فیزیکی"


def test_the_csv_export_is_the_import_format(cast: Cast, isfahan_coordinator: Any):
    response = client_for(isfahan_coordinator).get(
        f"/api/v1/assessment-instruments/{starter().pk}/spreadsheet/", {"file_type": "csv"}
    )
    assert response.status_code == 200
    table, errors = read_table(response.content, "x.csv", COLUMNS)
    assert errors == []
    assert len(table.rows) == starter().items.count()
