"""Load the provinces and cities shipped in rasad/core/data (idempotent)."""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Province = apps.get_model("core", "Province")
    City = apps.get_model("core", "City")
    with (DATA_DIR / "provinces.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Province.objects.update_or_create(
                code=row["code"],
                defaults={"hasc": row["hasc"], "name_fa": row["name_fa"], "name_en": row["name_en"],
                          "latitude": float(row["latitude"]), "longitude": float(row["longitude"])},
            )
    provinces = {p.code: p for p in Province.objects.all()}
    with (DATA_DIR / "cities.csv").open(encoding="utf-8") as handle:
        cities = [
            City(geonames_id=int(row["geonames_id"]), province=provinces[row["province_code"]],
                 name_fa=row["name_fa"], name_en=row["name_en"], latitude=float(row["latitude"]),
                 longitude=float(row["longitude"]), population=int(row["population"] or 0))
            for row in csv.DictReader(handle)
            if row["province_code"] in provinces
        ]
    City.objects.bulk_create(cities, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
