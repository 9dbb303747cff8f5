"""The crisis room follows its statements and rumours live (docs/media.md, "Crisis room"): each
change is pushed after commit, only to those who may see it (a statement before its issue to the
headquarters alone; once issued, to the agencies addressed; the crisis's timeline and rumours to
the headquarters and every member agency), and the room's live parts are fetched through the
reader's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from rasad.core.models import Organization, User
from rasad.live.audience import audience_of
from rasad.media.actions import (
    RumourValues,
    StatementValues,
    do_answer_rumour,
    do_approve_statement,
    do_log_rumour,
    do_save_statement,
    do_submit_statement,
)
from rasad.media.models import Crisis, Statement
from rasad.media.testing import ensure_member, issue, make_crisis
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def crisis(cast: Cast, agencies: list[Organization]) -> Crisis:
    """An open crisis of ISF-CC's headquarters, whose member agencies are the first two."""
    for agency in agencies[:2]:
        ensure_member(cast.isfahan, agency)
    return make_crisis(cast.isfahan, title="شایعهٔ خاموشی سراسری")


def _in_review(crisis: Crisis) -> Statement:
    values = StatementValues(
        crisis.organization, "statement", "اطلاعیهٔ برق", "خاموشی سراسری نیست.", crisis=crisis
    )
    draft = do_save_statement(values, acting_user=None)
    return do_submit_statement(draft, acting_user=None)


def _admitted(event: dict[str, Any], *people: User) -> list[bool]:
    return [audience_of(person.pk, fresh=True).admits(event) for person in people]


def test_a_crisis_statement_is_pushed_to_the_headquarters_until_issued_then_to_its_agencies(
    cast: Cast,
    crisis: Crisis,
    agencies: list[Organization],
    officers: list[User],
    coordinator: User,
    pushed: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
):
    statement = _in_review(crisis)
    with django_capture_on_commit_callbacks(execute=True):
        statement = do_approve_statement(statement, acting_user=None)
        assert pushed == []  # nothing leaves before the commit
    [approval] = pushed
    assert (approval["kind"], approval["payload"]) == (
        "media.statement",
        {"statement": statement.pk, "state": "approved", "crisis": crisis.pk},
    )
    assert approval["organization_ids"] == [cast.isfahan.pk]
    # An approved draft is the headquarters' own: no agency's officer, nor Kerman, gets it.
    assert _admitted(approval, coordinator, officers[0], cast.bob) == [True, False, False]
    pushed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        issue(statement, [agencies[0]], hours=2)
    issued = [event for event in pushed if event["kind"] == "media.statement"]
    assert [event["payload"]["crisis"] for event in issued] == [crisis.pk]
    assert issued[0]["organization_ids"] == sorted([cast.isfahan.pk, agencies[0].pk])
    # The agency addressed gets it; the member agency not addressed and Kerman do not.
    assert _admitted(issued[0], coordinator, officers[0], officers[1], cast.bob) == [True, True, False, False]


def test_a_refused_step_pushes_nothing(
    crisis: Crisis, pushed: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
):
    statement = _in_review(crisis)
    pushed.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        do_submit_statement(statement, acting_user=None)
    assert pushed == []


def test_a_rumour_logged_and_answered_is_pushed_to_every_member_of_the_crisis(
    cast: Cast,
    crisis: Crisis,
    agencies: list[Organization],
    officers: list[User],
    pushed: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
):
    with django_capture_on_commit_callbacks(execute=True):
        rumour = do_log_rumour(
            RumourValues(cast.isfahan, "برق کل استان قطع می‌شود", "کانال محلی", crisis=crisis),
            acting_user=None,
        )
    with django_capture_on_commit_callbacks(execute=True):
        do_answer_rumour(rumour, "قطعی سراسری در کار نیست.", acting_user=None)
    assert [(event["kind"], event["payload"]["crisis"]) for event in pushed] == [
        ("media.crisis", crisis.pk),
        ("media.crisis", crisis.pk),
    ]
    members = sorted([cast.isfahan.pk, agencies[0].pk, agencies[1].pk, *_matrix_member(cast)])
    assert all(event["organization_ids"] == members for event in pushed)
    assert _admitted(pushed[0], officers[0], officers[1], officers[2], cast.bob) == [True, True, False, False]


def _matrix_member(cast: Cast) -> list[int]:
    """make_crisis makes the headquarters' first child (ISF-P1) a member too."""
    return [cast.isfahan_post.pk]


def test_the_live_parts_show_each_reader_what_its_scope_allows(
    cast: Cast, crisis: Crisis, agencies: list[Organization], officers: list[User], coordinator: User
):
    statement = issue(do_approve_statement(_in_review(crisis), acting_user=None), [agencies[0]], hours=2)
    do_log_rumour(RumourValues(cast.isfahan, "آب شهر آلوده است", "پیام‌رسان", crisis=crisis), acting_user=None)
    url = f"/media/crises/{crisis.pk}/timeline/"
    parts = signed_in_client(coordinator).get(url).content.decode()
    for name in ("timeline", "statements", "rumours"):
        assert f'data-crisis-part="{name}"' in parts
    assert statement.get_absolute_url() in parts and "آب شهر آلوده است" in parts
    # The member agency addressed finds the statement among the room's statements; the one not
    # addressed reads on the timeline that it was issued, but does not get the statement.
    for officer, sees in ((officers[0], True), (officers[1], False)):
        page = signed_in_client(officer).get(url).content.decode()
        listed = page[page.index('data-crisis-part="statements"') : page.index('data-crisis-part="rumours"')]
        assert (statement.get_absolute_url() in listed) is sees
    assert signed_in_client(cast.bob).get(url).status_code == 404
