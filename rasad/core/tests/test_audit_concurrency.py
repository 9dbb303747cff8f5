"""Concurrent writers append to one audit chain without forking it (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.audit_log import verify
from rasad.core.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_actions_keep_the_chain_linear():
    from rasad.testing.cast import build_cast

    assert connection.vendor == "postgresql"
    cast = build_cast()
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for step in range(5):
                do_create_organization(
                    OrganizationValues(
                        code=f"PAR-{index}-{step}", name="واحد همزمان", kind="site", parent=cast.isfahan
                    ),
                    acting_user=cast.root,
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    chain = list(
        AuditEvent.objects.filter(chain=f"org:{cast.national.pk}")
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert chain == list(range(1, len(chain) + 1))
    assert list(verify()) == []
