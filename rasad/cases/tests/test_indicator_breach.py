"""An indicator breach opens one challenge per ongoing problem: later breaches of the same
indicator at the same organization join the open case (the handler the cases app registers
with rasad.indicators.breaches); titles and texts are written for a person."""

from __future__ import annotations

import pytest

from rasad.cases.actions import do_transition_case
from rasad.cases.models import Case, CaseEvent
from rasad.core.models import AuditEvent
from rasad.indicators.actions import TargetValues, do_save_target
from rasad.indicators.models import Alert, Observation
from rasad.indicators.testing import assign, indicator, record
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def targeted(cast: Cast) -> Cast:
    """Electricity of Isfahan's post: warning above 110 MWh a month, critical above 130."""
    assign(cast.isfahan, "ELEC_CONS", "GAS_CONS")
    do_save_target(
        TargetValues(cast.isfahan_post, indicator("ELEC_CONS"), 1402, 100.0, 110.0, 130.0),
        acting_user=cast.alice,
    )
    return cast


def test_a_breach_opens_one_linked_challenge(targeted: Cast):
    cast = targeted
    observation = record(cast.isfahan_post, "ELEC_CONS", "1402-01", 140.0, user=cast.ali)
    case = Case.objects.get()
    assert (case.kind, case.status, case.priority, case.category.code) == (
        "challenge",
        "new",
        "critical",
        "indicators",
    )
    assert (case.reporter_organization, case.reported_by) == (cast.isfahan_post, None)
    assert isinstance(case.source, Observation) and case.source.pk == observation.pk
    # Alice (Isfahan) sees it; Bob (Kerman) does not.
    assert Case.objects.visible_to(cast.alice).count() == 1
    assert Case.objects.visible_to(cast.bob).count() == 0


def test_the_case_reads_as_a_person_writes_it(targeted: Cast):
    cast = targeted
    record(cast.isfahan_post, "ELEC_CONS", "1402-01", 131.85992578849722, user=cast.ali)
    case = Case.objects.get()
    assert case.title == "مصرف برق در پاسگاه مرزی یک فراتر از آستانه"
    assert case.description == (
        "مصرف برق در پاسگاه مرزی یک در فروردین ۱۴۰۲ برابر ۱۳۲ مگاوات‌ساعت بود "
        "و از آستانهٔ بحرانی (۱۳۰ مگاوات‌ساعت) گذشت."
    )
    assert case.source_display == "مصرف برق، فروردین ۱۴۰۲"


def test_later_breaches_of_the_same_problem_join_the_open_case(targeted: Cast):
    cast = targeted
    record(cast.isfahan_post, "ELEC_CONS", "1402-01", 115.0, user=cast.ali)
    case = Case.objects.get()
    assert case.priority == "high"
    record(cast.isfahan_post, "ELEC_CONS", "1402-02", 112.0, user=cast.ali)
    record(cast.isfahan_post, "ELEC_CONS", "1402-03", 150.0, user=cast.ali)
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.priority == "critical"  # the critical breach raised it
    breaches = CaseEvent.objects.filter(case=case, action="breach").order_by("pk")
    assert [e.data["period"] for e in breaches] == ["1402-01", "1402-02", "1402-03"]
    assert "اسفند" not in breaches[1].note and "اردیبهشت ۱۴۰۲" in breaches[1].note
    assert AuditEvent.objects.filter(event_type=307).count() == 2


def test_the_same_alert_is_recorded_once(targeted: Cast):
    cast = targeted
    record(cast.isfahan_post, "ELEC_CONS", "1402-01", 140.0, user=cast.ali)
    from rasad.cases.actions.breaches import do_record_breach

    assert do_record_breach(Alert.objects.get()) is None
    assert CaseEvent.objects.filter(action="breach").count() == 1


def test_after_the_case_is_closed_a_new_breach_opens_a_new_case(targeted: Cast):
    cast = targeted
    record(cast.isfahan_post, "ELEC_CONS", "1402-01", 140.0, user=cast.ali)
    case = Case.objects.get()
    do_transition_case(case, "reject", acting_user=cast.alice, note="تکراری")
    record(cast.isfahan_post, "ELEC_CONS", "1402-02", 140.0, user=cast.ali)
    assert Case.objects.count() == 2


def test_another_indicator_is_another_problem(targeted: Cast):
    cast = targeted
    do_save_target(
        TargetValues(cast.isfahan_post, indicator("GAS_CONS"), 1402, 10.0, 11.0, 13.0),
        acting_user=cast.alice,
    )
    record(cast.isfahan_post, "ELEC_CONS", "1402-01", 140.0, user=cast.ali)
    record(cast.isfahan_post, "GAS_CONS", "1402-01", 14.0, user=cast.ali)
    assert Case.objects.count() == 2
