"""A batch's read of what is stored (``reporting._read_stored``) against the record it reads: the
values of the batch's own periods, and each series' outlier window (the ``HISTORY_WINDOW``
periods before each value) with its keys in order, whatever the length of the record. On
PostgreSQL a series' window comes as one row (its keys and values as arrays), so the rows read
do not grow with the history (issue 11, item 4)."""

from __future__ import annotations

import bisect
import random
from typing import Any

import pytest
from django.db import connection

from rasad.conftest import client_for
from rasad.indicators import validation
from rasad.indicators.actions import ObservationInput, reporting
from rasad.indicators.models import Indicator, Observation
from rasad.indicators.testing import new_batch
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"
CODES = ("ELEC_CONS", "GAS_CONS")


def _months(first_year: int, years: int) -> list[JalaliPeriod]:
    return [
        JalaliPeriod.parse(f"{year}-{month:02d}")
        for year in range(first_year, first_year + years)
        for month in range(1, 13)
    ]


def _store(cast: Cast, months: dict[str, list[JalaliPeriod]]) -> None:
    """Values of ISF-P1 for each indicator's months, through the API."""
    generator = random.Random(7)
    rows = [
        {
            "organization": "ISF-P1",
            "indicator": code,
            "period": period.key,
            "value": generator.uniform(90, 110),
        }
        for code, periods in months.items()
        for period in periods
    ]
    response = client_for(cast.ali).post(BULK, {"batch_id": new_batch(), "observations": rows}, format="json")
    assert response.status_code == 200, response.json()


def _inputs(cast: Cast, keys: list[tuple[str, str]]) -> list[ObservationInput]:
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    return [
        ObservationInput(cast.isfahan_post, indicators[code], JalaliPeriod.parse(key), 1.0, "", row)
        for row, (code, key) in enumerate(keys)
    ]


def _expected_windows(cast: Cast, rows: list[ObservationInput]) -> dict[tuple[int, str], list[float]]:
    """Each row's outlier window, from the stored record by the definition: the stored values of
    its series in the ``HISTORY_WINDOW`` periods before its own, in order."""
    windows = {}
    for r in rows:
        first = r.period
        for _step in range(validation.HISTORY_WINDOW):
            first = first.previous()
        windows[(r.indicator.id, r.period.key)] = list(
            Observation.objects.filter(
                organization=cast.isfahan_post,
                indicator=r.indicator,
                period_key__gte=first.key,
                period_key__lt=r.period.key,
            )
            .order_by("period_key")
            .values_list("value", flat=True)
        )
    return windows


def test_the_stored_read_gives_each_value_its_window_and_its_period(assigned: Cast):
    """A batch that sends new periods after a long record and again periods already stored, over
    a series with a full window and one with a short record: each row's window, found in
    ``history`` by its series' keys as ``_plan`` finds it, is the stored record's; the stored
    values of the batch's periods are ``existing`` and in ``period_values``."""
    record = _months(1399, 3)
    _store(assigned, {"ELEC_CONS": record, "GAS_CONS": record[-5:]})
    keys = [(code, key) for code in CODES for key in ("1401-06", "1401-12", "1402-01", "1402-02")]
    rows = _inputs(assigned, keys)
    indicator_ids = {r.indicator.id for r in rows}
    stored = reporting._read_stored(rows, indicator_ids)
    for r, expected in zip(rows, _expected_windows(assigned, rows).values(), strict=True):
        keys_of, offset = stored.series[(assigned.isfahan_post.id, r.indicator.id)]
        assert keys_of == sorted(keys_of)
        begin = offset + bisect.bisect_left(keys_of, reporting._window_start(r.period))
        end = offset + bisect.bisect_left(keys_of, r.period.key)
        assert stored.history[begin:end] == expected
    stored_keys = {
        (o.indicator_id, o.period_key): o
        for o in Observation.objects.filter(
            organization=assigned.isfahan_post, indicator_id__in=indicator_ids
        )
    }
    for r in rows:
        observation = stored_keys.get((r.indicator.id, r.period.key))
        key = (assigned.isfahan_post.id, r.indicator.id, r.period.key)
        if observation is None:
            assert key not in stored.existing
        else:
            assert stored.existing[key] == (
                observation.id,
                observation.value,
                observation.comment,
                observation.status,
            )
        # The batch's own value where it reports one, the stored value of the others.
        assert stored.period_values[(assigned.isfahan_post.id, r.period.key)][r.indicator.id] == 1.0


def _fetched(monkeypatch: pytest.MonkeyPatch, *, bulk: bool = False) -> list[list[Any]]:
    """The rows ``_read_stored``'s statement returns, kept as they come; with ``bulk``, the
    statement of a bulk upload's batch, whatever the batch's size."""
    kept: list[list[Any]] = []
    # PostgreSQL reads a small batch by its pairs (``_STORED_BY_PAIRS``), a bulk one by its
    # lists and its series (``_STORED_SERIES``); SQLite by its lists.
    statement = reporting._STORED
    if connection.vendor == "postgresql":
        statement = reporting._STORED_SERIES if bulk else reporting._STORED_BY_PAIRS
    if bulk:
        monkeypatch.setattr(reporting, "GENERIC_PLANS_BELOW", 0)
    rows = statement.rows

    def keeping(*args: Any, **kwargs: Any) -> list[list[Any]]:
        result = rows(*args, **kwargs)
        kept.extend(result)
        return result

    monkeypatch.setattr(statement, "rows", keeping)
    return kept


@pytest.mark.postgres
@pytest.mark.parametrize("bulk", [False, True], ids=["by pairs", "bulk"])
def test_a_series_window_is_one_row_however_long_the_record(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch, bulk: bool
):
    """Growth, not a count: a batch after one year of record and one after six read the same
    number of rows (a row per series, a row per stored value of the batch's periods), by the
    small batch's statement and by the bulk upload's."""
    _store(assigned, {code: _months(1396, 6) for code in CODES})
    counts = []
    for year in (1397, 1402):
        kept = _fetched(monkeypatch, bulk=bulk)
        keys = [(code, f"{year}-{month:02d}") for code in CODES for month in (1, 2, 3)]
        rows = _inputs(assigned, keys)
        stored = reporting._read_stored(rows, {r.indicator.id for r in rows})
        assert len(stored.history) >= 2 * 12  # a year of each series is in its window
        counts.append(sorted(row[0] for row in kept))
        monkeypatch.undo()
    # 1397's periods are stored (six value rows), 1402's are new; each has two series rows.
    assert counts == [["series"] * 2 + ["value"] * 6, ["series"] * 2]
    assert connection.vendor == "postgresql"


def test_a_window_read_out_of_order_is_put_in_order(assigned: Cast, monkeypatch: pytest.MonkeyPatch):
    """A bulk batch's windows come in the order of the unique index, the database's collation,
    and PostgreSQL aggregates them in the order they come, which it does but does not promise
    (``reporting._stored_series``): a series' keys and values that came out of order (and, on
    SQLite, window rows in any order) give the same windows as the statement's own order."""
    _store(assigned, {"ELEC_CONS": _months(1399, 3), "GAS_CONS": _months(1400, 2)[3:]})
    keys = [(code, key) for code in CODES for key in ("1401-06", "1402-01", "1402-02")]
    rows = _inputs(assigned, keys)
    indicator_ids = {r.indicator.id for r in rows}
    # The bulk upload's statement, whatever the batch's size.
    monkeypatch.setattr(reporting, "GENERIC_PLANS_BELOW", 0)
    in_order = reporting._read_stored(rows, indicator_ids)
    shuffle = random.Random(3).shuffle
    statement = reporting._STORED_SERIES if connection.vendor == "postgresql" else reporting._STORED
    fetch = statement.rows

    def out_of_order(*args: Any, **kwargs: Any) -> list[Any]:
        fetched = [list(row) for row in fetch(*args, **kwargs)]
        for row in fetched:
            if row[0] == "series":
                pairs = list(zip(row[8], row[9], strict=True))
                shuffle(pairs)
                row[8], row[9] = [k for k, _v in pairs], [v for _k, v in pairs]
        shuffle(fetched)
        return fetched

    monkeypatch.setattr(statement, "rows", out_of_order)
    shuffled = reporting._read_stored(rows, indicator_ids)
    assert shuffled.existing == in_order.existing
    assert shuffled.period_values == in_order.period_values
    for name, (keys_of, offset) in in_order.series.items():
        shuffled_keys, shuffled_offset = shuffled.series[name]
        assert shuffled_keys == keys_of == sorted(keys_of)
        window = in_order.history[offset : offset + len(keys_of)]
        assert shuffled.history[shuffled_offset : shuffled_offset + len(keys_of)] == window
    assert sum(len(k) for k, _o in in_order.series.values()) > 20
