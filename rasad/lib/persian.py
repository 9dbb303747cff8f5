"""Persian text for Rasad: one normalizer for stored text, one key for matching, digits and numbers.

Every piece of Persian text that Rasad stores goes through :func:`normalize_text`, and every
comparison or search goes through :func:`search_key`. Numbers shown to people go through
:func:`format_number` and numbers typed by people through :func:`parse_number`.
``docs/reference/persian-text.md`` explains the rules and the reasons behind them.

The module needs nothing but the standard library; Django is used only for translated error
messages, which are lazy, so importing this module does not need configured settings.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Final

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "ARABIC_INDIC_DIGITS",
    "LATIN_DIGITS",
    "PERSIAN_DECIMAL_SEPARATOR",
    "PERSIAN_DIGITS",
    "PERSIAN_THOUSANDS_SEPARATOR",
    "ZWNJ",
    "TextParseError",
    "format_number",
    "normalize_text",
    "parse_number",
    "search_key",
    "search_variants",
    "to_latin_digits",
    "to_persian_digits",
]

ZWNJ: Final = "\u200c"
PERSIAN_DIGITS: Final = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS: Final = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS: Final = "0123456789"
PERSIAN_DECIMAL_SEPARATOR: Final = "٫"
PERSIAN_THOUSANDS_SEPARATOR: Final = "٬"
MINUS_SIGN: Final = "\u2212"
LEFT_TO_RIGHT_MARK: Final = "\u200e"
EMPTY_VALUE: Final = "—"


class OwnNumber(str):
    """A parameter of a :class:`TextParseError` that Rasad wrote (a limit, a range of dates), not
    an echo of what the person typed: shown in Persian digits to a Persian reader, as a whole
    number parameter is."""


class TextParseError(ValueError):
    """Text typed by a person could not be read as a number, a date or a period.

    ``code`` names the cause for programs (``"empty"``, ``"invalid_character"`` ...); ``str()``
    gives the translated sentence for people, rendered in the language active at that moment, in
    the same spirit as Django's ``ValidationError(message, code, params)``.
    """

    def __init__(
        self, message: StrOrPromise, *, code: str, params: Mapping[str, str | int] | None = None
    ) -> None:
        self.message = message
        self.code = code
        self.params: dict[str, str | int] = dict(params or {})
        super().__init__(message, code)

    def __str__(self) -> str:
        template = str(self.message)
        if not self.params:
            return template
        # Whole numbers in a message (a month, a day count) and Rasad's own text (``OwnNumber``)
        # follow the reader's language; text that echoes what the person typed is shown exactly
        # as typed.
        persian = (get_language() or "").startswith("fa")
        rendered = {
            name: to_persian_digits(str(value)) if persian and isinstance(value, int | OwnNumber) else value
            for name, value in self.params.items()
        }
        return template % rendered


# ---------------------------------------------------------------------------------------------
# Characters
# ---------------------------------------------------------------------------------------------

_TO_PERSIAN_DIGITS: Final = str.maketrans(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)
_TO_LATIN_DIGITS: Final = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)

# One table for every single-character fix of stored text. Arabic code points that look the same
# as Persian ones are replaced so that «كرمان» and «کرمان» are the same word to the database.
_CHARACTER_FIXES: Final[dict[int, str | None]] = {
    ord("ي"): "ی",  # U+064A ARABIC LETTER YEH
    ord("ى"): "ی",  # U+0649 ARABIC LETTER ALEF MAKSURA
    ord("ك"): "ک",  # U+0643 ARABIC LETTER KAF
    ord("ھ"): "ه",  # U+06BE HEH DOACHASHMEE (Urdu keyboards)
    ord("ہ"): "ه",  # U+06C1 HEH GOAL (Urdu keyboards)
    ord("ە"): "ه",  # U+06D5 AE (Kurdish keyboards)
    ord("\u0640"): None,  # tatweel, a stretching stroke with no meaning
    ord("\ufeff"): None,  # byte order mark pasted from files
    ord("\u00ad"): None,  # soft hyphen
    **{ord(arabic): persian for arabic, persian in zip(ARABIC_INDIC_DIGITS, PERSIAN_DIGITS, strict=True)},
    # Harakat and other vowel signs. Maddah and hamza above and below (U+0653..U+0655) are kept:
    # they are part of letters such as «آ» and of the ezafe in «خانهٔ».
    **dict.fromkeys(range(0x064B, 0x0653)),
    **dict.fromkeys(range(0x0656, 0x0660)),
    0x0670: None,  # superscript alef, as in «موسیٰ»
}


def _word_set(words: str) -> frozenset[str]:
    """A set of words written one after another, separated by whitespace."""
    return frozenset(words.split())


_HORIZONTAL_SPACE: Final = "\t\v\f \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"

# Letters of the Arabic script as Persian uses them (tatweel U+0640 is not a letter).
_L: Final = "\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06d5"

# Letters that never join the letter after them, so no ZWNJ is visible after them.
_NON_JOINING: Final = frozenset("اآأإٱدذرزژوؤءۀة")

_PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")


def _fix_characters(text: str) -> str:
    # Presentation forms (from PDFs and old software) become the letters they draw.
    text = _PRESENTATION_FORM.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)
    return unicodedata.normalize("NFC", text).translate(_CHARACTER_FIXES)


def _fix_whitespace(text: str) -> str:
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)
    text = re.sub(f"[{_HORIZONTAL_SPACE}]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _fix_zwnj(text: str) -> str:
    """Remove spaces beside a ZWNJ, repeated ZWNJs, and ZWNJs that do not sit inside a word."""
    text = re.sub(f" *{ZWNJ}[{ZWNJ} ]*", ZWNJ, text)
    return re.sub(ZWNJ, _keep_zwnj_inside_word, text) if ZWNJ in text else text


def _keep_zwnj_inside_word(match: re.Match[str]) -> str:
    text, position = match.string, match.start()
    inside = (
        0 < position < len(text) - 1 and _is_letter(text[position - 1]) and _is_letter(text[position + 1])
    )
    return ZWNJ if inside else ""


def _is_letter(character: str) -> bool:
    return unicodedata.category(character)[0] in "LM"


def _fix_punctuation(text: str) -> str:
    # Persian comma, semicolon and question mark hug the word before them and are followed by a
    # space. A colon is only touched between two Persian letters («گفت:این»), so that times
    # («۱۶:۲۱») and addresses keep theirs.
    text = re.sub(r" +([،؛؟])", r"\1", text)
    text = re.sub(f"([،؛؟])(?=[{_L}])", r"\1 ", text)
    return re.sub(f"(?<=[{_L}]):(?=[{_L}])", ": ", text)


# ---------------------------------------------------------------------------------------------
# Compounds written with a ZWNJ
# ---------------------------------------------------------------------------------------------

# Common compounds of Iranian administrative text whose parts are often typed apart or run
# together. Only compounds whose first part ends in a joining letter are listed: after a
# non-joining letter («مستندسازی», «کارگروه») the joined spelling is already the standard one.
_COMPOUNDS: Final = (
    "دانش‌بنیان",
    "بهره‌وری",
    "بهره‌برداری",
    "بهره‌مند",
    "بهره‌مندی",
    "بهره‌گیری",
    "تفاهم‌نامه",
    "آیین‌نامه",
    "شیوه‌نامه",
    "برنامه‌ریزی",
    "پیاده‌سازی",
    "فرهنگ‌سازی",
    "ظرفیت‌سازی",
    "شفاف‌سازی",
    "یکپارچه‌سازی",
    "بهینه‌سازی",
    "تصمیم‌سازی",
    "جمع‌بندی",
    "رتبه‌بندی",
    "اولویت‌بندی",
    "زمان‌بندی",
    "طبقه‌بندی",
    "دسته‌بندی",
    "بودجه‌بندی",
    "اولویت‌بخشی",
    "تصمیم‌گیری",
    "سیاست‌گذاری",
    "قانون‌گذاری",
    "سرمایه‌گذاری",
    "هدف‌گذاری",
    "ارزش‌گذاری",
    "ارزش‌یابی",
    "اطلاع‌رسانی",
    "خدمات‌رسانی",
    "گزارش‌دهی",
    "گزارش‌گیری",
    "پاسخ‌گو",
    "پاسخ‌گویی",
    "زیست‌محیطی",
    "تعیین‌کننده",
    "مصرف‌کننده",
    "هماهنگ‌کننده",
    "چالش‌برانگیز",
    "برون‌رفت",
    "فن‌آوری",
    "هم‌راستا",
    "هم‌افزایی",
    "هم‌اندیشی",
    "سه‌جانبه",
    "ذی‌نفع",
    "ذی‌ربط",
    "ذی‌صلاح",
    "ذی‌حساب",
    "نرم‌افزار",
    "سخت‌افزار",
    "پیش‌بینی",
    "پیش‌نویس",
    "پیش‌گیری",
    "مسئولیت‌پذیری",
    "آسیب‌پذیری",
    "آسیب‌شناسی",
    "امکان‌سنجی",
    "صرفه‌جویی",
    "دست‌یابی",
    "هیئت‌مدیره",
    "وزارت‌خانه",
    "حمل‌ونقل",
    "کسب‌وکار",
    "جست‌وجو",
    "گفت‌وگو",
)
_COMPOUND_BY_LETTERS: Final = {compound.replace(ZWNJ, ""): compound for compound in _COMPOUNDS}


def _compound_pattern(compound: str) -> str:
    """A pattern for a compound typed with a space, a ZWNJ or nothing between its parts.

    In compounds joined by the conjunction «و» («کسب‌وکار») the «و» may stand apart too
    («کسب و کار»); no ZWNJ follows it because «و» never joins the next letter.
    """
    parts = []
    for part in compound.split(ZWNJ):
        if part.startswith("و") and len(part) > 1:
            parts.append("و ?" + re.escape(part[1:]))
        else:
            parts.append(re.escape(part))
    return f"[ {ZWNJ}]?".join(parts)


_COMPOUND_PATTERN: Final = re.compile(
    f"(?<![{_L}])(?:"
    + "|".join(_compound_pattern(compound) for compound in sorted(_COMPOUNDS, key=len, reverse=True))
    + ")"
)
# When the parts of a compound were typed with a space between them, the compound is only
# joined if the last part ends the word or carries one of these suffixes; otherwise the space
# may be a real word boundary.
_SUFFIXES_AFTER_SPACED_COMPOUND: Final = ("ها", "ای", "ی", "ان")


def _join_compounds(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        found = match.group()
        if " " in found:
            rest = match.string[match.end() :]
            if rest and re.match(f"[{_L}]", rest) and not rest.startswith(_SUFFIXES_AFTER_SPACED_COMPOUND):
                return found
        return _COMPOUND_BY_LETTERS[found.replace(" ", "").replace(ZWNJ, "")]

    return _COMPOUND_PATTERN.sub(replace, text)


# ---------------------------------------------------------------------------------------------
# The verb prefixes «می» and «نمی»
# ---------------------------------------------------------------------------------------------

# Present stems as they stand before a personal ending (with the glide «ی» where the stem ends
# in a vowel: «گوی‌د» → «گوید»). The list is curated rather than guessed so that nouns that
# merely start with «می» («میزان», «میلیون», «میانگین», «میدان», «میراث», «میز») stay whole.
_PRESENT_STEMS: Final = _word_set(
    """
    کن شو ده گوی رس آی رو ساز خواه دان زن بین یاب گذار گذر پرداز بر آور کش مان گرد خور نویس
    خوان فرست پذیر افت انداز سپار شناس ریز بخش کوش افزای نشین دار پوش رسان ران بند تاب جوی خر
    فروش گشای آموز پرس اندیش خیز چرخ دو بار کار پیوند سوز ترس خند گری نگر شمار کاه آرای نشان
    طلب شکن گیر توان باش نمای گرای فرمای آزمای پیمای زدای دوز انجام گستر چین پز لرز سنج گزین
    آفرین پراکن افکن پاش پای زای روی شوی خواب تاز باز انگیز آمیز آویز ستیز پرهیز گریز جنگ کوب
    فریب تراش نواز سرای جه نه بای کاو رقص دوش
    """
)
_PAST_STEMS: Final = _word_set(
    """
    کرد شد داد گفت رفت آمد خواست توانست بود داشت گرفت دانست رسید کشید زد نمود ساخت دید یافت
    پرداخت گذاشت گذشت آورد برد ماند نوشت خواند افتاد پرسید شناخت فرستاد افزود نشست کوشید گشت
    بست خورد زیست دوید خندید ترسید پذیرفت انداخت سپرد فروخت آموخت اندیشید بخشید گردید بایست
    انجامید رساند کاست
    """
)
_PRESENT_ENDINGS: Final = ("م", "ی", "د", "یم", "ید", "ند")
_PAST_ENDINGS: Final = ("", "م", "ی", "یم", "ید", "ند", "ه")
_VERB_FORMS: Final = frozenset(
    {stem + ending for stem in _PRESENT_STEMS for ending in _PRESENT_ENDINGS}
    | {stem + ending for stem in _PAST_STEMS for ending in _PAST_ENDINGS}
    | {"توان"}  # impersonal «می‌توان»
)
# «میدانی» is far more often the adjective «field-» («بررسی میدانی») than «you know».
_NOT_VERBS_AFTER_MI: Final = frozenset({"دانی"})
_VERB_PREFIXES: Final = ("", "بر", "در", "باز", "فرا", "فرو", "وا")
_VERB_LIKE_ENDINGS: Final = ("د", "ت", "م", "ی", "ه")


def _split_verb_prefix(word: str) -> str:
    """«میشود» → «می‌شود», «نمیتوان» → «نمی‌توان», «برمیگردد» → «برمی‌گردد»."""
    if "می" not in word[:6]:
        return word
    for prefix in _VERB_PREFIXES:
        for particle in ("نمی", "می"):
            head = prefix + particle
            if word.startswith(head):
                verb = word[len(head) :]
                if verb in _VERB_FORMS and not (particle == "می" and verb in _NOT_VERBS_AFTER_MI):
                    return head + ZWNJ + verb
    return word


def _looks_like_verb(word: str) -> bool:
    return word in _VERB_FORMS or (len(word) >= 2 and word.endswith(_VERB_LIKE_ENDINGS))


# «می» is also the Gregorian month May. After a day number, after «ماه» or after words that
# place something in a month («اوایل می»، «اواخر می»), it is the month and stays a word.
_MONTH_MAY_BEFORE: Final = re.compile(
    f"(?:[0-9{PERSIAN_DIGITS}{ARABIC_INDIC_DIGITS}]"
    f"|(?<![{_L}])(?:ماه|اوایل|اواسط|اواخر|ابتدای|پایان|نیمهٔ|نیمه)) $"
)


def _join_spaced_verb_prefix(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        particle, word = match.group(1), match.group(2)
        if particle == "می" and _MONTH_MAY_BEFORE.search(match.string, 0, match.start()):
            return match.group()
        if _looks_like_verb(word):
            return particle + ZWNJ + word
        return match.group()

    return re.sub(f"(?<![{_L}{ZWNJ}])(ن?می) ([{_L}]+)", replace, text)


# ---------------------------------------------------------------------------------------------
# Plural and other suffixes
# ---------------------------------------------------------------------------------------------

_PLURAL_SUFFIXES: Final = ("هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایت", "هایش", "های", "ها")

# Whole words that end in «ها…» without being plurals, written here without ZWNJ.
_NOT_PLURALS: Final = _word_set(
    """
    تنها تنهای تنهایی تنهایم تنهایت تنهایش تنهاییم بهتنهایی انتها انتهای انتهایی منتها منتهای
    اشتها اشتهای اشتهایی فقها فقهای سفها نهایت بینهایت درنهایت نهایی نیمهنهایی گرانبها گرانبهای
    گرانبهایی کمبها پربها بیبها خونبها خونبهای علیها الیها فیها منها منهای عنها
    """
)

# Words ending in «ه» that, followed by a joined «ای», are read as «…ه‌ای» («رسانه‌ای») rather
# than as a plural «…‌های». Ambiguous pairs such as «نامهای» (نامه‌ای / نام‌های) and
# «زمینهای» (زمینه‌ای / زمین‌های) are deliberately left out; they are read as plurals.
_HEH_WORDS_TAKING_AI: Final = _word_set(
    """
    آینده نماینده رسانه منطقه حرفه مقاله پایه گونه حوزه مرحله جامعه توسعه شبکه سامانه مجموعه
    نقطه رابطه مطالعه مسئله مساله عرصه لحظه ماده وظیفه خانه کارخانه چهره هزینه ساده آماده
    گسترده پیچیده عمده ویژه جبهه دهه شبهه مواجهه هفته ماهانه سالانه روزانه چندگانه دوگانه
    گانه جداگانه یگانه فاصله حادثه واسطه کمیته دوره پروژه برنامه شیوه نتیجه بودجه اداره پرونده
    گزینه نمونه چرخه مقایسه
    """
)
# Agent nouns («کننده», «دهنده» ...) take «ای» whatever comes before them («تعیین‌کننده‌ای»).
_AGENT_ENDINGS_TAKING_AI: Final = (
    "کننده",
    "دهنده",
    "گیرنده",
    "سازنده",
    "دارنده",
    "رساننده",
    "شونده",
    "نویسنده",
    "خواننده",
    "بیننده",
)


def _split_plural(word: str) -> list[str]:
    """Split a run-together suffix off a word: «چالشهای» → [«چالش», «های»].

    The stem must be at least two letters and end in a joining letter; after a non-joining
    letter («کارها») the missing ZWNJ is invisible and the word is left as typed.
    """
    if not word.endswith(_PLURAL_SUFFIXES) or word in _NOT_PLURALS:
        return [word]
    for suffix in _PLURAL_SUFFIXES:
        if not word.endswith(suffix) or len(word) <= len(suffix):
            continue
        stem = word[: -len(suffix)]
        if suffix == "های":
            heh_word = word[:-2]
            if heh_word in _HEH_WORDS_TAKING_AI or heh_word.endswith(_AGENT_ENDINGS_TAKING_AI):
                return [heh_word, "ای"]
        if len(stem) >= 2 and stem[-1] not in _NON_JOINING:
            return [*_split_plural(stem), suffix]
        return [word]
    return [word]


def _fix_word(match: re.Match[str]) -> str:
    pieces = _split_plural(match.group())
    pieces[0] = _split_verb_prefix(pieces[0])
    return ZWNJ.join(pieces)


_SPACED_SUFFIX: Final = re.compile(
    f"(?<=[{_L}][{_L}]) (ها|های|هایی|هایم|هایت|هایش|هایمان|هایتان|هایشان|تر|تری|ترین)(?![{_L}])"
)
_SPACED_AFTER_HEH: Final = re.compile(f"(?<=[{_L}]ه) (ای|ام|ایم|اید|اند|ات|اش|ی)(?![{_L}])")


def _join_spaced_suffixes(text: str) -> str:
    text = _SPACED_SUFFIX.sub(ZWNJ + r"\1", text)
    return _SPACED_AFTER_HEH.sub(ZWNJ + r"\1", text)


def _normalize_once(text: str) -> str:
    text = _fix_characters(text)
    text = _fix_whitespace(text)
    text = _fix_punctuation(text)
    text = _fix_zwnj(text)
    text = _join_compounds(text)
    text = _join_spaced_verb_prefix(text)
    text = _join_spaced_suffixes(text)
    text = re.sub(f"[{_L}]+", _fix_word, text)
    return _fix_zwnj(text)


def normalize_text(text: str) -> str:
    """Return the canonical form in which Rasad stores Persian text.

    Arabic look-alike letters become Persian, tatweel and harakat go, Arabic-Indic digits become
    Persian digits (Latin digits stay as typed), whitespace is collapsed (paragraph breaks are
    kept), and ZWNJs are put where Persian spelling wants them: «می شود» and «میشود» become
    «می‌شود», «شرکت های» and «شرکتهای» become «شرکت‌های», «دانش بنیان» becomes «دانش‌بنیان».
    The result is a fixed point: normalizing it again changes nothing.
    """
    # Each pass only inserts ZWNJs or removes characters; a second pass is a safety net for
    # rules whose output lets another rule match, and the loop stops as soon as nothing changes.
    for _attempt in range(4):
        normalized = _normalize_once(text)
        if normalized == text:
            break
        text = normalized
    return text


# Folds applied only to search keys: spellings that people treat as the same word.
_SEARCH_FOLDS: Final[dict[int, str | None]] = {
    ord("آ"): "ا",
    ord("ٱ"): "ا",
    ord("ۀ"): "ه",
    ord("ة"): "ه",
    0x0654: None,  # hamza above, as in the ezafe «خانهٔ»
    0x0653: None,
    0x0655: None,
}

# The seat of a hamza («مسئله»، «مسأله»، «مسؤول»، «هیئت»، «هیأت») varies between writers and
# between the Persian and the Arabic tradition; keys write every seated or bare hamza inside a
# word as «ء». At the start of a word «أ» and «إ» are only an alef («أمنیت»، «امنیت»).
HAMZA: Final = "ء"
_SEATED_HAMZA: Final = re.compile("[ئأؤإ]|[یو]\u0654")
_WORD_INITIAL_ALEF_HAMZA: Final = re.compile(f"(?<![{_L}])[أإ]")
# A final hamza after an alef is often left out («اجزاء»، «اجزا»).
_FINAL_HAMZA_AFTER_ALEF: Final = re.compile(f"(?<=ا)ء(?![{_L}])")
# A separator between digits followed by exactly three digits groups thousands: «۳۲۹٬۳۶۹»,
# "329,369", «۳۲۹،۳۶۹» and "329'369" all key as "329369".
_THOUSANDS: Final = re.compile(r"(?<=\d)[,،'’](?=\d{3}(?!\d))")


def search_key(text: str) -> str:
    """Return the key under which text is compared and searched.

    Every spelling of a word that :func:`normalize_text` reconciles gives the same key, and in
    addition the key has Latin digits without thousands separators and with "." before
    decimals, no ZWNJ or other invisible format characters (so a compound written with a ZWNJ
    is keyed joined), lower-case Latin letters, single spaces, «آ ٱ» folded to «ا», «ۀ ة» to «ه»,
    every hamza seat inside a word («ئ أ ؤ إ») written «ء», and no ezafe after a final «ه»
    («صفحهٔ»، «صفحه‌ی» → «صفحه»). :func:`search_variants` gives the forms a query word is
    looked for in.
    """
    key = _key_of_normalized(normalize_text(text))
    # Folding letters and turning line breaks into spaces can give the rules of normalize_text
    # something new to join («خانۀ ای» becomes «خانه ای»), so the key is taken again until it
    # stands still; a key is therefore its own key. Two rounds are enough in practice.
    for _attempt in range(4):
        again = _key_of_normalized(normalize_text(key))
        if again == key:
            break
        key = again
    return key


# The ezafe after a final «ه» is written «هٔ», «ۀ», «ه‌ی» or not at all; keys drop it.
_EZAFE_AFTER_HEH: Final = re.compile(f"ه{ZWNJ}ی(?![{_L}{ZWNJ}])")


def _key_of_normalized(text: str) -> str:
    text = _EZAFE_AFTER_HEH.sub("ه", text)
    text = _WORD_INITIAL_ALEF_HAMZA.sub("ا", text)
    text = _SEATED_HAMZA.sub(HAMZA, text)
    text = _FINAL_HAMZA_AFTER_ALEF.sub("", text.translate(_SEARCH_FOLDS))
    text = to_latin_digits(text, separators=True)
    text = _THOUSANDS.sub("", text)
    return " ".join(_drop_format_characters(text).lower().split())


# Letters a writer may put where a hamza sits, or where another writer puts one.
_HAMZA_STAND_INS: Final = ("ا", "ی", "و")
# A query word of at least this many letters is also looked for split in two, each part at
# least two letters long, so that «محیطزیست» finds «محیط زیست».
_SPLIT_MIN_LENGTH: Final = 4
_PERSIAN_WORD: Final = re.compile(f"[{_L}]+")


def search_variants(query: str) -> list[list[str]]:
    """The words of a query, each with the forms it is looked for in a search key.

    A text matches when, for every word, one of its forms occurs in the text's key. The forms
    of a word are its key; with a hamza, the key with «ا»، «ی» or «و» in its place (a writer who
    left the hamza out: «مساله», «هیات»); without one, the key with a hamza in place of each
    inner «ا»، «ی» or «و» (the reverse); and a Persian word written joined, split in two at
    every place («محیطزیست» → «محیط زیست»), because keys write a compound's ZWNJ as nothing and
    a space as a space. A compound typed with a space needs no variant: each of its words
    occurs in the joined key as it is.
    """
    words = []
    for word in search_key(query).split():
        forms = [word]
        if HAMZA in word:
            forms += [word.replace(HAMZA, stand_in) for stand_in in _HAMZA_STAND_INS]
        elif _PERSIAN_WORD.fullmatch(word):
            forms += [
                word[:position] + HAMZA + word[position + 1 :]
                for position in range(1, len(word) - 1)
                if word[position] in _HAMZA_STAND_INS
            ]
        if _PERSIAN_WORD.fullmatch(word.replace(HAMZA, "ا")) and len(word) >= _SPLIT_MIN_LENGTH:
            forms += [word[:position] + " " + word[position:] for position in range(2, len(word) - 1)]
        words.append(list(dict.fromkeys(forms)))
    return words


def _drop_format_characters(text: str) -> str:
    """Remove invisible format characters: ZWNJ, ZWJ, direction marks and the like."""
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


# ---------------------------------------------------------------------------------------------
# Digits and numbers
# ---------------------------------------------------------------------------------------------


def to_persian_digits(text: str, *, separators: bool = False) -> str:
    """Write Latin and Arabic-Indic digits as Persian digits.

    With ``separators=True`` a "." or "," that sits between two digits also becomes the Persian
    decimal separator «٫» or thousands separator «٬»; elsewhere they are punctuation and stay.
    """
    text = text.translate(_TO_PERSIAN_DIGITS)
    if separators:
        digit = f"[{PERSIAN_DIGITS}]"
        text = re.sub(f"(?<={digit})\\.(?={digit})", PERSIAN_DECIMAL_SEPARATOR, text)
        text = re.sub(f"(?<={digit}),(?={digit})", PERSIAN_THOUSANDS_SEPARATOR, text)
    return text


def to_latin_digits(text: str, *, separators: bool = False) -> str:
    """Write Persian and Arabic-Indic digits as Latin digits.

    With ``separators=True`` the Persian decimal separator «٫» becomes "." and the thousands
    separator «٬» becomes ","; they have no other use, so they are replaced wherever they are.
    """
    text = text.translate(_TO_LATIN_DIGITS)
    if separators:
        text = text.replace(PERSIAN_DECIMAL_SEPARATOR, ".").replace(PERSIAN_THOUSANDS_SEPARATOR, ",")
    return text


def format_number(
    value: int | float | Decimal | None,
    *,
    decimals: int | None = None,
    persian_digits: bool = True,
    grouping: bool = True,
) -> str:
    """Format a number for people.

    With ``persian_digits`` (the default) the result uses Persian digits, «٬» between thousands
    and «٫» before decimals, and a negative number starts with a LEFT-TO-RIGHT MARK and the
    minus sign U+2212, so that in a right-to-left line the sign stays on the left of the digits
    («‎−۱٬۲۳۴»). Without it the result is plain ASCII ("-1,234.5") for exports and machines.

    ``decimals`` rounds half away from zero to that many places; without it an int has none, a
    Decimal keeps its own places and a float shows its shortest exact representation. ``None``
    and NaN give "—".
    """
    if value is None:
        return EMPTY_VALUE
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"format_number() takes an int, float or Decimal, not {type(value).__name__}")
    if decimals is not None and decimals < 0:
        raise ValueError("decimals must be zero or more")

    if isinstance(value, float):
        if math.isnan(value):
            return EMPTY_VALUE
        number = Decimal(repr(value)) if math.isfinite(value) else Decimal(value)
        if decimals is None and number.is_finite() and number == number.to_integral_value():
            # A whole float (3.0) is shown as a whole number, as an int would be.
            number = number.to_integral_value()
    else:
        number = Decimal(value)
    if number.is_nan():
        return EMPTY_VALUE

    is_negative = number.is_signed()
    if number.is_infinite():
        body = "∞"
    else:
        if decimals is not None:
            with localcontext() as context:
                context.prec = max(28, number.adjusted() + decimals + 2)
                number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        is_negative = is_negative and not number.is_zero()
        body = _group_digits(format(abs(number), "f"), persian_digits=persian_digits, grouping=grouping)

    if not is_negative:
        return body
    return LEFT_TO_RIGHT_MARK + MINUS_SIGN + body if persian_digits else "-" + body


def _group_digits(plain: str, *, persian_digits: bool, grouping: bool) -> str:
    whole, _point, fraction = plain.partition(".")
    thousands = PERSIAN_THOUSANDS_SEPARATOR if persian_digits else ","
    if grouping:
        groups = [whole[max(end - 3, 0) : end] for end in range(len(whole), 0, -3)]
        whole = thousands.join(reversed(groups))
    text = whole + ((PERSIAN_DECIMAL_SEPARATOR if persian_digits else ".") + fraction if fraction else "")
    return to_persian_digits(text) if persian_digits else text


# Marks that formatting or copying from a right-to-left page may leave around a number.
BIDI_MARKS: Final = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SIGNS: Final = ("-", "+", MINUS_SIGN)


def parse_number(text: str) -> Decimal:
    """Read a number typed by a person.

    Persian, Arabic-Indic and Latin digits are accepted, «٫» or "." as the decimal separator and
    «٬» or "," between groups of three digits, with an optional leading "-", "−" or "+".
    Anything else raises :class:`TextParseError` whose message names the cause.
    """
    cleaned = BIDI_MARKS.sub("", text).strip()
    if not cleaned:
        raise TextParseError(_("Enter a number; the text is empty."), code="empty")
    cleaned = to_latin_digits(cleaned, separators=True)

    sign = ""
    if cleaned.startswith(_SIGNS):
        sign, cleaned = ("" if cleaned[0] == "+" else "-"), cleaned[1:]
    for character in cleaned:
        if character in _SIGNS:
            raise TextParseError(_("A minus or plus sign may only stand first."), code="misplaced_sign")
        if character.isspace():
            raise TextParseError(_("A number cannot contain spaces."), code="contains_space")
        if not (character.isascii() and (character.isdigit() or character in ".,")):
            raise TextParseError(
                _("“%(character)s” cannot appear in a number."),
                code="invalid_character",
                params={"character": describe_character(character)},
            )
    if not any(character.isdigit() for character in cleaned):
        raise TextParseError(_("The number has no digits."), code="no_digits")
    if cleaned.count(".") > 1:
        raise TextParseError(
            _("The number has more than one decimal separator (٫ or .)."),
            code="multiple_decimal_separators",
        )
    whole, _point, fraction = cleaned.partition(".")
    if "," in fraction:
        raise TextParseError(
            _("A thousands separator (٬ or ,) cannot come after the decimal separator."),
            code="grouping_after_decimal",
        )
    if "," in whole:
        first, *rest = whole.split(",")
        if not 1 <= len(first) <= 3 or any(len(group) != 3 for group in rest):
            raise TextParseError(
                _("Thousands separators (٬ or ,) must stand between groups of three digits."),
                code="misplaced_grouping",
            )
    return Decimal(sign + (whole.replace(",", "") or "0") + ("." + fraction if fraction else ""))


def describe_character(character: str) -> str:
    """A character as an error message can show it: itself when it can be seen, else its code
    point («U+200C» for a ZWNJ), so that an invisible cause is named."""
    if character.isprintable() and not character.isspace():
        return character
    return f"U+{ord(character):04X}"
