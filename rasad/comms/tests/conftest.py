from __future__ import annotations

import pytest

from rasad.comms.actions import do_set_up_centre
from rasad.comms.models import Centre
from rasad.comms.testing import RemoteCentre
from rasad.comms.tests.world import World
from rasad.testing.cast import Cast


@pytest.fixture
def world(cast: Cast) -> World:
    """Isfahan's and Kerman's command centres set up on this node, and South Khorasan's centre
    on another node (a remote centre held in memory by the test), pinned by Isfahan."""
    isfahan = do_set_up_centre(cast.isfahan, acting_user=cast.root)
    kerman = do_set_up_centre(cast.kerman, acting_user=cast.root)
    khorasan = RemoteCentre("SKH-CC", "مرکز فرماندهی و کنترل استان خراسان جنوبی", "https://skh.example/")
    world = World(cast=cast, isfahan=isfahan, kerman=kerman, khorasan=khorasan)
    world.pin(isfahan, khorasan)
    return world


@pytest.fixture
def isfahan(world: World) -> Centre:
    return world.isfahan
