"""Review 23: a report asked about an organization out of the asker's scope is refused like a
missing one and audited once, where the person asks (the request's 404); the same check made
whenever the file is read (whether its owner may still have it) audits nothing, or a file read
again and again would flood the trail (docs/security.md, "Access control")."""

from __future__ import annotations

from django.urls import reverse

from rasad.core.audit import CoreAuditEvent
from rasad.core.models import AuditEvent
from rasad.jobs.models import ExportFile
from rasad.reports.definitions import REPORTS
from rasad.reports.exports import _allowed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


def test_a_report_of_an_organization_out_of_scope_is_audited_once_where_it_is_asked(cast: Cast):
    denied = AuditEvent.objects.filter(event_type=CoreAuditEvent.ACCESS_DENIED, actor=cast.bob)
    response = signed_in_client(cast.bob).post(
        reverse("reports:form", args=["indicators-monthly"]),
        {"organization": cast.isfahan.pk, "period": "1403-07", "action": "pdf"},
    )
    assert response.status_code == 404
    assert ExportFile.objects.count() == 0
    event = denied.get()
    assert (event.object_type, event.object_id) == ("core.organization", str(cast.isfahan.pk))
    asked = {"organization": [str(cast.isfahan.pk)], "period": ["1403-07"]}
    assert _allowed(REPORTS["indicators-monthly"])(cast.bob, asked) is False
    assert denied.count() == 1
