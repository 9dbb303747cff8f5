"""A person changes their password, makes backup codes and later signs in with one, on a
phone-sized screen, in Persian. Every page is checked (``rasad.testing.journey``)."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.testing.browser import screenshot
from rasad.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-quite-new-long-passphrase-7"


def test_password_change_from_the_user_menu_on_a_phone(journey: Any, cast: Cast):
    ali = journey("phone")
    page = ali.page
    ali.sign_in("ali")
    ali.go("/account/password/")
    assert page.locator("h1").inner_text() == "تغییر گذرواژه"
    page.fill("input[name=old_password]", "wrong-password")
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=new_password_again]", NEW_PASSWORD)
    ali.submit("[data-testid=change-password]")
    error = page.locator("[data-field-error=old_password]").inner_text()
    assert error == "گذرواژهٔ فعلی نادرست است."
    screenshot(page, "password-change-error-fa-phone")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=new_password_again]", NEW_PASSWORD)
    ali.submit("[data-testid=change-password]")
    assert page.url == f"{ali.base_url}/"
    assert "گذرواژهٔ شما تغییر کرد." in page.content()
    cast.ali.refresh_from_db()
    assert cast.ali.check_password(NEW_PASSWORD)


def test_backup_codes_made_after_signing_in_with_the_app_sign_in_once_on_a_phone(journey: Any, cast: Cast):
    device = TOTPDevice.objects.create(user=cast.alice, name="phone", confirmed=True)
    alice = journey("phone")
    page = alice.page
    alice.go("/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    alice.submit("[data-testid=login-submit]")
    assert "/login/two-factor/" in page.url
    page.fill("input[name=token]", f"{TOTP(device.bin_key).token():06d}")
    alice.submit()
    assert page.url == f"{alice.base_url}/"
    alice.go("/account/two-factor/")
    alice.submit("[data-testid=new-backup-codes]")
    codes = page.locator("[data-testid=backup-codes] code").all_inner_texts()
    assert len(codes) == 10 and all(len(code) == 10 for code in codes)
    screenshot(page, "backup-codes-fa-phone")

    # Later, without the phone at hand: a backup code signs Alice in once, and she is told how
    # many are left.
    later = journey("phone")
    page = later.page
    later.go("/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    later.submit("[data-testid=login-submit]")
    page.fill("input[name=token]", codes[0])
    later.submit()
    assert page.url == f"{later.base_url}/"
    assert "۹" in page.inner_text("main [role=alert]")
    screenshot(page, "backup-code-sign-in-fa-phone")
