"""Word lists the extractors rely on. They describe Persian administrative language in general,
not any one document: organization kind words, titles, honorifics, given names, function words
and the place names that are also ordinary words. ``docs/intake.md`` explains each list; add to
a list here (and a test) rather than special-casing a document.

Every entry is compared by key (``rasad.intake.extraction.text.fold``): no ZWNJ, no spaces.
"""

from __future__ import annotations

from typing import Final

from rasad.intake.extraction.text import fold


def _keys(words: str) -> frozenset[str]:
    return frozenset(fold(word) for word in words.split())


def _phrases(*phrases: str) -> tuple[tuple[str, ...], ...]:
    """Multi-word phrases as tuples of word keys, longest first."""
    result = [tuple(fold(w) for w in phrase.split()) for phrase in phrases]
    return tuple(sorted(result, key=len, reverse=True))


# Words that open the name of an organization, in the singular (ezafe forms included). What maps
# to what kind is used to guess the kind of a new organization.
ORGANIZATION_HEADS: Final = _phrases(
    "سازمان",
    "اداره کل",
    "اداره",
    "شرکت",
    "شورای",
    "شورای عالی",
    "ستاد",
    "وزارت",
    "دانشگاه",
    "بنیاد",
    "مرکز",
    "پژوهشگاه",
    "پژوهشکده",
    "استانداری",
    "فرمانداری",
    "بخشداری",
    "شهرداری",
    "دهیاری",
    "بانک",
    "قرارگاه",
    "فرماندهی",
    "انجمن",
    "کمیته",
    "کمیسیون",
    "دبیرخانه",
    "موسسه",
    "مؤسسه",
    "جمعیت",
    "اتاق",
    "خانه",
    "صندوق",
    "نیروی",
    "هلدینگ",
    "گروه صنعتی",
    "مجتمع",
    "کارخانه",
    "پالایشگاه",
    "نیروگاه",
    "مرزبانی",
    "هنگ مرزی",
    "پاسگاه",
    "پایگاه",
    "فرودگاه",
    "گمرک",
    "دادگستری",
    "دادستانی",
    "سپاه",
    "ارتش",
    "پلیس",
    "اورژانس",
    "کارگروه",
    "قوه",
    "مجلس",
    "معاونت",
    "پارک علم و فناوری",
    "دانشکده",
    "بیمارستان",
    "شبکه بهداشت و درمان",
    "نهاد",
    "کانون",
    "اتحادیه",
    "تعاونی",
    "هیئت",
    "هیات",
    "آموزشگاه",
    "منطقه آزاد",
    "منطقه ویژه اقتصادی",
    "سپاه",
    "ناحیه مقاومت",
    "هلال احمر",
)
# Heads after which a name would be vague on its own («مرکز» in «مرکز استان» is the capital, «خانه»
# is mostly a house): these need at least two words after them to be proposed as a new body.
WEAK_HEADS: Final = _keys(
    "نهاد کانون هیئت هیات مرکز خانه اتاق جمعیت نیروی پایگاه مجتمع قوه مجلس معاونت گروه کمیته صندوق فرماندهی"
)
# Plural and generic forms: «شرکت‌های دانش‌بنیان» are not one organization.
GENERIC_AFTER_HEAD: Final = _keys(
    "مربوطه مربوط مذکور متبوع ذیربط ذی‌ربط یادشده فوق مورد نظر دیگر خود ما شما آنها ایشان این آن "
    "مادر تخصصی شورا کارگروه ستاد سازمان اداره جلسه نشست"
)
# Whole organization-like phrases that name a function, not a body.
NOT_ORGANIZATIONS: Final = _keys("سازمانی اداری شرکتی ستادی مرکزی")
# News agencies quoted as the source of a report are not parties to it.
NEWS_SOURCE_HEADS: Final = _phrases("خبرگزاری", "پایگاه خبری", "روزنامه", "پایگاه اطلاع رسانی", "به گزارش")

# Kind guessed from the head word of a new organization (values of core.OrganizationKind).
HEAD_KINDS: Final = {
    fold("استانداری"): "governorate",
    fold("فرمانداری"): "governorate",
    fold("بخشداری"): "governorate",
    fold("شرکت"): "company",
    fold("شورای"): "council",
    fold("ستاد"): "council",
    fold("کارگروه"): "council",
    fold("کمیته"): "council",
    fold("اداره کل"): "provincial_office",
    fold("اداره"): "provincial_office",
    fold("قرارگاه"): "command_centre",
    fold("فرماندهی"): "command_centre",
    fold("پاسگاه"): "field_post",
    fold("وزارت"): "national_body",
    fold("سازمان"): "national_body",
}

# Title heads. A title is a head, maybe a few words naming a function, then an organization or a
# place: «رئیس سازمان پدافند غیرعامل»، «معاون آموزش سازمان حفاظت محیط زیست»، «استاندار اصفهان».
TITLE_HEADS: Final = _phrases(
    "رئیس",
    "رییس",
    "رئیس کل",
    "رئیس هیات عامل",
    "رئیس هیئت عامل",
    "رئیس هیات مدیره",
    "رئیس هیئت مدیره",
    "نایب رئیس",
    "معاون",
    "مدیرکل",
    "مدیر کل",
    "مدیرعامل",
    "مدیر عامل",
    "مدیر",
    "استاندار",
    "فرماندار",
    "بخشدار",
    "شهردار",
    "دهیار",
    "دبیر",
    "دبیرکل",
    "دبیر کل",
    "وزیر",
    "سخنگوی",
    "فرمانده",
    "جانشین",
    "دادستان",
    "قائم مقام",
    "سرپرست",
    "مشاور",
    "نماینده",
    "عضو",
    "رئیس شورای",
    "مسئول",
    "مسوول",
    "کارشناس",
)
# The organization a title head implies, when followed by a function and a place:
# «مدیرکل حفاظت محیط زیست استان قم» → «اداره کل حفاظت محیط زیست استان قم».
TITLE_TO_ORGANIZATION: Final = {
    fold("مدیرکل"): "اداره کل",
    fold("مدیر کل"): "اداره کل",
    fold("استاندار"): "استانداری",
    fold("فرماندار"): "فرمانداری",
    fold("بخشدار"): "بخشداری",
    fold("شهردار"): "شهرداری",
    fold("دهیار"): "دهیاری",
    fold("وزیر"): "وزارت",
    fold("دادستان"): "دادستانی",
}
# Honorifics and ranks that come before a name.
HONORIFICS: Final = _phrases(
    "سردار",
    "سرتیپ",
    "سرتیپ دوم",
    "سرلشکر",
    "سرهنگ",
    "سرهنگ دوم",
    "سرگرد",
    "سروان",
    "ستوان",
    "امیر",
    "امیر دریادار",
    "دریادار",
    "دکتر",
    "مهندس",
    "حجت الاسلام",
    "حجت الاسلام والمسلمین",
    "حجت الاسلام و المسلمین",
    "آیت الله",
    "آقای",
    "خانم",
    "سرکار خانم",
    "جناب آقای",
    "جناب",
    "استاد",
    "سید",
    "سیده",
    "پاسدار",
    "سرتیپ پاسدار",
    "سرتیپ دوم پاسدار",
    "سرلشکر پاسدار",
    "سرهنگ پاسدار",
    "سردار سرتیپ",
    "امیر سرتیپ",
    "امیر سرلشکر",
    "ستوان یکم",
    "ستوان دوم",
    "سرهنگ تمام",
)
# Given names: common Persian first names. Compounds («محمودعلی»، «غلامرضا»، «نصرالله») are
# recognised from their parts, so only simple names are listed.
GIVEN_NAMES: Final = _keys(
    """
    محمد احمد علی حسن حسین رضا مهدی مصطفی مرتضی مجتبی محمود مسعود مسعوده مجید حمید سعید وحید
    جواد جعفر صادق باقر کاظم هادی تقی نقی عباس یوسف یعقوب ابراهیم اسماعیل اسحاق موسی عیسی داوود
    داود سلیمان یحیی ذکریا زکریا یونس ایوب ادریس نوح آدم هاشم قاسم ناصر منصور اکبر اصغر امین
    امیرحسین امیرعلی امیرمحمد محسن حسام حامد حمزه حبیب خلیل جلیل جلال کمال جمال بهروز بهرام بهزاد
    بهمن بیژن پرویز پیمان پویا پوریا جمشید داریوش رامین سیاوش شاپور فرامرز فرهاد فرشاد فرزاد
    فریدون کاوه کامران کوروش کورش مازیار منوچهر نادر نیما هومن هوشنگ آرش آرمان آرین اردشیر
    ارسلان اسفندیار افشین ایرج بابک بردیا بیژن تورج رستم سهراب سامان شهرام شهریار شاهین فرشید
    فرید فریبرز کیوان میلاد مهران مهرداد مهرزاد نوید وحید یاسر یاسین عماد عمار عرفان عادل عارف
    عبدالله عزیز علیرضا غلام فرخ فواد قدرت کریم رحیم رحمان رحمت رسول روح سجاد سینا شهاب صابر
    صالح صمد طاهر ظاهر عطا فاضل فتاح فرج فضل لطف مجید مختار مراد مسلم مشتاق مقداد ملک منیر مهدیار
    میثم نبی نجف نصر نعمت نوروز نورالدین هاشم یاور یزدان یدالله بهنام بهادر پژمان پدرام تیمور
    جهانگیر حشمت خسرو دانیال رسام رضوان سلمان سروش شهروز شاهرخ شروین فرزین کیان کیارش گودرز
    ماهان مانی مسیح مهیار نصیر وهاب یاشار ابوالفضل ابوالقاسم ابوطالب اسدالله اکرم امید انوش
    ایمان بشیر توحید ثامن جاوید جبار حجت حیدر خداداد دلاور ذبیح رشید ساسان سالار سبحان سپهر
    سعادت سیروس شمس شکرالله صفر طالب ظفر عباسعلی عزت علی‌اکبر علی‌اصغر فتح فرامرز قربان
    کرامت کاووس مظفر معین مقصود منصور موسی ناصح نجات نریمان نظام هدایت یوسف
    فاطمه زهرا مریم زینب معصومه سکینه رقیه خدیجه عاطفه اعظم اشرف اکرم آمنه آسیه طاهره طیبه
    منیژه منیره مهناز مهین مینا مژگان مهسا مهشید مهتاب مونا نازنین ناهید نرگس نسرین نسیم نغمه
    نیلوفر نازی نیکو هانیه هدی هاله هما هستی یاسمن یگانه الهام الهه الناز آزاده آزیتا آناهیتا
    بهاره بیتا پریسا پروانه پروین پرستو ترانه تینا ثمین جمیله حمیده حوریه خاطره راحله رویا ریحانه
    زهره ژاله ساره سارا سپیده ستاره سمانه سمیرا سمیه سوسن سودابه سیمین شادی شبنم شهلا شهناز شیما
    شیرین صدیقه صغری طاهره عصمت غزاله فرانک فرشته فرزانه فریبا فرح فهیمه کبری کتایون گلاره
    گلناز گلی لادن لاله لیلا لیلی مرضیه محبوبه ملیحه منصوره مهری میترا نجمه نفیسه نیره وجیهه
    ویدا هاجر یلدا ربابه عفت عشرت قدسی کوثر محدثه مائده مهدیه نرجس هانیه فاطیما
    """
)
# Given names that are far more often ordinary words or month names in this kind of text; they
# count only after an honorific or before a known surname pattern.
AMBIGUOUS_GIVEN_NAMES: Final = _keys(
    "امید امیر آزاد ملک نصر روح فتح فضل لطف قدرت حشمت سعادت شمس ظفر نجات نظام هدایت کرامت "
    "رحمت عزت فرخ بهمن صفر عطا نور ستاره"
)
NAME_PREFIXES: Final = ("غلام", "عبد", "عبدال", "امیر", "محمد", "علی", "سید", "میر", "ابو", "ابوال")
NAME_SUFFIXES: Final = ("الله", "علی", "رضا", "حسین", "حسن", "محمد", "اکبر", "اصغر", "الدین")

# Words that can stand between a title head and its organization («معاون آموزش و مشارکت‌های مردمی»).
PRONOUNS: Final = _keys("وی او ایشان آنها آن‌ها ما من شما این آن همه")
# Function words: a name, an organization or a title never ends on one and never runs over one.
STOPWORDS: Final = _keys(
    """
    و در با به از برای تا که را نیز هم همچنین یا اما ولی این آن وی او ایشان هر همه چند بر درباره
    ضمن طی پس پیش بعد قبل بین میان نزد توسط جهت درخصوص خصوص بنابراین همچون مانند چون اگر چنانچه
    است بود شد شده باشد هست نیست کرد کند کنند کرده گفت افزود داد دارد ندارد خواهد باید می
    اینکه آنکه چرا چه کدام اکنون امروز امروزه دیروز فردا سال ماه روز هفته ساعت نشست جلسه دیدار
    مراسم گزارش خبر رغم عنوان سوی سمت طریق اساس براساس زمینه حوزه بخش سطح یکی دیگر خود
    خواست خواستار
    """
)
# Verbs that follow the nominal part of a compound verb («برگزار شد»، «ارسال کند»): the word before
# one of them is never part of a name.
LIGHT_VERBS: Final = _keys(
    """
    شد شدند شده شود شوند شوید کرد کردند کرده کند کنند کنید کنیم نمود نمودند نماید نمایند نمایید
    گردد گردند گردید گردیدند داد دادند داده دهد دهند دهید است هستند بود باشد باشند دارد دارند
    گرفت گرفتند گیرد گیرند رسید رسیدند رسد رساند یافت یابد ساخت سازد آورد آورند
    """
)
# Verbs of saying: a sentence whose main verb is one of these reports someone's words.
SPEECH_VERBS: Final = _phrases(
    "گفت",
    "افزود",
    "ادامه داد",
    "تصریح کرد",
    "اظهار داشت",
    "اظهار کرد",
    "یادآور شد",
    "خاطرنشان کرد",
    "خاطر نشان کرد",
    "تاکید کرد",
    "تأکید کرد",
    "بیان کرد",
    "بیان داشت",
    "اعلام کرد",
    "عنوان کرد",
    "توضیح داد",
    "اشاره کرد",
    "خبر داد",
    "گفته است",
    "بیان نمود",
    "تاکید نمود",
    "اظهار امیدواری کرد",
    "دانست",
)
# Words that may follow a speaker at the start of a sentence («کیادلیری با اشاره به …»).
AFTER_SPEAKER: Final = _keys(
    "با ضمن در نیز همچنین افزود گفت ادامه تصریح اظهار خاطرنشان یادآور تاکید تأکید بیان اعلام :"
)

# Places that are also ordinary words (or names of people or mountains): proposed only after
# «شهر»، «شهرستان»، «بخش»، «بندر» or «استان».
AMBIGUOUS_PLACES: Final = _keys(
    """
    نور بهار میانه سراب گرمی اندیشه پردیس قدس بهارستان صدرا جم لار انار گز شال الوند قیام کوار
    ویس سهند پادگان ایستگاه ماهان ایوان بافت راور اوز قیر سده داران تیران ازنا فردوس لالی کیش
    اهرم آستانه پیشوا شهریار مهاجران پیشین نمونه بروات دورود رودان امیدیه حمیدیه محمدیه قائمیه
    فردوسیه وحیدیه اقبالیه شوش خور مصر تفت بم مرکزی گلستان البرز خبرآباد
    زرند فسا صحنه الشتر شادگان هندیجان سوریان گراش خنج سیمین رهنان داریان کنارک
    """
)
PLACE_CUES: Final = _phrases("استان", "شهر", "شهرستان", "بخش", "بندر", "روستای", "شهرستان های", "استان های")
# Words before a place name that make it part of something else («خلیج فارس»، «خبرگزاری فارس»).
NOT_PLACE_BEFORE: Final = _keys("خلیج خبرگزاری زبان دریای کوه کوه‌های رشته")

# Well-known national bodies, so that a document naming one is read whole even when the tree does
# not have it (then it is proposed as new): names without a head word («نیروی انتظامی»، «صدا و
# سیما»), names with commas («وزارت صنعت، معدن و تجارت») and their common abbreviations.
# (name, kind, abbreviations)
KNOWN_BODIES: Final = (
    ("وزارت کشور", "national_body", ()),
    ("وزارت نیرو", "national_body", ()),
    ("وزارت نفت", "national_body", ()),
    ("وزارت صنعت، معدن و تجارت", "national_body", ("صمت", "وزارت صمت")),
    ("وزارت جهاد کشاورزی", "national_body", ()),
    ("وزارت ارتباطات و فناوری اطلاعات", "national_body", ()),
    ("وزارت امور اقتصادی و دارایی", "national_body", ()),
    ("وزارت بهداشت، درمان و آموزش پزشکی", "national_body", ("وزارت بهداشت",)),
    ("وزارت آموزش و پرورش", "national_body", ()),
    ("وزارت علوم، تحقیقات و فناوری", "national_body", ("وزارت علوم",)),
    ("وزارت راه و شهرسازی", "national_body", ()),
    ("وزارت تعاون، کار و رفاه اجتماعی", "national_body", ("وزارت کار",)),
    ("وزارت فرهنگ و ارشاد اسلامی", "national_body", ("وزارت ارشاد",)),
    ("وزارت امور خارجه", "national_body", ()),
    ("وزارت دفاع و پشتیبانی نیروهای مسلح", "national_body", ("وزارت دفاع",)),
    ("وزارت اطلاعات", "national_body", ()),
    ("سازمان برنامه و بودجه کشور", "national_body", ("سازمان برنامه و بودجه",)),
    ("فرماندهی انتظامی جمهوری اسلامی ایران", "national_body", ("فراجا", "ناجا", "نیروی انتظامی")),
    ("مرزبانی فراجا", "national_body", ("مرزبانی ناجا",)),
    ("پلیس فتا", "national_body", ()),
    ("سپاه پاسداران انقلاب اسلامی", "national_body", ("سپاه پاسداران",)),
    ("ارتش جمهوری اسلامی ایران", "national_body", ()),
    ("سازمان بسیج مستضعفین", "national_body", ()),
    ("سازمان صدا و سیما", "national_body", ("صدا و سیما", "صداوسیما", "رسانه ملی")),
    ("جمعیت هلال احمر جمهوری اسلامی ایران", "national_body", ("جمعیت هلال احمر", "هلال احمر")),
    ("سازمان مدیریت بحران کشور", "national_body", ()),
    ("مرکز ملی فضای مجازی", "national_body", ()),
    ("شورای عالی فضای مجازی", "council", ()),
    ("شورای عالی امنیت ملی", "council", ()),
    ("مجلس شورای اسلامی", "national_body", ("مجلس",)),
    ("قوه قضاییه", "national_body", ("دستگاه قضا",)),
    ("سازمان بازرسی کل کشور", "national_body", ()),
    ("دیوان محاسبات کشور", "national_body", ()),
    ("بانک مرکزی جمهوری اسلامی ایران", "national_body", ("بانک مرکزی",)),
    ("گمرک جمهوری اسلامی ایران", "national_body", ()),
    ("شرکت توانیر", "company", ("توانیر",)),
    ("شرکت ملی گاز ایران", "company", ()),
    ("شرکت ملی نفت ایران", "company", ()),
    ("شرکت ملی پالایش و پخش فرآورده‌های نفتی", "company", ()),
    ("سازمان ملی استاندارد ایران", "national_body", ("سازمان استاندارد",)),
    ("سازمان هواشناسی کشور", "national_body", ()),
    ("سازمان تنظیم مقررات و ارتباطات رادیویی", "national_body", ()),
    ("سازمان تأمین اجتماعی", "national_body", ()),
    ("سازمان امور مالیاتی کشور", "national_body", ()),
    ("سازمان آموزش فنی و حرفه‌ای کشور", "national_body", ()),
    ("اتاق بازرگانی، صنایع، معادن و کشاورزی ایران", "national_body", ("اتاق بازرگانی",)),
)
