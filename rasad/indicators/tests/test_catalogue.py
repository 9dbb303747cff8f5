"""The catalogue: the starter set, derived formulas refused when circular or dangling, units."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rasad.indicators.actions import IndicatorValues, do_save_indicator
from rasad.indicators.catalogue import Catalogue
from rasad.indicators.models import Indicator, Unit
from rasad.testing.cast import Cast


def values(code: str, formula: str) -> IndicatorValues:
    return IndicatorValues(
        code=code,
        name="آزمایشی",
        unit=Unit.objects.get(code="GJ"),
        direction="lower_is_better",
        category="energy",
        formula=formula,
    )


def test_starter_catalogue_is_loaded(db):
    assert Indicator.objects.filter(code__in=["ENERGY_INTENSITY", "GHG_TOTAL", "GREEN_JOBS"]).count() == 3
    assert Indicator.objects.get(code="ENERGY_INTENSITY").depends_on.filter(code="ORE_MILLED").exists()


def test_ghg_is_activity_times_versioned_factor(db):
    from datetime import date

    catalogue = Catalogue.load()
    inputs = {"GAS_CONS": 10_000.0, "DIESEL_CONS": 2_000.0, "ELEC_CONS": 96_400.0, "ELEC_SELF": 0.0}
    # METHODS §3.4: 19 373.3 + 5 908.9 t (scope 1) and 96 400 MWh × 0.60 t/MWh (scope 2).
    assert catalogue.value("GHG_SCOPE1", inputs, date(2023, 6, 1)) == pytest.approx(25_282.2, abs=0.1)
    assert catalogue.value("GHG_SCOPE2", inputs, date(2023, 6, 1)) == pytest.approx(57_840.0)
    assert catalogue.value("GHG_SCOPE2", inputs, date(2024, 6, 1)) == pytest.approx(96_400 * 0.58)


def test_unit_conversion(db):
    assert Unit.objects.get(code="MWh").convert_to(1.0, Unit.objects.get(code="GJ")) == pytest.approx(3.6)


def test_a_derived_indicator_is_saved(cast: Cast):
    indicator = do_save_indicator(
        values("ENERGY_PER_PRODUCT", "ENERGY_TOTAL / PRODUCT_OUT"), acting_user=cast.nadia
    )
    assert set(indicator.depends_on.values_list("code", flat=True)) == {"ENERGY_TOTAL", "PRODUCT_OUT"}


@pytest.mark.parametrize(
    ("code", "formula", "fragment"),
    [
        ("SELFISH", "SELFISH * 2", "itself"),
        ("NOPE", "MISSING_ONE + ELEC_CONS", "MISSING_ONE"),
        ("NOPE", "ELEC_CONS * ef(NO_FACTOR)", "NO_FACTOR"),
        ("NOPE", "__import__('os')", "Only numbers"),
    ],
)
def test_bad_formulas_are_refused(cast: Cast, code, formula, fragment):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as error:
        do_save_indicator(values(code, formula), acting_user=cast.nadia)
    assert fragment in error.value.message_dict["formula"][0]


def test_a_cycle_through_another_indicator_is_refused(cast: Cast):
    from django.utils import translation

    do_save_indicator(values("CYCLE_A", "ELEC_CONS * 2"), acting_user=cast.nadia)
    do_save_indicator(values("CYCLE_B", "CYCLE_A + 1"), acting_user=cast.nadia)
    a = Indicator.objects.get(code="CYCLE_A")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        do_save_indicator(values("CYCLE_A", "CYCLE_B / 2"), acting_user=cast.nadia, instance=a)
    assert "cycle" in error.value.message_dict["formula"][0]
    assert Indicator.objects.get(code="CYCLE_A").formula == "ELEC_CONS * 2"


def test_only_national_bodies_edit_the_catalogue(cast: Cast):
    with pytest.raises(PermissionDenied):
        do_save_indicator(values("LOCAL_KPI", "ELEC_CONS"), acting_user=cast.alice)
