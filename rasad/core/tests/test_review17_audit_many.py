"""Adversarial check of ``audit_log.record_many`` (session 17 review): events of several
organizations, some of one organization several times and some of the system, appended in one
call: each organization's events follow one another in its chain in the order given, and the
whole trail verifies."""

from __future__ import annotations

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import record_many
from rasad.core.audit_verify import verify
from rasad.core.models import AuditEvent
from rasad.testing.cast import Cast


def test_interleaved_events_of_several_organizations_are_chained_in_the_order_given(cast: Cast):
    owners = [cast.isfahan, cast.kerman, cast.isfahan, None, cast.isfahan, cast.kerman, None]
    entries = [
        {
            "event_type": CoreAuditEvent.ORGANIZATION_CHANGED,
            "actor": cast.alice,
            "organization": owner,
            "object_id": f"review17-{number}",
            "new": {"number": number},
        }
        for number, owner in enumerate(owners)
    ]
    made = record_many(entries)
    assert [event.object_id for event in made] == [f"review17-{number}" for number in range(len(owners))]
    stored = {
        event.object_id: event for event in AuditEvent.objects.filter(object_id__startswith="review17-")
    }
    assert len(stored) == len(owners)
    for owner in set(owners):
        positions = [
            (stored[f"review17-{number}"].chain, stored[f"review17-{number}"].sequence)
            for number, candidate in enumerate(owners)
            if candidate == owner
        ]
        assert len({chain for chain, _sequence in positions}) == 1, owner  # one chain (no other holds it)
        assert positions == sorted(positions), owner  # in the order given
        assert len(set(positions)) == len(positions)
    assert list(verify()) == []
