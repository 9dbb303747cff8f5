"""Compliance: who must complete what by when, each organization's rate over its subtree, and two
provinces that must not see each other's people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rasad.core.models import Organization
from rasad.lib.jalali import from_jalali, to_jalali
from rasad.testing.cast import Cast
from rasad.training.actions import add_months
from rasad.training.compliance import Obligation, obligations, rollup
from rasad.training.exports import visible_obligations
from rasad.training.models import PositionHolding, Requirement
from rasad.training.testing import complete, hold, make_course, make_event, make_member, make_requirement

pytestmark = pytest.mark.django_db


def _states(found: list[Obligation]) -> dict[str, str]:
    return {o.user.username: str(o.state) for o in found}


def test_each_state_of_an_obligation(cast: Cast):
    today = timezone.localdate()
    course = make_course(cast.isfahan, validity_months=12)
    make_requirement(cast.isfahan, [course], within_months=3)
    for name in ("met", "due", "overdue", "lapsed"):
        make_member(name, cast.isfahan_post)
    hold(make_member("elsewhere", cast.kerman), cast.kerman)  # a requirement of Isfahan does not bind Kerman
    from rasad.core.models import User

    users = {u.username: u for u in User.objects.filter(username__in=["met", "due", "overdue", "lapsed"])}
    hold(users["met"], cast.isfahan_post, since=today - timedelta(days=200))
    hold(users["due"], cast.isfahan_post, since=today - timedelta(days=10))
    hold(users["overdue"], cast.isfahan_post, since=today - timedelta(days=200))
    hold(users["lapsed"], cast.isfahan_post, since=today - timedelta(days=900))
    recent = make_event(cast.isfahan, course=course, starts_at=timezone.now() - timedelta(days=30))
    complete(users["met"], recent)
    old = make_event(cast.isfahan, course=course, starts_at=timezone.now() - timedelta(days=500))
    complete(users["lapsed"], old)
    found = obligations(PositionHolding.objects.all(), Requirement.objects.all(), today=today)
    assert _states(found) == {"met": "met", "due": "due", "overdue": "overdue", "lapsed": "lapsed"}
    due = next(o for o in found if o.user.username == "due")
    assert due.due_on == add_months(today - timedelta(days=10), 3)


def test_one_of_several_courses_satisfies_a_requirement(cast: Cast):
    first, second = make_course(cast.isfahan), make_course(cast.isfahan)
    make_requirement(cast.isfahan, [first, second])
    person = make_member("p", cast.isfahan)
    hold(person, cast.isfahan)
    complete(person, make_event(cast.isfahan, course=second, starts_at=timezone.now() - timedelta(days=1)))
    found = obligations(PositionHolding.objects.all(), Requirement.objects.all(), today=timezone.localdate())
    assert _states(found) == {"p": "met"}


def test_a_position_that_ended_binds_nobody(cast: Cast):
    from rasad.training.actions import do_end_position

    make_requirement(cast.isfahan, [make_course(cast.isfahan)])
    holding = hold(
        make_member("p", cast.isfahan), cast.isfahan, since=timezone.localdate() - timedelta(days=30)
    )
    do_end_position(holding, until=timezone.localdate(), acting_user=None)
    assert (
        obligations(PositionHolding.objects.all(), Requirement.objects.all(), today=timezone.localdate())
        == []
    )


def test_rates_roll_up_the_tree_lowest_first(cast: Cast):
    course = make_course(cast.national)
    make_requirement(cast.national, [course], within_months=1)
    long_ago = timezone.localdate() - timedelta(days=100)
    event = make_event(cast.national, course=course, starts_at=timezone.now() - timedelta(days=2))
    done = make_member("done", cast.isfahan_post)
    hold(done, cast.isfahan_post, since=long_ago)
    complete(done, event)
    hold(make_member("late-isf", cast.isfahan), cast.isfahan, since=long_ago)
    hold(make_member("late-ker", cast.kerman_post), cast.kerman_post, since=long_ago)
    found = obligations(PositionHolding.objects.all(), Requirement.objects.all(), today=timezone.localdate())
    tallies = rollup(found, Organization.objects.all())
    table = [(t.organization.code, t.met, t.total, round(t.rate or 0)) for t in tallies]
    rates = {code: (met, total) for code, met, total, _rate in table}
    assert rates == {"NAT": (1, 3), "ISF-CC": (1, 2), "ISF-P1": (1, 1), "KER-CC": (0, 1), "KER-P1": (0, 1)}
    assert [t.rate for t in tallies] == sorted(t.rate or 0.0 for t in tallies)


def test_each_province_sees_only_its_own_people(cast: Cast):
    course = make_course(cast.national)
    make_requirement(cast.national, [course])
    hold(make_member("isf", cast.isfahan_post), cast.isfahan_post)
    hold(make_member("ker", cast.kerman_post), cast.kerman_post)
    assert {o.user.username for o in visible_obligations(cast.alice)} == {"isf"}
    assert {o.user.username for o in visible_obligations(cast.bob)} == {"ker"}
    assert {o.user.username for o in visible_obligations(cast.nadia)} == {"isf", "ker"}
    assert visible_obligations(cast.charlie) == []


def test_a_requirement_above_is_seen_below_but_not_in_the_other_province(cast: Cast):
    national = make_requirement(cast.national, [make_course(cast.national)])
    isfahan = make_requirement(cast.isfahan, [make_course(cast.isfahan)])
    assert set(Requirement.objects.visible_to(cast.ali)) == {national, isfahan}
    assert set(Requirement.objects.visible_to(cast.bahram)) == {national}


def test_jalali_deadline_example():
    # Took the post on 1404/07/15 with 6 months to complete: due on 1405/01/15.
    assert to_jalali(add_months(from_jalali(1404, 7, 15), 6)) == (1405, 1, 15)
