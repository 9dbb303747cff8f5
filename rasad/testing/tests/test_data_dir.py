"""A test run never uses the checkout's own data directory, where the demo keeps its database,
uploads and audit trail (``rasad.testing.data_dir``)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def test_the_run_s_data_directory_is_not_the_checkout_s() -> None:
    checkout_var = (Path(settings.BASE_DIR).parent / "var").resolve()
    assert checkout_var != settings.DATA_DIR
    assert checkout_var not in Path(settings.MEDIA_ROOT).parents
    assert checkout_var not in settings.AUDIT_KEY_PATH.parents
    # Every worker and every process a test starts reads the same directory.
    assert Path(os.environ["RASAD_DATA_DIR"]).resolve() == settings.DATA_DIR
