"""Review 20: what a small batch reads on PostgreSQL by its (organization, period) pairs and each
series' own window (``reporting._pairs``, on generic plans) is what the statements by lists of
organizations and periods read (``reporting._FACTS``, ``reporting._STORED_SERIES``), for every row: its
period approved or not, its indicators assigned, its stored value, the values of its period and
its outlier window, at a year's turn, with an approved period, with a window reaching before the
series' first value or before any value, with a new series, and in batches mixing two sites.

Cast: Isfahan's post (ISF-P1) has three years of electricity and a year and a half of
self-generated electricity; Kerman's (KER-P1) three months of electricity, its 1401-11 approved,
and one month of gas."""

from __future__ import annotations

import bisect
from typing import Any

import pytest
from django.db import connection

from rasad.indicators.actions import ObservationInput, do_record_observations, reporting
from rasad.indicators.choices import ObservationStatus
from rasad.indicators.models import Observation
from rasad.indicators.testing import indicator
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast


def _row(organization: Any, code: str, period: str, value: float = 100.0) -> ObservationInput:
    return ObservationInput(organization, indicator(code), JalaliPeriod.parse(period), value)


def _months(first_year: int, first_month: int, last_year: int, last_month: int) -> list[str]:
    months = []
    year, month = first_year, first_month
    while (year, month) <= (last_year, last_month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _as_plan_reads(stored: Any, rows: list[ObservationInput]) -> tuple[list[Any], set[int]]:
    """What ``_plan`` reads of ``stored`` for each row (``_plan``'s own slicing of the window)."""
    reads = []
    for r in rows:
        org_id, indicator_id, key = r.organization.id, r.indicator.id, r.period.key
        window: list[tuple[str, float]] = []
        series = stored.series.get((org_id, indicator_id))
        if series is not None:
            keys, offset = series
            begin = bisect.bisect_left(keys, stored.window_starts[key])
            end = bisect.bisect_left(keys, key, begin)
            window = list(zip(keys[begin:end], stored.history[offset + begin : offset + end], strict=True))
        reads.append(
            (
                (org_id, indicator_id, key),
                stored.existing.get((org_id, indicator_id, key)),
                dict(stored.period_values[(org_id, key)]),
                window,
            )
        )
    return reads, stored.target_ids


@pytest.mark.postgres
def test_small_batches_read_by_pairs_what_the_lists_read(assigned: Cast, monkeypatch: pytest.MonkeyPatch):
    isfahan, kerman = assigned.isfahan_post, assigned.kerman_post
    record = [
        *(_row(isfahan, "ELEC_CONS", key, 100 + i % 7) for i, key in enumerate(_months(1399, 1, 1401, 12))),
        *(_row(isfahan, "ELEC_SELF", key, 10 + i % 3) for i, key in enumerate(_months(1400, 6, 1401, 12))),
        *(_row(kerman, "ELEC_CONS", key, 50 + i) for i, key in enumerate(_months(1401, 10, 1401, 12))),
        _row(kerman, "GAS_CONS", "1401-12", 7),
    ]
    do_record_observations(record, acting_user=None, source="import")
    Observation.objects.filter(organization=kerman, period_key="1401-11").update(
        status=ObservationStatus.APPROVED
    )
    batches = [
        [_row(isfahan, "ELEC_CONS", "1402-01")],
        [
            _row(isfahan, "ELEC_CONS", "1401-12"),
            _row(isfahan, "ELEC_CONS", "1402-01"),
            _row(kerman, "ELEC_CONS", "1402-01"),
        ],
        [
            _row(kerman, "ELEC_CONS", "1401-11"),
            _row(isfahan, "GAS_CONS", "1401-11"),
            _row(kerman, "GAS_CONS", "1402-02"),
        ],
        [_row(kerman, "ELEC_CONS", "1401-10")],
        [
            _row(isfahan, "ELEC_SELF", "1401-03"),
            _row(kerman, "ELEC_SELF", "1401-12"),
            _row(isfahan, "ELEC_CONS", "1400-01"),
        ],
        [
            _row(kerman, "GAS_CONS", "1401-12"),
            _row(kerman, "ELEC_CONS", "1401-12"),
            _row(isfahan, "ELEC_SELF", "1400-06"),
        ],
    ]
    for rows in batches:
        organizations = {r.organization.id: r.organization for r in rows}
        pairs = {(r.organization.id, r.period.key) for r in rows}
        by_lists = reporting._read_facts(rows, organizations, lock=False)
        by_pairs = reporting._read_facts(rows, organizations, lock=True)
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "force_generic_plan"
        assert by_pairs[0] == by_lists[0] & pairs, rows
        assert by_pairs[1] == by_lists[1], rows
        _rules, related = reporting._rules_of(rows)
        monkeypatch.setattr(reporting, "GENERIC_PLANS_BELOW", 0)
        lists = _as_plan_reads(reporting._read_stored(rows, related), rows)
        monkeypatch.setattr(reporting, "GENERIC_PLANS_BELOW", 200)
        read_by_pairs = _as_plan_reads(reporting._read_stored(rows, related), rows)
        assert read_by_pairs == lists, rows
    # The batches read something: an approved period, windows of 24 months and shorter ones.
    assert (kerman.id, "1401-11") in reporting._read_facts(batches[2][:1], {kerman.id: kerman}, lock=True)[0]
    reads, _targets = _as_plan_reads(reporting._read_stored(batches[1], related), batches[1])
    assert [len(window) for _key, _old, _values, window in reads] == [24, 24, 3]
