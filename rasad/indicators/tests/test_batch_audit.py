"""A batch's one audit event names the deepest organization above all of the batch's: the
organization itself for a one-site batch, their common parent for sites side by side (read from
the organizations' paths, without a query for the parent)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.models import AuditEvent, common_ancestor
from rasad.indicators.actions import ObservationInput, do_record_observations
from rasad.indicators.audit import IndicatorAuditEvent
from rasad.indicators.testing import indicator
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast


def _event_organization() -> int | None:
    return AuditEvent.objects.get(event_type=IndicatorAuditEvent.OBSERVATIONS_RECORDED).organization_id


def test_a_one_site_batch_is_audited_on_the_site(assigned: Cast):
    period = JalaliPeriod.parse("1402-01")
    do_record_observations(
        [ObservationInput(assigned.isfahan_post, indicator("ELEC_CONS"), period, 10.0)],
        acting_user=assigned.ali,
    )
    assert _event_organization() == assigned.isfahan_post.pk


def test_sites_side_by_side_are_audited_on_their_parent(assigned: Cast):
    second = do_create_organization(
        OrganizationValues(code="ISF-P2", name="پاسگاه مرزی دو", kind="field_post", parent=assigned.isfahan),
        acting_user=assigned.root,
    )
    period = JalaliPeriod.parse("1402-01")
    rows = [
        ObservationInput(site, indicator("ELEC_CONS"), period, value, row=index)
        for index, (site, value) in enumerate(((assigned.isfahan_post, 10.0), (second, 12.0)))
    ]
    with CaptureQueriesContext(connection) as queries:
        do_record_observations(rows, acting_user=assigned.ali)
    assert _event_organization() == assigned.isfahan.pk
    assert common_ancestor([assigned.isfahan_post, second]) == assigned.isfahan
    # The parent is named by its id: no statement reads its row (``Organization.objects.get``).
    read_by_key = f'WHERE "core_organization"."id" = {assigned.isfahan.pk} LIMIT 21'
    assert [q["sql"] for q in queries.captured_queries if q["sql"].endswith(read_by_key)] == []
