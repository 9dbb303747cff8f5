"""The standard positions that requirements name, loaded by the data migration (and again by
tests that flush tables): manager, governor, district head, public-relations officer, spokesperson
(the media app attributes statements to its holders), IT officer, worker and employer."""

from __future__ import annotations

from typing import Any

STANDARD_POSITIONS: tuple[tuple[str, str, str], ...] = (
    ("manager", "مدیر", "Manager"),
    ("governor", "فرماندار", "County governor"),
    ("district-head", "بخشدار", "District head"),
    ("pr-officer", "مسئول روابط عمومی", "Public-relations officer"),
    ("spokesperson", "سخنگو", "Spokesperson"),
    ("it-officer", "مسئول فناوری اطلاعات", "IT officer"),
    ("industry-staff", "کارشناس صنعت", "Industry staff"),
    ("worker", "کارگر", "Worker"),
    ("employer", "کارفرما", "Employer"),
)


def load(apps: Any = None, schema_editor: Any = None) -> None:
    """Create the standard positions that are missing (idempotent)."""
    from django.apps import apps as installed

    model: Any = (apps or installed).get_model("training", "Position")
    for code, name, name_en in STANDARD_POSITIONS:
        model.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
