from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from rasad.assessments.actions import do_close_cycle, do_launch_cycle
from rasad.assessments.models import Assessment, Cycle
from rasad.assessments.testing import make_cycle, make_final, person
from rasad.core.testing import make_organization
from rasad.testing.cast import Cast


@pytest.fixture(autouse=True)
def _private_media_root(settings: Any, tmp_path: Path) -> None:
    """Each test stores evidence in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def civil(cast: Cast) -> Any:
    """The civil defence coordinator: runs cycles over the whole tree (coordinator over NAT)."""
    return person("civil.defence", cast.national, name="کیوان صدری")


@pytest.fixture
def kerman_coordinator(cast: Cast) -> Any:
    return person("ker.coordinator", cast.kerman)


@pytest.fixture
def isfahan_coordinator(cast: Cast) -> Any:
    return person("isf.coordinator", cast.isfahan)


@pytest.fixture
def posts_cycle(cast: Cast, civil: Any) -> Any:
    """The civil defence cycle over every field post, opening a challenge per bad section."""
    cycle = make_cycle(
        cast.national,
        user=civil,
        scope_kinds=["field_post"],
        opens_cases=True,
        name="ارزیابی پدافند غیرعامل ۱۴۰۴",
    )
    return do_launch_cycle(cycle, acting_user=civil)


# Compliance at every level (test_compliance.py and its browser journey): the civil defence
# body's cycle over the two field posts, the Isfahan post with a gap in physical protection
# (A1.2 "no": section A at 80%, total 95%), the Kerman post fully compliant.
GAP = {"A1.2": "no"}


@pytest.fixture
def posts(cast: Cast, civil: Any) -> Cycle:
    """This year's cycle over both posts, both final, reviewed by an assessor of a third body
    (so that neither province reads the other's assessment as its assessor)."""
    third = make_organization(cast, cast.national)
    assessor = person("third.assessor", third, role="analyst")
    cycle = make_cycle(cast.national, user=civil, scope_kinds=["field_post"], name="پدافند غیرعامل ۱۴۰۴")
    do_launch_cycle(cycle, acting_user=civil)
    for organization, answerer, gaps in (
        (cast.isfahan_post, cast.ali, GAP),
        (cast.kerman_post, cast.bob, {}),
    ):
        make_final(
            Assessment.objects.get(cycle=cycle, organization=organization),
            answerer=answerer,
            manager=civil,
            assessor=assessor,
            assessor_organization=third,
            exceptions=gaps,
        )
    return cycle


@pytest.fixture
def last_year(cast: Cast, civil: Any, posts: Cycle) -> Cycle:
    """Last year's cycle of the same checklist: only the Kerman post final, with C1.1 "no"."""
    cycle = make_cycle(
        cast.national,
        user=civil,
        scope_kinds=["field_post"],
        name="پدافند غیرعامل ۱۴۰۳",
        opens_on=timezone.localdate() - timedelta(days=3),
    )
    do_launch_cycle(cycle, acting_user=civil)
    assessor = Assessment.objects.filter(cycle=posts).first().reviews.first()  # type: ignore[union-attr]
    make_final(
        Assessment.objects.get(cycle=cycle, organization=cast.kerman_post),
        answerer=cast.bob,
        manager=civil,
        assessor=assessor.reviewer,
        assessor_organization=assessor.organization,
        exceptions={"C1.1": "no"},
    )
    return do_close_cycle(cycle, acting_user=civil)
