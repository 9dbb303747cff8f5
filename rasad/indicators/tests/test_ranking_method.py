"""Peer-group scorecards: hand-computed scores, ties, minimum peers, weights and directions.

The small groups below use ``minimum_peers=2`` so that every number can be checked by hand; the
default of 8 (METHODS §2.4) is tested separately.
"""

import json
import math

import pytest
from django.utils import translation

from rasad.indicators.methods.ranking import (
    Criterion,
    CriterionKind,
    Direction,
    EntityStatus,
    EntityValues,
    RankingConfigurationError,
    RankingSettings,
    build_scorecards,
    competition_ranks,
    normalized_weights,
    percentile_scores,
    score_peer_group,
)
from rasad.lib import display

SMALL_GROUP = RankingSettings(minimum_peers=2)


def criteria(level_weight=3.0, improvement_weight=1.0):
    return [
        Criterion("intensity", CriterionKind.LEVEL, Direction.LOWER_IS_BETTER, level_weight),
        Criterion("improvement", CriterionKind.IMPROVEMENT, Direction.HIGHER_IS_BETTER, improvement_weight),
    ]


def entity(entity_id, intensity, improvement, *, group="copper", uncertainties=None):
    return EntityValues(
        entity_id=entity_id,
        peer_group=group,
        values={"intensity": intensity, "improvement": improvement},
        uncertainties=uncertainties or {},
    )


def four_plants():
    # Intensity (lower is better) and improvement % (higher is better).
    return [entity("A", 10, 2), entity("B", 12, 8), entity("C", 14, 5), entity("D", 16, 1)]


# --- Percentiles ----------------------------------------------------------------------------------


def test_percentile_reproduces_methods_empirical_example():
    # METHODS §2.3: among twelve efficiency ratios, 0.85 has 10 of 12 peers worse ⇒ 83.
    ratios = [0.78, 0.85, 0.91, 0.95, 0.97, 1.00, 1.02, 1.05, 1.08, 1.12, 1.19, 1.31]
    scores = percentile_scores(ratios, Direction.LOWER_IS_BETTER)
    assert round(scores[1]) == 83
    assert scores[0] == pytest.approx(100 * 11 / 12)
    assert scores[-1] == 0.0


def test_direction_reverses_percentiles():
    assert percentile_scores([1, 2, 3, 4], Direction.HIGHER_IS_BETTER) == [0.0, 25.0, 50.0, 75.0]
    assert percentile_scores([1, 2, 3, 4], Direction.LOWER_IS_BETTER) == [75.0, 50.0, 25.0, 0.0]


def test_tied_values_share_half_of_their_tie():
    assert percentile_scores([10, 10, 14, 16], Direction.LOWER_IS_BETTER) == [62.5, 62.5, 25.0, 0.0]


def test_competition_ranks_share_the_better_rank():
    assert competition_ranks([50.0, 70.0, 70.0, 10.0]) == [3, 1, 1, 4]


# --- Composite scores and ranks -------------------------------------------------------------------


def test_composite_and_rank_match_hand_computation():
    # Weights 3:1 → 0.75 / 0.25.
    # Intensity scores A 75, B 50, C 25, D 0; improvement scores B 75, C 50, A 25, D 0.
    # Composite A = 0.75·75 + 0.25·25 = 62.5; B = 37.5 + 18.75 = 56.25; C = 18.75 + 12.5 = 31.25; D = 0.
    card = score_peer_group(four_plants(), criteria(), settings=SMALL_GROUP)
    expected = {"A": (62.5, 1, 1), "B": (56.25, 2, 2), "C": (31.25, 3, 3), "D": (0.0, 4, 4)}
    for entity_id, (composite, rank, quartile) in expected.items():
        score = card.entity(entity_id)
        assert score.status is EntityStatus.RANKED
        assert score.composite_score == pytest.approx(composite)
        assert score.rank == rank
        assert score.quartile == quartile
    assert card.entity("A").criterion_scores == {"intensity": 75.0, "improvement": 25.0}
    assert [score.entity_id for score in card.entities] == ["A", "B", "C", "D"]


def test_weights_are_data_and_change_the_order():
    # Weights 1:3: A = 18.75 + 18.75 = 37.5; B = 12.5 + 56.25 = 68.75; C = 6.25 + 37.5 = 43.75; D = 0.
    card = score_peer_group(four_plants(), criteria(1.0, 3.0), settings=SMALL_GROUP)
    assert [(s.entity_id, s.rank) for s in card.entities] == [("B", 1), ("C", 2), ("A", 3), ("D", 4)]
    assert card.entity("B").composite_score == pytest.approx(68.75)


def test_identical_entities_tie_on_composite_and_rank():
    plants = [entity("A", 10, 5), entity("B", 10, 5), entity("C", 12, 3), entity("D", 14, 1)]
    card = score_peer_group(plants, criteria(1.0, 1.0), settings=SMALL_GROUP)
    assert card.entity("A").composite_score == pytest.approx(62.5)
    assert card.entity("B").composite_score == pytest.approx(62.5)
    assert [(s.entity_id, s.rank) for s in card.entities] == [("A", 1), ("B", 1), ("C", 3), ("D", 4)]


def test_peer_groups_are_scored_separately():
    plants = [*four_plants(), entity("K1", 900, 1, group="cement"), entity("K2", 800, 0, group="cement")]
    cards = build_scorecards(plants, criteria(), settings=SMALL_GROUP)
    assert [card.peer_group for card in cards] == ["cement", "copper"]
    cement = cards[0]
    assert cement.peer_count == 2
    # K2 has the lower intensity (50) but the smaller improvement (0): 0.75·50 + 0.25·0 = 37.5.
    assert cement.entity("K2").composite_score == pytest.approx(37.5)
    assert cement.entity("K2").rank == 1
    assert cards[1].entity("A").rank == 1


def test_result_does_not_depend_on_input_order():
    settings = RankingSettings(minimum_peers=2, simulation_draws=500, seed=7)
    plants = [
        entity(name, intensity, improvement, uncertainties={"intensity": 1.5, "improvement": 1.0})
        for name, intensity, improvement in [("A", 10, 2), ("B", 11, 8), ("C", 12, 5), ("D", 16, 1)]
    ]
    forward = score_peer_group(plants, criteria(), settings=settings)
    backward = score_peer_group(list(reversed(plants)), criteria(), settings=settings)
    assert forward == backward


# --- Minimum peers and incomplete data ------------------------------------------------------------


def test_group_below_minimum_peers_gets_no_percentile_or_rank():
    card = score_peer_group(four_plants(), criteria())
    assert card.settings.minimum_peers == 8
    assert not card.is_ranked
    assert card.status is EntityStatus.TOO_FEW_PEERS
    for score in card.entities:
        assert score.status is EntityStatus.TOO_FEW_PEERS
        assert score.rank is None
        assert score.composite_score is None
        assert score.criterion_scores is None
        assert score.rank_interval is None


def test_group_at_minimum_peers_is_ranked():
    plants = [entity(f"P{i}", 10 + i, 8 - i) for i in range(8)]
    card = score_peer_group(plants, criteria())
    assert card.is_ranked
    assert [s.rank for s in card.entities] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [s.quartile for s in card.entities] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_missing_value_excludes_entity_and_counts_against_minimum():
    plants = [entity(f"P{i}", 10 + i, 8 - i) for i in range(7)]
    plants.append(entity("P7", 17, None))
    card = score_peer_group(plants, criteria())
    assert card.peer_count == 7
    assert card.status is EntityStatus.TOO_FEW_PEERS
    incomplete = card.entity("P7")
    assert incomplete.status is EntityStatus.INCOMPLETE_DATA
    assert incomplete.missing_criteria == ("improvement",)
    assert card.entity("P0").status is EntityStatus.TOO_FEW_PEERS


def test_incomplete_entity_does_not_move_the_others():
    plants = [*four_plants(), entity("E", None, 9)]
    card = score_peer_group(plants, criteria(), settings=SMALL_GROUP)
    assert card.peer_count == 4
    assert card.entity("A").composite_score == pytest.approx(62.5)
    assert card.entity("E").status is EntityStatus.INCOMPLETE_DATA
    assert card.entities[-1].entity_id == "E"


# --- Criteria and weights validation --------------------------------------------------------------


@pytest.mark.parametrize("kind", [CriterionKind.LEVEL, CriterionKind.IMPROVEMENT])
def test_refuses_criteria_without_both_level_and_improvement(kind):
    only_one_kind = [
        Criterion("a", kind, Direction.LOWER_IS_BETTER, 1.0),
        Criterion("b", kind, Direction.HIGHER_IS_BETTER, 1.0),
    ]
    with pytest.raises(RankingConfigurationError, match="level criterion") as caught:
        normalized_weights(only_one_kind)
    assert caught.value.code == "level_and_improvement_required"


def test_refuses_ranking_on_raw_intensity_alone():
    raw_intensity = [Criterion("sec", CriterionKind.LEVEL, Direction.LOWER_IS_BETTER, 1.0)]
    with pytest.raises(RankingConfigurationError) as caught:
        score_peer_group(
            [EntityValues("A", "copper", {"sec": 30.0}), EntityValues("B", "copper", {"sec": 35.0})],
            raw_intensity,
            settings=SMALL_GROUP,
        )
    assert caught.value.code == "level_and_improvement_required"


def test_weights_are_normalized():
    assert normalized_weights(criteria(6.0, 2.0)) == {"intensity": 0.75, "improvement": 0.25}


def test_refuses_weights_summing_to_zero():
    with pytest.raises(RankingConfigurationError) as caught:
        normalized_weights(criteria(0.0, 0.0))
    assert caught.value.code == "zero_weight_total"


@pytest.mark.parametrize("weight", [0.0, -1.0, math.nan, math.inf])
def test_refuses_non_positive_or_non_finite_weight(weight):
    with pytest.raises(RankingConfigurationError) as caught:
        normalized_weights(criteria(weight, 1.0))
    assert caught.value.code == "invalid_weight"


def test_refuses_duplicate_criterion_keys():
    duplicated = [*criteria(), Criterion("intensity", CriterionKind.LEVEL, Direction.LOWER_IS_BETTER, 1.0)]
    with pytest.raises(RankingConfigurationError) as caught:
        normalized_weights(duplicated)
    assert caught.value.code == "duplicate_criterion"


def test_refuses_unknown_criterion_and_nan_values():
    with pytest.raises(ValueError, match="unknown criterion"):
        score_peer_group(
            [EntityValues("A", "copper", {"intensity": 1.0, "improvment": 2.0})],
            criteria(),
            settings=SMALL_GROUP,
        )
    with pytest.raises(ValueError, match="use None"):
        score_peer_group([entity("A", math.nan, 2.0)], criteria(), settings=SMALL_GROUP)


def test_refuses_minimum_peers_below_two():
    with pytest.raises(RankingConfigurationError):
        RankingSettings(minimum_peers=1)


# --- Rank uncertainty -----------------------------------------------------------------------------


def test_without_uncertainty_the_rank_interval_is_the_rank():
    card = score_peer_group(four_plants(), criteria(), settings=SMALL_GROUP)
    for score in card.entities:
        assert score.rank_interval == (score.rank, score.rank)
        assert score.composite_interval == (score.composite_score, score.composite_score)
        assert not score.uncertainty_quantified


def test_uncertain_close_values_widen_the_rank_interval_and_are_reproducible():
    settings = RankingSettings(minimum_peers=2, simulation_draws=1000, seed=3)
    sigma = {"intensity": 2.0, "improvement": 0.2}
    plants = [
        entity("A", 10.0, 3.0, uncertainties=sigma),
        entity("B", 10.5, 3.1, uncertainties=sigma),
        entity("C", 20.0, 0.5, uncertainties=sigma),
    ]
    first = score_peer_group(plants, criteria(), settings=settings)
    again = score_peer_group(plants, criteria(), settings=settings)
    assert first == again
    # A and B are within each other's uncertainty; C is far behind on both criteria.
    assert first.entity("A").rank == 1
    assert first.entity("A").rank_interval == (1, 2)
    assert first.entity("B").rank_interval == (1, 2)
    assert first.entity("C").rank_interval == (3, 3)
    assert first.entity("A").uncertainty_quantified


# --- Output ---------------------------------------------------------------------------------------


def test_scorecard_to_dict_is_json_and_reproducible():
    card = score_peer_group(four_plants(), criteria(), settings=SMALL_GROUP)
    token = display.activate(display.DisplayPreferences(language="en", persian_digits=False))
    try:
        with translation.override("en"):
            data = json.loads(json.dumps(card.to_dict(), allow_nan=False))
    finally:
        display.reset(token)
    assert set(data) == {
        "peer_group",
        "status",
        "is_ranked",
        "peer_count",
        "settings",
        "criteria",
        "entities",
    }
    assert data["settings"] == {
        "version": "methods-2.4-defaults",
        "minimum_peers": 2,
        "simulation_draws": 2000,
        "seed": 0,
        "interval_coverage": 0.9,
    }
    assert data["criteria"][0] == {
        "key": "intensity",
        "kind": "level",
        "direction": "lower_is_better",
        "weight": 3.0,
        "normalized_weight": 0.75,
    }
    first = data["entities"][0]
    assert first["entity_id"] == "A"
    assert first["rank"] == 1
    assert first["rank_interval"] == [1, 1]
    assert first["status_message"] == "Ranked among 4 comparable peers."


def test_too_few_peers_message_names_the_counts():
    card = score_peer_group(four_plants(), criteria())
    token = display.activate(display.DisplayPreferences(language="en", persian_digits=False))
    try:
        with translation.override("en"):
            message = card.entities[0].status_message
    finally:
        display.reset(token)
    assert message == (
        "The peer group has 4 comparable members; at least 8 are needed before a percentile or rank "
        "is published."
    )
    with translation.override("fa"):
        assert card.entities[0].status_message == (
            "گروه همتا ۴ عضو هم‌سنج دارد؛ پیش از انتشار صدک یا رتبه دست‌کم ۸ عضو لازم است."
        )
