"""The second demo node (``scripts/demo-node2.sh``): South Khorasan's governorate, its command
centre with its keys, and two people, each with a name in Latin letters for English pages."""

from __future__ import annotations

import pytest

from rasad.comms.demo import SECOND_NODE_CENTRE, SECOND_NODE_LATIN_NAMES, SECOND_NODE_PEOPLE, load_second_node
from rasad.core.actions.people import clean_latin_name
from rasad.core.demo import LATIN_NAMES, SUPERUSER_USERNAME
from rasad.core.models import User

pytestmark = pytest.mark.django_db


def test_the_second_node_loads_once_with_its_people_named_in_latin_letters():
    assert set(SECOND_NODE_LATIN_NAMES) == {username for username, *_ in SECOND_NODE_PEOPLE}
    assert all(clean_latin_name(name) == name and name for name in SECOND_NODE_LATIN_NAMES.values())
    centre = load_second_node()
    assert load_second_node() == centre
    assert centre.code == SECOND_NODE_CENTRE
    named = User.objects.filter(username__in=SECOND_NODE_LATIN_NAMES).values_list("username", "latin_name")
    assert dict(named) == {"skh-cc.coordinator": "Reza Arabnejad", "skh.admin": "Maryam Nakhaei"}
    # On a node of its own the platform administrator is created here, named as on node A.
    assert User.objects.get(username=SUPERUSER_USERNAME).latin_name == LATIN_NAMES[SUPERUSER_USERNAME]
