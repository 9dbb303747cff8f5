"""Fingerprints that two people can compare over the phone, in Persian.

A centre's fingerprint is derived from its identity public key only (the signing and encryption
keys rotate; the identity does not). It is shown two ways, and either may be read aloud:

* **30 digits** in six groups of five (about 99 bits), as Signal shows a safety number; Persian
  digits on screen, read as numbers.
* **12 words** from a fixed list of 256 plain Persian nouns (96 bits), one word per byte, as the
  PGP word list does for English.

The digest is iterated (SHA-512, 1024 rounds, as Signal does 5200) so that searching for a key
whose fingerprint merely *resembles* a target is slower. The word list is chosen so that no two
words sound alike: after merging the letters Persian writes differently but pronounces the same
(س ص ث, ز ذ ض ظ, ت ط, ق غ, ه ح, ا ع آ), no two words are equal, one edit apart, or a prefix of
each other (``tests/test_fingerprint.py`` checks it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

ITERATIONS = 1024
DIGIT_GROUPS = 6
WORD_COUNT = 12

WORDS: tuple[str, ...] = tuple(
    """
    شیر پلنگ ببر گرگ روباه خرگوش آهو گوزن
    اسب فیل زرافه میمون خرس سنجاب عقاب کبوتر
    طاووس بلبل گنجشک کلاغ جغد لک‌لک مرغابی قناری
    طوطی ماهی نهنگ دلفین لاک‌پشت قورباغه زنبور پروانه
    سنجاقک مورچه بوقلمون گاومیش بزغاله گوسفند کانگورو پنگوئن
    شاهین قرقاول کفتار شغال گورخر سیب گلابی هلو
    زردآلو آلبالو گیلاس انگور انار انجیر خرما پرتقال
    نارنگی لیمو هندوانه خربزه موز کیوی گردو بادام
    پسته فندق نارگیل آناناس زیتون گوجه خیار هویج
    پیاز کدو بادمجان اسفناج کلم ذرت برنج گندم
    عدس نخود لوبیا زعفران دارچین نعنا ریحان لاله
    نرگس یاس بنفشه شقایق نیلوفر سرو کاج بید
    نخل بلوط دریا رودخانه کوه جنگل بیابان دشت
    آبشار چشمه باران برف رنگین‌کمان خورشید ستاره آسمان
    زمین سنگ صخره ساحل جزیره غار دره تپه
    کویر نسیم طوفان کتاب دفتر مداد خودکار کاغذ
    صندلی پنجره دروازه کلید قفل چراغ فانوس شمع
    آینه شانه ساعت انگشتر گردنبند کفش جوراب دستکش
    پیراهن شلوار چتر کیف چمدان بالش پتو فرش
    گلدان بشقاب قاشق چنگال چاقو لیوان فنجان کتری
    سماور قوری دیگ سبد طناب نردبان چکش قیچی
    دکمه طبل سه‌تار ویولن پیانو گیتار توپ بادبادک
    عروسک دوچرخه هواپیما کشتی اتوبوس کامیون تراکتور موشک
    ماهواره تلسکوپ دوربین رادیو تلفن رایانه پنیر ماست
    مربا شکلات بستنی آش چای قهوه شربت دوغ
    مدرسه بیمارستان مسجد بازار قلعه باغ پارک فرودگاه
    بندر کارخانه مزرعه روستا کاروانسرا حمام آسیاب قطب‌نما
    نقشه پرچم سکه الماس یاقوت فیروزه مروارید مرجان
    فولاد کمان شمشیر سپر نیزه کلبه چادر سفال
    کاشی آجر ستون گنبد مناره فواره استکان نعلبکی
    جارو سطل صابون حوله مسواک جیرجیرک کرگدن سوسمار
    هدهد پرستو شترمرغ اردک یوزپلنگ انبه تمشک ریواس
    """.split()  # noqa: SIM905 (the list reads as lines of words)
)
assert len(WORDS) == 256


@dataclass(frozen=True)
class Fingerprint:
    digest: bytes

    @property
    def digit_groups(self) -> tuple[str, ...]:
        """Six groups of five ASCII digits (display converts them to Persian digits)."""
        groups = []
        for index in range(DIGIT_GROUPS):
            chunk = self.digest[index * 5 : index * 5 + 5]
            groups.append(f"{int.from_bytes(chunk, 'big') % 100_000:05d}")
        return tuple(groups)

    @property
    def digits(self) -> str:
        return " ".join(self.digit_groups)

    @property
    def words(self) -> tuple[str, ...]:
        offset = DIGIT_GROUPS * 5
        return tuple(WORDS[byte] for byte in self.digest[offset : offset + WORD_COUNT])

    @property
    def hex(self) -> str:
        return self.digest[:32].hex()


def fingerprint(identity_public_key: bytes) -> Fingerprint:
    if len(identity_public_key) != 32:
        raise ValueError("an identity public key is 32 bytes")
    value = b"rasad-fingerprint-v1\x00" + identity_public_key
    for _ in range(ITERATIONS):
        value = hashlib.sha512(value + identity_public_key).digest()
    return Fingerprint(value)
