"""``rasad rollups check`` finds kept rollups that differ from a recomputation and changes
nothing; ``rasad rollups rebuild`` repairs them; both report progress."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rasad.indicators import rollups
from rasad.indicators.models import Observation, Rollup
from rasad.indicators.testing import record
from rasad.lib.progress import reporting_to
from rasad.lib.tests.test_progress import Sink
from rasad.testing.cast import Cast


def _history(cast: Cast) -> None:
    for month in range(1, 4):
        record(cast.isfahan_post, "ELEC_CONS", f"1402-{month:02d}", 100.0 + month, user=cast.ali)
        record(cast.kerman_post, "ELEC_CONS", f"1402-{month:02d}", 50.0 + month, user=cast.bahram)
    rollups.fold()


def test_check_passes_on_kept_rollups_and_reports_progress(assigned: Cast):
    _history(assigned)
    sink, out = Sink(), io.StringIO()
    with reporting_to(sink):
        call_command("rollups", "check", stdout=out)
    assert "rollups check OK" in out.getvalue()
    count = Observation.objects.count()
    assert sink.seen[-1] == (count, count, "observations")


def test_check_finds_a_damaged_row_and_rebuild_repairs_it(assigned: Cast):
    _history(assigned)
    row = Rollup.objects.filter(organization=assigned.national).first()
    assert row is not None
    Rollup.objects.filter(pk=row.pk).update(total=row.total + 1)
    before = rollups.snapshot()
    with pytest.raises(CommandError, match="1 of"):
        call_command("rollups", "check", stdout=io.StringIO(), stderr=io.StringIO())
    assert rollups.snapshot() == before  # the check changed nothing
    out = io.StringIO()
    call_command("rollups", "rebuild", stdout=out)
    assert f"from {Observation.objects.count()} observations" in out.getvalue()
    call_command("rollups", "check", stdout=io.StringIO())
