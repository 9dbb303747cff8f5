"""Every record the API changes, asked to change nothing, writes nothing: a PATCH with an empty
body, or with the values the record has, answers 200 with the record and leaves its table, the
audit trail and the event bus as they were (docs/audit.md, "What is recorded"). Endpoints are
discovered as the authorization matrix's are (``rasad.testing.matrix``); each record is made in
Isfahan by its matrix factory and changed by the platform administrator."""

from __future__ import annotations

import pytest

from rasad.conftest import client_for
from rasad.programs.testing import make_target
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.matrix import Endpoint, discover_endpoints, factories

FACTORIES = factories()
CHANGEABLE = [
    endpoint
    for endpoint in discover_endpoints()
    if endpoint.factory is not None and endpoint.allows("partial_update")
]


@pytest.mark.parametrize("endpoint", CHANGEABLE, ids=lambda endpoint: endpoint.route)
def test_an_empty_patch_writes_nothing(cast: Cast, endpoint: Endpoint):
    assert endpoint.factory is not None
    record = endpoint.factory.make(cast, cast.isfahan)
    with assert_nothing_changed(endpoint.model_label):
        answer = client_for(cast.root).patch(endpoint.detail_url(record.pk), {}, format="json")
    assert answer.status_code == 200, answer.content[:500]


def test_the_values_a_programme_part_has_write_nothing(cast: Cast):
    """Session 22's list: an axis, an objective or an indicator target saved with the values it
    has wrote an audit event (an objective's or a target's with nothing in it)."""
    target = make_target(cast, cast.isfahan)
    objective, axis = target.objective, target.objective.axis
    client = client_for(cast.root)
    bodies = {
        f"/api/v1/programme-axes/{axis.pk}/": {"title": axis.title, "weight": axis.weight},
        f"/api/v1/programme-objectives/{objective.pk}/": {
            "title": objective.title,
            "weight": objective.weight,
            "axis": axis.pk,
        },
        f"/api/v1/programme-indicator-targets/{target.pk}/": {
            "target_value": target.target_value,
            "weight": target.weight,
            "comparator": target.comparator,
        },
    }
    for url, body in bodies.items():
        with assert_nothing_changed("programs.axis", "programs.objective", "programs.indicatortarget"):
            answer = client.patch(url, body, format="json")
        assert answer.status_code == 200, (url, answer.content[:500])
