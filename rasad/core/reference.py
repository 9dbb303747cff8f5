"""Reference data shipped in the repository (provinces, cities); see docs/reference/geodata.md."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from rasad.core.models import City, Province

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    """Idempotent: rows are matched on their codes and updated in place."""
    with (DATA_DIR / "provinces.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Province.objects.update_or_create(
                code=row["code"],
                defaults={
                    "hasc": row["hasc"],
                    "name_fa": row["name_fa"],
                    "name_en": row["name_en"],
                    "latitude": float(row["latitude"]),
                    "longitude": float(row["longitude"]),
                },
            )
    provinces = {p.code: p for p in Province.objects.all()}
    cities_path = DATA_DIR / "cities.csv"
    if cities_path.exists():
        with cities_path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                province = provinces.get(row["province_code"])
                if province is None:
                    continue
                City.objects.update_or_create(
                    geonames_id=int(row["geonames_id"]),
                    defaults={
                        "province": province,
                        "name_fa": row["name_fa"],
                        "name_en": row["name_en"],
                        "latitude": float(row["latitude"]),
                        "longitude": float(row["longitude"]),
                        "population": int(row["population"] or 0),
                    },
                )
    return {"provinces": Province.objects.count(), "cities": City.objects.count()}
