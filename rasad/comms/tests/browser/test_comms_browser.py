"""The journey of a centre-to-centre message in the browser, on a desktop and on a phone: Isfahan
writes to Kerman asking for an acknowledgment; Kerman reads it on a phone (a signed read receipt
goes back) and acknowledges; Isfahan sees both. An administrator confirms a peer's fingerprint."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.comms.actions import do_register_peer, do_set_up_centre
from rasad.comms.models import Message, Peer
from rasad.comms.testing import RemoteCentre
from rasad.testing.browser import screenshot
from rasad.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_message_acknowledged_on_a_phone(page: Any, live_server: Any, cast: Cast) -> None:
    do_set_up_centre(cast.isfahan, acting_user=cast.root)
    do_set_up_centre(cast.kerman, acting_user=cast.root)

    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/comms/new/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.check("input[name=recipients]")
    page.fill("input[name=subject]", "تردد مشکوک در محور نائین–خور")
    page.fill(
        "textarea[name=text]",
        "سه خودروی بدون پلاک ساعت ۲ بامداد از پاسگاه یک گذشتند. لطفاً گشت‌ها را مطلع کنید.",
    )
    page.select_option("select[name=priority]", "urgent")
    page.check("input[name=requires_ack]")
    screenshot(page, "comms-compose")
    page.click("[data-testid=send]")
    page.wait_for_selector("[data-testid=message]")
    assert "تردد مشکوک در محور نائین–خور" in page.inner_text("[data-testid=subject]")
    assert "هنوز خوانده نشده" in page.inner_text("[data-testid=message]")
    page.context.clear_cookies()

    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/comms/")
    screenshot(page, "comms-inbox-phone")
    page.click("[data-testid=thread]")
    page.wait_for_selector("[data-testid=acknowledge-form]")
    assert "سه خودروی بدون پلاک" in page.inner_text("[data-testid=text]")
    screenshot(page, "comms-thread-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.fill("input[name=note]", "به گشت‌ها ابلاغ شد.")
    page.click("[data-testid=acknowledge]")
    page.wait_for_selector(".alert-success")
    received = Message.objects.get(centre__code="KER-CC")
    assert received.acknowledged_at is not None
    page.context.clear_cookies()

    page.set_viewport_size({"width": 1280, "height": 860})
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/comms/threads/{Message.objects.get(centre__code='ISF-CC').thread_id}/")
    kinds = page.eval_on_selector_all("[data-testid=receipt]", "nodes => nodes.map(n => n.dataset.kind)")
    assert sorted(kinds) == ["receipt.ack", "receipt.read"]
    screenshot(page, "comms-thread-receipts")


def test_administrator_confirms_a_peer_by_its_fingerprint(page: Any, live_server: Any, cast: Cast) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    isfahan = do_set_up_centre(cast.isfahan, acting_user=cast.root)
    yazd = RemoteCentre("YZD-CC", "مرکز فرماندهی و کنترل استان یزد", "https://yazd.example/")
    peer = do_register_peer(isfahan, yazd.bundle().to_dict(), acting_user=cast.root)
    # The platform administrator signs in with two-factor.
    device = TOTPDevice.objects.create(user=cast.root, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    from django_otp.oath import totp

    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/**")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/comms/peers/{peer.pk}/")
    page.wait_for_selector("[data-testid=fingerprint-digits]")
    shown = page.inner_text("[data-testid=fingerprint-digits]")
    assert "۰۱۲۳۴۵۶۷۸۹"[int(yazd.fingerprint_digits[0])] in shown
    screenshot(page, "comms-peer-confirm-phone")
    page.fill("input[name=fingerprint_digits]", yazd.fingerprint_digits)
    page.click("[data-testid=confirm]")
    page.wait_for_selector(".alert-success")
    assert Peer.objects.get(pk=peer.pk).status == "pinned"
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{live_server.url}/comms/keys/")
    screenshot(page, "comms-keys")
