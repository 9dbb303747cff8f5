"""Seed the case categories, the SLA policy, the office week and the holidays of
rasad/cases/data/holidays.csv (idempotent; administrators edit the rows afterwards)."""

import csv
from datetime import date, time
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

CATEGORIES = [
    ("energy-supply", "تأمین انرژی (برق و گاز)", "Energy supply (electricity and gas)"),
    ("export-currency", "صادرات و ارزآوری", "Export and currency"),
    ("cyber-security", "امنیت سایبری", "Cyber security"),
    ("environment", "محیط زیست", "Environment"),
    ("border", "مرز و امنیت مرزی", "Border"),
    ("media", "رسانه و فضای مجازی", "Media and cyberspace"),
    ("infrastructure", "زیرساخت و پدافند غیرعامل", "Infrastructure and civil defence"),
    ("safety", "ایمنی و حوادث", "Safety and accidents"),
    ("water", "آب", "Water"),
    ("indicators", "شاخص‌های عملکرد", "Performance indicators"),
    ("other", "سایر", "Other"),
]

POLICY = {
    "challenge": {"critical": 8, "high": 24, "medium": 40, "low": 80},
    "risk": {"critical": 16, "high": 40, "medium": 80, "low": 160},
    "incident": {"critical": 2, "high": 8, "medium": 24, "low": 40},
    "directive": {"critical": 16, "high": 40, "medium": 80, "low": 160},
}


def load(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    Settings = apps.get_model("cases", "WorkingCalendarSettings")
    Holiday = apps.get_model("cases", "Holiday")
    for order, (code, name, name_en) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": order})
    for kind, rows in POLICY.items():
        for priority, hours in rows.items():
            SlaPolicy.objects.get_or_create(kind=kind, priority=priority, defaults={"working_hours": hours})
    Settings.objects.get_or_create(
        code="default",
        defaults={"workday_start": time(8), "workday_end": time(16), "thursday_start": time(8), "thursday_end": time(13)},
    )
    with (DATA_DIR / "holidays.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Holiday.objects.get_or_create(
                date=date.fromisoformat(row["date"]),
                name_fa=row["name_fa"],
                defaults={"name_en": row["name_en"], "kind": row["kind"]},
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
