"""Concurrent writers append to the audit trail without forking a chain and without waiting for
each other's commit: organizations have chains of their own, and one organization's writers take
free shards (PostgreSQL row locks, SKIP LOCKED)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import record
from rasad.core.audit_verify import verify
from rasad.core.models import AuditEvent, Organization
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_actions_keep_every_chain_linear():
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
                record(CoreAuditEvent.ORGANIZATION_CHANGED, actor=cast.root, organization=cast.isfahan)
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
    chains = AuditEvent.objects.filter(chain__startswith=f"org:{cast.isfahan.pk}/").values_list(
        "chain", "sequence"
    )
    by_chain: dict[str, list[int]] = {}
    for chain, sequence in chains.order_by("chain", "sequence"):
        by_chain.setdefault(chain, []).append(sequence)
    changes = AuditEvent.objects.filter(
        organization=cast.isfahan, event_type=CoreAuditEvent.ORGANIZATION_CHANGED
    )
    assert changes.count() == 20
    assert all(s == list(range(1, len(s) + 1)) for s in by_chain.values())
    assert list(verify()) == []


def _write_while_another_holds(first: Organization, second: Organization) -> tuple[str, str]:
    """Thread A appends for ``first`` and keeps its transaction open; B appends for ``second``
    with a lock timeout: B must finish while A still holds its lock."""
    holding, release = threading.Event(), threading.Event()
    chains: dict[str, str] = {}
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                chains["a"] = record(
                    CoreAuditEvent.ORGANIZATION_CHANGED, actor=None, organization=first
                ).chain
                holding.set()
                release.wait(10)
        except BaseException as error:
            errors.append(error)
            holding.set()
        finally:
            connections.close_all()

    def write() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
                chains["b"] = record(
                    CoreAuditEvent.ORGANIZATION_CHANGED, actor=None, organization=second
                ).chain
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    a = threading.Thread(target=hold)
    a.start()
    assert holding.wait(10)
    b = threading.Thread(target=write)
    b.start()
    b.join(30)  # B holds no lock A wants: its lock timeout (500 ms) fails it if it waits for A
    release.set()
    a.join()
    b.join()
    assert errors == []
    return chains["a"], chains["b"]


def test_two_organizations_of_one_tree_do_not_wait_for_each_other():
    from rasad.testing.cast import build_cast

    cast: Cast = build_cast()
    a, b = _write_while_another_holds(cast.isfahan, cast.isfahan_post)
    assert (a, b) == (f"org:{cast.isfahan.pk}/0", f"org:{cast.isfahan_post.pk}/0")


def test_two_writers_of_one_organization_take_different_shards():
    from rasad.testing.cast import build_cast

    cast: Cast = build_cast()
    a, b = _write_while_another_holds(cast.isfahan_post, cast.isfahan_post)
    assert (a, b) == (f"org:{cast.isfahan_post.pk}/0", f"org:{cast.isfahan_post.pk}/1")
    assert list(verify()) == []
