"""Who sees what of a programme, and how its progress moves.

The programme below is led by the Isfahan command centre, with Kerman's command centre as the
other party and a planning council as its reviewing body. Alice works in Isfahan (the lead),
Bob in Kerman (a party), Rita in the council (the reviewing body), Charlie nowhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rasad.cases.actions import do_transition_case
from rasad.cases.models import Case
from rasad.conftest import client_for
from rasad.indicators.models import Indicator
from rasad.programs.actions import (
    IndicatorTargetValues,
    PartValues,
    do_save_axis,
    do_save_indicator_target,
    do_save_objective,
    party_of,
)
from rasad.programs.choices import ObligationState
from rasad.programs.models import ActionItem, Programme
from rasad.programs.reading import visible_progress
from rasad.programs.testing import add_item, make_programme, person, reviewing_body
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> dict[str, Any]:
    council = reviewing_body(cast)
    programme = make_programme(cast, cast.isfahan, parties=[cast.kerman], reviewing_organization=council)
    training = do_save_axis(programme, PartValues("آموزش", weight=60), acting_user=cast.root)
    research = do_save_axis(programme, PartValues("پژوهش", weight=40), acting_user=cast.root)
    courses = do_save_objective(training, PartValues("دوره‌ها", weight=100), acting_user=cast.root)
    studies = do_save_objective(research, PartValues("پژوهش‌های کاربردی", weight=100), acting_user=cast.root)
    isfahan_item = add_item(cast, courses, cast.isfahan, title="تدوین بسته آموزشی")
    kerman_item = add_item(cast, courses, cast.kerman, title="برگزاری کارگاه در کرمان", weight=3)
    study_item = add_item(cast, studies, cast.kerman, title="پژوهش فناوری‌های کاهش آلودگی")
    return {
        "programme": programme,
        "council": council,
        "rita": person(cast, "rita", council, "viewer"),
        "isfahan_item": isfahan_item,
        "kerman_item": kerman_item,
        "study_item": study_item,
        "courses": courses,
    }


def _listed(user: Any, route: str, **query: Any) -> set[int]:
    response = client_for(user).get(f"/api/v1/{route}/", query)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_party_sees_the_programme_and_only_its_own_obligations(cast: Cast, world: dict[str, Any]):
    programme: Programme = world["programme"]
    assert programme.pk in _listed(cast.bob, "programmes")
    assert _listed(cast.bob, "programme-action-items") == {world["kerman_item"].pk, world["study_item"].pk}
    assert _listed(cast.ali, "programme-action-items") == {
        world["isfahan_item"].pk,
        world["kerman_item"].pk,
        world["study_item"].pk,
    }
    # Bob reads the other party's item like a missing one.
    response = client_for(cast.bob).get(f"/api/v1/programme-action-items/{world['isfahan_item'].pk}/")
    assert response.status_code == 404


def test_the_reviewing_body_sees_every_obligation_and_changes_nothing(cast: Cast, world: dict[str, Any]):
    rita = world["rita"]
    programme: Programme = world["programme"]
    assert programme.pk in _listed(rita, "programmes")
    assert len(_listed(rita, "programme-action-items")) == 3
    response = client_for(rita).patch(
        f"/api/v1/programmes/{programme.pk}/", {"title": "تغییر"}, format="json"
    )
    assert response.status_code == 404
    # Rita sees the roll-up but not the cases themselves (they belong to the lead and the parties).
    assert _listed(rita, "cases") == set()


def test_someone_outside_sees_nothing(cast: Cast, world: dict[str, Any]):
    assert _listed(cast.charlie, "programmes") == set()
    assert _listed(cast.charlie, "programme-action-items") == set()
    assert _listed(cast.charlie, "programme-axes") == set()


def _close(case: Case, owner: Any, reporter: Any) -> None:
    for action, who, extra in (
        ("triage", owner, {}),
        ("assign", owner, {"assignee": owner}),
        ("start", owner, {}),
        ("resolve", owner, {"note": "انجام شد"}),
        ("verify", reporter, {}),
    ):
        case.refresh_from_db()
        note = str(extra.pop("note", ""))
        case = do_transition_case(
            case, action, acting_user=who, note=note, expected_version=case.version, **extra
        )


def test_progress_moves_when_the_case_is_verified_closed(cast: Cast, world: dict[str, Any]):
    programme: Programme = world["programme"]
    before = visible_progress(programme, cast.alice)
    assert before.percent == 0.0
    kerman_item: ActionItem = world["kerman_item"]
    _close(kerman_item.case, cast.bob, cast.alice)
    after = visible_progress(programme, cast.alice)
    # Courses: items of weight 1 and 3, the one of weight 3 closed: 75%; training weighs 60%.
    assert after.axes[0].objectives[0].percent == pytest.approx(75.0)
    assert after.axes[0].percent == pytest.approx(75.0)
    assert after.axes[1].percent == 0.0
    assert after.percent == pytest.approx(45.0)
    assert after.count(ObligationState.DONE) == 1


def test_a_resolved_case_counts_only_once_verified(cast: Cast, world: dict[str, Any]):
    case = world["isfahan_item"].case
    for action, extra in (
        ("triage", {}),
        ("assign", {"assignee": cast.alice}),
        ("start", {}),
        ("resolve", {"note": "x"}),
    ):
        case.refresh_from_db()
        note = str(extra.pop("note", ""))
        case = do_transition_case(case, action, acting_user=cast.alice, note=note, **extra)
    progress = visible_progress(world["programme"], cast.alice)
    assert progress.percent == 0.0
    assert progress.count(ObligationState.AWAITING_VERIFICATION) == 1


def test_a_rejected_item_is_dropped_from_the_count(cast: Cast, world: dict[str, Any]):
    case = world["isfahan_item"].case
    do_transition_case(case, "reject", acting_user=cast.alice, note="تکراری است")
    _close(world["kerman_item"].case, cast.bob, cast.alice)
    progress = visible_progress(world["programme"], cast.alice)
    assert progress.axes[0].objectives[0].percent == pytest.approx(100.0)


def test_a_party_reads_the_progress_of_its_own_obligations(cast: Cast, world: dict[str, Any]):
    _close(world["isfahan_item"].case, cast.alice, cast.alice)
    lead_view = client_for(cast.alice).get(f"/api/v1/programmes/{world['programme'].pk}/progress/").json()
    party_view = client_for(cast.bob).get(f"/api/v1/programmes/{world['programme'].pk}/progress/").json()
    # The lead: courses 1 of 4 weight points = 25%, times 60% for training.
    assert lead_view["percent"] == 15.0
    # Bob's own obligations: nothing of his is closed yet.
    assert party_view["percent"] == 0.0
    assert [len(o["action_items"]) for a in party_view["axes"] for o in a["objectives"]] == [1, 1]
    assert party_view["counts"]["open"] == 2


def test_an_indicator_target_counts_when_the_approved_value_reaches_it(cast: Cast, world: dict[str, Any]):
    from rasad.indicators.actions import do_approve_period, do_submit_period
    from rasad.indicators.testing import assign, record
    from rasad.lib.jalali import JalaliPeriod

    programme: Programme = world["programme"]
    target = do_save_indicator_target(
        IndicatorTargetValues(
            objective=world["courses"],
            party=party_of(programme, cast.kerman),
            indicator=Indicator.objects.get(code="WASTE_RECYCLED"),
            organization=cast.kerman_post,
            comparator="gte",
            target_value=50.0,
            due_on=timezone.localdate() + timedelta(days=60),
        ),
        acting_user=cast.root,
    )
    (score,) = visible_progress(programme, cast.alice).targets
    assert (score.target, score.state, score.value) == (target, ObligationState.NOT_YET, None)
    period = JalaliPeriod.containing(timezone.localdate(), "month").previous().key
    assign(cast.kerman_post, "WASTE_RECYCLED", subtree=False)
    record(cast.kerman_post, "WASTE_RECYCLED", period, 64.0)
    do_submit_period(cast.kerman_post, period, acting_user=None)
    # Submitted but not approved yet: it does not count.
    (score,) = visible_progress(programme, cast.alice).targets
    assert score.state == ObligationState.NOT_YET
    do_approve_period(cast.kerman_post, period, acting_user=cast.root)
    progress = visible_progress(programme, cast.alice)
    (score,) = progress.targets
    assert (score.state, score.value) == (ObligationState.MET, 64.0)
    # Courses now hold items of weight 1 and 3 (open) and a target of weight 1 (met): 1 of 5.
    assert progress.axes[0].objectives[0].percent == pytest.approx(20.0)
    # Alice (Isfahan) sees the target, and so does Bob, whose party owes it.
    assert target.pk in _listed(cast.bob, "programme-indicator-targets")


def test_the_measured_organization_must_be_the_party_or_under_it(cast: Cast, world: dict[str, Any]):
    from django.core.exceptions import ValidationError

    programme: Programme = world["programme"]
    with pytest.raises(ValidationError) as error:
        do_save_indicator_target(
            IndicatorTargetValues(
                objective=world["courses"],
                party=party_of(programme, cast.kerman),
                indicator=Indicator.objects.get(code="WASTE_RECYCLED"),
                organization=cast.isfahan_post,
                comparator="gte",
                target_value=50.0,
                due_on=timezone.localdate() + timedelta(days=60),
            ),
            acting_user=cast.root,
        )
    assert set(error.value.message_dict) == {"organization"}
