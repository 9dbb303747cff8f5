from __future__ import annotations

import pytest

from rasad.indicators.tests.conftest import assigned  # noqa: F401  (the cast with indicators assigned)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
