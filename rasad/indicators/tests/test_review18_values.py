"""A value no float holds (a JSON number past the largest double, which Python reads as
infinity, or an integer of four hundred digits, which no float takes) is a row error on the
value, in the bulk API as in a file, never a stored infinity that every later sum of its rollups
carries (nor a 500): the observation form refuses it too (Django's ``FloatField``)."""

from __future__ import annotations

import pytest

from rasad.conftest import client_for
from rasad.indicators.importer import parse_rows
from rasad.indicators.models import Observation
from rasad.indicators.testing import new_batch
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"
HUGE = "1" + "0" * 400


@pytest.mark.parametrize(
    "number",
    ["1e400", "-1e400", HUGE, f"-{HUGE}", f'"{HUGE}"', f'"{HUGE}.5"'],
    ids=["past-max", "past-min", "integer", "negative-integer", "text", "text-fraction"],
)
def test_a_value_past_the_largest_float_is_refused(assigned: Cast, number: str):
    client = client_for(assigned.ali)
    body = (
        f'{{"batch_id": "{new_batch()}", "observations": [{{"organization": "ISF-P1", '
        f'"indicator": "ELEC_CONS", "period": "1402-01", "value": {number}}}]}}'
    )
    response = client.post(BULK, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["observations[0].value"]
    assert not Observation.objects.exists()


def test_the_largest_float_is_a_value(assigned: Cast):
    """The bound is the largest double, not a round number below it."""
    rows = [
        {
            "organization": "ISF-P1",
            "indicator": "ELEC_CONS",
            "period": "1402-01",
            "value": 1.7976931348623157e308,
        },
        {
            "organization": "ISF-P1",
            "indicator": "ELEC_CONS",
            "period": "1402-02",
            "value": -1.7976931348623157e308,
        },
    ]
    parsed, errors = parse_rows(rows, user=assigned.ali, check=False)
    assert errors == []
    assert [r.value for r in parsed] == [1.7976931348623157e308, -1.7976931348623157e308]
