"""A case Rasad opens is stored text, read by everyone in Persian with Jalali dates and Persian
digits (``rasad.lib.display.in_persian``), whoever's action opened it: a non-compliant section's
case (its title, its description, a proposed risk's treatment action) and an indicator breach's
case (its title, description, source and timeline entry), made by someone who reads English with
the Gregorian calendar and Latin digits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rasad.assessments.actions.assessments import finding_case_values
from rasad.assessments.actions.risks import do_propose_risk
from rasad.assessments.models import RiskAction
from rasad.assessments.testing import matrix_finding
from rasad.cases.models import Case, CaseEvent
from rasad.indicators.actions import TargetValues, do_save_target
from rasad.indicators.testing import assign, indicator, record
from rasad.lib import display, formatting
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db

# How the acting person reads: English words, Gregorian dates, Latin digits.
ENGLISH_READER = SimpleNamespace(calendar="gregorian", persian_digits=False)


def test_a_non_compliant_section_s_case_is_written_in_persian_whoever_finalizes(cast: Cast):
    finding = matrix_finding(cast, cast.isfahan_post)
    section, cycle = finding.section, finding.assessment.cycle
    with display.speaking(ENGLISH_READER, "en"):
        values = finding_case_values(finding, kind="challenge")
    assert values.title == f"عدم انطباق: {section.title} — {cycle.name}"
    assert values.description.splitlines()[0] == f"بندهای رعایت‌نشده در ارزیابی «{cast.isfahan_post.name}»:"


def test_a_proposed_risk_and_its_action_are_written_in_persian_whoever_proposes(cast: Cast):
    finding = matrix_finding(cast, cast.isfahan_post)
    with display.speaking(ENGLISH_READER, "en"):
        risk = do_propose_risk(finding, acting_user=cast.root)
    assert risk.title.startswith("عدم انطباق: ")
    action = RiskAction.objects.get(case=risk)
    assert action.title == f"انطباق «{finding.section.title}» با الزامات"


def test_a_breach_s_case_is_written_in_persian_whoever_records_the_value(cast: Cast):
    assign(cast.isfahan, "ELEC_CONS")
    do_save_target(
        TargetValues(cast.isfahan_post, indicator("ELEC_CONS"), 1402, 100.0, 110.0, 130.0),
        acting_user=cast.alice,
    )
    with display.speaking(ENGLISH_READER, "en"):
        record(cast.isfahan_post, "ELEC_CONS", "1402-01", 131.85992578849722, user=cast.ali)
    case = Case.objects.get()
    sentence = (
        "مصرف برق در پاسگاه مرزی یک در فروردین ۱۴۰۲ برابر ۱۳۲ مگاوات‌ساعت بود "
        "و از آستانهٔ بحرانی (۱۳۰ مگاوات‌ساعت) گذشت."
    )
    assert case.title == "مصرف برق در پاسگاه مرزی یک فراتر از آستانه"
    assert case.description == sentence
    assert case.source_display == "مصرف برق، فروردین ۱۴۰۲"
    # The event's note keeps the formatting layer's no-break space between a number and its unit
    # (formatting.UNIT_JOIN); the case's description, normalized when stored, has a plain space.
    note = CaseEvent.objects.get(case=case, action="breach").note
    assert note.replace(formatting.UNIT_JOIN, " ") == sentence
    assert "۱۳۲" + formatting.UNIT_JOIN + "مگاوات‌ساعت" in note
