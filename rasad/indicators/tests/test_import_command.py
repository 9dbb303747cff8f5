"""``rasad import_observations``: the import page's checks from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rasad.indicators.models import Observation
from rasad.indicators.tests.test_import import xlsx
from rasad.testing.cast import Cast


def test_the_command_imports_a_workbook(assigned: Cast, tmp_path):
    path = tmp_path / "values.xlsx"
    path.write_bytes(
        xlsx([["ISF-P1", "ELEC_CONS", f"1402-{m:02d}", 100 + m, "MWh", ""] for m in range(1, 4)])
    )
    out = StringIO()
    call_command("import_observations", str(path), "--user", "ali", stdout=out)
    assert "created 3" in out.getvalue()
    assert Observation.objects.count() == 3


def test_the_command_refuses_rows_out_of_scope_and_writes_nothing(assigned: Cast, tmp_path):
    path = tmp_path / "values.xlsx"
    path.write_bytes(xlsx([["KER-P1", "ELEC_CONS", "1402-01", 100, "MWh", ""]]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_observations", str(path), "--user", "ali", stderr=StringIO())
    assert Observation.objects.count() == 0
