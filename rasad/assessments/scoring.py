"""How answers become scores (docs/reference/methods.md §4): pure functions over plain values,
with no database, so every published figure can be recomputed from what is stored.

* An answer earns a **fraction** of its item's weight, by the item's type (``score_answer``).
* A **section** earns its points times the weighted mean fraction of its applicable items; items
  answered "not applicable" leave the section, and their weight is spread over the others.
* The **total** is the sum of the sections' points earned, rescaled when a whole section is not
  applicable; a compliance checklist also reads it as a percentage.
* The **band** is the highest band whose lower bound the total reaches.
* An item of a compliance checklist is **non-compliant** when it earns less than its full weight.
* Assessors' scores of one item **differ** when their fractions span more than the cycle's spread
  threshold (percentage points).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rasad.assessments.choices import ComplianceAnswer, ItemType
from rasad.lib import formatting

RADAR_STEP = 5
COMPLIANCE_FRACTIONS = {
    ComplianceAnswer.YES: 1.0,
    ComplianceAnswer.PARTIAL: 0.5,
    ComplianceAnswer.NO: 0.0,
}
TWO_PLACES = Decimal("0.01")


def points(value: float | Decimal) -> Decimal:
    """A number of points as stored and shown: two decimals, rounded half up, only at the end."""
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ItemRule:
    """What scoring needs to know of an item."""

    code: str
    item_type: str
    weight: Decimal
    minimum: float | None = None
    maximum: float | None = None
    threshold: float | None = None
    target: float | None = None
    options: Sequence[Mapping[str, Any]] = ()

    @classmethod
    def of(cls, item: Any) -> ItemRule:
        return cls(
            code=item.code,
            item_type=item.item_type,
            weight=Decimal(item.weight),
            minimum=item.minimum,
            maximum=item.maximum,
            threshold=item.threshold,
            target=item.target,
            options=tuple(item.options or ()),
        )


@dataclass(frozen=True)
class Scored:
    """An accepted answer: ``fraction`` is ``None`` when the item does not apply."""

    answer: str
    value: float | None
    fraction: float | None

    @property
    def applicable(self) -> bool:
        return self.fraction is not None


def _refuse(field_name: str, message: str) -> ValidationError:
    return ValidationError({field_name: [message]})


def target_fraction(value: float, threshold: float, target: float) -> float:
    """Between the value that scores nothing and the one that scores full marks, linearly; either
    direction (a target below the threshold means lower is better)."""
    if target == threshold:
        return 1.0 if value == target else 0.0
    return min(1.0, max(0.0, (value - threshold) / (target - threshold)))


def score_answer(
    rule: ItemRule, answer: str = "", value: float | None = None, *, has_file: bool = False
) -> Scored:
    """Check an answer against its item and say what it earns. Anything outside the item's range
    is refused with a translated message naming the item; nothing is clipped silently."""
    answer = (answer or "").strip()
    kind = rule.item_type
    if kind == ItemType.COMPLIANCE:
        if answer == ComplianceAnswer.NOT_APPLICABLE:
            return Scored(answer, None, None)
        if answer not in COMPLIANCE_FRACTIONS:
            raise _refuse(
                "answer",
                _("Item %(code)s: answer yes, partly, no or not applicable.")
                % {"code": formatting.code(rule.code)},
            )
        return Scored(answer, None, COMPLIANCE_FRACTIONS[ComplianceAnswer(answer)])
    if kind == ItemType.RADAR:
        if value is None or not math.isfinite(value):
            raise _refuse(
                "value",
                _("Item %(code)s: give a score from 0 to 100.") % {"code": formatting.code(rule.code)},
            )
        if not 0 <= value <= 100 or value % RADAR_STEP:
            raise _refuse(
                "value",
                _("Item %(code)s: %(value)s is not a RADAR score; use 0 to 100 in steps of 5.")
                % {"code": formatting.code(rule.code), "value": _shown(value)},
            )
        return Scored("", float(value), float(value) / 100)
    if kind == ItemType.NUMBER:
        if value is None or not math.isfinite(value):
            raise _refuse("value", _("Item %(code)s: give a number.") % {"code": formatting.code(rule.code)})
        if (rule.minimum is not None and value < rule.minimum) or (
            rule.maximum is not None and value > rule.maximum
        ):
            raise _refuse(
                "value",
                _("Item %(code)s: %(value)s is outside the range %(minimum)s to %(maximum)s.")
                % {
                    "code": formatting.code(rule.code),
                    "value": _shown(value),
                    "minimum": _shown(rule.minimum) if rule.minimum is not None else "−∞",
                    "maximum": _shown(rule.maximum) if rule.maximum is not None else "∞",
                },
            )
        if rule.threshold is None or rule.target is None:
            # Recorded for information only (its weight must be zero; see check_instrument).
            return Scored("", float(value), 1.0 if rule.weight == 0 else None)
        return Scored("", float(value), target_fraction(float(value), rule.threshold, rule.target))
    if kind == ItemType.CHOICE:
        for option in rule.options:
            if str(option.get("code")) == answer:
                return Scored(answer, None, float(option.get("score", 0)) / 100)
        raise _refuse(
            "answer",
            _("Item %(code)s: “%(answer)s” is not one of its options.")
            % {"code": formatting.code(rule.code), "answer": answer},
        )
    if kind == ItemType.FILE:
        return Scored("file" if has_file else "", None, 1.0 if has_file else 0.0)
    raise _refuse(
        "answer", _("Item %(code)s has an unknown answer type.") % {"code": formatting.code(rule.code)}
    )


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _shown(value: float | None) -> str:
    """A number as the reader reads it in a message («۸۰۰», «۲٫۵»), without a spurious «٫۰»."""
    return formatting.number(_plain(value))


# ---------------------------------------------------------------------------------------------
# Sections, totals and bands
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionScore:
    code: str
    points: Decimal
    applicable_weight: Decimal
    earned_weight: float
    answered: int
    items: int

    @property
    def applicable(self) -> bool:
        return self.applicable_weight > 0

    @property
    def fraction(self) -> float | None:
        """The weighted mean fraction of the applicable items (None: nothing applies)."""
        if not self.applicable:
            return None
        return self.earned_weight / float(self.applicable_weight)

    @property
    def earned(self) -> Decimal | None:
        fraction = self.fraction
        return None if fraction is None else points(float(self.points) * fraction)

    @property
    def percent(self) -> Decimal | None:
        fraction = self.fraction
        return None if fraction is None else points(100 * fraction)


def section_score(
    code: str, section_points: Decimal, rows: Iterable[tuple[Decimal, float | None, bool]]
) -> SectionScore:
    """``rows``: (item weight, fraction or None for not applicable, whether answered). An
    unanswered item counts as earning nothing, so a gap never raises a score."""
    applicable = Decimal(0)
    earned = 0.0
    answered = count = 0
    for weight, fraction, was_answered in rows:
        count += 1
        answered += int(was_answered)
        if was_answered and fraction is None:
            continue
        applicable += weight
        earned += float(weight) * (fraction or 0.0)
    return SectionScore(code, Decimal(section_points), applicable, earned, answered, count)


@dataclass(frozen=True)
class Total:
    total_points: Decimal
    sections: tuple[SectionScore, ...]

    @property
    def applicable_points(self) -> Decimal:
        return sum((s.points for s in self.sections if s.applicable), Decimal(0))

    @property
    def score(self) -> Decimal | None:
        """Σ section points × section fraction, rescaled to the instrument's total when a whole
        section does not apply."""
        applicable = self.applicable_points
        if applicable == 0:
            return None
        earned = sum(float(s.points) * (s.fraction or 0.0) for s in self.sections if s.applicable)
        return points(earned * float(self.total_points) / float(applicable))

    @property
    def percent(self) -> Decimal | None:
        score = self.score
        return None if score is None else points(100 * float(score) / float(self.total_points))


def total_of(total_points: Decimal, sections: Iterable[SectionScore]) -> Total:
    return Total(Decimal(total_points), tuple(sections))


@dataclass(frozen=True)
class BandRule:
    name: str
    minimum: Decimal
    pk: int | None = None


def band_for(score: Decimal | None, bands: Iterable[BandRule]) -> BandRule | None:
    """The highest band whose lower bound the score reaches (None below every band)."""
    if score is None:
        return None
    reached = [band for band in bands if score >= band.minimum]
    return max(reached, key=lambda band: band.minimum) if reached else None


def is_non_compliant(fraction: float | None) -> bool:
    """An applicable item earning less than its full weight."""
    return fraction is not None and fraction < 1.0 - 1e-9


# ---------------------------------------------------------------------------------------------
# Assessors' differences
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    fractions: tuple[float | None, ...]
    threshold: float
    values: tuple[float, ...] = field(default=())

    @property
    def width(self) -> float | None:
        """max − min of the assessors' fractions in percentage points (None: fewer than two
        applicable scores)."""
        present = [f for f in self.fractions if f is not None]
        if len(present) < 2:
            return None
        return round(100 * (max(present) - min(present)), 6)

    @property
    def disagree_on_applicability(self) -> bool:
        return any(f is None for f in self.fractions) and any(f is not None for f in self.fractions)

    @property
    def needs_discussion(self) -> bool:
        width = self.width
        return self.disagree_on_applicability or (width is not None and width > self.threshold)


def spread(fractions: Sequence[float | None], threshold: float) -> Spread:
    return Spread(tuple(fractions), float(threshold))


def standard_deviation(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n − 1), or None for fewer than two values."""
    if len(values) < 2:
        return None
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
