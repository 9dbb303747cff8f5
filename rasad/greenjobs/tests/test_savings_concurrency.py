"""Two applications of one business report their outcomes at the same moment, each on its own
database connection: the business's yearly savings are the sum of both reports, not whichever
committed last (the row lock on the business; docs/greenjobs.md, "Savings in the indicators")."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from rasad.greenjobs.actions import (
    OutcomeValues,
    do_approve_application,
    do_check_eligibility,
    do_confirm_compliance,
    do_confirm_training,
    do_pay_instalment,
    do_report_outcome,
)
from rasad.greenjobs.models import Application
from rasad.greenjobs.testing import apply, make_business, make_scheme
from rasad.indicators.models import Observation
from rasad.lib.jalali import local_date
from rasad.testing.cast import Cast, build_cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def committed_cast(django_db_blocker) -> Cast:
    return build_cast()


def test_two_reports_of_one_business_at_once_add_up(committed_cast: Cast):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL pointing at PostgreSQL")
    cast = committed_cast
    business = make_business(cast.isfahan)
    ids = []
    for _ in range(2):
        application = apply(make_scheme(business.organization), business)
        for step in (do_check_eligibility, do_confirm_compliance, do_confirm_training):
            application = step(application, acting_user=None)
        application = do_approve_application(application, 100_000_000, acting_user=None)
        do_pay_instalment(application, 10_000_000, paid_on=local_date(timezone.now()), acting_user=None)
        ids.append(application.pk)
    # Assigned beforehand: a first report's assignment would itself make the second wait.
    from rasad.greenjobs.savings import FIELD_BY_CODE
    from rasad.indicators.actions import do_save_assignment
    from rasad.indicators.models import Indicator

    for indicator in Indicator.objects.filter(code__in=FIELD_BY_CODE):
        do_save_assignment(business.organization, indicator, include_descendants=False, acting_user=None)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def report(pk: int, energy: int) -> None:
        from django.db import connections

        try:
            with translation.override("en"):
                application = Application.objects.get(pk=pk)
                barrier.wait(timeout=10)
                do_report_outcome(
                    application,
                    OutcomeValues(milestone="6", jobs_created=1, jobs_retained=1, energy_saved=energy),
                    acting_user=cast.ali,
                )
            outcomes[pk] = "reported"
        except Exception as error:  # reported by the assertion below
            outcomes[pk] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=report, args=(ids[0], 1000)),
        threading.Thread(target=report, args=(ids[1], 250)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == {ids[0]: "reported", ids[1]: "reported"}, outcomes
    energy = Observation.objects.get(organization=business.organization, indicator__code="GREEN_ENERGY_SAVED")
    assert energy.value == 1250.0
