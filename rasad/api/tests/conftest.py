from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import signals
from django.db import close_old_connections


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI application directly, so Django's request signals run and
    ``close_old_connections`` would close the test's database connection in the middle of its
    transaction (PostgreSQL then fails every later query). Django's own test client disconnects
    it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
