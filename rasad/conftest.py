from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rasad.testing.cast import Cast, build_cast


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
