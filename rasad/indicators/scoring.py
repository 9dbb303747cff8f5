"""A scorecard's results: peer groups by sector tag, level against peers combined with
improvement against the organization's own baseline year, using ``methods.ranking``.

Level = the indicator over the scored year (derived indicators from yearly sums of their inputs).
Improvement = (1 − level this year / level in the baseline year) × 100, oriented so that higher is
better whatever the indicator's direction. Each value's standard uncertainty is estimated from
the spread of the monthly values (standard error of the yearly mean), so ranks carry intervals.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from typing import Any

from rasad.core.models import Organization
from rasad.indicators import rollups
from rasad.indicators.catalogue import Catalogue
from rasad.indicators.choices import CriterionKind, Direction
from rasad.indicators.methods import ranking
from rasad.indicators.models import Scorecard
from rasad.lib.jalali import JalaliPeriod


def members(scorecard: Scorecard) -> list[tuple[Organization, str]]:
    """(organization, peer group) of every ranked organization under the scorecard's owner."""
    result = []
    for org in Organization.objects.filter(
        path__startswith=scorecard.organization.path, kind=scorecard.entity_kind, closed_on__isnull=True
    ).order_by("code"):
        group = next((tag for tag in scorecard.peer_tags if tag in (org.sector_tags or [])), None)
        if group is not None:
            result.append((org, group))
    return result


def _monthly(
    org_ids: list[int], input_ids: list[int], years: set[int]
) -> dict[tuple[int, str], dict[str, float]]:
    values: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    rows = rollups.sums(
        ("organization_id", "indicator__code", "period_key"),
        {"total": "approved_total", "n": "approved_count"},
        organization_id__in=org_ids,
        indicator_id__in=input_ids,
        year__in=years,
    )
    for row in rows:
        if not row["n"]:
            continue
        org_id, code, key, total = (
            row["organization_id"],
            row["indicator__code"],
            row["period_key"],
            row["total"],
        )
        values[(org_id, key)][code] = total
    return values


def _year_value(
    catalogue: Catalogue, code: str, org_id: int, year: int, monthly: Any
) -> tuple[float | None, float | None]:
    """(value over the year, standard uncertainty) from approved monthly values."""
    months = [JalaliPeriod("month", year, m) for m in range(1, 13)]
    sums: dict[str, float] = defaultdict(float)
    per_month = []
    present = 0
    for p in months:
        inputs = monthly.get((org_id, p.key))
        if not inputs:
            continue
        present += 1
        for name, value in inputs.items():
            sums[name] += value
        v = catalogue.value(code, inputs, p.start)
        if v is not None:
            per_month.append(v)
    if present < 12:
        return None, None
    value = catalogue.value(code, dict(sums), months[0].start)
    if value is None:
        return None, None
    indicator = catalogue.indicators[code]
    spread = statistics.stdev(per_month) / math.sqrt(len(per_month)) if len(per_month) > 1 else None
    if spread is not None and indicator.is_additive:
        spread *= len(per_month)
    return value, spread


def results(scorecard: Scorecard, *, visible_ids: set[int] | None = None) -> dict[str, Any]:
    """Scores of every member; members outside ``visible_ids`` (when given) are shown without
    their name or code, so a reader learns their position but not who they are."""
    catalogue = Catalogue.load()
    criteria_rows = list(scorecard.criteria.select_related("indicator"))
    criteria = [
        ranking.Criterion(
            key=f"{c.kind}:{c.indicator.code}",
            kind=ranking.CriterionKind(c.kind),
            direction=(
                ranking.Direction(c.indicator.direction)
                if c.kind == CriterionKind.LEVEL
                else ranking.Direction.HIGHER_IS_BETTER
            ),
            weight=c.weight,
        )
        for c in criteria_rows
    ]
    entries = members(scorecard)
    input_ids = list(
        {catalogue.indicators[i].pk for c in criteria_rows for i in catalogue.inputs_of(c.indicator.code)}
    )
    monthly = _monthly([o.pk for o, _g in entries], input_ids, {scorecard.year, scorecard.baseline_year})
    entities = []
    names = {}
    for org, group in entries:
        values: dict[str, float | None] = {}
        uncertainties: dict[str, float] = {}
        for c in criteria_rows:
            key = f"{c.kind}:{c.indicator.code}"
            now, u_now = _year_value(catalogue, c.indicator.code, org.pk, scorecard.year, monthly)
            if c.kind == CriterionKind.LEVEL:
                values[key] = now
                if u_now is not None:
                    uncertainties[key] = u_now
                continue
            before, u_before = _year_value(
                catalogue, c.indicator.code, org.pk, scorecard.baseline_year, monthly
            )
            if now is None or before is None or before == 0:
                values[key] = None
                continue
            ratio = now / before
            change = (1 - ratio) * 100 if c.indicator.direction == Direction.LOWER else (ratio - 1) * 100
            values[key] = change
            if u_now is not None and u_before is not None and now:
                uncertainties[key] = 100 * abs(ratio) * math.hypot(u_now / now, u_before / before)
        entities.append(ranking.EntityValues(str(org.pk), group, values, uncertainties))
        names[str(org.pk)] = org
    settings = ranking.RankingSettings(minimum_peers=scorecard.minimum_peers)
    cards = ranking.build_scorecards(entities, criteria, settings=settings) if entities else []
    body: dict[str, Any] = {
        "scorecard": {
            "id": scorecard.pk,
            "name": scorecard.name,
            "year": scorecard.year,
            "baseline_year": scorecard.baseline_year,
        },
        "groups": [card.to_dict() for card in cards],
    }
    hidden = 0
    for group in body["groups"]:
        for entity in group["entities"]:
            org = names[entity["entity_id"]]
            if visible_ids is None or org.pk in visible_ids:
                entity["organization"] = {"id": org.pk, "code": org.code, "name": org.name}
            else:
                # Anonymous: no name, no code, and no database id (``entity_id`` was the id).
                hidden += 1
                entity["entity_id"] = f"anonymous-{hidden}"
                entity["organization"] = {"id": None, "code": "", "name": "—"}
    return body
