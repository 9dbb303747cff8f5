"""Adversarial checks of ``rasad.lib.prepared`` (session 17 review): a list slot (``Many``) takes
values as the ORM's ``field__in`` takes them, converted by the field (text for an integer or a
UUID column, Persian digits), and fails as the ORM fails on a value the field refuses."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from rasad.core.models import Organization
from rasad.lib.prepared import Many, PreparedQuery
from rasad.live.models import Heartbeat
from rasad.live.testing import make_device
from rasad.testing.cast import Cast


def _ids(ids: list[Any]) -> QuerySet[Any]:
    return Organization.objects.filter(pk__in=ids).order_by("code").values_list("code", flat=True)


IDS = PreparedQuery(_ids, ids=Many(-7_317_001))


def _heartbeats(ids: list[Any]) -> QuerySet[Any]:
    return (
        Heartbeat.objects.filter(id__in=ids).order_by("content_hash").values_list("content_hash", flat=True)
    )


HEARTBEATS = PreparedQuery(_heartbeats, ids=Many(uuid.UUID(int=7_317_002)))

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _forms_of_an_id(pk: int) -> list[list[Any]]:
    return [
        [str(pk)],
        [str(pk).translate(PERSIAN)],
        [str(pk), -1],
        [None, str(pk)],
        [True, pk],
        [float(pk)],
    ]


def test_an_integer_list_slot_takes_values_as_the_orm_takes_them(cast: Cast):
    for ids in _forms_of_an_id(cast.kerman.pk):
        assert IDS.rows(ids=ids) == [[code] for code in _ids(ids)], ids
        assert IDS.rows(ids=ids), ids


def test_a_uuid_list_slot_takes_values_as_the_orm_takes_them(cast: Cast):
    device = make_device(cast, cast.kerman)
    stored = uuid.uuid4()
    Heartbeat.objects.create(
        id=stored, organization=cast.kerman, device=device, device_time=timezone.now(), content_hash="stored"
    )
    for ids in ([stored], [str(stored)], [stored.hex], [str(stored).upper()], [str(stored), uuid.uuid4()]):
        assert HEARTBEATS.rows(ids=ids) == [["stored"]], ids
        assert [[found] for found in _heartbeats(ids)] == [["stored"]], ids


@pytest.mark.parametrize(
    ("prepared", "values"),
    [(IDS, ["twelve"]), (IDS, [1, "1.5"]), (HEARTBEATS, ["not-a-uuid"])],
    ids=["word-for-an-integer", "fraction-for-an-integer", "word-for-a-uuid"],
)
def test_a_list_slot_refuses_a_value_as_the_orm_refuses_it(
    cast: Cast, prepared: PreparedQuery, values: list[Any]
):
    build = _ids if prepared is IDS else _heartbeats
    with pytest.raises(Exception) as orm:  # noqa: PT011 - the ORM's own error, compared below
        list(build(values))
    with pytest.raises(type(orm.value)) as slot:
        prepared.rows(ids=values)
    assert str(slot.value) == str(orm.value)
