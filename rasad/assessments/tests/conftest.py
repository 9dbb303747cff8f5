from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rasad.assessments.actions import do_launch_cycle
from rasad.assessments.testing import make_cycle, person
from rasad.testing.cast import Cast


@pytest.fixture(autouse=True)
def _private_media_root(settings: Any, tmp_path: Path) -> None:
    """Each test stores evidence in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def civil(cast: Cast) -> Any:
    """The civil defence coordinator: runs cycles over the whole tree (coordinator over NAT)."""
    return person("civil.defence", cast.national)


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
