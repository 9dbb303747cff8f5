"""The sections of ISIC Rev.4 (the letters A-U that group its two-digit divisions), so that a
business's four-digit class (``Business.sector_code``) can be read by people as its sector: the
public directory filters and counts by section. The division ranges are those of the
classification itself (docs/reference/methods.md, "ISIC Rev.4 sections")."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    letter: str
    first: int  # first division (two digits) of the section
    last: int  # last division, inclusive
    name: str | Promise


SECTIONS: tuple[Section, ...] = (
    Section("A", 1, 3, _("Agriculture, forestry and fishing")),
    Section("B", 5, 9, _("Mining and quarrying")),
    Section("C", 10, 33, _("Manufacturing")),
    Section("D", 35, 35, _("Electricity, gas, steam and air conditioning supply")),
    Section("E", 36, 39, _("Water supply, sewerage, waste management and remediation")),
    Section("F", 41, 43, _("Construction")),
    Section("G", 45, 47, _("Wholesale and retail trade, repair of motor vehicles")),
    Section("H", 49, 53, _("Transportation and storage")),
    Section("I", 55, 56, _("Accommodation and food service")),
    Section("J", 58, 63, _("Information and communication")),
    Section("K", 64, 66, _("Financial and insurance activities")),
    Section("L", 68, 68, _("Real estate activities")),
    Section("M", 69, 75, _("Professional, scientific and technical activities")),
    Section("N", 77, 82, _("Administrative and support services")),
    Section("O", 84, 84, _("Public administration and defence")),
    Section("P", 85, 85, _("Education")),
    Section("Q", 86, 88, _("Human health and social work")),
    Section("R", 90, 93, _("Arts, entertainment and recreation")),
    Section("S", 94, 96, _("Other service activities")),
    Section("T", 97, 98, _("Activities of households as employers")),
    Section("U", 99, 99, _("Extraterritorial organizations and bodies")),
)
BY_LETTER = {section.letter: section for section in SECTIONS}


def section_of(sector_code: str) -> Section | None:
    """The section of a class code (``"3830"`` → E); ``None`` for a code that is not one."""
    if len(sector_code) < 2 or not sector_code[:2].isdecimal():
        return None
    division = int(sector_code[:2])
    return next((s for s in SECTIONS if s.first <= division <= s.last), None)


def division_prefixes(letter: str) -> list[str]:
    """The two-digit division prefixes of a section (``"F"`` → ``["41", "42", "43"]``)."""
    section = BY_LETTER[letter]
    return [f"{division:02d}" for division in range(section.first, section.last + 1)]


def choices() -> list[tuple[str, str | Promise]]:
    return [(section.letter, section.name) for section in SECTIONS]
