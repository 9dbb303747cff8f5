from __future__ import annotations

import pytest

from rasad.indicators.testing import assign
from rasad.lib.jalali import from_jalali
from rasad.testing.cast import Cast

SINCE = from_jalali(1390, 1, 1)

ENERGY = (
    "ELEC_CONS",
    "ELEC_SELF",
    "GAS_CONS",
    "DIESEL_CONS",
    "ORE_MILLED",
    "WATER_WITHDRAWAL",
    "WATER_DISCHARGE",
)


@pytest.fixture
def assigned(cast: Cast) -> Cast:
    """The cast with energy and production indicators assigned to both provinces' subtrees, since
    1390 (the tests report values of past years, which are owed only if assigned by then)."""
    assign(cast.isfahan, *ENERGY, since=SINCE)
    assign(cast.kerman, *ENERGY, since=SINCE)
    return cast
