"""An indicator alert opens a challenge linked to the observation that breached its threshold
(the handler the cases app registers with rasad.indicators.breaches)."""

from __future__ import annotations

from rasad.cases.models import Case
from rasad.indicators.actions import TargetValues, do_save_target
from rasad.indicators.models import Observation
from rasad.indicators.testing import assign, indicator, record
from rasad.testing.cast import Cast


def test_a_breach_opens_one_linked_challenge(cast: Cast):
    assign(cast.isfahan, "ELEC_CONS")
    do_save_target(
        TargetValues(cast.isfahan_post, indicator("ELEC_CONS"), 1402, 100.0, 110.0, 130.0),
        acting_user=cast.alice,
    )
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
    assert case.source_display == str(observation)
    assert "1402-01" in case.description
    # Alice (Isfahan) sees it; Bob (Kerman) does not.
    assert Case.objects.visible_to(cast.alice).count() == 1
    assert Case.objects.visible_to(cast.bob).count() == 0
