"""Every core export neutralises formula-like text and drops characters a workbook cannot hold;
every core import refuses a decompression bomb in under a second with flat memory."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.conftest import client_for
from rasad.core.actions.organizations import OrganizationValues, do_update_organization
from rasad.core.models import Organization
from rasad.core.tests.conftest import verified_client
from rasad.jobs.testing import exported
from rasad.testing.cast import Cast
from rasad.testing.tabular import (
    BELL,
    FORMULA,
    assert_csv_safe,
    assert_xlsx_safe,
    bounded,
    cached_bomb,
)


def _rename(organization: Organization, name: str, acting_user) -> None:
    o = organization
    do_update_organization(
        o,
        OrganizationValues(
            code=o.code, name=name, kind=o.kind, parent=o.parent, name_en=o.name_en, province=o.province
        ),
        acting_user=acting_user,
    )


def _hostile_names(cast: Cast) -> None:
    _rename(cast.isfahan, FORMULA, cast.root)
    # A control character stored before the input boundary refused it.
    Organization.objects.filter(pk=cast.kerman.pk).update(name=BELL)


def test_organization_export_xlsx_is_safe(cast: Cast):
    _hostile_names(cast)
    assert_xlsx_safe(exported(verified_client(cast.root), "organizations", "xlsx"))


def test_organization_export_csv_is_safe(cast: Cast):
    _hostile_names(cast)
    assert_csv_safe(exported(verified_client(cast.root), "organizations", "csv"))


def test_audit_export_is_safe(cast: Cast):
    _rename(cast.isfahan, FORMULA, cast.root)
    assert_csv_safe(exported(verified_client(cast.root), "audit", "csv"))


def test_import_template_is_a_clean_workbook(cast: Cast):
    response = verified_client(cast.root).get("/organizations/import/template.xlsx")
    assert_xlsx_safe(response.content, expect_formula=False, expect_bell=False)


def test_a_bomb_is_refused_by_the_import_page(cast: Cast):
    client = verified_client(cast.root)
    bomb = cached_bomb()
    client.get("/organizations/import/")  # warm: templates and catalogs load once per process
    with bounded():
        response = client.post("/organizations/import/", {"file": SimpleUploadedFile("bomb.xlsx", bomb)})
    assert response.status_code == 400
    assert "پذیرفته نمی‌شود" in response.content.decode()


def test_a_bomb_is_refused_by_the_import_api(cast: Cast):
    client = client_for(cast.root)
    bomb = cached_bomb()
    client.get("/api/v1/organizations/")  # warm
    with bounded():
        response = client.post(
            "/api/v1/organizations/import/",
            {"file": SimpleUploadedFile("bomb.xlsx", bomb)},
            format="multipart",
        )
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["fields"]
