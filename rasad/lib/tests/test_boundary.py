"""The input boundary's rules: which characters text may hold, which dates are accepted, and the
backstop that applies both to every saved row."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rasad.lib import boundary, jalali


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\ud800"])
def test_control_characters_are_refused_in_any_text(char: str) -> None:
    assert boundary.forbidden_character(f"a{char}b") == char
    assert boundary.forbidden_character(f"a{char}b", multiline=False) == char


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tab_and_line_breaks_are_refused_only_on_one_line(char: str) -> None:
    assert boundary.forbidden_character(f"a{char}b") is None
    assert boundary.forbidden_character(f"a{char}b", multiline=False) == char


def test_persian_text_with_zwnj_and_bidi_marks_is_clean() -> None:
    assert boundary.forbidden_character("می‌شود \u200f۱۴۰۳/۱۲/۱۳ — «نقطهٔ مرزی»", multiline=False) is None


def test_the_message_names_the_character() -> None:
    with pytest.raises(ValidationError) as caught:
        boundary.check_text("bell\x07")
    assert caught.value.code == "control_character"
    with translation.override("en"):
        assert caught.value.messages == [
            "This text contains a control character (U+0007) that text may not hold."
        ]


def test_a_line_break_in_single_line_text_says_so() -> None:
    with pytest.raises(ValidationError) as caught:
        boundary.check_single_line("two\nlines")
    assert caught.value.code == "single_line"
    with translation.override("en"):
        assert "must be on one line" in caught.value.messages[0]


def test_the_message_is_translated() -> None:
    with translation.override("fa"):
        with pytest.raises(ValidationError) as caught:
            boundary.check_text("\x00")
        message = caught.value.messages[0]  # the message is lazy: render it in Persian
    assert "U+0000" in message
    assert "control character" not in message


@pytest.mark.parametrize(
    "value",
    [date(1821, 3, 21), date(1921, 3, 21), date(2025, 3, 21), date(2122, 3, 20)],
)
def test_dates_in_the_accepted_range_pass(value: date) -> None:
    boundary.check_date(value)


@pytest.mark.parametrize(
    "value",
    [
        date(1, 1, 1),
        date(1821, 3, 20),
        date(2122, 3, 21),
        date(9999, 12, 31),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
    ],
)
def test_dates_outside_the_accepted_range_are_refused(value: date) -> None:
    with pytest.raises(ValidationError) as caught:
        boundary.check_date(value)
    assert caught.value.code == "date_range"


def test_the_accepted_range_is_jalali_1200_to_1500() -> None:
    assert jalali.to_jalali(jalali.first_accepted_date()) == (1200, 1, 1)
    assert jalali.to_jalali(jalali.last_accepted_date()) == (1500, 12, 29)


def test_iter_strings_names_where_each_string_is() -> None:
    document = {"items": [{"comment": "a"}, {"comment": "b", "tags": ["x"]}], "k": 1}
    found = sorted(boundary.iter_strings(document))
    assert found == [
        ("items", "items"),
        ("items[0].comment", "a"),
        ("items[0].comment", "comment"),
        ("items[1].comment", "b"),
        ("items[1].comment", "comment"),
        ("items[1].tags", "tags"),
        ("items[1].tags[0]", "x"),
        ("k", "k"),
    ]


def test_depth_of_counts_nesting_without_recursion() -> None:
    assert boundary.depth_of(1) == 0
    assert boundary.depth_of([]) == 1
    assert boundary.depth_of({"a": [{"b": 1}]}) == 3
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    assert boundary.depth_of(deep) == 100_001


def _depth_by_stack(value: object) -> int:
    """The definition ``depth_of`` must agree with: every container on a stack with its level."""
    deepest = 0
    stack: list[tuple[int, object]] = [(0, value)]
    while stack:
        level, item = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level + 1)
            stack.extend((level + 1, child) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _random_document(generator: random.Random, budget: int) -> object:
    kind = generator.randrange(6) if budget > 0 else generator.randrange(3)
    if kind == 0:
        return generator.choice(["", "x", "[{", "]}"])
    if kind == 1:
        return generator.choice([0, 1.5, -2, True, None])
    if kind == 2:
        return generator.choice([[], {}])
    size = generator.randrange(5)
    if kind == 3:
        return [_random_document(generator, budget - 1) for _ in range(size)]
    return {f"k{index}": _random_document(generator, budget - 1) for index in range(size)}


def test_depth_of_agrees_with_the_stack_walk() -> None:
    generator = random.Random(17)
    documents: list[object] = [_random_document(generator, generator.randrange(8)) for _ in range(2000)]
    # A bulk batch's shape, and levels where containers and scalars mix.
    documents.append({"batch_id": "b", "observations": [{"organization": "S", "value": 1.0}] * 50})
    documents.append([1, {"a": [2, {"b": []}]}, [[[]]], "s", {}])
    documents.append({"rows": [{"x": 1}, [2], 3]})
    for document in documents:
        assert boundary.depth_of(document) == _depth_by_stack(document), document


# Each text decodes to a string holding a refused character, whether written raw or escaped.
REFUSED_JSON = [
    '{"a": "\\u0000"}',
    '["\\b"]',
    '["\\f"]',
    '{"k": "x\\u001F"}',
    '{"k": "x\\u001f"}',
    '["\\u007F"]',
    '["\\u007f"]',
    '["\\ud800"]',
    '["\\uDFFF tail"]',
    '{"na\\u0007me": 1}',
    '["raw\x7fdel"]',
]
# Each decodes to strings the multi-line rule allows, with whether the text alone shows it (a
# \u escape of a control character, even an allowed one, or of a surrogate pair sends it through
# the walk).
ALLOWED_JSON = [
    ('{"observations": [{"organization": "ISF-P1", "value": 12.5, "comment": "سلام"}]}', True),
    ('["\\u0041", "\\"quoted\\"", "back\\\\slash", null, false, 1e3]', True),
    ('{\n\t"spaced": "out"\r\n}', True),
    ('["tab\\tand\\nline"]', True),
    ('["tab\\u0009"]', False),
    ('["\\ud83d\\ude00"]', False),
]


def _refused_by_the_walk(text: str) -> bool:
    return any(boundary.forbidden_character(s) for _where, s in boundary.iter_strings(json.loads(text)))


@pytest.mark.parametrize("text", REFUSED_JSON)
def test_a_json_text_that_may_hold_a_refused_character_takes_the_full_walk(text: str) -> None:
    assert _refused_by_the_walk(text)
    assert not boundary.json_text_is_clean(text)


@pytest.mark.parametrize(("text", "clean"), ALLOWED_JSON)
def test_a_clean_json_text_is_passed_without_the_walk(text: str, clean: bool) -> None:
    assert not _refused_by_the_walk(text)
    assert boundary.json_text_is_clean(text) is clean


def test_cells_are_clean_agrees_with_cell_problems() -> None:
    rows: list[dict[str, object]] = [
        {"organization": "ISF-P1", "value": 12.5, "comment": "یک\nدو\tسه"},
        {"organization": "ISF\x00", "value": 1},
        {"comment": "bell\x07"},
        {"when": date(1000, 1, 1)},
        {"when": date(2024, 1, 1)},
        {},
    ]
    verdicts = [boundary.cells_are_clean(row) for row in rows]
    assert verdicts == [True, False, False, False, False, True]
    for row, clean in zip(rows, verdicts, strict=True):
        problems = list(boundary.cell_problems(row))
        # Clean means no problem; a date cell is always left to the full check.
        assert (not problems) if clean else (problems or "when" in row)


def test_a_date_outside_the_range_is_refused_in_the_readers_digits() -> None:
    """The refusal is rendered when it is raised, in the reader's language and digits: a form, the
    API and an import show it as it is (Django formats no parameter of it later)."""
    with translation.override("fa"), pytest.raises(ValidationError) as caught:
        boundary.check_date(date(9999, 12, 31))
    (message,) = caught.value.messages
    assert "۹۹۹۹-۱۲-۳۱" in message and "۱۲۰۰/۰۱/۰۱" in message
    assert not any("0" <= character <= "9" for character in message), message
