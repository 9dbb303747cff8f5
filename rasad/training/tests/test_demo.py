"""The demo training loads once, through the actions, and tells the seed stories: Kerman's
media-literacy requirement with partial compliance, the AI bootcamp few heard of, the industry
workshops and Qom's green-jobs training."""

from __future__ import annotations

import pytest

from rasad.core.models import User
from rasad.testing.demo import loaded_once
from rasad.training.demo import MEDIA_REQUIREMENT, load_demo
from rasad.training.exports import visible_obligations
from rasad.training.models import Enrolment, Event

pytestmark = pytest.mark.django_db

# The demo training (with the core demo it builds on), loaded once for the module: its summary.
first_load = loaded_once(load_demo)


def test_the_demo_loads_once_and_kerman_is_partly_compliant(first_load: dict[str, int]):
    first = first_load
    assert load_demo() == first
    assert first["courses"] == 7
    governorate = User.objects.get(username="kerman.viewer")
    found = [o for o in visible_obligations(governorate) if o.requirement.title == MEDIA_REQUIREMENT]
    states = sorted(str(o.state) for o in found)
    # 12 officers and 3 managers; 6 attended last month's session.
    assert len(found) == 15
    assert states.count("met") == 6
    assert states.count("due") == 2  # the two newly named officers
    assert states.count("overdue") == 7
    # An agency's PR officer sees only their own agency's people.
    health = User.objects.get(username="kerman-health.pr")
    assert {o.organization.code for o in visible_obligations(health)} <= {"KER-HLT"}


@pytest.mark.usefixtures("first_load")
def test_the_bootcamp_had_sixty_places_and_few_came():
    bootcamp = Event.objects.get(kind="bootcamp")
    assert bootcamp.capacity == 60
    rows = Enrolment.objects.filter(event=bootcamp)
    assert (rows.count(), rows.filter(attended=True).count()) == (4, 3)


@pytest.mark.usefixtures("first_load")
def test_the_bootcamps_publicity_was_weak_and_the_next_session_was_announced_widely():
    from rasad.training.actions.announce import Publicity, publicity
    from rasad.training.models import Notice

    bootcamp = Event.objects.get(kind="bootcamp")
    assert publicity(bootcamp) == Publicity(notified=2, opened=1, enrolled=4, reminded=0)
    told = set(Notice.objects.filter(event=bootcamp).values_list("user__username", flat=True))
    assert told == {"kerman-media.coordinator", "kerman-media.analyst"}
    upcoming = (
        Event.objects.filter(kind="session", starts_at__gt=bootcamp.ends_at).order_by("starts_at").first()
    )
    assert upcoming is not None
    widely = publicity(upcoming)
    assert (widely.notified, widely.opened) == (16, 4)


@pytest.mark.usefixtures("first_load")
def test_past_completions_were_imported_for_two_industry_staff():
    from rasad.training.models import Completion

    imported = Completion.objects.filter(source="import").order_by("user__username")
    assert [(c.user.username, c.course.code) for c in imported] == [
        ("sirjan-iron.analyst", "iso-50001"),
        ("yazd-iron.analyst", "iso-50001"),
    ]
