from __future__ import annotations

import pytest

from rasad.indicators.testing import assign
from rasad.lib.jalali import from_jalali
from rasad.testing.cast import Cast

# The earliest values the tests report are of 1400; an assignment may report from at most ten
# Jalali years back (deadlines.reports_from_range), so this holds until 1410.
SINCE = from_jalali(1400, 1, 1)

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
    1400 (the tests report values of past years, which are owed only if assigned by then)."""
    assign(cast.isfahan, *ENERGY, since=SINCE)
    assign(cast.kerman, *ENERGY, since=SINCE)
    return cast
