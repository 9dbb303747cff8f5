"""The catalogue in memory: indicators by code, parsed formulas, emission factor versions.

Load it once per request or batch (two queries) and compute any indicator, input or derived,
from a mapping of input values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from rasad.indicators import formulas
from rasad.indicators.models import EmissionFactor, Indicator


@dataclass
class Catalogue:
    indicators: dict[str, Indicator]
    by_id: dict[int, Indicator]
    factors: dict[str, list[tuple[date, float]]]
    _parsed: dict[str, formulas.Parsed] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Catalogue:
        indicators = {i.code: i for i in Indicator.objects.select_related("unit")}
        factors: dict[str, list[tuple[date, float]]] = {}
        for factor in EmissionFactor.objects.order_by("code", "valid_from"):
            factors.setdefault(factor.code, []).append((factor.valid_from, factor.value))
        return cls(indicators, {i.pk: i for i in indicators.values()}, factors)

    def parsed(self, code: str) -> formulas.Parsed:
        if code not in self._parsed:
            self._parsed[code] = formulas.parse(self.indicators[code].formula)
        return self._parsed[code]

    def factors_at(self, day: date) -> dict[str, float]:
        """The factor version valid on ``day`` (the earliest one if none had started yet)."""
        result: dict[str, float] = {}
        for code, versions in self.factors.items():
            chosen = versions[0][1]
            for valid_from, value in versions:
                if valid_from <= day:
                    chosen = value
            result[code] = chosen
        return result

    def inputs_of(self, code: str) -> set[str]:
        indicator = self.indicators[code]
        if not indicator.formula:
            return {code}
        return formulas.input_codes(indicator.formula, {c: i.formula for c, i in self.indicators.items()})

    def value(self, code: str, inputs: Mapping[str, float | None], day: date) -> float | None:
        """An indicator's value from input values (derived ones computed recursively)."""
        indicator = self.indicators.get(code)
        if indicator is None:
            return None
        if not indicator.formula:
            return inputs.get(code)
        parsed = self.parsed(code)
        values = {name: self.value(name, inputs, day) for name in parsed.indicators}
        return formulas.evaluate(parsed, values, self.factors_at(day))
