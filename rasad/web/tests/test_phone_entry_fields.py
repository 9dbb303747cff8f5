"""What a phone's keyboard does to the fields of signing in (docs/development/conventions.md,
"Phones"): the username, the password and the two-factor code are typed left to right, never
capitalized, corrected or spell-checked by the keyboard (a username that gains a capital «C» is
refused), and the browser's password manager and the phone's one-time-code suggestion fill them."""

from __future__ import annotations

import re

from django.test import Client

from rasad.web.views import LoginForm, OtpForm


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def test_the_sign_in_page_asks_for_its_fields_as_a_phone_must_type_them(db):
    page = Client().get("/login/?lang=fa").content.decode()
    username = _input(page, "username")
    password = _input(page, "password")
    for field in (username, password):
        for attribute in ('dir="ltr"', 'autocapitalize="none"', 'autocorrect="off"', 'spellcheck="false"'):
            assert attribute in field, (attribute, field)
    assert 'autocomplete="username"' in username
    assert 'autocomplete="current-password"' in password and 'type="password"' in password
    # The other language is a link a finger can hit (rasad.css sizes it on a touch screen).
    assert 'class="login-languages' in page


def test_the_two_factor_code_is_offered_by_the_phone_and_takes_a_backup_codes_letters():
    token = str(OtpForm()["token"])
    assert 'autocomplete="one-time-code"' in token and 'autocapitalize="none"' in token
    # A backup code has letters: the full keyboard, not the number pad.
    assert "inputmode" not in token


def test_a_refused_sign_in_keeps_the_username_typed(db):
    form = LoginForm({"username": "chadormalu.reporter", "password": ""})
    assert not form.is_valid()
    assert 'value="chadormalu.reporter"' in str(form["username"])
