from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _private_media_root(settings: Any, tmp_path: Path) -> None:
    """Each test stores attachments in its own directory, so file checks see only its files."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
