"""Issue 8 item 5: backup codes, a two-factor reset by another administrator, the "wait for the
next code" answer, tokens that mint nothing and live at most so long, the password change page
and API, and ``Cache-Control: no-store`` on what a signed-in person is shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.core.actions.security import (
    Verdict,
    check_code,
    do_change_password,
    do_create_backup_codes,
    do_reset_two_factor,
)
from rasad.core.actions.tokens import do_create_api_token
from rasad.core.audit import CoreAuditEvent
from rasad.core.models import ApiToken, AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import PASSWORD, Cast
from rasad.testing.web import signed_in_client, verified_client

NEW_PASSWORD = "a-quite-new-long-passphrase-7"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def _app(user) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device


def _code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key).token():06d}"


def _events(code: int) -> int:
    return AuditEvent.objects.filter(event_type=code).count()


# ---- backup codes --------------------------------------------------------------------------------


def test_backup_codes_are_made_once_shown_and_each_signs_in_once(cast: Cast):
    _app(cast.alice)
    codes = do_create_backup_codes(cast.alice, acting_user=cast.alice)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert _events(CoreAuditEvent.BACKUP_CODES_CREATED) == 1
    client = Client()
    assert _login(client, "alice")["Location"].startswith("/login/two-factor/")
    answer = client.post("/login/two-factor/", {"token": codes[0].upper()})
    assert answer.status_code == 302 and client.get("/").status_code == 200
    assert _events(CoreAuditEvent.BACKUP_CODE_USED) == 1
    assert StaticToken.objects.filter(device__user=cast.alice).count() == 9
    again = Client()
    _login(again, "alice")
    refused = again.post("/login/two-factor/", {"token": codes[0]})
    assert refused.status_code == 200 and "_auth_user_id" not in again.session


def _no_back_off(user) -> None:
    """Forget django-otp's back-off after a wrong code (a person would wait a second or two)."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def test_new_backup_codes_replace_the_old_ones(cast: Cast):
    _app(cast.alice)
    old = do_create_backup_codes(cast.alice, acting_user=cast.alice)
    new = do_create_backup_codes(cast.alice, acting_user=cast.alice)
    assert check_code(cast.alice, old[0]).verdict == Verdict.WRONG
    assert check_code(cast.alice, new[0]).verdict == Verdict.WAIT  # backing off after a wrong one
    _no_back_off(cast.alice)
    assert check_code(cast.alice, new[0]).verdict == Verdict.BACKUP
    assert StaticDevice.objects.filter(user=cast.alice).count() == 1


def test_backup_codes_need_two_factor_on_and_are_ones_own(cast: Cast):
    with pytest.raises(ValidationError):
        do_create_backup_codes(cast.alice, acting_user=cast.alice)  # no app yet
    _app(cast.alice)
    with pytest.raises(ValidationError):
        do_create_backup_codes(cast.alice, acting_user=cast.root)
    assert not StaticDevice.objects.exists()


def test_backup_codes_page_needs_a_session_that_passed_two_factor(cast: Cast):
    url = reverse("web:backup-codes")
    _app(cast.alice)
    plain = Client()
    plain.force_login(cast.alice)  # password only: this session never gave a code
    with assert_nothing_changed("otp_static.staticdevice"):
        refused = plain.post(url)
    assert refused.status_code == 302 and refused["Location"] == reverse("web:two-factor-setup")
    page = verified_client(cast.alice).post(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store, private"
    shown = [c for c in page.content.decode().split() if len(c) > 5]
    codes = {t.token for t in StaticToken.objects.filter(device__user=cast.alice)}
    assert len(codes) == 10 and all(any(code in word for word in shown) for code in codes)


# ---- reset by another administrator --------------------------------------------------------------


def test_another_administrator_resets_two_factor_audited(cast: Cast):
    _app(cast.alice)
    do_create_backup_codes(cast.alice, acting_user=cast.alice)
    do_reset_two_factor(cast.alice, acting_user=cast.root)
    assert not TOTPDevice.objects.filter(user=cast.alice).exists()
    assert not StaticDevice.objects.filter(user=cast.alice).exists()
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.TWO_FACTOR_DISABLED)
    assert (event.actor_id, event.object_id) == (cast.root.pk, str(cast.alice.pk))


def test_nobody_resets_their_own_two_factor_and_others_may_not(cast: Cast):
    from rasad.core.access import ObjectNotFound

    _app(cast.root)
    _app(cast.alice)
    with pytest.raises(ValidationError):
        do_reset_two_factor(cast.root, acting_user=cast.root)
    with pytest.raises(ObjectNotFound):
        do_reset_two_factor(cast.alice, acting_user=cast.nadia)  # an analyst changes no people
    assert TOTPDevice.objects.filter(user__in=[cast.root, cast.alice]).count() == 2


def test_reset_from_the_people_list_and_the_api(cast: Cast):
    _app(cast.alice)
    root = signed_in_client(cast.root)
    people = root.get(reverse("core:people-list")).content.decode()
    assert reverse("core:two-factor-reset", args=[cast.alice.pk]) in people
    assert (
        'data-testid="reset-two-factor"'
        not in signed_in_client(cast.alice).get(reverse("core:people-list")).content.decode()
    )
    answer = root.post(reverse("core:two-factor-reset", args=[cast.alice.pk]))
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.alice).exists()
    _app(cast.alice)
    from rasad.conftest import client_for

    refused = client_for(cast.nadia).post(f"/api/v1/users/{cast.alice.pk}/reset-two-factor/")
    assert refused.status_code == 404
    done = client_for(cast.root).post(f"/api/v1/users/{cast.alice.pk}/reset-two-factor/")
    assert done.status_code == 200 and not TOTPDevice.objects.filter(user=cast.alice).exists()


# ---- a reused code -------------------------------------------------------------------------------


def test_a_reused_code_says_wait_for_the_next_one(cast: Cast):
    device = _app(cast.alice)
    code = _code(device)
    assert check_code(cast.alice, code).verdict == Verdict.ACCEPTED
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    reused = check_code(cast.alice, code)
    assert reused.verdict == Verdict.REUSED
    client = Client()
    _login(client, "alice")
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    page = client.post("/login/two-factor/", {"token": code})
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert "منتظر کد بعدی برنامه بمانید" in page.content.decode()


def test_a_wrong_code_is_wrong_and_persian_digits_count(cast: Cast):
    device = _app(cast.alice)
    assert (
        check_code(cast.alice, "000000" if _code(device) != "000000" else "111111").verdict == Verdict.WRONG
    )
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    persian = _code(device).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert check_code(cast.alice, persian).verdict == Verdict.ACCEPTED


# ---- tokens --------------------------------------------------------------------------------------


def test_a_token_cannot_mint_tokens(cast: Cast, api):
    _token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    refused = api.post(
        "/api/v1/api-tokens/", {"name": "child"}, format="json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert refused.status_code == 403
    assert ApiToken.objects.filter(user=cast.alice).count() == 1
    assert (
        not AuditEvent.objects.filter(event_type=CoreAuditEvent.API_TOKEN_CREATED, actor=cast.alice)
        .exclude(object_id=str(_token.pk))
        .exists()
    )


@override_settings(API_TOKEN_MAX_DAYS=30, API_TOKEN_DEFAULT_DAYS=90)
def test_token_lifetime_has_a_maximum(cast: Cast):
    with pytest.raises(ValidationError) as error:
        do_create_api_token(
            cast.alice, acting_user=cast.alice, name="long", expires=timezone.now() + timedelta(days=31)
        )
    assert "expires" in error.value.message_dict
    token, _secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="default")
    assert token.expires <= timezone.now() + timedelta(days=30)
    from rasad.conftest import client_for

    answer = client_for(cast.alice).post(
        "/api/v1/api-tokens/",
        {"name": "api", "expires": (timezone.now() + timedelta(days=400)).isoformat()},
        format="json",
    )
    assert answer.status_code == 400 and "expires" in answer.json()["error"]["fields"]
    persian = client_for(cast.alice).post(
        "/api/v1/api-tokens/",
        {"name": "api", "expires": (timezone.now() + timedelta(days=400)).isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert "۳۰" in persian.json()["error"]["fields"]["expires"][0]


# ---- password change -----------------------------------------------------------------------------


def test_password_change_page_keeps_the_session_and_is_audited(cast: Cast):
    client = Client()
    _login(client, "alice")
    url = reverse("web:password")
    assert client.get(url).status_code == 200
    wrong = client.post(
        url,
        {"old_password": "nope", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert wrong.status_code == 200 and 'data-field-error="old_password"' in wrong.content.decode()
    mismatch = client.post(
        url, {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": "other"}
    )
    assert 'data-field-error="new_password_again"' in mismatch.content.decode()
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password": "12345", "new_password_again": "12345"}
    )
    assert 'data-field-error="new_password"' in weak.content.decode()
    assert _events(CoreAuditEvent.PASSWORD_CHANGED) == 0
    done = client.post(
        url, {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(NEW_PASSWORD)
    assert _events(CoreAuditEvent.PASSWORD_CHANGED) == 1
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.PASSWORD_CHANGED)
    assert PASSWORD not in str(event.new) and NEW_PASSWORD not in str(event.new)


def test_password_change_api(cast: Cast):
    from rasad.conftest import client_for

    client = client_for(cast.ali)
    url = "/api/v1/users/me/password/"
    bad = client.post(url, {"old_password": "nope", "new_password": NEW_PASSWORD}, format="json")
    assert bad.status_code == 400 and "old_password" in bad.json()["error"]["fields"]
    ok = client.post(url, {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json")
    assert ok.status_code == 204
    cast.ali.refresh_from_db()
    assert cast.ali.check_password(NEW_PASSWORD)
    assert _events(CoreAuditEvent.PASSWORD_CHANGED) == 1


def test_nobody_changes_another_persons_password(cast: Cast):
    with pytest.raises(ValidationError):
        do_change_password(cast.alice, PASSWORD, NEW_PASSWORD, acting_user=cast.root)


# ---- no-store ------------------------------------------------------------------------------------


def test_signed_in_answers_are_not_stored_and_public_ones_may_be(cast: Cast, api):
    client = signed_in_client(cast.alice)
    for url in ("/", reverse("core:organization-export"), reverse("cases:case-export")):
        assert client.get(url)["Cache-Control"] == "no-store, private", url
    assert api.get("/api/v1/organizations/")["Cache-Control"] == "no-store, private"  # 401 too
    assert "no-store" not in Client().get(reverse("web:login")).get("Cache-Control", "")
