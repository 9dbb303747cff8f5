"""Compliance at every level (issue 14 §5): the final section percentages of a cycle's
assessments, averaged over the organizations under each organization of one level of the tree
(a heat map of organizations × sections), by province (the province map), and across the cycles
of the same instrument (the trend). Rules: ``docs/reference/methods.md`` §4.7.

Nothing here applies scope: the caller passes the querysets the reader may see (``Visible``),
built by the page's scoped helpers, the API's viewset or the export. An organization is named
only when the reader may see it or sees one of its assessments; a level that is neither is
skipped (its rows are its next named organizations down)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.assessments.choices import AssessmentStatus, InstrumentKind
from rasad.assessments.models import Assessment, Cycle, Section
from rasad.core.access import refusal
from rasad.core.models import Organization
from rasad.lib import formatting

# The levels of a percentage (methods §4.7): the lower bound of each, highest first.
LEVELS = ((90.0, "full"), (75.0, "good"), (50.0, "partial"), (0.0, "low"))


COMPLIANCE_LEVEL_NAMES = {
    "full": gettext_lazy("Compliant"),
    "good": gettext_lazy("Mostly compliant"),
    "partial": gettext_lazy("Partly compliant"),
    "low": gettext_lazy("Not compliant"),
}


def legend() -> list[tuple[str, str, str]]:
    """(level, name, range) of each level, highest first: «انطباق کامل: ۹۰٪ و بیشتر»."""
    rows = []
    upper: float | None = None
    for bound, name in LEVELS:
        low = formatting.percent(bound / 100)
        if upper is None:
            text = _("%(low)s and above") % {"low": low}
        elif bound == 0:
            text = _("under %(high)s") % {"high": formatting.percent(upper / 100)}
        else:
            text = _("%(low)s to under %(high)s") % {"low": low, "high": formatting.percent(upper / 100)}
        rows.append((name, str(COMPLIANCE_LEVEL_NAMES[name]), text))
        upper = bound
    return rows


def level_of(percent: float | None) -> str:
    """``full`` from 90%, ``good`` from 75%, ``partial`` from 50%, else ``low``; "" for none."""
    if percent is None:
        return ""
    return next(name for bound, name in LEVELS if percent >= bound)


@dataclass(frozen=True)
class Visible:
    """What the reader may see, already scoped: assessments, cycles, organizations (to name the
    levels above the assessed ones) and sections."""

    assessments: QuerySet[Assessment]
    cycles: QuerySet[Cycle]
    organizations: QuerySet[Organization]
    sections: QuerySet[Section]


@dataclass(frozen=True)
class Heat:
    """The mean of some final percentages (``count`` of them; none: no percentage)."""

    percent: float | None
    count: int

    @property
    def level(self) -> str:
        return level_of(self.percent)


def mean(values: Iterable[float | None]) -> Heat:
    present = [float(v) for v in values if v is not None]
    if not present:
        return Heat(None, 0)
    average = Decimal(repr(sum(present))) / len(present)
    return Heat(float(average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), len(present))


@dataclass
class Row:
    """One organization of the chosen level, over every assessment at or under it."""

    organization: Organization
    total: Heat
    sections: list[Heat]
    assessments: int
    final: int
    below: bool  # assessments of organizations under it: the row opens the next level
    assessment_id: int | None  # its own assessment, when the row is exactly that one


@dataclass
class TrendRow:
    cycle: Cycle
    total: Heat
    sections: list[Heat]
    assessments: int


@dataclass
class Place:
    """A province (``code``, ``name``) or an assessed organization with its location."""

    code: str
    name: str
    heat: Heat
    latitude: float | None = None
    longitude: float | None = None
    assessment_id: int | None = None


@dataclass
class Compliance:
    cycle: Cycle | None
    cycles: list[Cycle]
    node: Organization | None
    trail: list[Organization]
    sections: list[Section]
    rows: list[Row] = field(default_factory=list)
    total: Heat = Heat(None, 0)
    assessments: int = 0
    final: int = 0
    provinces: list[Place] = field(default_factory=list)
    points: list[Place] = field(default_factory=list)
    trend: list[TrendRow] = field(default_factory=list)


def _percent(status: str, final: dict[str, Any] | None, section: str = "") -> float | None:
    """The final percentage of an assessment (or of one of its sections); none until final."""
    if status != AssessmentStatus.FINAL or not final:
        return None
    value = (final.get("sections") or {}).get(section, {}).get("percent") if section else final.get("percent")
    return None if value is None else float(value)


@dataclass
class _Entry:
    pk: int
    organization: Organization
    ids: list[int]
    status: str
    final: dict[str, Any] | None

    @property
    def percent(self) -> float | None:
        return _percent(self.status, self.final)

    def section(self, code: str) -> float | None:
        return _percent(self.status, self.final, code)


def _path_ids(organization: Organization) -> list[int]:
    return [int(part) for part in organization.path.strip("/").split("/") if part]


def _entries(queryset: QuerySet[Assessment]) -> list[_Entry]:
    rows = (
        queryset.select_related("organization__province")
        .defer("result", "organization__description", "organization__search_text")
        .annotate(final_result=KeyTransform("final", "result"))
        .order_by("organization__path", "pk")
    )
    entries = []
    for assessment in rows:
        organization = assessment.organization
        final = assessment.final_result
        entries.append(
            _Entry(
                assessment.pk,
                organization,
                _path_ids(organization),
                assessment.status,
                final if isinstance(final, dict) else None,
            )
        )
    return entries


def parse_cycle(value: Any) -> int | None:
    """The ``cycle`` parameter: empty for the default, else a whole number in any decimal digits
    (``isdecimal``: ``isdigit`` also takes «²» and «①», which ``int`` refuses: a 500)."""
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdecimal() or len(text) > 12:
        raise ValidationError({"cycle": [_("Give the cycle as its number.")]})
    return int(text)


def default_cycle(cycles: Sequence[Cycle]) -> Cycle | None:
    """The latest cycle of a compliance checklist, else the latest cycle (cycles come newest
    first)."""
    return next((c for c in cycles if c.instrument.kind == InstrumentKind.COMPLIANCE), None) or (
        cycles[0] if cycles else None
    )


def compliance(visible: Visible, cycle_id: int | None = None, under: str = "") -> Compliance:
    """The compliance of one cycle at one level: ``cycle_id`` (default: ``default_cycle``) and
    ``under`` (an organization's code: its rows are the organizations just below it; default:
    the deepest organization the reader may see above every assessed one). A cycle or an
    organization the reader may not see is ``ObjectNotFound``, like a missing one."""
    cycles = list(
        visible.cycles.filter(pk__in=visible.assessments.values("cycle_id"))
        .select_related("instrument")
        .order_by("-opens_on", "-pk")
    )
    if cycle_id is not None:
        cycle = next((c for c in cycles if c.pk == cycle_id), None)
        if cycle is None:
            raise refusal()
    else:
        cycle = default_cycle(cycles)
    if cycle is None:
        if under:
            raise refusal()
        return Compliance(None, cycles, None, [], [])
    sections = list(visible.sections.filter(instrument_id=cycle.instrument_id).order_by("order", "pk"))
    entries = _entries(visible.assessments.filter(cycle=cycle))
    assessed = {entry.organization.pk: entry.organization for entry in entries}
    above = {pk for entry in entries for pk in entry.ids} - set(assessed)
    known: dict[int, Organization] = dict(assessed)
    if above:
        known.update({o.pk: o for o in visible.organizations.filter(pk__in=above)})
    node = _node(entries, known, under)
    trail = [known[pk] for pk in (_path_ids(node) if node else []) if pk in known]
    inside = [e for e in entries if node is None or node.pk in e.ids]
    result = Compliance(cycle, cycles, node, trail, sections)
    result.rows = _rows(inside, known, node, sections)
    result.total = mean(e.percent for e in inside)
    result.assessments = len(inside)
    result.final = sum(1 for e in inside if e.status == AssessmentStatus.FINAL)
    result.provinces = _provinces(inside)
    result.points = [
        Place(
            e.organization.code,
            e.organization.name,
            Heat(e.percent, 1),
            e.organization.latitude,
            e.organization.longitude,
            e.pk,
        )
        for e in inside
        if e.percent is not None
    ]
    result.trend = _trend(visible, cycle, cycles, node, sections)
    return result


def _node(entries: list[_Entry], known: dict[int, Organization], under: str) -> Organization | None:
    if under:
        code = under.strip().casefold()
        found = next((o for o in known.values() if o.code.casefold() == code), None)
        if found is None:
            raise refusal()
        return found
    if not entries:
        return None
    common = entries[0].ids
    for entry in entries[1:]:
        length = 0
        for a, b in zip(common, entry.ids, strict=False):
            if a != b:
                break
            length += 1
        common = common[:length]
    return next((known[pk] for pk in reversed(common) if pk in known), None)


def _rows(
    entries: list[_Entry], known: dict[int, Organization], node: Organization | None, sections: list[Section]
) -> list[Row]:
    groups: dict[int, list[_Entry]] = defaultdict(list)
    for entry in entries:
        start = entry.ids.index(node.pk) + 1 if node is not None else 0
        below = entry.ids[start:]
        row = next((pk for pk in below if pk in known), None) if below else node.pk if node else None
        groups[row if row is not None else entry.organization.pk].append(entry)
    rows = []
    for pk, members in groups.items():
        organization = known[pk]
        own = [m for m in members if m.organization.pk == pk]
        rows.append(
            Row(
                organization=organization,
                total=mean(m.percent for m in members),
                sections=[mean(m.section(s.code) for m in members) for s in sections],
                assessments=len(members),
                final=sum(1 for m in members if m.status == AssessmentStatus.FINAL),
                below=len(own) < len(members),
                assessment_id=own[0].pk if len(members) == 1 and own else None,
            )
        )
    rows.sort(key=lambda r: (r.total.percent is None, r.total.percent or 0.0, r.organization.path))
    return rows


def _provinces(entries: list[_Entry]) -> list[Place]:
    by_code: dict[str, list[_Entry]] = defaultdict(list)
    names: dict[str, str] = {}
    for entry in entries:
        province = entry.organization.province
        if province is None:
            continue
        by_code[province.code].append(entry)
        names[province.code] = province.name_fa
    places = [Place(code, names[code], mean(e.percent for e in members)) for code, members in by_code.items()]
    places.sort(key=lambda p: (p.heat.percent is None, p.heat.percent or 0.0, p.name))
    return places


def _trend(
    visible: Visible,
    cycle: Cycle,
    cycles: list[Cycle],
    node: Organization | None,
    sections: list[Section],
) -> list[TrendRow]:
    """Every cycle of the same instrument (any version) the reader sees, oldest first, over the
    same level; sections are matched by their code."""
    same = [c for c in cycles if c.instrument.code == cycle.instrument.code]
    queryset = visible.assessments.filter(cycle__in=[c.pk for c in same])
    if node is not None:
        queryset = queryset.filter(organization__path__startswith=node.path)
    by_cycle: dict[int, list[tuple[str, dict[str, Any] | None]]] = defaultdict(list)
    for row in queryset.annotate(final_result=KeyTransform("final", "result")).values_list(
        "cycle_id", "status", "final_result"
    ):
        by_cycle[row[0]].append((row[1], row[2] if isinstance(row[2], dict) else None))
    trend = []
    for each in sorted(same, key=lambda c: (c.opens_on, c.pk)):
        members = by_cycle.get(each.pk, [])
        trend.append(
            TrendRow(
                cycle=each,
                total=mean(_percent(status, final) for status, final in members),
                sections=[
                    mean(_percent(status, final, s.code) for status, final in members) for s in sections
                ],
                assessments=len(members),
            )
        )
    return trend


def visible_for(user: Any) -> Visible:
    """What ``user`` may see, for the API and the export (pages build it with their helpers)."""
    return Visible(
        assessments=Assessment.objects.visible_to(user, "view"),
        cycles=Cycle.objects.visible_to(user, "view"),
        organizations=Organization.objects.visible_to(user, "view"),
        sections=Section.objects.visible_to(user, "view"),
    )


def heat_data(heat: Heat) -> dict[str, Any]:
    return {"percent": heat.percent, "count": heat.count, "level": heat.level}


def compliance_data(result: Compliance) -> dict[str, Any]:
    """The API's answer: plain numbers (percentages of 100, one decimal) and codes."""
    codes = [s.code for s in result.sections]
    cycle = result.cycle
    return {
        "cycle": None
        if cycle is None
        else {
            "id": cycle.pk,
            "name": cycle.name,
            "instrument": cycle.instrument.code,
            "version": cycle.instrument.version,
        },
        "cycles": [{"id": c.pk, "name": c.name} for c in result.cycles],
        "under": None if result.node is None else result.node.code,
        "trail": [{"code": o.code, "name": o.name} for o in result.trail],
        "sections": [{"code": s.code, "title": s.title} for s in result.sections],
        "total": heat_data(result.total),
        "assessments": result.assessments,
        "final": result.final,
        "rows": [
            {
                "organization": row.organization.code,
                "name": row.organization.name,
                "assessments": row.assessments,
                "final": row.final,
                "below": row.below,
                "assessment": row.assessment_id,
                "total": heat_data(row.total),
                "sections": {code: heat_data(h) for code, h in zip(codes, row.sections, strict=True)},
            }
            for row in result.rows
        ],
        "provinces": [{"code": p.code, "name": p.name, **heat_data(p.heat)} for p in result.provinces],
        "trend": [
            {
                "cycle": row.cycle.pk,
                "name": row.cycle.name,
                "opens_on": row.cycle.opens_on.isoformat(),
                "assessments": row.assessments,
                "total": heat_data(row.total),
                "sections": {code: heat_data(h) for code, h in zip(codes, row.sections, strict=True)},
            }
            for row in result.trend
        ],
    }
