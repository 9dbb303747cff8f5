"""ISIC and ISCO codes typed by field staff (session 20): in Persian or Arabic-Indic digits they are
stored in Latin digits, the form the sector sections and the scheme rules compare; digits no code
is written in («²») are refused naming the field, in Persian."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rasad.greenjobs.actions.registry import BusinessValues, do_save_business
from rasad.greenjobs.sectors import section_of
from rasad.greenjobs.testing import make_workshop, occupation
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _values(cast: Cast, sector_code: str) -> BusinessValues:
    return BusinessValues(
        organization=make_workshop(cast.isfahan),
        sector_code=sector_code,
        size="micro",
        employees=3,
        knowledge_based=False,
        occupations=[occupation("solar-installer")],
    )


@pytest.mark.parametrize("typed", ["۳۸۳۰", "٣٨٣٠", "3830"])
def test_a_sector_in_any_digits_is_stored_in_latin_digits(cast: Cast, typed: str):
    business = do_save_business(_values(cast, typed), acting_user=cast.root)
    business.refresh_from_db()
    assert business.sector_code == "3830"
    assert section_of(business.sector_code) is section_of("3830")


@pytest.mark.parametrize("typed", ["²²²²", "38٫3", "383"])
def test_a_sector_not_four_digits_is_refused_naming_the_field(cast: Cast, typed: str):
    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        do_save_business(_values(cast, typed), acting_user=cast.root)
    assert refused.value.message_dict == {"sector_code": ["بخش اقتصادی یک طبقهٔ ISIC Rev.4 و چهار رقم است."]}
