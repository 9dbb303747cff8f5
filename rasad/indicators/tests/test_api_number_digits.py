"""Numbers sent to the API as text are read as a form reads them (session 20): Persian or
Arabic-Indic digits and the Persian decimal separator «٫». A target the form takes as
«۱۱۰٫۵» was a 400 through the API; what neither reads (NaN, Infinity, «²») is a 400 naming the
field in Persian."""

from __future__ import annotations

import pytest

from rasad.conftest import client_for
from rasad.indicators.models import Target
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicator-targets/"


def _body(**overrides: object) -> dict[str, object]:
    return {
        "organization": "ISF-P1",
        "indicator": "ELEC_CONS",
        "year": "۱۴۰۲",
        "target": "١٠٠",
        "warning_threshold": "۱۱۰٫۵",
        "critical_threshold": 130,
        **overrides,
    }


def test_numbers_in_persian_and_arabic_indic_digits_are_read_as_the_form_reads_them(assigned: Cast):
    response = client_for(assigned.alice).post(URL, _body(), format="json")
    assert response.status_code == 201, response.json()
    assert list(Target.objects.values_list("year", "target", "warning_threshold", "critical_threshold")) == [
        (1402, 100.0, 110.5, 130.0)
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "یک عدد معتبر نیاز است."),
        ("Infinity", "یک عدد معتبر نیاز است."),
        ("-inf", "یک عدد معتبر نیاز است."),
        ("۱۱۰²", "یک عدد معتبر نیاز است."),
        ("1e400", "یک عدد معتبر نیاز است."),
        # A JSON integer of 400 digits: past the largest float (the message was in English).
        (10**400, "این عدد بزرگ‌تر از آن است که ذخیره شود."),
    ],
)
def test_a_number_neither_reads_is_refused_naming_the_field(assigned: Cast, value: object, message: str):
    response = client_for(assigned.alice).post(URL, _body(warning_threshold=value), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"warning_threshold": [message]}
