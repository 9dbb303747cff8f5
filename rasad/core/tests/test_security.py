"""Security baseline: throttling that cannot lock out someone else, tokens, sessions, headers, 2FA."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from rasad.core.actions.tokens import do_create_api_token, do_revoke_api_token
from rasad.core.audit import CoreAuditEvent
from rasad.core.models import ApiToken, AuditEvent
from rasad.testing.cast import PASSWORD, Cast


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def test_password_is_hashed_with_argon2_in_production_settings():
    from django.conf import settings

    assert "Argon2PasswordHasher" in settings.PASSWORD_HASHERS[-2]


def test_login_and_logout_are_audited(cast: Cast):
    client = Client()
    assert login(client, "alice", PASSWORD).status_code == 302
    client.post("/logout/")
    kinds = list(
        AuditEvent.objects.filter(actor=cast.alice, event_type__in=[130, 132])
        .values_list("event_type", flat=True)
        .order_by("id")
    )
    assert kinds == [CoreAuditEvent.LOGIN, CoreAuditEvent.LOGOUT]


def test_failed_login_is_audited_with_the_username(cast: Cast):
    login(Client(), "alice", "wrong")
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.LOGIN_FAILED)
    assert event.actor_name == "alice"


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_attacker_is_throttled_but_victim_can_still_sign_in(cast: Cast):
    attacker = Client()
    for _ in range(3):
        login(attacker, "alice", "guess", ip="203.0.113.9")
    blocked = login(attacker, "alice", PASSWORD, ip="203.0.113.9")
    assert blocked.status_code == 200  # the form again, with an error, even with the right password
    assert "_auth_user_id" not in attacker.session
    assert AuditEvent.objects.filter(event_type=CoreAuditEvent.LOGIN_THROTTLED).count() == 1
    victim = Client()
    assert login(victim, "alice", PASSWORD, ip="198.51.100.7").status_code == 302
    assert victim.session["_auth_user_id"] == str(cast.alice.pk)


def test_api_token_is_stored_hashed_and_works(cast: Cast, api):
    token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    assert secret not in ApiToken.objects.filter(pk=token.pk).values_list("key_hash", flat=True)[0]
    response = api.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_revoked_token_is_refused(cast: Cast, api):
    token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    do_revoke_api_token(token, acting_user=cast.alice)
    assert api.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_expired_token_is_refused(cast: Cast, api):
    token, secret = do_create_api_token(
        cast.alice, acting_user=cast.alice, name="old", expires=timezone.now() + timedelta(seconds=60)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_nobody_creates_a_token_for_someone_else(cast: Cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        do_create_api_token(cast.alice, acting_user=cast.bob, name="stolen")


@override_settings(SESSION_IDLE_SECONDS=60)
def test_idle_session_is_signed_out(cast: Cast, monkeypatch):
    import time

    client = Client()
    login(client, "alice", PASSWORD)
    assert client.get("/").status_code == 200
    real = time.time()
    monkeypatch.setattr(time, "time", lambda: real + 61)
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@override_settings(SESSION_COOKIE_AGE=3600, SESSION_IDLE_SECONDS=100000)
def test_absolute_session_lifetime_holds_despite_activity(cast: Cast, monkeypatch):
    import time

    client = Client()
    login(client, "alice", PASSWORD)
    real = time.time()
    for minutes in (20, 40, 59):
        monkeypatch.setattr(time, "time", lambda m=minutes: real + m * 60)
        assert client.get("/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: real + 3601)
    assert client.get("/").status_code == 302


def test_security_headers_are_set(cast: Cast):
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "http" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_administrator_must_set_up_two_factor_first(cast: Cast):
    client = Client()
    login(client, "root", PASSWORD)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/"


def test_two_factor_setup_then_sign_in_requires_the_code(cast: Cast):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    login(client, "root", PASSWORD)
    assert client.get("/account/two-factor/").status_code == 200
    assert not TOTPDevice.objects.filter(user=cast.root).exists()  # opening the page writes nothing
    shown = TOTPDevice(key=client.session["two_factor_setup_key"])
    wrong = client.post("/account/two-factor/", {"token": f"{(TOTP(shown.bin_key).token() + 1) % 10**6:06d}"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(user=cast.root).exists()
    assert AuditEvent.objects.filter(event_type=CoreAuditEvent.TWO_FACTOR_FAILED).count() == 1
    code = f"{TOTP(shown.bin_key).token():06d}"
    assert client.post("/account/two-factor/", {"token": code}).status_code == 302
    device = TOTPDevice.objects.get(user=cast.root)
    assert device.confirmed and device.key == shown.key
    assert AuditEvent.objects.filter(event_type=CoreAuditEvent.TWO_FACTOR_ENABLED).count() == 1
    fresh = Client()
    response = login(fresh, "root", PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith("/login/two-factor/")
    assert "_auth_user_id" not in fresh.session
    bad = fresh.post("/login/two-factor/", {"token": "000000"})
    assert bad.status_code == 200 and "_auth_user_id" not in fresh.session
    device.refresh_from_db()
    # The setup already used this 30-second step's code (replay protection), and django-otp backs
    # off after the wrong code; a person would simply wait for the next code.
    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = fresh.post("/login/two-factor/", {"token": f"{TOTP(device.bin_key).token():06d}"})
    assert ok.status_code == 302
    assert fresh.get("/").status_code == 200
