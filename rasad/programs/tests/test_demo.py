"""The demo programmes load once, through the actions, and tell the seed stories: done, awaiting
verification, overdue and escalated items; reports answered and missing; each party sees only its
own obligations and the governorate sees Kerman's roll-up."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rasad.core.models import User
from rasad.programs.choices import ObligationState
from rasad.programs.demo import DOE_IMI, KERMAN_ROADMAP, QOM_GREEN, load_demo
from rasad.programs.models import ActionItem, Programme, StatusReport
from rasad.programs.reading import visible_progress

pytestmark = pytest.mark.django_db


def test_the_demo_programmes_load_once_and_tell_their_stories():
    first = load_demo()
    assert load_demo() == first
    assert first["programmes"] == 3
    titles = set(Programme.objects.values_list("title", flat=True))
    assert titles == {DOE_IMI, QOM_GREEN, KERMAN_ROADMAP}
    assert set(Programme.objects.values_list("status", flat=True)) == {"active"}

    kerman = Programme.objects.get(title=KERMAN_ROADMAP)
    governorate = User.objects.get(username="kerman.viewer")
    progress = visible_progress(kerman, governorate, now=timezone.now())
    assert len(progress.items) == kerman.action_items.count()
    assert progress.count(ObligationState.DONE) >= 1
    assert progress.count(ObligationState.OVERDUE) >= 1
    assert ActionItem.objects.filter(programme=kerman, case__escalation_level__gt=0).exists()

    qom = Programme.objects.get(title=QOM_GREEN)
    labour = User.objects.get(username="qom-labour.reporter")
    owed = {
        item.party.organization.code for item in ActionItem.objects.visible_to(labour).filter(programme=qom)
    }
    assert owed == {"QOM-LAB"}
    assert visible_progress(qom, labour).count(ObligationState.AWAITING_VERIFICATION) == 0
    assert (
        visible_progress(qom, User.objects.get(username="qom-doe.coordinator")).count(
            ObligationState.AWAITING_VERIFICATION
        )
        == 1
    )

    assert StatusReport.objects.exclude(state="").exists()
    assert StatusReport.objects.missing().exists()
