"""The media forms' ``?crisis=`` (session 20): a crisis id in digits ``int`` refuses («²») opens the
form without a crisis, as a crisis that does not exist does, instead of a 500; one in Persian
digits names the crisis as one in Latin digits does."""

from __future__ import annotations

import pytest

from rasad.core.models import User
from rasad.media.testing import ensure_member
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["/media/statements/new/", "/media/rumours/new/"])
def test_a_crisis_in_digits_no_number_is_made_of_opens_the_plain_form(
    cast: Cast, coordinator: User, page: str
):
    ensure_member(cast.isfahan, cast.isfahan_post)
    client = signed_in_client(coordinator)
    plain = client.get(page, {"crisis": "999999"})
    odd = client.get(page, {"crisis": "²"})
    assert plain.status_code == odd.status_code == 200
