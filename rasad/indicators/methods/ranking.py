"""Peer-group composite scorecards (METHODS §2, following the lessons of §2.4).

Entities (plants, mines) are compared only inside their peer group (same sector/product and size
band; the caller assigns the group). Each criterion value is turned into an empirical percentile
within the group, the percentiles are combined with normalized weights into a composite score, and
the composite gives a rank. Rules taken from §2.4:

* a scorecard must combine at least one **level** criterion (e.g. efficiency ratio actual/predicted,
  or normalized intensity) with at least one **improvement** criterion (e.g. SEnPI or improvement %
  against the entity's own baseline); configurations without both are refused, so raw intensity
  can never be the only basis of a rank;
* empirical percentiles, not a fitted distribution, because peer groups are small;
* no percentile, score or rank is published for a group with fewer than ``minimum_peers``
  complete members (default 8); every entity then gets the status ``too_few_peers``;
* the rank carries an uncertainty interval and a quartile band, so nobody reads 1-point precision
  into it;
* everything needed to reproduce a scorecard (criteria, weights, settings, seed) is in ``to_dict()``.

Score of entity i on one criterion, in a group of N complete members::

    score_i = 100 × (number of peers worse than i + ½ × number of other peers tied with i) / N

This is METHODS §2.3's "share of peers that are worse" (0.85 among the twelve ratios → 10/12 = 83),
with ties shared so that equal values get equal scores. The best member scores 100 × (N − 1)/N.

Composite_i = Σ_c w_c × score_{i,c} with weights normalized to sum to 1. Rank = 1 + number of members
with a strictly higher composite (ties share the better rank: 1, 2, 2, 4).

Rank uncertainty is a Monte Carlo propagation of the value uncertainties: each value is drawn from
a normal distribution with its standard uncertainty (1σ, in the value's unit; the G14 savings
uncertainty at 68 % is such a 1σ), percentiles, composites and ranks are recomputed for every draw,
and the central ``interval_coverage`` share of the simulated ranks is reported, widened if necessary
to contain the point rank. The random generator is seeded, and members are processed in entity-id
order, so the same inputs always give the same intervals. Values without an uncertainty are held
fixed; ``uncertainty_quantified`` says whether the entity's own values all had one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext_lazy as _

from rasad.lib import formatting

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

FloatArray = npt.NDArray[np.float64]

# Composites closer than this are treated as tied; it only absorbs floating-point noise.
_TIE_DECIMALS = 9


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class CriterionKind(StrEnum):
    """Level = performance compared with peers; improvement = progress against its own baseline."""

    LEVEL = "level"
    IMPROVEMENT = "improvement"


class EntityStatus(StrEnum):
    RANKED = "ranked"
    TOO_FEW_PEERS = "too_few_peers"
    INCOMPLETE_DATA = "incomplete_data"


_STATUS_MESSAGES: dict[EntityStatus, _StrPromise] = {
    EntityStatus.RANKED: _("Ranked among %(peer_count)s comparable peers."),
    EntityStatus.TOO_FEW_PEERS: _(
        "The peer group has %(peer_count)s comparable members; at least %(minimum_peers)s are needed "
        "before a percentile or rank is published."
    ),
    EntityStatus.INCOMPLETE_DATA: _("Not scored: no valid value for %(missing)s."),
}


class RankingConfigurationError(ValueError):
    """A criteria set or settings object that must not be used; ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Criterion:
    """One column of the scorecard. ``weight`` is data (relative; normalized before use)."""

    key: str
    kind: CriterionKind
    direction: Direction
    weight: float


@dataclass(frozen=True)
class EntityValues:
    """One entity's inputs. ``None`` marks a missing or invalid value (for example an improvement
    whose baseline is not valid); such an entity is not scored. ``uncertainties`` holds standard
    uncertainties (1σ) in the unit of the value, for the criteria where one is known."""

    entity_id: str
    peer_group: str
    values: Mapping[str, float | None]
    uncertainties: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RankingSettings:
    version: str = "methods-2.4-defaults"
    minimum_peers: int = 8
    simulation_draws: int = 2000
    seed: int = 0
    interval_coverage: float = 0.90

    def __post_init__(self) -> None:
        if self.minimum_peers < 2:
            raise RankingConfigurationError("minimum_peers", "minimum_peers must be at least 2.")
        if self.simulation_draws < 1:
            raise RankingConfigurationError("simulation_draws", "simulation_draws must be at least 1.")
        if not 0.0 < self.interval_coverage < 1.0:
            raise RankingConfigurationError("interval_coverage", "interval_coverage must be in (0, 1).")

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "minimum_peers": self.minimum_peers,
            "simulation_draws": self.simulation_draws,
            "seed": self.seed,
            "interval_coverage": self.interval_coverage,
        }


DEFAULT_SETTINGS = RankingSettings()


def normalized_weights(criteria: Sequence[Criterion]) -> dict[str, float]:
    """Validate a criteria set and return its weights scaled to sum to 1.

    Refused (``RankingConfigurationError``): no criteria, duplicate keys, a weight that is not a
    positive finite number, a weight total of zero, or a set without both a level and an
    improvement criterion (METHODS §2.4: never rank on level alone, nor on improvement alone).
    """
    if not criteria:
        raise RankingConfigurationError("no_criteria", "A scorecard needs criteria.")
    keys = [criterion.key for criterion in criteria]
    if len(set(keys)) != len(keys):
        raise RankingConfigurationError("duplicate_criterion", "Criterion keys must be unique.")
    for criterion in criteria:
        if not math.isfinite(criterion.weight) or criterion.weight < 0.0:
            raise RankingConfigurationError(
                "invalid_weight",
                f"The weight of “{criterion.key}” must be a positive finite number, "
                f"not {criterion.weight!r}.",
            )
    total = math.fsum(criterion.weight for criterion in criteria)
    if total == 0.0:
        raise RankingConfigurationError("zero_weight_total", "The criteria weights sum to zero.")
    for criterion in criteria:
        if criterion.weight == 0.0:
            raise RankingConfigurationError(
                "invalid_weight",
                f"The weight of “{criterion.key}” is zero; remove the criterion instead.",
            )
    kinds = {criterion.kind for criterion in criteria}
    if CriterionKind.LEVEL not in kinds or CriterionKind.IMPROVEMENT not in kinds:
        raise RankingConfigurationError(
            "level_and_improvement_required",
            "A ranking must combine at least one level criterion (performance against peers) with at "
            "least one improvement criterion (progress against the entity's own baseline).",
        )
    return {criterion.key: criterion.weight / total for criterion in criteria}


def percentile_scores(values: Sequence[float], direction: Direction) -> list[float]:
    """Each value's share of the group that it beats, ties counted half, in percent (see module doc)."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0 or not bool(np.all(np.isfinite(array))):
        raise ValueError("percentile_scores needs a non-empty sequence of finite numbers.")
    return [float(v) for v in _percentiles(array[np.newaxis, :], direction)[0]]


def competition_ranks(composites: Sequence[float]) -> list[int]:
    """Rank 1 = highest composite; tied composites share the better rank (1, 2, 2, 4)."""
    array = np.asarray(composites, dtype=np.float64)
    return [int(v) for v in _ranks(array[np.newaxis, :])[0]]


def _percentiles(values: FloatArray, direction: Direction) -> FloatArray:
    """Row-wise percentile scores of a (draws, members) array."""
    members = values.shape[1]
    mine = values[:, :, np.newaxis]
    theirs = values[:, np.newaxis, :]
    worse = theirs > mine if direction is Direction.LOWER_IS_BETTER else theirs < mine
    # Each member ties with itself; subtract that one tie.
    ties_with_others = np.sum(theirs == mine, axis=2) - 1
    scores = 100.0 * (np.sum(worse, axis=2) + 0.5 * ties_with_others) / members
    return np.asarray(scores, dtype=np.float64)


def _ranks(composites: FloatArray) -> npt.NDArray[np.int64]:
    rounded = np.round(composites, _TIE_DECIMALS)
    better = rounded[:, np.newaxis, :] > rounded[:, :, np.newaxis]
    return np.asarray(1 + np.sum(better, axis=2), dtype=np.int64)


@dataclass(frozen=True)
class EntityScore:
    entity_id: str
    peer_group: str
    status: EntityStatus
    peer_count: int
    minimum_peers: int
    missing_criteria: tuple[str, ...] = ()
    criterion_scores: Mapping[str, float] | None = None
    composite_score: float | None = None
    composite_interval: tuple[float, float] | None = None
    rank: int | None = None
    rank_interval: tuple[int, int] | None = None
    quartile: int | None = None
    uncertainty_quantified: bool = False

    @property
    def status_message(self) -> str:
        """Translated explanation of the status (needs Django to be set up)."""
        params: dict[str, str] = {
            "peer_count": formatting.number(self.peer_count),
            "minimum_peers": formatting.number(self.minimum_peers),
            "missing": formatting.join(self.missing_criteria),
        }
        return str(_STATUS_MESSAGES[self.status]) % params

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "peer_group": self.peer_group,
            "status": str(self.status),
            "status_message": self.status_message,
            "missing_criteria": list(self.missing_criteria),
            "criterion_scores": None if self.criterion_scores is None else dict(self.criterion_scores),
            "composite_score": self.composite_score,
            "composite_interval": None if self.composite_interval is None else list(self.composite_interval),
            "rank": self.rank,
            "rank_interval": None if self.rank_interval is None else list(self.rank_interval),
            "quartile": self.quartile,
            "uncertainty_quantified": self.uncertainty_quantified,
        }


@dataclass(frozen=True)
class PeerGroupScorecard:
    """The frozen scorecard of one peer group: publish it with its criteria and settings."""

    peer_group: str
    criteria: tuple[Criterion, ...]
    weights: Mapping[str, float]
    settings: RankingSettings
    peer_count: int
    entities: tuple[EntityScore, ...]

    @property
    def is_ranked(self) -> bool:
        return self.peer_count >= self.settings.minimum_peers

    @property
    def status(self) -> EntityStatus:
        return EntityStatus.RANKED if self.is_ranked else EntityStatus.TOO_FEW_PEERS

    def entity(self, entity_id: str) -> EntityScore:
        for entity in self.entities:
            if entity.entity_id == entity_id:
                return entity
        raise KeyError(entity_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "peer_group": self.peer_group,
            "status": str(self.status),
            "is_ranked": self.is_ranked,
            "peer_count": self.peer_count,
            "settings": self.settings.to_dict(),
            "criteria": [
                {
                    "key": criterion.key,
                    "kind": str(criterion.kind),
                    "direction": str(criterion.direction),
                    "weight": criterion.weight,
                    "normalized_weight": self.weights[criterion.key],
                }
                for criterion in self.criteria
            ],
            "entities": [entity.to_dict() for entity in self.entities],
        }


def build_scorecards(
    entities: Iterable[EntityValues],
    criteria: Sequence[Criterion],
    *,
    settings: RankingSettings = DEFAULT_SETTINGS,
) -> list[PeerGroupScorecard]:
    """Score every peer group found in ``entities``; groups are returned sorted by name."""
    weights = normalized_weights(criteria)
    members = list(entities)
    _validate_entities(members, criteria)
    groups: dict[str, list[EntityValues]] = {}
    for member in members:
        groups.setdefault(member.peer_group, []).append(member)
    return [_score_group(name, groups[name], tuple(criteria), weights, settings) for name in sorted(groups)]


def score_peer_group(
    entities: Iterable[EntityValues],
    criteria: Sequence[Criterion],
    *,
    settings: RankingSettings = DEFAULT_SETTINGS,
) -> PeerGroupScorecard:
    """Score entities that all belong to one peer group (refuses a mixture)."""
    members = list(entities)
    groups = {member.peer_group for member in members}
    if len(groups) != 1:
        raise ValueError("score_peer_group needs entities of exactly one peer group.")
    weights = normalized_weights(criteria)
    _validate_entities(members, criteria)
    return _score_group(groups.pop(), members, tuple(criteria), weights, settings)


def _validate_entities(members: Sequence[EntityValues], criteria: Sequence[Criterion]) -> None:
    keys = {criterion.key for criterion in criteria}
    seen: set[str] = set()
    for member in members:
        if member.entity_id in seen:
            raise ValueError(f"Entity “{member.entity_id}” appears twice.")
        seen.add(member.entity_id)
        for name in (*member.values, *member.uncertainties):
            if name not in keys:
                raise ValueError(f"Entity “{member.entity_id}” has a value for unknown criterion “{name}”.")
        for name, value in member.values.items():
            if value is not None and not math.isfinite(value):
                raise ValueError(
                    f"Entity “{member.entity_id}”: “{name}” is not finite; use None for a missing value."
                )
        for name, uncertainty in member.uncertainties.items():
            if not math.isfinite(uncertainty) or uncertainty < 0.0:
                raise ValueError(
                    f"Entity “{member.entity_id}”: the uncertainty of “{name}” must be finite and ≥ 0."
                )


def _score_group(
    peer_group: str,
    members: Sequence[EntityValues],
    criteria: tuple[Criterion, ...],
    weights: Mapping[str, float],
    settings: RankingSettings,
) -> PeerGroupScorecard:
    ordered = sorted(members, key=lambda member: member.entity_id)
    keys = [criterion.key for criterion in criteria]
    complete = [m for m in ordered if all(m.values.get(key) is not None for key in keys)]
    complete_ids = {m.entity_id for m in complete}
    incomplete = [m for m in ordered if m.entity_id not in complete_ids]
    peer_count = len(complete)

    def unranked(member: EntityValues, status: EntityStatus) -> EntityScore:
        return EntityScore(
            entity_id=member.entity_id,
            peer_group=peer_group,
            status=status,
            peer_count=peer_count,
            minimum_peers=settings.minimum_peers,
            missing_criteria=tuple(key for key in keys if member.values.get(key) is None),
        )

    scores = [unranked(m, EntityStatus.INCOMPLETE_DATA) for m in incomplete]
    if peer_count < settings.minimum_peers:
        scores = [unranked(m, EntityStatus.TOO_FEW_PEERS) for m in complete] + scores
        return PeerGroupScorecard(peer_group, criteria, dict(weights), settings, peer_count, tuple(scores))

    values = np.array([[_value(m, key) for key in keys] for m in complete], dtype=np.float64)
    sigmas = np.array([[m.uncertainties.get(key, 0.0) for key in keys] for m in complete], dtype=np.float64)
    weight_vector = np.array([weights[key] for key in keys], dtype=np.float64)

    point_scores = _criterion_scores(values[np.newaxis, :, :], criteria)[0]
    point_composites = point_scores @ weight_vector
    point_ranks = _ranks(point_composites[np.newaxis, :])[0]

    if bool(np.any(sigmas > 0.0)):
        generator = np.random.default_rng(settings.seed)
        noise = generator.standard_normal((settings.simulation_draws, *values.shape))
        simulated = values[np.newaxis, :, :] + sigmas[np.newaxis, :, :] * noise
        simulated_composites = _criterion_scores(simulated, criteria) @ weight_vector
        simulated_ranks = _ranks(simulated_composites)
    else:
        simulated_composites = point_composites[np.newaxis, :]
        simulated_ranks = point_ranks[np.newaxis, :]
    tail = (1.0 - settings.interval_coverage) / 2.0

    ranked: list[EntityScore] = []
    for index, member in enumerate(complete):
        rank = int(point_ranks[index])
        composite = float(point_composites[index])
        rank_low = min(rank, int(np.quantile(simulated_ranks[:, index], tail, method="lower")))
        rank_high = max(rank, int(np.quantile(simulated_ranks[:, index], 1.0 - tail, method="higher")))
        composite_low = min(composite, float(np.quantile(simulated_composites[:, index], tail)))
        composite_high = max(composite, float(np.quantile(simulated_composites[:, index], 1.0 - tail)))
        ranked.append(
            EntityScore(
                entity_id=member.entity_id,
                peer_group=peer_group,
                status=EntityStatus.RANKED,
                peer_count=peer_count,
                minimum_peers=settings.minimum_peers,
                criterion_scores={key: float(point_scores[index, c]) for c, key in enumerate(keys)},
                composite_score=composite,
                composite_interval=(composite_low, composite_high),
                rank=rank,
                rank_interval=(rank_low, rank_high),
                quartile=1 + (4 * (rank - 1)) // peer_count,
                uncertainty_quantified=all(member.uncertainties.get(key, 0.0) > 0.0 for key in keys),
            )
        )
    ranked.sort(key=lambda score: (score.rank or 0, score.entity_id))
    return PeerGroupScorecard(
        peer_group, criteria, dict(weights), settings, peer_count, tuple(ranked + scores)
    )


def _value(member: EntityValues, key: str) -> float:
    value = member.values.get(key)
    if value is None:  # Excluded before this point; kept for the type checker.
        raise ValueError(f"Entity “{member.entity_id}” has no value for “{key}”.")
    return value


def _criterion_scores(values: FloatArray, criteria: Sequence[Criterion]) -> FloatArray:
    """(draws, members, criteria) values → (draws, members, criteria) percentile scores."""
    return np.stack(
        [_percentiles(values[:, :, c], criterion.direction) for c, criterion in enumerate(criteria)],
        axis=2,
    )
