"""Where the extraction engine's gazetteers come from: the shipped geography (CSV files of
``rasad/core/data``), and the organization tree with its aliases (the database, or the demo tree
for benchmarks that run without one)."""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from rasad.intake.extraction import Gazetteer, OrganizationEntry, PlaceEntry

CORE_DATA = Path(__file__).resolve().parent.parent / "core" / "data"

# Aliases the demo organizations are known by in the press (an administrator adds more on the
# alias page; reviewers' corrections add the rest).
DEMO_ALIASES: Mapping[str, tuple[str, ...]] = {
    "IMIDRO": ("ایمیدرو", "ایمیدروی"),
    "PDO": ("پدافند غیرعامل کشور", "سازمان پدافند"),
    "DOE": ("محیط زیست کشور", "سازمان محیط زیست"),
    "IMI": ("مدیریت صنعتی",),
    "DOE-QOM": ("محیط زیست استان قم", "محیط زیست قم"),
    "QOM-TVT": ("فنی و حرفه‌ای استان قم", "فنی و حرفه‌ای قم"),
    "QOM-LAB": ("تعاون، کار و رفاه اجتماعی استان قم",),
    "KER-CSC": ("شورای فضای مجازی کرمان",),
    "KER-MHQ": ("ستاد رسانه‌ای کرمان",),
    "KER-PWR": ("توزیع برق شمال کرمان", "برق شمال استان کرمان"),
    "KER-RC": ("هلال احمر استان کرمان", "هلال احمر کرمان"),
    "KER-HLT": ("علوم پزشکی کرمان",),
    "KER-EDU": ("آموزش و پرورش استان کرمان", "آموزش و پرورش کرمان"),
    "KER-WTR": ("آب منطقه‌ای کرمان", "آب منطقه‌ای استان کرمان"),
    "KER-POL": ("فرماندهی انتظامی استان کرمان", "پلیس استان کرمان"),
    "ISF-BCC": ("مرکز فرماندهی و کنترل مرزی اصفهان",),
}


@functools.cache
def shipped_places() -> tuple[PlaceEntry, ...]:
    """The 31 provinces and the cities of ``rasad/core/data`` (cities without a Persian name are
    left out: the text is Persian)."""
    places: list[PlaceEntry] = []
    with (CORE_DATA / "provinces.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            places.append(
                PlaceEntry(
                    "province",
                    row["code"],
                    row["name_fa"],
                    float(row["latitude"]),
                    float(row["longitude"]),
                    row["code"],
                )
            )
    with (CORE_DATA / "cities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row["name_fa"].strip():
                continue
            places.append(
                PlaceEntry(
                    "city",
                    row["geonames_id"],
                    row["name_fa"].strip(),
                    float(row["latitude"]),
                    float(row["longitude"]),
                    row["province_code"],
                    int(row["population"] or 0),
                )
            )
    return tuple(places)


def demo_organizations(extra_aliases: Mapping[str, Iterable[str]] | None = None) -> list[OrganizationEntry]:
    """The demo tree of ``rasad.core.demo`` with its press aliases, without a database."""
    from rasad.core.demo import ORGANIZATIONS

    aliases = {code: list(names) for code, names in DEMO_ALIASES.items()}
    for code, names in (extra_aliases or {}).items():
        aliases.setdefault(code, []).extend(names)
    return [
        OrganizationEntry(
            code=spec.code,
            name=spec.name,
            kind=str(spec.kind),
            province_code=spec.province,
            name_en=spec.name_en,
            aliases=tuple(aliases.get(spec.code, ())),
        )
        for spec in ORGANIZATIONS
    ]


def demo_gazetteer() -> Gazetteer:
    return Gazetteer.build(demo_organizations(), shipped_places())


def gazetteer_of(organizations: Sequence[OrganizationEntry]) -> Gazetteer:
    return Gazetteer.build(organizations, shipped_places())


def database_gazetteer() -> Gazetteer:
    """The organization tree of the database (open organizations) with every alias, and the
    shipped geography. Built per submission: a tree of a few thousand bodies takes milliseconds."""
    from rasad.core.models import Organization
    from rasad.intake.models import OrganizationAlias

    aliases: dict[int, list[str]] = {}
    for organization_id, alias in OrganizationAlias.objects.values_list("organization_id", "alias"):
        aliases.setdefault(organization_id, []).append(alias)
    entries = [
        OrganizationEntry(
            code=organization.code,
            name=organization.name,
            kind=organization.kind,
            province_code=organization.province.code if organization.province else "",
            name_en=organization.name_en,
            aliases=tuple(aliases.get(organization.pk, ())),
            pk=organization.pk,
        )
        for organization in Organization.objects.filter(closed_on__isnull=True).select_related("province")
    ]
    return Gazetteer.build(entries, shipped_places())
