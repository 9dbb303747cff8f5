"""Review 21: an API client's ``Accept-Language`` that names no language Rasad has is no choice.

A token's request is answered in the language it asks for, else in its user's (docs/api.md,
``display.language_of``). A header naming neither English nor Persian (``*``, any language;
``de``; an empty one) was taken as a request for Persian (Django's fallback when nothing in the
header matches), so a user who prefers English got Persian from a client that sends such a
header by default."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rasad.core.actions.tokens import do_create_api_token
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "language"),
    [("*", "en"), ("de", "en"), ("", "en"), ("de, fa;q=0.5", "fa"), ("fa-IR", "fa"), ("en-GB", "en")],
)
def test_a_header_naming_no_language_of_ours_leaves_the_users_own(cast: Cast, header: str, language: str):
    cast.alice.language = "en"
    cast.alice.save(update_fields=["language"])
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="language")[1]
    response = APIClient().get(
        "/api/v1/organizations/?limit=0", HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=header
    )
    assert (response.status_code, response["Content-Language"]) == (400, language)
