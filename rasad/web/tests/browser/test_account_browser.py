"""A person changes their password and makes backup codes, on a phone-sized screen, in Persian."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.testing.browser import screenshot
from rasad.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-quite-new-long-passphrase-7"


def test_password_change_from_the_user_menu_on_a_phone(page, live_server, cast: Cast):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "ali")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/account/password/")
    assert page.locator("h1").inner_text() == "تغییر گذرواژه"
    page.fill("input[name=old_password]", "wrong-password")
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=new_password_again]", NEW_PASSWORD)
    page.click("[data-testid=change-password]")
    error = page.locator("[data-field-error=old_password]").inner_text()
    assert error == "گذرواژهٔ فعلی نادرست است."
    screenshot(page, "password-change-error-fa-phone")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=new_password_again]", NEW_PASSWORD)
    page.click("[data-testid=change-password]")
    page.wait_for_url(f"{live_server.url}/")
    assert "گذرواژهٔ شما تغییر کرد." in page.content()
    cast.ali.refresh_from_db()
    assert cast.ali.check_password(NEW_PASSWORD)


def test_backup_codes_after_signing_in_with_the_app_on_a_phone(page, live_server, cast: Cast):
    device = TOTPDevice.objects.create(user=cast.alice, name="phone", confirmed=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url("**/login/two-factor/**")
    page.fill("input[name=token]", f"{TOTP(device.bin_key).token():06d}")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/account/two-factor/")
    page.click("[data-testid=new-backup-codes]")
    codes = page.locator("[data-testid=backup-codes] code").all_inner_texts()
    assert len(codes) == 10 and all(len(code) == 10 for code in codes)
    screenshot(page, "backup-codes-fa-phone")
