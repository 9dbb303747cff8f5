"""``/api/v1/``, DRF's list of the core endpoints: outside the authorization table (not a page,
not an operation of the schema; found in session 23), so checked here. It answers a signed-in
person or a token with links only, the same for everyone, and refuses anyone else."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rasad.conftest import client_for
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


def test_the_api_root_refuses_an_anonymous_client(cast: Cast):
    answer = APIClient().get("/api/v1/", HTTP_ACCEPT="application/json")
    assert answer.status_code in {401, 403}, answer.content[:300]
    assert b"http" not in answer.content


def test_the_api_root_lists_links_only_and_the_same_for_everyone(cast: Cast):
    seen = {}
    for person in (cast.root, cast.erfan, cast.bob):
        answer = client_for(person).get("/api/v1/", HTTP_ACCEPT="application/json")
        assert answer.status_code == 200, (person.username, answer.content[:300])
        body = answer.json()
        assert body and all(isinstance(link, str) and "/api/v1/" in link for link in body.values())
        seen[person.username] = body
    assert len({tuple(sorted(body.items())) for body in seen.values()}) == 1
