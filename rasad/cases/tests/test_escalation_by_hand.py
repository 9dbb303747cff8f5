"""A person escalates a case by hand (issue 17's "escalate in place"): one level up its owner's
tree, with a reason, through one action shared by the API and the command view; the SLA job's
escalation is the same code without a person."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rasad.cases.actions import do_escalate_case_by_hand, do_transition_case, may_escalate
from rasad.cases.audit import CaseAuditEvent
from rasad.cases.models import Case, CaseEvent, Notification
from rasad.cases.testing import open_challenge
from rasad.conftest import client_for
from rasad.core.access import ObjectNotFound
from rasad.core.models import AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

REASON = "آتش‌سوزی گسترش یافته و نیروی استان کافی نیست"


@pytest.fixture
def case(cast: Cast) -> Case:
    return open_challenge(cast, cast.isfahan)


def test_an_analyst_sends_a_case_to_the_level_above_with_a_reason(cast: Cast, case: Case):
    escalated = do_escalate_case_by_hand(case, acting_user=cast.alice, reason=f"  {REASON} ")
    assert (escalated.escalated_to, escalated.escalation_level) == (cast.national, 1)
    assert escalated.version == case.version + 1
    assert escalated.status == case.status  # not a workflow step
    step = CaseEvent.objects.get(case=case, action="escalate")
    assert (step.actor, step.note, step.data["escalated_to"]) == (cast.alice, REASON, cast.national.pk)
    audit = AuditEvent.objects.get(event_type=CaseAuditEvent.CASE_ESCALATED, object_id=str(case.pk))
    assert audit.actor == cast.alice
    assert audit.new == {"escalated_to": cast.national.pk, "escalation_level": 1, "reason": REASON}
    # Those who may assign the national body's cases are told, in Persian, by whom and why.
    told = Notification.objects.get(user=cast.nadia, case=case)
    assert REASON in told.message and "ارجاع" in told.message
    assert not Notification.objects.filter(user=cast.alice, case=case).exists()


def test_without_a_reason_nothing_changes_and_the_field_is_named(cast: Cast, case: Case):
    with (
        assert_nothing_changed("cases.case", "cases.caseevent", "core.auditevent"),
        pytest.raises(ValidationError) as raised,
    ):
        do_escalate_case_by_hand(case, acting_user=cast.alice, reason="  ")
    assert list(raised.value.message_dict) == ["reason"]


def test_a_stale_version_a_closed_case_and_the_top_of_the_tree_are_refused(cast: Cast, case: Case):
    with pytest.raises(ValidationError) as stale:
        do_escalate_case_by_hand(
            case, acting_user=cast.alice, reason=REASON, expected_version=case.version - 1
        )
    assert list(stale.value.message_dict) == ["version"]
    top = open_challenge(cast, cast.national)
    assert not may_escalate(top, cast.nadia)
    with pytest.raises(ValidationError) as at_top:
        do_escalate_case_by_hand(top, acting_user=cast.nadia, reason=REASON)
    assert list(at_top.value.message_dict) == ["status"]
    rejected = do_transition_case(case, "reject", acting_user=cast.alice, note="تکراری")
    assert not may_escalate(rejected, cast.alice)
    with pytest.raises(ValidationError) as closed:
        do_escalate_case_by_hand(rejected, acting_user=cast.alice, reason=REASON)
    assert list(closed.value.message_dict) == ["status"]


def test_who_may_not_assign_the_owners_cases_cannot_escalate(cast: Cast, case: Case):
    assert may_escalate(case, cast.alice) and may_escalate(case, cast.nadia)
    for user in (cast.ali, cast.wali, cast.bob, cast.charlie):
        assert not may_escalate(case, user)
        with assert_nothing_changed("cases.case", "cases.caseevent"), pytest.raises(ObjectNotFound):
            do_escalate_case_by_hand(case, acting_user=user, reason=REASON)


def test_the_api_escalates_and_names_a_bad_field(cast: Cast, case: Case):
    url = f"/api/v1/cases/{case.pk}/escalate/"
    with assert_nothing_changed("cases.case"):
        empty = client_for(cast.alice).post(url, {"reason": ""}, format="json")
    assert empty.status_code == 400
    assert list(empty.json()["error"]["fields"]) == ["reason"]
    answer = client_for(cast.alice).post(url, {"reason": REASON, "version": case.version}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["escalation_level"] == 1
    # A reporter of the subtree and another province get the missing object's answer.
    for user in (cast.ali, cast.bob):
        assert client_for(user).post(url, {"reason": REASON}, format="json").status_code == 404
