"""Review 22: a party's attempt to change a programme it may see but does not lead is refused
like a missing object and audited, as every refusal is (docs/security.md, "Access control").
The parent named in the body resolves in the reader's view scope; the action's own check
(``require_scope``) then refused with the 404 of a missing object but wrote no audit event."""

from __future__ import annotations

from rasad.conftest import client_for
from rasad.core.audit import CoreAuditEvent
from rasad.core.models import AuditEvent
from rasad.programs.testing import make_programme, person
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast


def test_a_party_adding_an_axis_to_a_programme_it_does_not_lead_is_refused_and_audited(cast: Cast):
    programme = make_programme(cast, cast.isfahan, parties=[cast.kerman])
    # A coordinator of Kerman (who may lead programmes there), a party: sees the programme.
    kerman = person(cast, "kerman-coordinator", cast.kerman, "coordinator")
    client = client_for(kerman)
    assert client.get(f"/api/v1/programmes/{programme.pk}/").status_code == 200
    denied = AuditEvent.objects.filter(event_type=CoreAuditEvent.ACCESS_DENIED, actor=kerman)
    with assert_nothing_changed("programs.axis"):
        refused = client.post(
            "/api/v1/programme-axes/",
            {"programme": programme.pk, "title": "محور", "weight": 10},
            format="json",
        )
    assert refused.status_code == 404, refused.content
    assert denied.count() == 1
