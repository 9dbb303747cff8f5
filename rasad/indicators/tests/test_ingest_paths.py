"""The bulk ingest's short cuts give the answers of the full paths they skip: the common row of a
batch is read without the per-field checks (``bulk._row``, ``importer.parse_rows``), and the API's
rows are not searched again for refused characters (the JSON parser has searched the body)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from rest_framework.exceptions import ValidationError

from rasad.api.parsers import JSONParser
from rasad.conftest import client_for
from rasad.indicators.api import bulk
from rasad.indicators.api.views import ObservationViewSet
from rasad.indicators.importer import Resolver, _in_order, _parse_row, parse_rows
from rasad.indicators.models import Observation
from rasad.indicators.testing import new_batch
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"

ROWS: list[dict[str, Any]] = [
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 100},
    {"organization": "ISF-P1", "indicator": "GAS_CONS", "period": "1402-01", "value": 12.5},
    {
        "organization": "ISF-P1",
        "indicator": "ELEC_CONS",
        "period": "1402-02",
        "value": 7,
        "comment": " note ",
    },
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-03", "value": 7, "comment": 0},
    {"organization": " ISF-P1 ", "indicator": "ELEC_CONS", "period": " 1402-04 ", "value": 8},
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "۱۴۰۲-۰۵", "value": 9},
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-06", "value": "۱٬۲۳۴"},
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-07", "value": 3600, "unit": "GJ"},
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-08", "value": 5, "unit": " "},
    {"organization": "NOPE", "indicator": "ELEC_CONS", "period": "1402-09", "value": 1},
    {"organization": "ISF-P1", "indicator": "NOPE", "period": "1402-09", "value": 1},
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-13", "value": 1},
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-10", "value": True},
    {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-11", "value": None},
    {"organization": 7, "indicator": "ELEC_CONS", "period": "1402-11", "value": 1},
    {},
    # A period key read once a batch: again as refused, again as read, and no comment at all.
    {"organization": "ISF-P1", "indicator": "GAS_CONS", "period": "1402-13", "value": 2},
    {"organization": "ISF-P1", "indicator": "GAS_CONS", "period": "1402-01", "value": 3.5, "comment": None},
    {"organization": "ISF-P1", "indicator": "GAS_CONS", "period": "۱۴۰۲-۰۵", "value": 4},
]


@translation.override("en")
def test_the_common_row_reads_as_the_full_path_reads_it(assigned: Cast):
    resolver = Resolver(assigned.ali, ROWS)
    expected_rows, expected_errors = [], []
    for offset, raw in enumerate(ROWS):
        if not raw:
            continue
        row = _parse_row(raw, offset, resolver)
        if isinstance(row, list):
            expected_errors.extend(row)
        else:
            expected_rows.append(row)
    parsed, errors = parse_rows(ROWS, user=assigned.ali, first_row=0, check=False, text_checked=True)
    assert parsed == expected_rows
    assert errors == _in_order(expected_errors)
    assert [r.row for r in parsed] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 17, 18]
    assert parsed[9].comment == "" and parsed[10].period == parsed[5].period
    assert parsed[2].comment == "note" and parsed[3].comment == "0"


def test_the_bulk_reader_strips_and_refuses_as_before():
    rows = [
        {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 1},
        {"organization": " ISF-P1", "indicator": "ELEC_CONS ", "period": "1402-02", "value": 2},
        {"organization": "X" * 41, "indicator": "ELEC_CONS", "period": "1402-03", "value": 3},
        {"organization": "", "indicator": "ELEC_CONS", "period": "1402-04", "value": 4},
        {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-05", "value": None},
        {"organization": "ISF-P1", "indicator": 5, "period": "1402-06", "value": 6},
    ]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        bulk.parse({"batch_id": "b", "observations": rows})
    detail: Any = refused.value.detail
    assert set(detail["observations"]) == {2, 3, 4}
    assert set(detail["observations"][2]) == {"organization"}
    assert set(detail["observations"][3]) == {"organization"}
    assert set(detail["observations"][4]) == {"value"}
    read = bulk.parse({"batch_id": "b", "observations": [rows[0], rows[1], rows[5]]}).observations
    assert read == [
        rows[0],
        {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-02", "value": 2},
        {"organization": "ISF-P1", "indicator": "5", "period": "1402-06", "value": 6},
    ]


def test_the_bulk_view_reads_only_bodies_the_boundary_has_checked(assigned: Cast):
    """The importer does not search the API's rows for refused characters (``text_checked``):
    the view's only parser applies the same rule to every string of the body."""
    assert ObservationViewSet.parser_classes and all(
        issubclass(parser, JSONParser) for parser in ObservationViewSet.parser_classes
    )
    payload = {
        "batch_id": new_batch(),
        "observations": [
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 1},
            {
                "organization": "ISF-P1",
                "indicator": "ELEC_CONS",
                "period": "1402-02",
                "value": 1,
                "comment": "bell\x07",
            },
        ],
    }
    response = client_for(assigned.ali).post(BULK, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "observations[1].comment" in response.json()["error"]["fields"]
    assert not Observation.objects.exists()


def _row_by_row(rows: list[Any]) -> tuple[list[Any], dict[int, Any]]:
    """What ``bulk.parse`` reads from ``rows`` with ``bulk._row`` on every row (the slow path)."""
    read, problems = [], {}
    for index, raw in enumerate(rows):
        row, errors = bulk._row(raw)
        if errors:
            problems[index] = errors
        read.append(row)
    return read, problems


COMMON = {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 1.5}
# Each makes one row of a batch other than the common row, or leaves it common (the last ones).
CHANGES: list[dict[str, Any]] = [
    {"organization": " ISF-P1"},
    {"indicator": "ELEC_CONS\t"},
    {"period": ""},
    {"organization": "X" * 41},
    {"indicator": "E" * 41},
    {"period": "1402-01-01x"},
    {"organization": "ISF\x00P1"},
    {"indicator": 5},
    {"period": ["1402-01"]},
    {"value": None},
    {"comment": "a note"},
    {"unit": "GJ"},
    {"organization": "X" * 40},
    {"value": "12"},
    {"value": True},
    {"value": [1]},
]


@pytest.mark.parametrize("change", CHANGES, ids=[repr(c)[:30] for c in CHANGES])
def test_a_whole_batch_read_at_once_reads_as_row_by_row(change: dict[str, Any]) -> None:
    """``bulk._all_common`` decides a whole batch at once; its answer is what ``_row`` gives
    each row: a batch with one row changed is read or refused as row by row."""
    rows: list[Any] = [dict(COMMON, period=f"1402-{month:02d}") for month in range(1, 13)] * 3
    rows[7] = {**rows[7], **change}
    with translation.override("en"):
        expected, problems = _row_by_row(rows)
        if problems:
            with pytest.raises(ValidationError) as refused:
                bulk.parse({"batch_id": "b", "observations": rows})
            detail: Any = refused.value.detail
            assert detail["observations"] == problems
        else:
            assert bulk.parse({"batch_id": "b", "observations": rows}).observations == expected
    assert bulk._all_common(rows) is (
        expected == rows and all(r is e for r, e in zip(rows, expected, strict=True))
    )
    assert bulk._all_common([COMMON] * 5) and not bulk._all_common([COMMON, [COMMON]])
