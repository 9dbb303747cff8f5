"""The reordering plugin for finding order-dependent tests (rasad/testing/order.py), with stand-in
items: the slow and transactional groups stay where the run put them, each module's tests stay
together, and the same seed gives the same order (every pytest-xdist worker must agree)."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.testing.order import _changes, reordered


class Item:
    def __init__(self, nodeid: str, *, slow: bool = False, transactional: bool = False) -> None:
        self.nodeid = nodeid
        self.fixturenames = ["transactional_db"] if transactional else ["db"]
        self._slow = slow

    def get_closest_marker(self, name: str) -> Any:
        return object() if name == "slow" and self._slow else None


def _items() -> list[Any]:
    return [
        Item("a.py::slow", slow=True),
        Item("a.py::one"),
        Item("a.py::two"),
        Item("b.py::one"),
        Item("b.py::two"),
        Item("c.py::one"),
        Item("a.py::committed", transactional=True),
        Item("d.py::committed", transactional=True),
    ]


def _ids(items: list[Any]) -> list[str]:
    return [item.nodeid for item in items]


def test_reversed_keeps_the_groups_in_place_and_each_module_together():
    assert _ids(reordered(_items(), "reversed")) == [
        "a.py::slow",
        "c.py::one",
        "b.py::two",
        "b.py::one",
        "a.py::two",
        "a.py::one",
        "d.py::committed",
        "a.py::committed",
    ]


def test_a_seed_gives_one_order_and_the_groups_stay_in_place():
    shuffled = _ids(reordered(_items(), "shuffled:5"))
    assert shuffled == _ids(reordered(_items(), "shuffled:5"))
    assert sorted(shuffled[1:6]) == sorted(_ids(_items())[1:6])
    assert shuffled[0] == "a.py::slow" and set(shuffled[6:]) == {"a.py::committed", "d.py::committed"}
    modules = [nodeid.split("::")[0] for nodeid in shuffled[1:6]]
    runs = [module for index, module in enumerate(modules) if index == 0 or modules[index - 1] != module]
    assert len(runs) == len(set(runs)) == 3  # each module's tests in one run


def test_an_unknown_order_is_refused():
    with pytest.raises(pytest.UsageError, match="reversed or shuffled"):
        reordered(_items(), "backwards")


def test_the_changes_name_the_setting_and_both_values():
    before = {"settings": {"DEBUG": "False"}, "language": "fa"}
    after = {"settings": {"DEBUG": "True"}, "language": "en"}
    assert _changes(before, after) == ["settings: DEBUG: 'False' -> 'True'", "language: 'fa' -> 'en'"]
