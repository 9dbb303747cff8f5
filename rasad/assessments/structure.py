"""An instrument's structure as plain data (sections → criteria → items), and the rules a
structure must meet before it is used: the item weights of every section sum to the section's
points, the sections' points sum to the instrument's total, every scored number has a threshold
and a target, every choice has options. Spreadsheet imports, the starter instruments and
publishing all check the same rules here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from rasad.assessments.choices import ItemType, RankingRole
from rasad.lib import formatting


@dataclass
class ItemSpec:
    code: str
    text: str
    item_type: str
    weight: Decimal
    text_en: str = ""
    guidance: str = ""
    evidence_required: bool = False
    required_evidence: str = ""
    indicator: str = ""
    minimum: float | None = None
    maximum: float | None = None
    threshold: float | None = None
    target: float | None = None
    options: list[dict[str, Any]] = field(default_factory=list)
    row: int = 0


@dataclass
class CriterionSpec:
    code: str
    title: str
    title_en: str = ""
    items: list[ItemSpec] = field(default_factory=list)
    row: int = 0


@dataclass
class SectionSpec:
    code: str
    title: str
    points: Decimal
    title_en: str = ""
    ranking_role: str = RankingRole.LEVEL
    case_category: str = ""
    criteria: list[CriterionSpec] = field(default_factory=list)
    row: int = 0

    @property
    def items(self) -> list[ItemSpec]:
        return [item for criterion in self.criteria for item in criterion.items]


@dataclass
class StructureSpec:
    sections: list[SectionSpec] = field(default_factory=list)

    @property
    def items(self) -> list[ItemSpec]:
        return [item for section in self.sections for item in section.items]

    @property
    def points(self) -> Decimal:
        return sum((section.points for section in self.sections), Decimal(0))


@dataclass(frozen=True)
class Problem:
    """A rule the structure breaks: the field at fault, the spreadsheet row (0: none), the cause."""

    field: str
    message: str
    row: int = 0


def _number(value: Decimal | float) -> str:
    """A number in a message as the reader reads it («۱۲٫۵», "12.5"), without trailing zeros."""
    return formatting.number(format(Decimal(str(value)).normalize(), "f"))


def weight_problem(section_code: str, points: Decimal, weights: Iterable[Decimal]) -> str | None:
    total = sum(weights, Decimal(0))
    if total == Decimal(points):
        return None
    return _("Section %(code)s: the item weights sum to %(sum)s, not to the section's %(points)s points.") % {
        "code": formatting.code(section_code),
        "sum": _number(total),
        "points": _number(points),
    }


def item_problems(item: ItemSpec) -> list[Problem]:
    """Rules about one item on its own."""
    problems: list[Problem] = []
    code = item.code
    if item.item_type not in ItemType.values:
        problems.append(
            Problem(
                "item_type",
                _("Item %(code)s: unknown answer type.") % {"code": formatting.code(code)},
                item.row,
            )
        )
        return problems
    if item.weight < 0:
        problems.append(
            Problem(
                "weight",
                _("Item %(code)s: a weight cannot be negative.") % {"code": formatting.code(code)},
                item.row,
            )
        )
    if item.minimum is not None and item.maximum is not None and item.minimum > item.maximum:
        problems.append(
            Problem(
                "maximum",
                _("Item %(code)s: the largest value is below the smallest.")
                % {"code": formatting.code(code)},
                item.row,
            )
        )
    if item.item_type == ItemType.NUMBER:
        if item.weight > 0 and (item.threshold is None or item.target is None):
            problems.append(
                Problem(
                    "target",
                    _(
                        "Item %(code)s: a scored number needs the value scoring nothing and "
                        "the value scoring full marks."
                    )
                    % {"code": formatting.code(code)},
                    item.row,
                )
            )
        if item.threshold is not None and item.target is not None and item.threshold == item.target:
            problems.append(
                Problem(
                    "target",
                    _("Item %(code)s: the value scoring full marks must differ from the one scoring nothing.")
                    % {"code": formatting.code(code)},
                    item.row,
                )
            )
    elif item.indicator:
        problems.append(
            Problem(
                "indicator",
                _("Item %(code)s: only a number can be answered by an indicator.")
                % {"code": formatting.code(code)},
                item.row,
            )
        )
    if item.item_type == ItemType.CHOICE:
        problems.extend(_option_problems(code, item.options, item.row))
    elif item.options:
        problems.append(
            Problem(
                "options",
                _("Item %(code)s: only a choice has options.") % {"code": formatting.code(code)},
                item.row,
            )
        )
    return problems


def _option_problems(code: str, options: Sequence[Mapping[str, Any]], row: int) -> list[Problem]:
    if len(options) < 2:
        return [
            Problem(
                "options",
                _("Item %(code)s: a choice needs at least two options.") % {"code": formatting.code(code)},
                row,
            )
        ]
    problems = []
    seen: set[str] = set()
    for option in options:
        option_code = str(option.get("code", "")).strip()
        score = option.get("score")
        if not option_code or not str(option.get("label", "")).strip():
            problems.append(
                Problem(
                    "options",
                    _("Item %(code)s: every option needs a code and a label.")
                    % {"code": formatting.code(code)},
                    row,
                )
            )
        elif option_code in seen:
            problems.append(
                Problem(
                    "options",
                    _("Item %(code)s: the option code “%(option)s” appears twice.")
                    % {"code": formatting.code(code), "option": formatting.code(option_code)},
                    row,
                )
            )
        seen.add(option_code)
        if not isinstance(score, int | float) or not 0 <= score <= 100:
            problems.append(
                Problem(
                    "options",
                    _("Item %(code)s: an option's score must be from 0 to 100.")
                    % {"code": formatting.code(code)},
                    row,
                )
            )
    return problems


def structure_problems(spec: StructureSpec, total_points: Decimal | None) -> list[Problem]:
    """Every rule the structure breaks (empty: it may be used)."""
    problems: list[Problem] = []
    if not spec.sections:
        problems.append(Problem("sections", _("The instrument has no section.")))
    codes: dict[str, str] = {}
    for section in spec.sections:
        if section.points <= 0:
            problems.append(
                Problem(
                    "points",
                    _("Section %(code)s: its points must be more than zero.")
                    % {"code": formatting.code(section.code)},
                    section.row,
                )
            )
        if section.ranking_role not in RankingRole.values:
            problems.append(
                Problem(
                    "ranking_role",
                    _("Section %(code)s: unknown role in ranking.") % {"code": formatting.code(section.code)},
                    section.row,
                )
            )
        if not section.items:
            problems.append(
                Problem(
                    "sections",
                    _("Section %(code)s has no item.") % {"code": formatting.code(section.code)},
                    section.row,
                )
            )
            continue
        message = weight_problem(section.code, section.points, [item.weight for item in section.items])
        if message:
            problems.append(Problem("weight", message, section.row))
        for criterion in section.criteria:
            for label, code in (
                ("criterion", criterion.code),
                *(("item", item.code) for item in criterion.items),
            ):
                key = f"{label}:{code}"
                if key in codes:
                    problems.append(
                        Problem(
                            "code",
                            _("The code “%(code)s” is used twice.") % {"code": formatting.code(code)},
                            criterion.row,
                        )
                    )
                codes[key] = code
            for item in criterion.items:
                problems.extend(item_problems(item))
    if total_points is not None and spec.sections and spec.points != Decimal(total_points):
        problems.append(
            Problem(
                "total_points",
                _("The sections' points sum to %(sum)s, not to the instrument's %(total)s.")
                % {"sum": _number(spec.points), "total": _number(total_points)},
            )
        )
    return problems


def spec_of(instrument: Any) -> StructureSpec:
    """The stored structure of an instrument version, as plain data."""
    sections = []
    for section in instrument.sections.all().order_by("order", "id"):
        criteria = []
        for criterion in section.criteria.all().order_by("order", "id"):
            items = [
                ItemSpec(
                    code=item.code,
                    text=item.text,
                    text_en=item.text_en,
                    item_type=item.item_type,
                    weight=Decimal(item.weight),
                    guidance=item.guidance,
                    evidence_required=item.evidence_required,
                    required_evidence=item.required_evidence,
                    indicator=item.indicator.code if item.indicator_id else "",
                    minimum=item.minimum,
                    maximum=item.maximum,
                    threshold=item.threshold,
                    target=item.target,
                    options=list(item.options or []),
                )
                for item in criterion.items.all().select_related("indicator").order_by("order", "id")
            ]
            criteria.append(CriterionSpec(criterion.code, criterion.title, criterion.title_en, items))
        sections.append(
            SectionSpec(
                code=section.code,
                title=section.title,
                points=Decimal(section.points),
                title_en=section.title_en,
                ranking_role=section.ranking_role,
                case_category=section.case_category,
                criteria=criteria,
            )
        )
    return StructureSpec(sections)


def write_structure(
    instrument: Any,
    spec: StructureSpec,
    *,
    section_model: Any,
    criterion_model: Any,
    item_model: Any,
    indicator_model: Any,
) -> None:
    """Create the rows of ``spec`` under ``instrument`` (which has none yet). Model classes are
    passed in, so that a data migration can use its historical models."""
    indicators = {
        indicator.code: indicator
        for indicator in indicator_model.objects.filter(
            code__in={item.indicator for item in spec.items if item.indicator}
        )
    }
    for section_order, section in enumerate(spec.sections, start=1):
        section_row = section_model.objects.create(
            instrument=instrument,
            code=section.code,
            title=section.title,
            title_en=section.title_en,
            order=section_order,
            points=section.points,
            ranking_role=section.ranking_role,
            case_category=section.case_category,
        )
        for criterion_order, criterion in enumerate(section.criteria, start=1):
            criterion_row = criterion_model.objects.create(
                instrument=instrument,
                section=section_row,
                code=criterion.code,
                title=criterion.title,
                title_en=criterion.title_en,
                order=criterion_order,
            )
            item_model.objects.bulk_create(
                [
                    item_model(
                        instrument=instrument,
                        criterion=criterion_row,
                        code=item.code,
                        text=item.text,
                        text_en=item.text_en,
                        item_type=item.item_type,
                        weight=item.weight,
                        order=item_order,
                        guidance=item.guidance,
                        evidence_required=item.evidence_required,
                        required_evidence=item.required_evidence,
                        indicator=indicators.get(item.indicator) if item.indicator else None,
                        minimum=item.minimum,
                        maximum=item.maximum,
                        threshold=item.threshold,
                        target=item.target,
                        options=list(item.options),
                    )
                    for item_order, item in enumerate(criterion.items, start=1)
                ]
            )
