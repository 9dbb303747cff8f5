"""The home queue's provider hook: ``provide`` and the first form, ``home_counts``."""

from __future__ import annotations

import sys
import types
from datetime import date

import pytest

from rasad.testing.cast import Cast
from rasad.web.home import HomeContribution, HomeCount, WorkItem, _contribution


def _module(name: str, **functions: object) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in functions.items():
        setattr(module, key, value)
    return module


@pytest.fixture
def fake_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    item = WorkItem(section="waiting", kind="fake.item", title="یک کار", url="/x/")
    monkeypatch.setitem(
        sys.modules,
        "rasad_fake_new.home",
        _module("rasad_fake_new.home", provide=lambda user, today: HomeContribution(items=[item])),
    )
    monkeypatch.setitem(
        sys.modules,
        "rasad_fake_old.home",
        _module(
            "rasad_fake_old.home",
            home_counts=lambda user: [HomeCount("پیام‌ها", 3, "core:organization-list")],
        ),
    )


def test_provide_gives_items_and_the_first_form_gives_counts(cast: Cast, fake_modules: None) -> None:
    new = _contribution("rasad_fake_new.home", cast.alice, date(2026, 12, 2))
    assert [item.kind for item in new.items] == ["fake.item"]
    old = _contribution("rasad_fake_old.home", cast.alice, date(2026, 12, 2))
    assert old.items == [] and [count.value for count in old.counts] == [3]


def test_a_count_by_url_name_is_reversed_and_a_path_kept(db) -> None:
    assert HomeCount("x", 1, "core:organization-list").resolved().url == "/organizations/"
    assert HomeCount("x", 1, "/cases/?overdue=true").resolved().url == "/cases/?overdue=true"
