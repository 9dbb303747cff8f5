"""Helpers for the core tests: an Isfahan administrator, and a browser client past two-factor."""

from __future__ import annotations

import pytest
from django.test import Client

from rasad.core.actions.people import do_grant_role
from rasad.core.models import Role, User
from rasad.testing.cast import Cast
from rasad.testing.web import verified_client

__all__ = ["make_administrator", "verified_client"]


def make_administrator(user: User, organization) -> User:
    do_grant_role(user, Role.objects.get(slug="administrator"), acting_user=None, organization=organization)
    return user


@pytest.fixture
def isfahan_admin(cast: Cast) -> User:
    """Alice, additionally administrator over the Isfahan command centre and its subtree."""
    return make_administrator(cast.alice, cast.isfahan)


@pytest.fixture
def admin_client(isfahan_admin: User) -> Client:
    return verified_client(isfahan_admin)
