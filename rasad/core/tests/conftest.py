"""Helpers for the core tests: an Isfahan administrator, and a browser client past two-factor."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.core.actions.people import do_grant_role
from rasad.core.models import Role, User
from rasad.testing.cast import Cast


def make_administrator(user: User, organization) -> User:
    do_grant_role(user, Role.objects.get(slug="administrator"), acting_user=None, organization=organization)
    return user


def verified_client(user: User) -> Client:
    """Signed in and past two-factor, as an administrator must be to use the UI."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def isfahan_admin(cast: Cast) -> User:
    """Alice, additionally administrator over the Isfahan command centre and its subtree."""
    return make_administrator(cast.alice, cast.isfahan)


@pytest.fixture
def admin_client(isfahan_admin: User) -> Client:
    return verified_client(isfahan_admin)
