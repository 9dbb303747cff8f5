from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rasad.testing.cast import Cast, build_cast


@pytest.fixture(autouse=True)
def _fresh_rate_counters() -> None:
    """Login throttling and API rate limits count in a store that outlives a test (a file or
    Redis): every test starts with none of another test's counts."""
    from rasad.lib import counters

    counters.clear()


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)  # type: ignore[arg-type]
    return client
