"""Scorecards: peer groups by sector tag, level and improvement, minimum peers, uncertainty."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.indicators.actions import (
    CriterionValues,
    ObservationInput,
    ScorecardValues,
    do_approve_period,
    do_record_observations,
    do_save_scorecard,
    do_submit_period,
)
from rasad.indicators.scoring import results
from rasad.indicators.testing import assign, indicator
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast


def sites(cast: Cast, count: int):
    made = []
    for number in range(count):
        made.append(
            do_create_organization(
                OrganizationValues(
                    code=f"MINE-{number}",
                    name=f"معدن {number}",
                    kind="site",
                    parent=cast.kerman,
                    sector_tags=["معدن"],
                ),
                acting_user=cast.root,
            )
        )
    return made


def report_year(cast: Cast, site, year: int, energy: float, ore: float):
    rows = []
    for month in range(1, 13):
        period = JalaliPeriod("month", year, month)
        rows.append(
            ObservationInput(site, indicator("ELEC_CONS"), period, energy * (1 + 0.01 * (month % 3)), "بهبود")
        )
        rows.append(ObservationInput(site, indicator("ORE_MILLED"), period, ore))
    do_record_observations(rows, acting_user=cast.root)
    for month in range(1, 13):
        key = JalaliPeriod("month", year, month).key
        do_submit_period(site, key, acting_user=cast.root)
        do_approve_period(site, key, acting_user=cast.root)


def scorecard(cast: Cast, minimum_peers: int):
    return do_save_scorecard(
        ScorecardValues(
            cast.kerman,
            "رتبه‌بندی برق",
            1402,
            1401,
            ["معدن"],
            [
                CriterionValues(indicator("ELEC_INTENSITY"), "level", 0.5),
                CriterionValues(indicator("ELEC_INTENSITY"), "improvement", 0.5),
            ],
            minimum_peers=minimum_peers,
        ),
        acting_user=cast.bob,
    )


def test_level_and_improvement_rank_with_intervals(cast: Cast):
    assign(cast.kerman, "ELEC_CONS", "ORE_MILLED")
    mines = sites(cast, 4)
    for index, mine in enumerate(mines):
        report_year(cast, mine, 1401, 1000.0, 100.0)
        report_year(cast, mine, 1402, 1000.0 - 50 * index, 100.0)  # the last mine improves most
    body = results(scorecard(cast, 3))
    group = body["groups"][0]
    assert group["is_ranked"] is True and group["peer_count"] == 4
    by_code = {e["organization"]["code"]: e for e in group["entities"]}
    assert by_code["MINE-3"]["rank"] == 1 and by_code["MINE-0"]["rank"] == 4
    assert by_code["MINE-3"]["uncertainty_quantified"] is True
    assert len(by_code["MINE-3"]["rank_interval"]) == 2


def test_too_few_peers_publish_no_rank(cast: Cast):
    assign(cast.kerman, "ELEC_CONS", "ORE_MILLED")
    for mine in sites(cast, 2):
        report_year(cast, mine, 1401, 1000.0, 100.0)
        report_year(cast, mine, 1402, 900.0, 100.0)
    group = results(scorecard(cast, 3))["groups"][0]
    assert group["status"] == "too_few_peers"
    assert {e["rank"] for e in group["entities"]} == {None}


def test_raw_level_alone_is_refused(cast: Cast):
    with pytest.raises(ValidationError) as error:
        do_save_scorecard(
            ScorecardValues(
                cast.kerman,
                "فقط شدت",
                1402,
                1401,
                ["معدن"],
                [CriterionValues(indicator("ELEC_INTENSITY"), "level", 1.0)],
            ),
            acting_user=cast.bob,
        )
    assert "criteria" in error.value.message_dict


def test_anonymous_results_carry_no_real_identifier(cast: Cast):
    assign(cast.kerman, "ELEC_CONS", "ORE_MILLED")
    mines = sites(cast, 3)
    for index, mine in enumerate(mines):
        report_year(cast, mine, 1401, 1000.0, 100.0)
        report_year(cast, mine, 1402, 1000.0 - 50 * index, 100.0)
    visible = {mines[0].pk}
    body = results(scorecard(cast, 3), visible_ids=visible)
    entities = body["groups"][0]["entities"]
    shown = [e for e in entities if e["organization"]["id"] is not None]
    hidden = [e for e in entities if e["organization"]["id"] is None]
    assert [e["organization"]["code"] for e in shown] == ["MINE-0"]
    assert len(hidden) == 2
    hidden_ids = {str(mine.pk) for mine in mines[1:]}
    for entity in hidden:
        assert entity["entity_id"].startswith("anonymous-")
        assert not any(value in hidden_ids for value in _strings(entity)), entity


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)
