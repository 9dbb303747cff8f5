from __future__ import annotations

import pytest

from rasad.indicators.testing import assign
from rasad.testing.cast import Cast

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
    """The cast with energy and production indicators assigned to both provinces' subtrees."""
    assign(cast.isfahan, *ENERGY)
    assign(cast.kerman, *ENERGY)
    return cast
