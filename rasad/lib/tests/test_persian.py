"""Tests for rasad.lib.persian on real Persian strings, most of them from Iranian news text.

Expected values are written with "|" where a ZWNJ belongs (see ``z``), so that the invisible
character can be seen in the tables.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal

import django
import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from rasad.lib.persian import (
    ZWNJ,
    TextParseError,
    format_number,
    normalize_text,
    parse_number,
    search_key,
    search_variants,
    to_latin_digits,
    to_persian_digits,
)

# These tests need Django only for translated messages. Under pytest-django the project settings
# are already loaded; run on their own (``-p no:django``) they get the smallest settings that work.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=True, INSTALLED_APPS=[])
    django.setup()

LRM = "\u200e"
MINUS = "\u2212"


def z(text: str) -> str:
    """Write a ZWNJ as "|" in expected values."""
    return text.replace("|", ZWNJ)


# ---------------------------------------------------------------------------------------------
# normalize_text
# ---------------------------------------------------------------------------------------------

CHARACTER_CASES = [
    ("كرمان", "کرمان"),  # Arabic kaf
    ("علي", "علی"),  # Arabic yeh
    ("مصطفى", "مصطفی"),  # alef maksura
    ("يك", "یک"),
    ("کـــتاب", "کتاب"),  # tatweel
    ("مُحَمَّد", "محمد"),  # harakat
    ("موسیٰ", "موسی"),  # superscript alef
    ("ﺳﻼﻡ", "سلام"),  # presentation forms from a PDF
    ("مدرسة", "مدرسة"),  # teh marbuta stays
    ("خانهٔ ما", "خانهٔ ما"),  # the ezafe hamza stays
    ("تأثیرگذار", "تأثیرگذار"),  # hamza on alef is a letter, not a diacritic
    ("١٤٠٣", "۱۴۰۳"),  # Arabic-Indic digits become Persian
    ("ISO 14001", "ISO 14001"),  # Latin digits stay as typed
    ("کد خبر: ۳۲۹٬۳۶۹", "کد خبر: ۳۲۹٬۳۶۹"),
    ("\ufeffسلام", "سلام"),  # byte order mark
]

WHITESPACE_CASES = [
    ("  سلام   دنیا  ", "سلام دنیا"),
    ("سلام\tدنیا\u00a0خوب", "سلام دنیا خوب"),
    ("بند اول \r\n\r\n\r\n بند دوم", "بند اول\n\nبند دوم"),
    ("خط اول\nخط دوم", "خط اول\nخط دوم"),
    ("", ""),
    ("   ", ""),
]

ZWNJ_CASES = [
    (z("سامانه | های"), z("سامانه|های")),  # spaces around a ZWNJ
    (z("کتاب||ها"), z("کتاب|ها")),  # doubled ZWNJ
    (z("|سلام|"), "سلام"),  # at the ends of the text
    (z("سلام| دنیا"), z("سلام|دنیا")),
    (z("سلام|، دنیا"), "سلام، دنیا"),  # before punctuation
    (z("خط|\nبعدی"), "خط\nبعدی"),  # before a line break
]

VERB_PREFIX_CASES = [
    ("میشود", z("می|شود")),
    ("نمیشود", z("نمی|شود")),
    ("می شود", z("می|شود")),
    ("نمی شود", z("نمی|شود")),
    ("میکنند", z("می|کنند")),
    ("میتوان", z("می|توان")),
    ("نمی توان", z("نمی|توان")),
    ("میدهد", z("می|دهد")),
    ("میگوید", z("می|گوید")),
    ("میآید", z("می|آید")),
    ("میکرد", z("می|کرد")),
    ("میشدند", z("می|شدند")),
    ("برمیگردد", z("برمی|گردد")),
    ("می انجامد", z("می|انجامد")),
    (z("می|شود"), z("می|شود")),
    ("منتشر نمیشود.", z("منتشر نمی|شود.")),
    ("استفاده می کند.", z("استفاده می|کند.")),
]

# Words that merely start with «می» and must stay whole.
NOT_VERB_CASES = [
    "میزان",
    "میلیون",
    "میانگین",
    "میدان",
    "میراث",
    "میز",
    "میهمان",
    "میوه",
    "میانه",
    "بررسی میدانی",
    "ماه می ۲۰۲۵",
    "ماه می و ژوئن",
    "قدیمی شد",
]

PLURAL_CASES = [
    ("سامانههای", z("سامانه|های")),
    ("سامانه های", z("سامانه|های")),
    ("سامانه هاي", z("سامانه|های")),
    ("چالشهای", z("چالش|های")),
    ("چالش های", z("چالش|های")),
    ("چالشهایی", z("چالش|هایی")),
    ("شرکت های", z("شرکت|های")),
    ("شرکتهای", z("شرکت|های")),
    ("آن ها", z("آن|ها")),
    ("آنها", z("آن|ها")),
    ("ناترازی هایی", z("ناترازی|هایی")),
    ("کارگاههای", z("کارگاه|های")),
    ("دستگاههای", z("دستگاه|های")),
    ("همکاریهای", z("همکاری|های")),
    ("ظرفیتها", z("ظرفیت|ها")),
    ("دهههای", z("دهه|های")),
    ("چالشهایشان", z("چالش|هایشان")),
    ("کالا ها", z("کالا|ها")),  # a spaced suffix is always joined
    ("میدانهای شهر", z("میدان|های شهر")),  # a plural, not a verb
]

# Words ending in «ها» that are not plurals, and plurals after a non-joining letter, where the
# missing ZWNJ is invisible and the word is left as typed.
NOT_PLURAL_CASES = [
    "هایده",
    "ترکیه",
    "تنها",
    "تنهایی",
    "نهایی",
    "نهایت",
    "بینهایت",
    "درنهایت",
    "انتهای",
    "منهای",
    "گرانبها",
    "فقهای",
    "الهام",
    "کارها",
    "بندهای",
    "فرایندهای",
    "روندهای",
    "کالاها",
]

COMPARATIVE_CASES = [
    ("بیش تر", z("بیش|تر")),
    ("کم تر", z("کم|تر")),
    ("مهم ترین", z("مهم|ترین")),
    ("بزرگ تری", z("بزرگ|تری")),
    ("ترکیه", "ترکیه"),
    ("سریعتر", "سریعتر"),  # a run-together comparative is left alone
]

AFTER_HEH_CASES = [
    ("چندگانه ای", z("چندگانه|ای")),
    ("کرده اند", z("کرده|اند")),
    ("خسته ام", z("خسته|ام")),
    ("خانه ی من", z("خانه|ی من")),
    ("حرفهای", z("حرفه|ای")),  # «آموزش فنی و حرفه‌ای»
    ("رسانهای", z("رسانه|ای")),
    ("منطقهای", z("منطقه|ای")),
    ("جبههای", z("جبهه|ای")),
    ("تعیینکنندهای", z("تعیین|کننده|ای")),
    ("زمینهای", z("زمین|های")),  # ambiguous: read as the plural of «زمین»
]

COMPOUND_CASES = [
    ("دانشبنیان", z("دانش|بنیان")),
    ("دانش بنیان", z("دانش|بنیان")),
    ("بهره وری", z("بهره|وری")),
    ("بهرهبرداری", z("بهره|برداری")),
    ("تفاهمنامه", z("تفاهم|نامه")),
    ("تفاهم نامه", z("تفاهم|نامه")),
    ("تفاهمنامههای", z("تفاهم|نامه|های")),
    ("رتبهبندی", z("رتبه|بندی")),
    ("زیستمحیطی", z("زیست|محیطی")),
    ("جمع بندی", z("جمع|بندی")),
    ("برنامه ریزی", z("برنامه|ریزی")),
    ("کسب و کار", z("کسب|وکار")),  # no ZWNJ is needed after the non-joining «و»
    ("کسب وکارهای", z("کسب|وکارهای")),
    ("فن آوریهای", z("فن|آوری|های")),
    ("ذی نفعان", z("ذی|نفعان")),
    ("شرکتهای دانشبنیان", z("شرکت|های دانش|بنیان")),
    ("هم راستای", z("هم|راستای")),
    ("جمع بندهای", "جمع بندهای"),  # a space before an unrelated word stays
]

PUNCTUATION_CASES = [
    ("سلام ،خوبی", "سلام، خوبی"),
    ("چرا ؟", "چرا؟"),
    ("گفت:این", "گفت: این"),
    ("ساعت ۱۶:۲۱", "ساعت ۱۶:۲۱"),
    ("https://example.org", "https://example.org"),
]

# Whole sentences from the seed news texts, as published and as Rasad stores them.
SEED_CASES = [
    (
        "ایمیدرو چالشهای صادرات و تامین انرژی را به سازمان پدافند غیرعامل ارسال کند",
        z("ایمیدرو چالش|های صادرات و تامین انرژی را به سازمان پدافند غیرعامل ارسال کند"),
    ),
    (
        "مدیران ارشد شرکت های معدن و صنایع معدنی پس از دریافت گزارش بخش های مختلف",
        z("مدیران ارشد شرکت|های معدن و صنایع معدنی پس از دریافت گزارش بخش|های مختلف"),
    ),
    (
        "روش های چندگانه ای برای برون رفت از این چالش ها همچون بالابردن بهره وری نیروگاه ها",
        z("روش|های چندگانه|ای برای برون|رفت از این چالش|ها همچون بالابردن بهره|وری نیروگاه|ها"),
    ),
    (
        "برنامههای آموزشی ویژه شرکتهای دانشبنیان حوزه محیط زیست ترسیم میکند.",
        z("برنامه|های آموزشی ویژه شرکت|های دانش|بنیان حوزه محیط زیست ترسیم می|کند."),
    ),
    (
        "سازمان حفاظت محیط زیست نقش تعیینکنندهای در ارزیابی و ممیزی شاخصهای محیط زیستی",
        z("سازمان حفاظت محیط زیست نقش تعیین|کننده|ای در ارزیابی و ممیزی شاخص|های محیط زیستی"),
    ),
    ("آموزش فنی و حرفهای استان قم", z("آموزش فنی و حرفه|ای استان قم")),
    (
        "ناترازی هایی که در تامین گاز و برق، در کنار چالش های صدور کالا و خدمات وجود دارند، "
        "همواره مشکلاتی ایجاد کرده اند",
        z(
            "ناترازی|هایی که در تامین گاز و برق، در کنار چالش|های صدور کالا و خدمات وجود دارند، "
            "همواره مشکلاتی ایجاد کرده|اند"
        ),
    ),
    (
        "گفت:این تفاهمنامه در راستای اجرای بندهای ۱۲، ۱۳ و ۱۴ سیاستهای کلی نظام",
        z("گفت: این تفاهم|نامه در راستای اجرای بندهای ۱۲، ۱۳ و ۱۴ سیاست|های کلی نظام"),
    ),
    ("۱۳ اسفند ۱۴۰۳ - ۱۶:۲۱", "۱۳ اسفند ۱۴۰۳ - ۱۶:۲۱"),
]

ALL_NORMALIZE_CASES = (
    CHARACTER_CASES
    + WHITESPACE_CASES
    + ZWNJ_CASES
    + VERB_PREFIX_CASES
    + [(text, text) for text in NOT_VERB_CASES]
    + PLURAL_CASES
    + [(text, text) for text in NOT_PLURAL_CASES]
    + COMPARATIVE_CASES
    + AFTER_HEH_CASES
    + COMPOUND_CASES
    + PUNCTUATION_CASES
    + SEED_CASES
)


@pytest.mark.parametrize(("text", "expected"), CHARACTER_CASES)
def test_normalize_text_replaces_arabic_characters_and_removes_marks(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), WHITESPACE_CASES)
def test_normalize_text_collapses_whitespace_and_keeps_paragraphs(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), ZWNJ_CASES)
def test_normalize_text_cleans_zwnj(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), VERB_PREFIX_CASES)
def test_normalize_text_joins_verb_prefix_with_zwnj(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize("text", NOT_VERB_CASES)
def test_normalize_text_keeps_words_that_start_with_mi(text: str) -> None:
    assert normalize_text(text) == text


@pytest.mark.parametrize(("text", "expected"), PLURAL_CASES)
def test_normalize_text_joins_plural_suffix_with_zwnj(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize("text", NOT_PLURAL_CASES)
def test_normalize_text_keeps_words_that_only_look_plural(text: str) -> None:
    assert normalize_text(text) == text


@pytest.mark.parametrize(("text", "expected"), COMPARATIVE_CASES)
def test_normalize_text_joins_spaced_comparative(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), AFTER_HEH_CASES)
def test_normalize_text_joins_suffix_after_final_heh(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), COMPOUND_CASES)
def test_normalize_text_joins_known_compounds(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), PUNCTUATION_CASES)
def test_normalize_text_spaces_persian_punctuation(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), SEED_CASES)
def test_normalize_text_on_seed_sentences(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize("text", [text for text, _expected in ALL_NORMALIZE_CASES])
def test_normalize_text_is_idempotent_on_every_case(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


# Letters, marks and fragments that the rules react to, so that random text exercises them.
_FRAGMENTS = [
    *"ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآءئؤأةيكىـ",
    *["\u200c", " ", " ", "\n", "\u064e", "۱", "١", "1", "،", ":", ".", "ﻻ", "\u00a0"],
    *["می", "نمی", "ها", "های", "هایی", "تر", "ترین", "ای", "اند", "ی", "شود", "کنند", "توان"],
    *["سامانه", "چالش", "دانش", "بنیان", "بهره", "وری", "تنها", "کرده", "حرفه", "رسانه", "بر", "در"],
    *["کسب", "و", "کار", "جمع", "بندی", "تعیین", "کننده", "زمین", "نهایت", "میزان", "میدان"],
]
_persian_text = st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join)


@given(_persian_text)
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(_persian_text)
def test_search_key_of_normalized_text_is_the_same_key(text: str) -> None:
    assert search_key(normalize_text(text)) == search_key(text)


@given(_persian_text)
def test_search_key_is_idempotent(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key


_LETTER_FOLDS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ﻻ": "لا", "ة": "ه", "ـ": ""})


@given(_persian_text)
def test_normalize_text_keeps_every_letter_in_order(text: str) -> None:
    # The rules only add or remove spaces, ZWNJs and marks and unify letter forms; no letter
    # is ever lost, added or moved.
    # Keys write a hamza by its place in the word (an initial «أ» as «ا», an inner seat as «ء»,
    # a final «ء» after «ا» not at all), so every alef and hamza form counts as one letter here.
    def letters(value: str) -> str:
        kept = "".join(character for character in value if character.isalpha())
        return re.sub("ا+", "ا", re.sub("[أإآٱؤئء]", "ا", kept))

    assert letters(search_key(text)) == letters(text.translate(_LETTER_FOLDS))


# ---------------------------------------------------------------------------------------------
# search_key
# ---------------------------------------------------------------------------------------------

SAME_KEY_GROUPS = [
    ["سامانه‌های", "سامانه های", "سامانههای", "سامانه هاي", "سامانه ‌ های"],
    ["كرمان", "کرمان", " کرمان "],
    ["۱۲۳", "١٢٣", "123"],
    ["می‌شود", "میشود", "می شود"],
    ["دانش‌بنیان", "دانشبنیان", "دانش بنیان"],
    ["شرکت‌های دانش‌بنیان", "شرکتهای دانشبنیان", "شرکت های   دانش بنیان"],
    ["مسئله", "مسأله"],
    ["هیئت", "هیأت"],
    ["مسئول", "مسؤول"],
    ["آموزش", "اموزش"],
    ["قرآن", "قران"],
    ["أمنیت", "امنیت"],
    ["اجزاء", "اجزا"],
    ["محیط‌زیست", "محیطزیست"],
    ["۳۲۹٬۳۶۹", "329369", "329,369", "٣٢٩٬٣٦٩", "۳۲۹،۳۶۹"],
    ["۳٫۵", "3.5"],
    ["ISO", "iso", "Iso"],
    ["صفحهٔ اصلی", "صفحه اصلی", "صفحۀ اصلی", "صفحه‌ی اصلی", "صفحه ی اصلی"],
]


@pytest.mark.parametrize("variants", SAME_KEY_GROUPS)
def test_search_key_is_the_same_for_every_spelling(variants: list[str]) -> None:
    assert len({search_key(variant) for variant in variants}) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سامانه‌های پایش", "سامانههای پایش"),
        ("ISO ۱۴۰۰۱", "iso 14001"),
        ("  استان   كرمان\nو\tيزد ", "استان کرمان و یزد"),
        ("\u200fرصد\u200e", "رصد"),
        ("", ""),
    ],
)
def test_search_key_exact_values(text: str, expected: str) -> None:
    assert search_key(text) == expected


@pytest.mark.parametrize(
    ("first", "second"), [("کرمان", "کرمانشاه"), ("سامانه", "سامانه‌ها"), ("۱۲", "۱۲۳"), ("1,2", "12")]
)
def test_search_key_keeps_different_words_apart(first: str, second: str) -> None:
    assert search_key(first) != search_key(second)


def _found(query: str, text: str) -> bool:
    key = search_key(text)
    return all(any(form in key for form in forms) for forms in search_variants(query))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("مسئله", "این مساله حل شد"),
        ("مساله", "این مسأله حل شد"),
        ("هیات", "هیئت مدیره"),
        ("هیئت", "هیات مدیره"),
        ("سوال", "سؤال اول"),
        ("رییس", "رئیس سازمان"),
        ("اموزش", "آموزش محیط زیست"),
        ("محیطزیست", "حفاظت محیط زیست"),
        ("محیط‌زیست", "حفاظت محیط زیست"),
        ("محیط زیست", "حفاظت محیط‌زیست"),
        ("راه‌اندازی", "راه اندازی سامانه"),
        ("راهاندازی", "راه اندازی سامانه"),
        ("راه اندازی", "راه‌اندازی سامانه"),
        ("329369", "مبلغ ۳۲۹٬۳۶۹ ریال"),
        ("۳۲۹٬۳۶۹", "مبلغ 329369 ریال"),
    ],
)
def test_a_query_finds_every_spelling(query: str, text: str) -> None:
    assert _found(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [("کرمانشاه", "کرمان"), ("محیطزیست", "محیط شهری و زیستگاه"), ("مسئله", "مسیر")],
)
def test_a_query_does_not_find_other_words(query: str, text: str) -> None:
    assert not _found(query, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۵ می ۲۰۲۵ برگزار شد", "۱۵ می ۲۰۲۵ برگزار شد"),
        ("در ماه می گذشته", "در ماه می گذشته"),
        ("اواخر می بود", "اواخر می بود"),
        ("او می رود", "او می\u200cرود"),
    ],
)
def test_the_month_may_is_not_joined_to_the_next_word(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


# ---------------------------------------------------------------------------------------------
# Digits
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "separators", "expected"),
    [
        ("1403/12/13", False, "۱۴۰۳/۱۲/۱۳"),
        ("١٢٣ و 456", False, "۱۲۳ و ۴۵۶"),
        ("1,234.5", False, "۱,۲۳۴.۵"),
        ("1,234.5", True, "۱٬۲۳۴٫۵"),
        ("پایان. سپس، 3", True, "پایان. سپس، ۳"),  # punctuation that is not between digits stays
        ("ISO", True, "ISO"),
    ],
)
def test_to_persian_digits(text: str, separators: bool, expected: str) -> None:
    assert to_persian_digits(text, separators=separators) == expected


@pytest.mark.parametrize(
    ("text", "separators", "expected"),
    [
        ("۱۴۰۳/۱۲/۱۳", False, "1403/12/13"),
        ("١٤٠٣ و ۱۴۰۳", False, "1403 و 1403"),
        ("۱٬۲۳۴٫۵", False, "1٬234٫5"),
        ("۱٬۲۳۴٫۵", True, "1,234.5"),
        ("abc", True, "abc"),
    ],
)
def test_to_latin_digits(text: str, separators: bool, expected: str) -> None:
    assert to_latin_digits(text, separators=separators) == expected


# ---------------------------------------------------------------------------------------------
# format_number and parse_number
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (1234567, {}, "۱٬۲۳۴٬۵۶۷"),
        (1234567, {"persian_digits": False}, "1,234,567"),
        (1234567, {"grouping": False}, "۱۲۳۴۵۶۷"),
        (0, {}, "۰"),
        (999, {}, "۹۹۹"),
        (1000, {}, "۱٬۰۰۰"),
        (-1234, {}, LRM + MINUS + "۱٬۲۳۴"),
        (-1234, {"persian_digits": False}, "-1,234"),
        (-1234.5, {}, LRM + MINUS + "۱٬۲۳۴٫۵"),
        (1234.5, {"persian_digits": False}, "1,234.5"),
        (3.0, {}, "۳"),
        (0.1, {}, "۰٫۱"),
        (2.675, {"decimals": 2}, "۲٫۶۸"),  # half away from zero on the decimal value, not the binary one
        (2.5, {"decimals": 0}, "۳"),
        (-2.5, {"decimals": 0}, LRM + MINUS + "۳"),
        (12, {"decimals": 2}, "۱۲٫۰۰"),
        (Decimal("1.50"), {}, "۱٫۵۰"),
        (Decimal("1E+3"), {}, "۱٬۰۰۰"),
        (Decimal("1234567.891"), {"decimals": 1, "persian_digits": False}, "1,234,567.9"),
        (Decimal("-0.001"), {"decimals": 2}, "۰٫۰۰"),  # rounds to zero: no sign
        (-0.0, {}, "۰"),
        (None, {}, "—"),
        (float("nan"), {}, "—"),
        (Decimal("NaN"), {}, "—"),
        (float("inf"), {}, "∞"),
        (float("-inf"), {"persian_digits": False}, "-∞"),
    ],
)
def test_format_number(
    value: int | float | Decimal | None, options: dict[str, object], expected: str
) -> None:
    assert format_number(value, **options) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, "12", [1]])
def test_format_number_rejects_non_numbers(value: object) -> None:
    with pytest.raises(TypeError):
        format_number(value)  # type: ignore[arg-type]


def test_format_number_rejects_negative_decimals() -> None:
    with pytest.raises(ValueError, match="decimals"):
        format_number(1, decimals=-1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۲۳", Decimal(123)),
        ("١٢٣", Decimal(123)),
        ("123", Decimal(123)),
        ("۱٬۲۳۴٫۵", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("۱۲۳۴٫۵۰", Decimal("1234.50")),
        ("12.5", Decimal("12.5")),
        (" -۱۲ ", Decimal(-12)),
        (MINUS + "5", Decimal(-5)),
        ("+7", Decimal(7)),
        (LRM + MINUS + "۱٬۲۳۴", Decimal(-1234)),  # what format_number writes
        (".5", Decimal("0.5")),
        ("5.", Decimal(5)),
        ("1,234,567", Decimal(1234567)),
    ],
)
def test_parse_number_reads_every_digit_system(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("", "empty", "empty"),
        ("   ", "empty", "empty"),
        ("12a", "invalid_character", "“a”"),
        ("۱۲٪", "invalid_character", "“٪”"),
        ("۲/۵", "invalid_character", "“/”"),  # a slash is not a decimal point: «۱/۲» would read as 1.2
        ("1 234", "contains_space", "spaces"),
        ("-", "no_digits", "no digits"),
        ("--5", "misplaced_sign", "sign"),
        ("5-", "misplaced_sign", "sign"),
        ("1.2.3", "multiple_decimal_separators", "more than one decimal separator"),
        ("۱٫۲٫۳", "multiple_decimal_separators", "more than one decimal separator"),
        ("1.234,5", "grouping_after_decimal", "after the decimal separator"),
        ("1,23", "misplaced_grouping", "groups of three digits"),
        ("1234,567", "misplaced_grouping", "groups of three digits"),
        ("۱٬۲۳", "misplaced_grouping", "groups of three digits"),
    ],
)
def test_parse_number_error_names_the_cause(text: str, code: str, fragment: str) -> None:
    with pytest.raises(TextParseError) as caught:
        parse_number(text)
    assert caught.value.code == code
    with translation.override("en"):
        assert fragment in str(caught.value)


def test_parse_number_error_is_a_value_error() -> None:
    with translation.override("en"), pytest.raises(ValueError, match="digits"):
        parse_number("-")


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**12), max_value=10**12),
    st.booleans(),
)
def test_parse_number_reads_what_format_number_writes(value: Decimal, persian_digits: bool) -> None:
    assert parse_number(format_number(value, persian_digits=persian_digits)) == value
