"""The journey of a centre-to-centre message in the browser, on a desktop and on a phone: Isfahan
writes to Kerman asking for an acknowledgment; Kerman reads it on a phone (a signed read receipt
goes back) and acknowledges; Isfahan sees both. An administrator confirms a peer's fingerprint.
Every page is checked (``rasad.testing.journey``)."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.comms.actions import do_register_peer, do_set_up_centre
from rasad.comms.models import Message, Peer
from rasad.comms.testing import RemoteCentre
from rasad.testing.browser import screenshot
from rasad.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_message_acknowledged_on_a_phone(journey: Any, cast: Cast) -> None:
    do_set_up_centre(cast.isfahan, acting_user=cast.root)
    do_set_up_centre(cast.kerman, acting_user=cast.root)

    alice = journey("desktop")
    page = alice.page
    alice.sign_in("alice")
    alice.go("/comms/new/")
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
    alice.submit("[data-testid=send]")
    page.wait_for_selector("[data-testid=message]")
    assert "تردد مشکوک در محور نائین–خور" in page.inner_text("[data-testid=subject]")
    assert "هنوز خوانده نشده" in page.inner_text("[data-testid=message]")

    bob = journey("phone")
    page = bob.page
    bob.sign_in("bob")
    bob.go("/comms/")
    screenshot(page, "comms-inbox-phone")
    bob.click("[data-testid=thread]")
    page.wait_for_selector("[data-testid=acknowledge-form]")
    assert "سه خودروی بدون پلاک" in page.inner_text("[data-testid=text]")
    screenshot(page, "comms-thread-phone")
    page.fill("input[name=note]", "به گشت‌ها ابلاغ شد.")
    bob.submit("[data-testid=acknowledge]")
    page.wait_for_selector(".alert-success")
    received = Message.objects.get(centre__code="KER-CC")
    assert received.acknowledged_at is not None

    page = alice.page
    alice.go(f"/comms/threads/{Message.objects.get(centre__code='ISF-CC').thread_id}/")
    kinds = page.eval_on_selector_all("[data-testid=receipt]", "nodes => nodes.map(n => n.dataset.kind)")
    assert sorted(kinds) == ["receipt.ack", "receipt.read"]
    screenshot(page, "comms-thread-receipts")


def test_administrator_confirms_a_peer_by_its_fingerprint(journey: Any, cast: Cast) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    isfahan = do_set_up_centre(cast.isfahan, acting_user=cast.root)
    yazd = RemoteCentre("YZD-CC", "مرکز فرماندهی و کنترل استان یزد", "https://yazd.example/")
    peer = do_register_peer(isfahan, yazd.bundle().to_dict(), acting_user=cast.root)
    # The platform administrator signs in with two-factor, on a phone.
    device = TOTPDevice.objects.create(user=cast.root, name="phone", confirmed=True)
    root = journey("phone")
    page = root.page
    root.go("/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    root.submit("[data-testid=login-submit]")
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    root.submit("button[type=submit]")
    root.go(f"/comms/peers/{peer.pk}/")
    page.wait_for_selector("[data-testid=fingerprint-digits]")
    shown = page.inner_text("[data-testid=fingerprint-digits]")
    assert "۰۱۲۳۴۵۶۷۸۹"[int(yazd.fingerprint_digits[0])] in shown
    screenshot(page, "comms-peer-confirm-phone")
    page.fill("input[name=fingerprint_digits]", yazd.fingerprint_digits)
    root.submit("[data-testid=confirm]")
    page.wait_for_selector(".alert-success")
    assert Peer.objects.get(pk=peer.pk).status == "pinned"
    root.go("/comms/keys/")
    screenshot(page, "comms-keys")
