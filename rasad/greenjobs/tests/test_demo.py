"""The demo loads through the actions, with applications at every step and a budget that adds up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rasad.greenjobs.demo import load_demo
from rasad.greenjobs.models import Application, Business, Scheme
from rasad.testing.demo import loaded_once

pytestmark = pytest.mark.django_db(transaction=False)

# The demo green jobs (with the programmes and the core demo they build on), loaded once for the
# module: its summary.
first_load = loaded_once(load_demo)


def test_the_demo_has_a_dozen_businesses_and_applications_at_every_step(first_load: dict[str, int]):
    from rasad.greenjobs.demo import SCHEME

    summary = first_load
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
    # Its people have names in Latin letters for English pages, as the core demo's people do.
    from rasad.core.actions.people import clean_latin_name
    from rasad.core.models import User
    from rasad.greenjobs.demo import LATIN_NAMES

    named = User.objects.filter(username__in=LATIN_NAMES).values_list("username", "latin_name")
    assert dict(named) == LATIN_NAMES
    assert all(clean_latin_name(name) == name and name for name in LATIN_NAMES.values())
    from rasad.greenjobs.models import Certificate
    from rasad.greenjobs.tasks import notify_expiring

    assert Certificate.objects.filter(status="granted").count() == 8
    assert Certificate.objects.filter(status="requested").count() == 1
    assert notify_expiring() == 2  # the two one-month certificates lapse within thirty days
    from rasad.greenjobs.models import OutcomeReport

    assert OutcomeReport.objects.count() == 4
    # Their savings are the yearly values of the savings indicators, submitted for approval.
    from rasad.indicators.models import Observation

    saved = Observation.objects.filter(indicator__code="GREEN_ENERGY_SAVED").order_by("organization__code")
    assert [(o.organization.code, o.value, o.status) for o in saved] == [
        ("QOM-GB02", 26_000.0, "submitted"),
        ("QOM-GB04", 120_000.0, "submitted"),
        ("QOM-GB12", 64_000.0, "submitted"),
    ]
    # And the jobs created since the loan: the cardboard recycler's twelve-month report (5), not
    # its six-month one added to it.
    jobs = Observation.objects.filter(indicator__code="GREEN_JOBS_CREATED").order_by("organization__code")
    assert [(o.organization.code, o.value, o.status) for o in jobs] == [
        ("QOM-GB02", 5.0, "submitted"),
        ("QOM-GB04", 6.0, "submitted"),
        ("QOM-GB12", 4.0, "submitted"),
    ]
    # A year went by for two: one twelve-month report falls due soon, one is overdue; told once.
    from rasad.greenjobs.models import OutcomeReminder
    from rasad.greenjobs.tasks import remind_outcomes

    reminders = OutcomeReminder.objects.order_by("organization__code")
    assert [(r.organization.code, r.milestone, r.kind) for r in reminders] == [
        ("QOM-GB04", "12", "overdue"),
        ("QOM-GB12", "12", "due"),
    ]
    assert remind_outcomes() == 0
    # Neither business has people of its own: the labour office's people are told, nobody national.
    from rasad.cases.models import Notification

    told = Notification.objects.filter(link__contains="/outcomes/").values_list("user__username", flat=True)
    assert sorted(set(told)) == ["qom-labour.analyst", "qom-labour.reporter"]
    assert len(told) == 4  # two notices, each to both
    assert load_demo() == summary  # idempotent


@pytest.mark.usefixtures("first_load")
def test_the_demo_directory_lists_the_certified_businesses_in_five_sectors():
    from rasad.greenjobs.directory import certified_businesses, tally

    listed = certified_businesses()
    assert sorted(b.organization.code for b in listed) == [
        "QOM-GB01",
        "QOM-GB02",
        "QOM-GB04",
        "QOM-GB06",
        "QOM-GB07",
        "QOM-GB09",
        "QOM-GB10",
        "QOM-GB12",
    ]
    counts = tally(listed)
    assert [(code, n) for code, _name, n in counts.provinces] == [("25", 8)]
    assert sorted((letter, n) for letter, _name, n in counts.sectors) == [
        ("A", 1),
        ("E", 2),
        ("F", 3),
        ("I", 1),
        ("N", 1),
    ]


def test_the_demo_documents_are_named_as_a_person_names_a_file(first_load: dict[str, int]):
    """A document read «business-plan.pdf», the requirement's code (session 27): by its name."""
    from rasad.greenjobs.models import Document

    names = set(Document.objects.values_list("name", flat=True))
    assert "طرح توجیهی.pdf" in names
    assert not [name for name in names if name[:1].isascii()], names
