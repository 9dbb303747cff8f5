"""Action items typed by field staff (session 20): weights in Persian and Arabic-Indic digits are
read, and a weight in digits ``int`` refuses («²») is a row error in Persian naming the row and
column, with nothing added, not a 500."""

from __future__ import annotations

import pytest
from django.utils import translation

from rasad.programs.importers import ActionItemImporter
from rasad.programs.models import ActionItem, Programme
from rasad.programs.testing import make_programme, make_structure
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db
HEADER = "axis,objective,party,title,category,priority,deadline,weight\n"
ROW = "محور آموزش,برگزاری دوره‌ها,KER-CC,اقدام {n},other,medium,۱۴۰۶/۰۶/۳۱,{weight}\n"


@pytest.fixture
def programme(cast: Cast) -> Programme:
    programme = make_programme(cast, cast.isfahan, parties=[cast.kerman])
    make_structure(cast, programme)
    return programme


def _run(cast: Cast, programme: Programme, *weights: str) -> list[tuple[int, str, str]]:
    data = (HEADER + "".join(ROW.format(n=n, weight=w) for n, w in enumerate(weights))).encode()
    with translation.override("fa"):
        report = ActionItemImporter(programme, acting_user=cast.root).run(data, file_name="items.csv")
        return [(e.row, e.column, str(e.message)) for e in report.errors]


def test_weights_in_persian_and_arabic_indic_digits_are_read(cast: Cast, programme: Programme):
    assert _run(cast, programme, "۵۰", "٣", "7") == []
    weights = ActionItem.objects.filter(programme=programme).order_by("pk").values_list("weight", flat=True)
    assert list(weights) == [50, 3, 7]


def test_a_weight_in_superscript_or_circled_digits_is_a_row_error(cast: Cast, programme: Programme):
    errors = _run(cast, programme, "۵۰", "²", "①", "1e3")
    message = "وزن باید عددی صحیح از ۱ تا ۱۰۰ باشد."
    assert errors == [(3, "weight", message), (4, "weight", message), (5, "weight", message)]
    assert not ActionItem.objects.filter(programme=programme).exists()


def test_a_party_code_typed_in_persian_digits_and_lower_case_is_read(cast: Cast, programme: Programme):
    """Session 23: the party's code was compared as typed, so «ker-۱۲» was "not a party" of a
    programme whose party is KER-12 (codes are Latin; digits typed on a Persian keyboard are not)."""
    cast.kerman.code = "KER-12"
    cast.kerman.save(update_fields=["code"])
    data = (HEADER + ROW.format(n=1, weight="5").replace("KER-CC", " ker-۱۲ ")).encode()
    with translation.override("fa"):
        report = ActionItemImporter(programme, acting_user=cast.root).run(data, file_name="items.csv")
    assert [(e.row, e.column, str(e.message)) for e in report.errors] == []
    assert ActionItem.objects.get(programme=programme).party.organization == cast.kerman
