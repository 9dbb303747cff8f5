"""Organizations, people and the audit trail as people use them, in Persian, at desktop and
phone widths: the platform administrator turns on two-factor sign-in, creates an organization,
moves it, imports a file with a bad row (nothing is imported, the row is named), grants a role;
an analyst browses the audit trail and exports it. Every page on the way passes the journey
checks (rasad.testing.journey)."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.core.models import Grant, Organization
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = ["desktop", "phone"]


@pytest.mark.parametrize("width", WIDTHS)
def test_administrator_creates_moves_imports_and_grants(journey, cast: Cast, width, tmp_path):
    admin = journey(width)
    admin.sign_in("root")  # an administrator: sets up two-factor sign-in first
    assert TOTPDevice.objects.filter(user=cast.root, confirmed=True).exists()

    admin.go("/organizations/new/")
    page = admin.page
    page.fill("input[name=code]", "ISF-P2")
    page.fill("input[name=name]", "پاسگاه مرزی دو")
    page.select_option("select[name=kind]", "field_post")
    page.select_option("select[name=parent]", str(cast.isfahan.pk))
    admin.submit("[data-testid=save]")
    post = Organization.objects.get(code="ISF-P2")
    assert post.parent_id == cast.isfahan.pk

    admin.go(f"/organizations/{post.pk}/move/")
    page.select_option("select[name=parent]", str(cast.kerman.pk))
    admin.submit("[data-testid=save]")
    post.refresh_from_db()
    assert post.parent_id == cast.kerman.pk

    upload = tmp_path / "سازمان‌ها.csv"
    upload.write_text(
        "code,name,kind,parent_code\nISF-P3,پاسگاه سه,field_post,ISF-CC\nISF-X1,بد,spaceship,ISF-CC\n",
        encoding="utf-8",
    )
    admin.go("/organizations/import/")
    page.set_input_files("input[name=file]", str(upload))
    admin.submit("[data-testid=upload]")
    assert page.locator("[data-testid=import-errors] tr[data-row='3'][data-column='kind']").count() == 1
    assert not Organization.objects.filter(code="ISF-P3").exists()

    admin.go(f"/organizations/{cast.isfahan.pk}/grants/new/")
    page.select_option("select[name=user]", str(cast.charlie.pk))
    page.select_option("select[name=role]", label="بیننده")
    admin.submit("[data-testid=save]")
    assert Grant.objects.filter(user=cast.charlie, organization=cast.isfahan, role__slug="viewer").exists()
    admin.go(f"/organizations/{cast.isfahan.pk}/people/")
    admin.go("/people/?q=چارلی")
    assert "چارلی بیرونی" in page.inner_text("main")


@pytest.mark.parametrize("width", WIDTHS)
def test_analyst_browses_and_exports_the_audit_trail(journey, cast: Cast, width):
    analyst = journey(width)
    analyst.sign_in("alice")
    analyst.go("/audit/")
    page = analyst.page
    assert page.locator("table tbody tr").count() >= 1
    download = analyst.export("[data-testid=audit-export]")
    assert download.suggested_filename.endswith(".csv")
    analyst.go("/audit/?date_from=1405/07/31", status=400)
    assert "روز ۳۱ وجود ندارد" in page.inner_text("[data-field-error=date_from]")
