"""``audit_log.record_many`` sends its text columns as array literals on PostgreSQL (session 19):
text with the array syntax's characters in it is stored as given and the trail verifies."""

from __future__ import annotations

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import record_many
from rasad.core.audit_verify import verify
from rasad.core.models import AuditEvent
from rasad.testing.cast import Cast

AWKWARD = ['say "hi"', 'back\\slash \\" both', "{a,b}", "NULL", "", " spaced ", "گزارش «ویژه»"]


def test_text_with_quotes_backslashes_and_braces_is_stored_as_given(cast: Cast):
    owners = [cast.isfahan, cast.kerman, None]
    entries = [
        {
            "event_type": CoreAuditEvent.ORGANIZATION_CHANGED,
            "actor": cast.alice,
            "organization": owner,
            "object_id": f"text19-{number}",
            "object_repr": AWKWARD[number],
            "new": {"texts": AWKWARD, "number": number},
            "extra": {"note": AWKWARD[-number - 1]},
        }
        for number, owner in enumerate(owners)
    ]
    made = record_many(entries)
    stored = {event.object_id: event for event in AuditEvent.objects.filter(object_id__startswith="text19-")}
    assert sorted(stored) == [f"text19-{number}" for number in range(len(owners))]
    for event in made:
        assert stored[event.object_id].body == event.body
        assert stored[event.object_id].hash == event.hash
    assert [stored[f"text19-{n}"].object_repr for n in range(len(owners))] == AWKWARD[: len(owners)]
    assert list(verify()) == []
