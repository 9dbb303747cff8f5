"""Matrix factories for the indicators app's API models (see rasad.testing.factories), and
small builders the tests share."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

from rasad.core.models import Organization, User
from rasad.indicators.actions import (
    BaselineValues,
    CriterionValues,
    ObservationInput,
    ScorecardValues,
    TargetValues,
    do_record_observations,
    do_save_assignment,
    do_save_baseline,
    do_save_scorecard,
    do_save_target,
)
from rasad.indicators.models import Alert, Assignment, Baseline, Indicator, Observation, Scorecard, Target
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)
_year_counter = itertools.count()


def new_batch() -> str:
    """A batch id as an API client makes one for each batch it sends (docs/indicators.md)."""
    return uuid.uuid4().hex


def _next_year() -> int:
    return 1380 + next(_year_counter) % 20


def indicator(code: str) -> Indicator:
    found: Indicator = Indicator.objects.select_related("unit").get(code=code)
    return found


def assign(organization: Organization, *codes: str, subtree: bool = True, since: date | None = None) -> None:
    """Assign the indicators to ``organization``; ``since`` is the first day they report from
    (today when not given), since a period that ended before it is not owed (deadlines.py)."""
    for code in codes:
        do_save_assignment(
            organization, indicator(code), include_descendants=subtree, acting_user=None, reports_from=since
        )


def record(
    organization: Organization,
    code: str,
    period: str,
    value: float,
    *,
    user: User | None = None,
    comment: str = "",
) -> Observation:
    result = do_record_observations(
        [ObservationInput(organization, indicator(code), JalaliPeriod.parse(period), value, comment)],
        acting_user=user,
    )
    return result.observations[0]


@register("indicators.assignment")
def make_assignment(cast: Cast, organization: Organization) -> Assignment:
    codes = list(Indicator.objects.filter(formula="").order_by("-code").values_list("code", flat=True))
    used = set(Assignment.objects.filter(organization=organization).values_list("indicator__code", flat=True))
    code = next(c for c in codes if c not in used)
    return do_save_assignment(organization, indicator(code), include_descendants=False, acting_user=None)


@register("indicators.observation")
def make_observation(cast: Cast, organization: Organization) -> Observation:
    assign(organization, "ELEC_CONS", subtree=False)
    period = f"{1390 + next(_sequence) % 10}-{next(_sequence) % 12 + 1:02d}"
    return record(organization, "ELEC_CONS", period, 100.0)


@register(
    "indicators.target",
    create_payload=lambda cast, org: {
        "organization": org.code,
        "indicator": "ELEC_CONS",
        "year": _next_year(),
        "target": 100,
        "warning_threshold": 110,
        "critical_threshold": 120,
    },
)
def make_target(cast: Cast, organization: Organization) -> Target:
    return do_save_target(
        TargetValues(organization, indicator("ELEC_CONS"), _next_year(), 100.0, 110.0, 120.0),
        acting_user=None,
    )


@register("indicators.alert")
def make_alert(cast: Cast, organization: Organization) -> Alert:
    target = make_target(cast, organization)
    assign(organization, "ELEC_CONS", subtree=False)
    record(organization, "ELEC_CONS", f"{target.year}-01", 500.0)
    return Alert.objects.get(target=target)


@register("indicators.baseline")
def make_baseline(cast: Cast, organization: Organization) -> Baseline:
    return do_save_baseline(
        BaselineValues(
            organization,
            f"خط مبنا {next(_sequence)}",
            indicator("ELEC_CONS"),
            [indicator("ORE_MILLED")],
            "1401-01",
            "1401-12",
            "1402-01",
            "1402-12",
        ),
        acting_user=None,
    )


@register("indicators.scorecard")
def make_scorecard(cast: Cast, organization: Organization) -> Scorecard:
    return do_save_scorecard(
        ScorecardValues(
            organization,
            f"رتبه‌بندی {next(_sequence)}",
            1403,
            1402,
            ["معدن"],
            [
                CriterionValues(indicator("ENERGY_INTENSITY"), "level", 0.6),
                CriterionValues(indicator("ENERGY_INTENSITY"), "improvement", 0.4),
            ],
            minimum_peers=3,
        ),
        acting_user=None,
    )
