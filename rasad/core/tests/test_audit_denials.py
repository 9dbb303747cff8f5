"""Refused accesses are audited, aggregated per actor, object type and minute: a flood of
refusals writes a bounded number of events, and the count stays exact."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rasad.conftest import client_for
from rasad.core.access import ObjectNotFound, access_organization_by_id
from rasad.core.audit import CoreAuditEvent, fold_access_denials
from rasad.core.audit_verify import verify
from rasad.core.models import AccessDenialTally, AuditEvent, User
from rasad.testing.cast import Cast


def _refuse(cast: Cast, user: User, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(ObjectNotFound):
            access_organization_by_id(user, cast.kerman_post.pk)


def denials() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event_type__in=[CoreAuditEvent.ACCESS_DENIED, CoreAuditEvent.ACCESS_DENIED_REPEATED]
        ).order_by("id")
    )


def test_a_refused_read_through_the_api_is_audited(cast: Cast):
    response = client_for(cast.alice).get(f"/api/v1/organizations/{cast.kerman.pk}/")
    assert response.status_code == 404
    (event,) = denials()
    assert (event.event_type, event.actor_id, event.object_type, event.object_id, event.extra) == (
        CoreAuditEvent.ACCESS_DENIED,
        cast.alice.pk,
        "core.organization",
        str(cast.kerman.pk),
        {"action": "view"},
    )
    assert event.chain.startswith("system/")


@pytest.fixture
def within_one_minute(monkeypatch: pytest.MonkeyPatch) -> datetime.datetime:
    """Every refusal of the test falls in one minute, however slow the machine."""
    moment = timezone.now().replace(second=1)
    monkeypatch.setattr("rasad.core.audit.timezone.now", lambda: moment)
    return moment


def test_a_flood_of_refusals_writes_one_event_and_one_summary(
    cast: Cast, within_one_minute: datetime.datetime
):
    _refuse(cast, cast.alice, 200)
    assert len(denials()) == 1
    (tally,) = AccessDenialTally.objects.all()
    assert (tally.actor_id, tally.object_type, tally.count) == (cast.alice.pk, "core.organization", 200)
    assert fold_access_denials(before=within_one_minute + datetime.timedelta(minutes=2)) == 1
    _first, summary = denials()
    assert summary.event_type == CoreAuditEvent.ACCESS_DENIED_REPEATED
    assert summary.actor_id == cast.alice.pk
    assert summary.extra["refusals"] == 200
    assert summary.extra["object_ids"] == [str(cast.kerman_post.pk)]
    assert summary.extra["actions"] == ["view"]
    assert AccessDenialTally.objects.count() == 0
    assert list(verify()) == []


def test_each_actor_has_a_tally_of_their_own(cast: Cast, within_one_minute: datetime.datetime):
    _refuse(cast, cast.alice, 3)
    _refuse(cast, cast.ali, 2)
    assert [e.actor_id for e in denials()] == [cast.alice.pk, cast.ali.pk]
    assert sorted(AccessDenialTally.objects.values_list("count", flat=True)) == [2, 3]


def test_a_single_refusal_needs_no_summary(cast: Cast):
    _refuse(cast, cast.alice)
    assert fold_access_denials(before=timezone.now() + datetime.timedelta(minutes=2)) == 0
    assert len(denials()) == 1
    assert AccessDenialTally.objects.count() == 0


def test_the_next_minute_folds_the_previous_one(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, within_one_minute: datetime.datetime
):
    _refuse(cast, cast.alice, 5)
    later = within_one_minute + datetime.timedelta(minutes=1)
    monkeypatch.setattr("rasad.core.audit.timezone.now", lambda: later)
    _refuse(cast, cast.alice, 1)
    kinds = [(e.event_type, e.extra.get("refusals")) for e in denials()]
    assert kinds == [
        (CoreAuditEvent.ACCESS_DENIED, None),
        (CoreAuditEvent.ACCESS_DENIED, None),
        (CoreAuditEvent.ACCESS_DENIED_REPEATED, 5),
    ]
    assert list(AccessDenialTally.objects.values_list("count", flat=True)) == [1]
