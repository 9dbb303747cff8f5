"""The provincial list of green occupations the catalogue starts with, loaded by the data
migration (and again by tests that flush tables). Codes: ISCO-08 unit groups and ISIC Rev.4
classes (docs/reference/greenjobs-occupations.md says where they come from)."""

from __future__ import annotations

from typing import Any

# code, Persian name, English name, ISCO-08, ISIC Rev.4, what makes it green
STANDARD_OCCUPATIONS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "solar-installer",
        "نصاب سامانه‌های خورشیدی",
        "Solar photovoltaic installer",
        "7411",
        "4321",
        "برق را از انرژی تجدیدپذیر خورشید تأمین می‌کند و مصرف سوخت فسیلی را کاهش می‌دهد.",
    ),
    (
        "solar-water-heater",
        "نصاب آبگرمکن خورشیدی",
        "Solar water-heater installer",
        "7126",
        "4322",
        "گرمایش آب با انرژی خورشید به جای گاز یا برق.",
    ),
    (
        "recycling-sorter",
        "کارگر تفکیک و بازیافت پسماند",
        "Refuse sorter",
        "9612",
        "3830",
        "مواد بازیافتی را از پسماند جدا می‌کند تا به چرخهٔ تولید برگردند.",
    ),
    (
        "waste-collector",
        "جمع‌آورندهٔ پسماند خشک",
        "Recycling collector",
        "9611",
        "3811",
        "پسماند خشک قابل بازیافت را از مبدأ جمع‌آوری می‌کند.",
    ),
    (
        "compost-maker",
        "تولیدکنندهٔ کود آلی (کمپوست)",
        "Compost maker",
        "8131",
        "3821",
        "پسماند تر را به کود آلی تبدیل می‌کند و دفن پسماند را کم می‌کند.",
    ),
    (
        "eco-lodge-manager",
        "مدیر اقامتگاه بوم‌گردی",
        "Eco-lodge manager",
        "1411",
        "5510",
        "گردشگری کم‌اثر بر محیط زیست، با معماری و مصالح بومی و اشتغال محلی.",
    ),
    (
        "nature-guide",
        "راهنمای طبیعت‌گردی",
        "Nature guide",
        "5113",
        "7990",
        "گردشگران را با رعایت اصول حفاظت از طبیعت و آموزش محیط زیستی همراهی می‌کند.",
    ),
    (
        "drip-irrigation-installer",
        "نصاب سامانه‌های آبیاری قطره‌ای",
        "Drip-irrigation installer",
        "7126",
        "0161",
        "آبیاری تحت فشار مصرف آب کشاورزی را کاهش می‌دهد.",
    ),
    (
        "greenhouse-grower",
        "کشاورز گلخانه‌ای کم‌آب‌بر",
        "Water-saving greenhouse grower",
        "6113",
        "0113",
        "محصول بیشتر با آب کمتر، در کشت گلخانه‌ای با آبیاری هوشمند.",
    ),
    (
        "insulation-worker",
        "کارگر عایق‌کاری ساختمان",
        "Building insulation worker",
        "7124",
        "4329",
        "عایق‌کاری حرارتی اتلاف انرژی ساختمان را کاهش می‌دهد.",
    ),
    (
        "energy-auditor",
        "ممیز انرژی",
        "Energy auditor",
        "2143",
        "7110",
        "مصرف انرژی صنایع و ساختمان‌ها را می‌سنجد و راه کاهش آن را پیشنهاد می‌کند.",
    ),
    (
        "water-treatment-operator",
        "اپراتور تصفیه‌خانهٔ فاضلاب",
        "Wastewater treatment operator",
        "3132",
        "3700",
        "فاضلاب را تصفیه و برای استفادهٔ دوباره آماده می‌کند.",
    ),
)


def load(apps: Any = None, schema_editor: Any = None) -> None:
    """Create the standard occupations that are missing (idempotent)."""
    from django.apps import apps as installed

    from rasad.lib.persian import search_key

    model: Any = (apps or installed).get_model("greenjobs", "Occupation")
    for code, name, name_en, isco, isic, criteria in STANDARD_OCCUPATIONS:
        model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "isco_code": isco,
                "isic_code": isic,
                "criteria": criteria,
                "search_text": search_key(" ".join([name, name_en, code, isco, isic])),
            },
        )
