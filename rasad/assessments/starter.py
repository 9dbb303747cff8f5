"""The five starter instruments, published as version 1 by the data migration (and again by
``load`` wherever they are missing). Each one's structure is a spreadsheet in
``data/instruments/<code>.csv`` in the import format, read by the same reader as an upload;
names, totals and bands are here. Provenance and the choices made: ``docs/reference/instruments.md``.

Owners are not set here (no organization exists when the migration runs): a starter instrument
without an owner is platform reference data until an administrator hands it to the body that
publishes it (the demo hands the passive-defence guideline to the civil defence organization).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

DATA_DIR = Path(__file__).resolve().parent / "data" / "instruments"


@dataclass(frozen=True)
class StarterInstrument:
    code: str
    name: str
    name_en: str
    kind: str
    total_points: int
    description: str
    bands: tuple[tuple[str, str, int], ...] = ()


COMPLIANCE_BANDS = (
    ("انطباق کامل", "Full compliance", 90),
    ("انطباق قابل قبول", "Acceptable compliance", 70),
    ("نیازمند بهبود", "Needs improvement", 50),
    ("انطباق ناکافی", "Insufficient compliance", 0),
)

STARTER: tuple[StarterInstrument, ...] = (
    StarterInstrument(
        "PD-INFRA",
        "دستورالعمل ایمنی و پدافند غیرعامل زیرساخت‌ها",
        "Passive-defence safety guideline for infrastructures",
        "compliance",
        100,
        "ساختار ایمنی که هر زیرساخت باید داشته باشد، در چهار بخش حفاظت فیزیکی، تاب‌آوری انرژی، "
        "امنیت سایبری و مدیریت بحران؛ در همه سطوح قابل اجرا.",
        COMPLIANCE_BANDS,
    ),
    StarterInstrument(
        "CYBER-BASE",
        "الزامات پایه امنیت سایبری",
        "Cyber-security baseline",
        "compliance",
        100,
        "کمینه الزامات امنیت سایبری دستگاه‌ها و شرکت‌ها: راهبری، کنترل دسترسی، حفاظت شبکه، "
        "پشتیبان‌گیری و پاسخ به رخداد.",
        COMPLIANCE_BANDS,
    ),
    StarterInstrument(
        "EMA",
        "معیارهای جایزه ملی مدیریت انرژی",
        "National Energy Management Award criteria",
        "award",
        1000,
        "امتیاز فنی در برابر معیار مصرف، بهبود عملکرد انرژی، نظام مدیریت انرژی و معیارهای محیط زیستی. "
        "وزن بخش‌ها نمونه است و وزن رسمی سازمان مدیریت صنعتی نیست.",
        (
            ("طلایی سه‌ستاره", "Gold, three stars", 951),
            ("طلایی دوستاره", "Gold, two stars", 901),
            ("طلایی یک‌ستاره", "Gold, one star", 851),
            ("سیمین سه‌ستاره", "Silver, three stars", 801),
            ("سیمین دوستاره", "Silver, two stars", 751),
            ("سیمین یک‌ستاره", "Silver, one star", 701),
            ("برنزی سه‌ستاره", "Bronze, three stars", 650),
            ("برنزی دوستاره", "Bronze, two stars", 600),
            ("برنزی یک‌ستاره", "Bronze, one star", 550),
            ("گواهی مشارکت", "Certificate of participation", 0),
        ),
    ),
    StarterInstrument(
        "EXC-ENV",
        "معیارهای محیط زیستی جایزه ملی تعالی سازمانی",
        "Environmental criteria of the National Excellence Award",
        "award",
        100,
        "رهبری و راهبرد، فرایندها و منابع، و نتایج محیط زیستی با منطق رادار؛ بخشی که سازمان حفاظت "
        "محیط زیست ارزیابی و ممیزی می‌کند.",
        (
            ("تعالی محیط زیستی", "Environmental excellence", 70),
            ("تعهد محیط زیستی", "Environmental commitment", 40),
        ),
    ),
    StarterInstrument(
        "GREEN-WS",
        "چک‌لیست سبزسازی کارگاه‌ها و کسب‌وکارها",
        "Greening checklist for workshops and businesses",
        "compliance",
        100,
        "الزامات محیط زیستی سبزسازی مشاغل موجود: انرژی، آب، پسماند، مهارت سبز و مجوزها.",
        COMPLIANCE_BANDS,
    ),
)


def read_spec(code: str, indicator_codes: set[str]) -> Any:
    """The structure of a starter instrument, read and checked like an upload."""
    from rasad.assessments.spreadsheet import read_structure

    path = DATA_DIR / f"{code}.csv"
    starter = next(s for s in STARTER if s.code == code)
    spec, report = read_structure(
        path.read_bytes(),
        path.name,
        total_points=Decimal(starter.total_points),
        indicator_exists=lambda indicator: indicator in indicator_codes,
    )
    if spec is None:
        raise ValueError(f"starter instrument {code} is invalid: {report.as_dict()['errors']}")
    return spec


def load(apps: Any) -> int:
    """Publish each starter instrument as version 1 where no instrument of its code exists.
    ``apps`` is a migration's app registry (or ``django.apps.apps``). Returns how many were made."""
    from rasad.assessments.structure import write_structure

    instrument_model = apps.get_model("assessments", "Instrument")
    band_model = apps.get_model("assessments", "Band")
    indicator_model = apps.get_model("indicators", "Indicator")
    codes = set(indicator_model.objects.values_list("code", flat=True))
    made = 0
    for starter in STARTER:
        if instrument_model.objects.filter(code=starter.code).exists():
            continue
        spec = read_spec(starter.code, codes)
        instrument = instrument_model.objects.create(
            code=starter.code,
            version=1,
            name=starter.name,
            name_en=starter.name_en,
            description=starter.description,
            kind=starter.kind,
            total_points=Decimal(starter.total_points),
            status="published",
            published_at=timezone.now(),
            search_text=_search_text(starter),
        )
        write_structure(
            instrument,
            spec,
            section_model=apps.get_model("assessments", "Section"),
            criterion_model=apps.get_model("assessments", "Criterion"),
            item_model=apps.get_model("assessments", "Item"),
            indicator_model=indicator_model,
        )
        band_model.objects.bulk_create(
            [
                band_model(instrument=instrument, name=name, name_en=name_en, minimum=Decimal(minimum))
                for name, name_en, minimum in starter.bands
            ]
        )
        made += 1
    return made


def _search_text(starter: StarterInstrument) -> str:
    from rasad.lib.persian import search_key

    return search_key(" ".join([starter.code, starter.name, starter.name_en, starter.description]))


def ensure_loaded() -> int:
    """For tests and the demo after a flush: load what the migration would have."""
    from django.apps import apps

    return load(apps)
