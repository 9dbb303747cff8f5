"""Review 21: the observation triggers of migration 0010 refuse what the declared keys refused.

The update trigger compares a row's keys before and after the statement by the row's id
(``previous`` joined to ``checked``); a statement that gives the row a new id as well had no
"before" row, and its new references were not checked at all (an observation naming an
organization that does not exist was stored). The declared keys check every key of a row whose
id changed, as SQLite's still do.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from rasad.indicators.models import Observation
from rasad.indicators.testing import REFERENCES, fresh_references, observation_of, orphan_observations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("column", REFERENCES)
def test_a_reference_changed_with_the_row_s_id_is_refused(column: str):
    fresh = fresh_references()
    observation = observation_of(fresh)
    moved = Observation.objects.filter(pk=observation.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        moved.update(id=F("id") + 1_000_000, **{column: fresh.missing})
    assert Observation.objects.filter(pk=observation.pk).exists()
    assert orphan_observations() == 0


def test_a_row_s_id_changed_alone_passes():
    """Its references are the ones it had (checked when they were written)."""
    fresh = fresh_references()
    observation = observation_of(fresh, approved_by_id=fresh.approver)
    with transaction.atomic():
        Observation.objects.filter(pk=observation.pk).update(id=F("id") + 1_000_000)
    assert Observation.objects.filter(pk=observation.pk + 1_000_000).exists()
    assert orphan_observations() == 0
