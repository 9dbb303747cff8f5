"""The demo loads through the actions, with applications at every step and a budget that adds up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rasad.greenjobs.models import Application, Business, Scheme

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_demo_has_a_dozen_businesses_and_applications_at_every_step():
    from rasad.greenjobs.demo import SCHEME, load_demo

    summary = load_demo()
    assert summary["businesses"] == 12
    stages = set(Application.objects.values_list("stage", flat=True))
    assert stages == {
        "submitted",
        "eligible",
        "compliant",
        "trained",
        "approved",
        "disbursed",
        "closed",
        "returned",
        "refused",
    }
    scheme = Scheme.objects.get(code=SCHEME)
    approved = sum((a.approved_amount or Decimal(0)) for a in scheme.applications.exclude(stage="closed"))
    closed = scheme.applications.get(stage="closed")
    assert scheme.committed == approved + closed.disbursed_amount
    assert scheme.disbursed == sum(a.disbursed_amount for a in scheme.applications.all())
    assert Business.objects.filter(knowledge_based=True).count() == 2
    from rasad.greenjobs.models import Certificate
    from rasad.greenjobs.tasks import notify_expiring

    assert Certificate.objects.filter(status="granted").count() == 3
    assert Certificate.objects.filter(status="requested").count() == 1
    assert notify_expiring() == 2  # the two one-month certificates lapse within thirty days
    assert load_demo() == summary  # idempotent
