"""Tampering with the audit trail in tests, as an attacker with the owner's rights would."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from rasad.core.audit_guard import audit_maintenance


@contextmanager
def as_owner() -> Iterator[None]:
    """Run the block with the database owner's rights. The test command runs the PostgreSQL suite
    as the application's role (RASAD_TEST_APP_ROLE, rasad/conftest.py); one-role runs are
    unchanged."""
    role = os.environ.get("RASAD_TEST_APP_ROLE", "")
    switch = bool(role) and connection.vendor == "postgresql"
    if switch:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        if switch:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")


@contextmanager
def tampering() -> Iterator[None]:
    """Run the block as the database owner past the append-only triggers (the application's
    own role could not: see rasad/core/tests/test_audit_append_only.py)."""
    with as_owner(), audit_maintenance():
        yield
