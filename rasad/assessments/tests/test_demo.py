"""The demo assessments load once, through the actions, and tell the seed stories: the civil
defence cycle over the mining companies with final results and the cases their non-compliant
sections opened; the energy award cycle with two assessors per site, ranked and closed."""

from __future__ import annotations

import pytest

from rasad.assessments.compliance import compliance, visible_for
from rasad.assessments.demo import ENERGY_AWARD, PASSIVE_DEFENCE, PASSIVE_DEFENCE_BEFORE, load_demo
from rasad.assessments.models import Assessment, Cycle, Finding
from rasad.core.demo import load_demo as load_core_demo
from rasad.core.models import User
from rasad.testing.demo import loaded_once

pytestmark = pytest.mark.django_db

# The core demo and the cycles, loaded once for the module: its summary.
first_load = loaded_once(load_core_demo, load_demo)


@pytest.mark.usefixtures("first_load")
def test_the_demo_assessors_have_names_in_latin_letters():
    from rasad.assessments.demo import ASSESSORS, LATIN_NAMES
    from rasad.core.actions.people import clean_latin_name

    assert set(LATIN_NAMES) == {username for username, *_ in ASSESSORS}
    assert all(clean_latin_name(name) == name and name for name in LATIN_NAMES.values())
    # What an English page calls Shahram Delavari, the award's secretary.
    assert User.objects.get(username="imi.coordinator").latin_name == "Shahram Delavari"
    named = User.objects.filter(username__in=LATIN_NAMES).values_list("username", "latin_name")
    assert dict(named) == LATIN_NAMES


def test_the_demo_cycles_load_once_and_tell_their_stories(first_load: dict[str, int]):
    first = first_load
    assert load_demo() == first
    assert first["cycles"] == 3

    defence = Cycle.objects.get(name=PASSIVE_DEFENCE)
    statuses = dict(Assessment.objects.filter(cycle=defence).values_list("organization__code", "status"))
    assert statuses == {
        "IMIDRO-M1": "final",
        "IMIDRO-M2": "final",
        "IMIDRO-M3": "final",
        "IMIDRO-M4": "submitted",
        "IMIDRO-M5": "in_progress",
    }
    findings = Finding.objects.filter(assessment__cycle=defence)
    assert findings.count() >= 3
    assert all(finding.case is not None for finding in findings)
    copper_case = findings.filter(assessment__organization__code="IMIDRO-M1").first()
    assert copper_case is not None and copper_case.case is not None
    assert copper_case.case.owner_organization.code == "IMIDRO-M1"
    assert copper_case.case.reporter_organization.code == "PDO"

    # The risk register: two risks proposed from findings and one filed by the coal company.
    from rasad.assessments.models import RiskAction, RiskRating
    from rasad.cases.models import Case

    risks = Case.objects.filter(kind="risk", owner_organization__code__startswith="IMIDRO")
    assert risks.count() == 3
    assert Finding.objects.filter(assessment__cycle=defence, risk__isnull=False).count() == 2
    assert RiskRating.objects.filter(case__in=risks, residual_likelihood__isnull=False).count() == 3
    assert RiskAction.objects.filter(case__in=risks).count() == 5

    award = Cycle.objects.get(name=ENERGY_AWARD)
    assert award.status == "closed"
    groups = award.results["groups"]
    assert len(groups) == 1 and groups[0]["is_ranked"] is True
    ranks = sorted(member["rank"] for member in groups[0]["members"])
    assert ranks[0] == 1 and len(ranks) == 6
    best = min(groups[0]["members"], key=lambda m: m["rank"])
    assert best["organization"] == "IMIDRO-M3-S1"
    # The environment agency's audit of section E overrides the assessors' consensus there.
    audited = Assessment.objects.filter(cycle=award, status="final").first()
    assert audited is not None
    assert audited.result["audited_sections"] == ["E"]
    assert all(row["final"]["source"] == "audit" for row in audited.result["items"] if row["section"] == "E")

    # The holding sees its companies' results; the copper company does not see the iron company's.
    holding = User.objects.get(username="imidro.coordinator")
    copper = User.objects.get(username="copper.analyst")
    assert Assessment.objects.visible_to(holding).filter(cycle=defence).count() == 5
    assert set(
        Assessment.objects.visible_to(copper)
        .filter(cycle=defence)
        .values_list("organization__code", flat=True)
    ) == {"IMIDRO-M1"}

    # Last year's cycle: every company final, closed, no case opened; compliance compares the two.
    before = Cycle.objects.get(name=PASSIVE_DEFENCE_BEFORE)
    assert before.status == "closed"
    assert Assessment.objects.filter(cycle=before, status="final").count() == 5
    assert not Finding.objects.filter(assessment__cycle=before, case__isnull=False).exists()
    result = compliance(visible_for(holding))
    assert result.cycle == defence
    assert result.node is not None and result.node.code == "IMIDRO"
    assert {row.organization.code for row in result.rows} == {f"IMIDRO-M{n}" for n in range(1, 6)}
    assert [row.cycle for row in result.trend] == [before, defence]
    assert result.trend[0].total.count == 5 and result.trend[1].total.count == 3
    before_total, now_total = (row.total.percent for row in result.trend)
    assert before_total is not None and now_total is not None and before_total < now_total


@pytest.mark.usefixtures("first_load")
def test_the_demo_evidence_is_named_as_a_person_names_a_file():
    """Evidence read «A1.1.pdf», the item's code, which no one names a file by (session 27)."""
    from rasad.assessments.models import Evidence

    names = set(Evidence.objects.values_list("name", flat=True))
    assert names and "نقشه حریم و آخرین گزارش گشت.pdf" in names
    assert not [name for name in names if name[:1].isascii()], names
