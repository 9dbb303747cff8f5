"""Two approvers of the labour office approve two applications of the same scheme at the same
moment, each on their own database connection, when the budget holds only one of them: exactly
one approval is committed, the other is refused naming the amount, and the scheme's committed sum
equals the approved amounts (the row lock on the scheme; docs/greenjobs.md, "Budget")."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from rasad.greenjobs.actions import (
    do_approve_application,
    do_check_eligibility,
    do_confirm_compliance,
    do_confirm_training,
)
from rasad.greenjobs.models import Application, Scheme
from rasad.greenjobs.testing import apply, make_business, make_scheme
from rasad.testing.cast import Cast, build_cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def committed_cast(django_db_blocker) -> Cast:
    return build_cast()


def test_two_approvers_cannot_over_commit_the_budget(committed_cast: Cast):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL pointing at PostgreSQL")
    cast = committed_cast
    business = make_business(cast.isfahan)
    scheme = make_scheme(cast.isfahan, budget=500_000_000, max_amount=300_000_000)
    ids = []
    for _ in range(2):
        application = apply(scheme, business, amount=300_000_000)
        for step in (do_check_eligibility, do_confirm_compliance, do_confirm_training):
            application = step(application, acting_user=None)
        ids.append(application.pk)
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def approve(pk: int, user) -> None:
        from django.db import connections

        try:
            with translation.override("en"):
                application = Application.objects.get(pk=pk)
                barrier.wait(timeout=10)
                do_approve_application(application, 300_000_000, acting_user=user)
            outcomes[pk] = "approved"
        except ValidationError as error:
            outcomes[pk] = error.message_dict
        except Exception as error:  # reported by the assertion below
            outcomes[pk] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(ids[0], cast.alice)),
        threading.Thread(target=approve, args=(ids[1], cast.nadia)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(v == "approved" for v in outcomes.values()) == [False, True], outcomes
    refused = next(v for v in outcomes.values() if v != "approved")
    assert list(refused) == ["amount"], refused  # type: ignore[call-overload]
    assert "remain uncommitted" in refused["amount"][0]  # type: ignore[index]
    scheme.refresh_from_db()
    approved = Application.objects.filter(scheme=scheme, stage="approved")
    assert approved.count() == 1
    assert scheme.committed == Decimal(300_000_000) == approved.get().approved_amount
    assert Application.objects.filter(scheme=scheme, stage="trained").count() == 1
    assert Scheme.objects.get(pk=scheme.pk).committed <= scheme.budget
