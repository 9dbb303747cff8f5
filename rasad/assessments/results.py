"""An assessment's scores at each stage, its final result, and a cycle's results (bands and the
ranking within peer groups), computed from the stored answers by the rules of
``rasad.assessments.scoring`` (docs/reference/methods.md §4). Nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.assessments import scoring
from rasad.assessments.choices import InstrumentKind, RankingRole, ReviewKind, Stage
from rasad.assessments.models import Assessment, Band, Cycle, Evidence, Item, ItemScore, Review, Section
from rasad.indicators.methods import ranking

RULES_VERSION = "methods-4-2026"


@dataclass
class Structure:
    """The items of an instrument version, grouped by section, loaded once."""

    sections: list[Section]
    items: list[Item]
    by_section: dict[int, list[Item]] = field(default_factory=dict)

    @classmethod
    def of(cls, instrument_id: int) -> Structure:
        sections = list(Section.objects.filter(instrument_id=instrument_id).order_by("order", "id"))
        items = list(
            Item.objects.filter(instrument_id=instrument_id)
            .select_related("criterion__section", "indicator")
            .order_by("criterion__section__order", "criterion__order", "order", "id")
        )
        by_section: dict[int, list[Item]] = defaultdict(list)
        for item in items:
            by_section[item.criterion.section_id].append(item)
        return cls(sections, items, dict(by_section))


def total_for(
    structure: Structure, total_points: Decimal, fractions: dict[int, tuple[float | None, bool]]
) -> scoring.Total:
    """``fractions``: item id -> (fraction or None for not applicable, answered)."""
    sections = []
    for section in structure.sections:
        rows = []
        for item in structure.by_section.get(section.pk, []):
            fraction, answered = fractions.get(item.pk, (None, False))
            rows.append((Decimal(item.weight), fraction, answered))
        sections.append(scoring.section_score(section.code, Decimal(section.points), rows))
    return scoring.total_of(total_points, sections)


@dataclass
class Stages:
    """Every stored score of one assessment, by stage."""

    self_scores: dict[int, ItemScore]
    consensus: dict[int, ItemScore]
    assessors: dict[int, dict[int, ItemScore]]  # review id -> item id -> score
    audit: dict[int, ItemScore]  # from submitted audit reviews only
    audited_sections: set[int]
    reviews: list[Review]

    @classmethod
    def of(cls, assessment: Assessment) -> Stages:
        reviews = list(
            assessment.reviews.select_related("reviewer", "organization", "audit").order_by("kind", "id")
        )
        scores = list(assessment.scores.select_related("review"))
        self_scores = {s.item_id: s for s in scores if s.stage == Stage.SELF}
        consensus = {s.item_id: s for s in scores if s.stage == Stage.CONSENSUS}
        assessors: dict[int, dict[int, ItemScore]] = defaultdict(dict)
        audit: dict[int, ItemScore] = {}
        submitted_audits = {r.pk for r in reviews if r.kind == ReviewKind.AUDIT and r.submitted_at}
        for score in scores:
            if score.stage == Stage.ASSESSOR and score.review_id:
                assessors[score.review_id][score.item_id] = score
            elif score.stage == Stage.AUDIT and score.review_id in submitted_audits:
                audit[score.item_id] = score
        audited: set[int] = set()
        for review in reviews:
            if review.kind == ReviewKind.AUDIT and review.submitted_at and review.audit_id:
                audited.update(review.audit.sections.values_list("pk", flat=True))
        return cls(self_scores, consensus, dict(assessors), audit, audited, reviews)

    def fractions(self, scores: dict[int, ItemScore]) -> dict[int, tuple[float | None, bool]]:
        return {item_id: (score.fraction, True) for item_id, score in scores.items()}

    def final(self, structure: Structure) -> dict[int, tuple[ItemScore | None, str]]:
        """Each item's final score and where it comes from: the audit for an audited section,
        else the consensus."""
        final: dict[int, tuple[ItemScore | None, str]] = {}
        for item in structure.items:
            if item.criterion.section_id in self.audited_sections and item.pk in self.audit:
                final[item.pk] = (self.audit[item.pk], Stage.AUDIT)
            else:
                final[item.pk] = (self.consensus.get(item.pk), Stage.CONSENSUS)
        return final


def _section_dict(total: scoring.Total) -> dict[str, Any]:
    return {
        "score": _num(total.score),
        "percent": _num(total.percent),
        "sections": {
            s.code: {"earned": _num(s.earned), "percent": _num(s.percent), "points": _num(s.points)}
            for s in total.sections
        },
    }


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _score_dict(score: ItemScore | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "answer": score.answer,
        "value": score.value,
        "fraction": score.fraction,
        "comment": score.comment,
        "source": score.source,
        "by": score.scored_by.username if score.scored_by else "",
    }


def bands_of(instrument_id: int) -> list[scoring.BandRule]:
    return [
        scoring.BandRule(band.name, Decimal(band.minimum), band.pk)
        for band in Band.objects.filter(instrument_id=instrument_id)
    ]


def assessment_result(assessment: Assessment) -> dict[str, Any]:
    """The full result of an assessment: the score of every stage, the final score, the band,
    and each item's trace (every stage's answer, the assessors' spread, the evidence)."""
    cycle = assessment.cycle
    instrument = cycle.instrument
    structure = Structure.of(instrument.pk)
    stages = Stages.of(assessment)
    total_points = Decimal(instrument.total_points)
    final = stages.final(structure)
    final_total = total_for(
        structure,
        total_points,
        {
            item_id: ((score.fraction, True) if score else (None, False))
            for item_id, (score, _s) in final.items()
        },
    )
    evidence: dict[int | None, list[int]] = defaultdict(list)
    for row in Evidence.objects.filter(assessment=assessment).values("pk", "item_id"):
        evidence[row["item_id"]].append(row["pk"])
    assessor_reviews = [r for r in stages.reviews if r.kind == ReviewKind.ASSESSOR]
    items = []
    non_compliant = []
    for item in structure.items:
        score, source = final[item.pk]
        fractions = [stages.assessors.get(r.pk, {}).get(item.pk) for r in assessor_reviews]
        spread = scoring.spread([s.fraction if s else None for s in fractions if s], cycle.spread_threshold)
        fraction = score.fraction if score else None
        if instrument.kind == InstrumentKind.COMPLIANCE and scoring.is_non_compliant(fraction):
            non_compliant.append(item.code)
        items.append(
            {
                "code": item.code,
                "section": item.criterion.section.code,
                "criterion": item.criterion.code,
                "weight": float(item.weight),
                "self": _score_dict(stages.self_scores.get(item.pk)),
                "assessors": [
                    {
                        "reviewer": r.reviewer.username,
                        **(_score_dict(stages.assessors.get(r.pk, {}).get(item.pk)) or {}),
                    }
                    for r in assessor_reviews
                ],
                "spread": spread.width,
                "needs_discussion": spread.needs_discussion,
                "consensus": _score_dict(stages.consensus.get(item.pk)),
                "audit": _score_dict(stages.audit.get(item.pk)),
                "final": {"fraction": fraction, "source": str(source)},
                "earned": _num(scoring.points(float(item.weight) * fraction))
                if fraction is not None
                else None,
                "evidence": evidence.get(item.pk, []),
            }
        )
    band = scoring.band_for(final_total.score, bands_of(instrument.pk))
    return {
        "rules": RULES_VERSION,
        "computed_at": timezone.now().isoformat(),
        "instrument": {
            "code": instrument.code,
            "version": instrument.version,
            "total_points": float(total_points),
        },
        "self": _section_dict(total_for(structure, total_points, stages.fractions(stages.self_scores))),
        "consensus": _section_dict(total_for(structure, total_points, stages.fractions(stages.consensus))),
        "final": _section_dict(final_total),
        "audited_sections": sorted(s.code for s in structure.sections if s.pk in stages.audited_sections),
        "band": {"name": band.name, "minimum": float(band.minimum), "id": band.pk} if band else None,
        "non_compliant": non_compliant,
        "items": items,
        "general_evidence": evidence.get(None, []),
    }


# ---------------------------------------------------------------------------------------------
# A cycle's results and ranking
# ---------------------------------------------------------------------------------------------


@dataclass
class Ranked:
    groups: list[dict[str, Any]]
    message: str = ""


def _criteria(sections: Sequence[Section]) -> list[ranking.Criterion]:
    return [
        ranking.Criterion(
            key=section.code,
            kind=ranking.CriterionKind(section.ranking_role),
            direction=ranking.Direction.HIGHER_IS_BETTER,
            weight=float(section.points),
        )
        for section in sections
        if section.ranking_role != RankingRole.NONE
    ]


def assessor_spread(
    assessment: Assessment, structure: Structure, stages: Stages | None = None
) -> dict[str, float]:
    """The standard uncertainty of each section's percentage: the sample standard deviation of
    the assessors' own section percentages (sections scored by fewer than two assessors have
    none)."""
    stages = stages or Stages.of(assessment)
    total_points = Decimal(assessment.cycle.instrument.total_points)
    per_section: dict[str, list[float]] = defaultdict(list)
    for review in stages.reviews:
        if review.kind != ReviewKind.ASSESSOR or not review.submitted_at:
            continue
        total = total_for(structure, total_points, stages.fractions(stages.assessors.get(review.pk, {})))
        for section in total.sections:
            if section.percent is not None:
                per_section[section.code].append(float(section.percent))
    spread = {}
    for code, values in per_section.items():
        deviation = scoring.standard_deviation(values)
        if deviation is not None:
            spread[code] = deviation
    return spread


def cycle_results(cycle: Cycle, assessments: Iterable[Assessment] | None = None) -> dict[str, Any]:
    """Bands and the ranking of a cycle's final assessments, within peer groups, by the project's
    ranking method (rasad/indicators/methods/ranking.py): each section is a criterion, weighted by
    its points, with its final percentage as the value and the assessors' spread as its
    uncertainty."""
    instrument = cycle.instrument
    structure = Structure.of(instrument.pk)
    finals = list(
        assessments
        if assessments is not None
        else cycle.assessments.filter(status="final").select_related("organization", "band")
    )
    criteria = _criteria(structure.sections)
    entities = [_entity(assessment, criteria, structure) for assessment in finals]
    rows = {
        str(a.pk): {
            "assessment": a.pk,
            "organization": a.organization.code,
            "name": a.organization.name,
            "peer_group": a.peer_group,
            "score": _num(a.final_score),
            "percent": (a.result or {}).get("final", {}).get("percent"),
            "band": a.band.name if a.band else None,
        }
        for a in finals
    }
    message = ""
    try:
        groups = _ranked_groups(entities, criteria, rows, minimum_peers=cycle.minimum_peers)
    except ranking.RankingConfigurationError as error:
        message = _not_ranked_message(error)
        groups = _unranked_groups(rows)
    return {
        "rules": RULES_VERSION,
        "computed_at": timezone.now().isoformat(),
        "instrument": {"code": instrument.code, "version": instrument.version},
        "minimum_peers": cycle.minimum_peers,
        "message": message,
        "groups": groups,
    }


def _entity(
    assessment: Assessment, criteria: list[ranking.Criterion], structure: Structure
) -> ranking.EntityValues:
    """An assessment as the ranking method reads it: each section's final percentage, with the
    assessors' spread as its uncertainty."""
    sections = (assessment.result or {}).get("final", {}).get("sections", {})
    values = {c.key: sections.get(c.key, {}).get("percent") for c in criteria}
    uncertainties = assessor_spread(assessment, structure)
    return ranking.EntityValues(
        entity_id=str(assessment.pk),
        peer_group=assessment.peer_group or "",
        values=values,
        uncertainties={k: v for k, v in uncertainties.items() if k in values},
    )


def _ranked_groups(
    entities: list[ranking.EntityValues],
    criteria: list[ranking.Criterion],
    rows: dict[str, dict[str, Any]],
    *,
    minimum_peers: int,
) -> list[dict[str, Any]]:
    """One scorecard per peer group, each member's row with its rank; raises
    ``RankingConfigurationError`` when the cycle cannot be ranked."""
    groups: list[dict[str, Any]] = []
    settings = ranking.RankingSettings(minimum_peers=minimum_peers)
    cards = ranking.build_scorecards(entities, criteria, settings=settings) if entities else []
    for card in cards:
        card_dict = card.to_dict()
        members = []
        for entity in card_dict["entities"]:
            members.append({**rows[entity["entity_id"]], **{k: entity[k] for k in _RANK_KEYS}})
        groups.append(
            {
                "peer_group": card_dict["peer_group"],
                "status": card_dict["status"],
                "is_ranked": card_dict["is_ranked"],
                "peer_count": card_dict["peer_count"],
                "criteria": card_dict["criteria"],
                "settings": card_dict["settings"],
                "members": members,
            }
        )
    return groups


def _unranked_groups(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The members of each peer group by score, not ranked."""
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows.values(), key=lambda r: -(r["score"] or 0)):
        by_group[row["peer_group"]].append(row)
    return [
        {
            "peer_group": name,
            "status": "not_ranked",
            "is_ranked": False,
            "peer_count": len(members),
            "members": members,
        }
        for name, members in sorted(by_group.items())
    ]


_RANK_KEYS = (
    "status",
    "status_message",
    "criterion_scores",
    "composite_score",
    "composite_interval",
    "rank",
    "rank_interval",
    "quartile",
    "uncertainty_quantified",
)


def _not_ranked_message(error: ranking.RankingConfigurationError) -> str:
    if error.code == "level_and_improvement_required":
        return _(
            "Not ranked: a ranking needs at least one section scoring level against peers and one "
            "scoring improvement, and this instrument does not have both. Scores and bands stand."
        )
    return _("Not ranked: %(reason)s") % {"reason": str(error)}
