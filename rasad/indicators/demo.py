"""Indicator demo data for the mining holding (IMIDRO) of ``rasad.core.demo``.

``load_demo(stdout=None)`` is idempotent (it does nothing once the demo assignments exist) and
needs the core demo loaded first. It writes, through the app's actions only:

* assignments of energy, production, water and supply indicators to the nine IMIDRO sites;
* monthly values from three Jalali years ago to last month, approved by the holding's
  coordinator except the last two months (one submitted, one draft);
* targets for the latest year, with some breaches (alerts) at Hojedk and Sarcheshmeh;
* a valid energy baseline for the Sarcheshmeh copper mine (electricity ~ ore milled);
* a scorecard ranking the eight mines on energy and GHG intensity and energy improvement.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction

from rasad.core.models import Organization, User
from rasad.indicators.actions import (
    BaselineValues,
    CriterionValues,
    ObservationInput,
    ScorecardValues,
    TargetValues,
    do_approve_period,
    do_record_observations,
    do_save_assignment,
    do_save_baseline,
    do_save_scorecard,
    do_save_target,
    do_submit_period,
)
from rasad.indicators.models import Assignment, Indicator, Observation
from rasad.lib.jalali import JalaliPeriod, periods_between, today_in_tehran

COORDINATOR = "imidro.coordinator"
HOLDING = "IMIDRO"
BASELINE_SITE = "IMIDRO-M1-S1"
INDICATORS = (
    "ELEC_CONS", "ELEC_SELF", "GAS_CONS", "DIESEL_CONS", "ORE_MILLED", "WATER_WITHDRAWAL", "WATER_DISCHARGE",
    "ELEC_INTERRUPT_H",
)  # fmt: skip
COMMENT = "مقدار بررسی و تأیید شد"


@dataclass(frozen=True)
class Site:
    code: str
    ore: float  # kt per month
    fixed: float  # MWh per month
    per_kt: float  # MWh per kt of ore
    gas: float  # kSm³ per kt
    diesel: float  # kL per kt
    self_share: float
    interruptions: float  # hours per month


SITES = (
    Site("IMIDRO-M1-S1", 230, 1600, 41.0, 2.0, 0.9, 0.05, 3),
    Site("IMIDRO-M1-S2", 150, 1200, 44.0, 2.2, 1.0, 0.0, 4),
    Site("IMIDRO-M2-S1", 900, 2500, 12.0, 1.2, 0.6, 0.10, 2),
    Site("IMIDRO-M2-S2", 700, 2200, 13.5, 1.3, 0.7, 0.0, 5),
    Site("IMIDRO-M3-S1", 1400, 3500, 11.0, 1.0, 0.5, 0.15, 2),
    Site("IMIDRO-M4-S1", 60, 400, 55.0, 0.5, 1.5, 0.0, 14),
    Site("IMIDRO-M4-S2", 45, 350, 60.0, 0.5, 1.6, 0.0, 9),
    Site("IMIDRO-M5-S1", 80, 500, 38.0, 1.5, 1.1, 0.0, 6),
    Site("IMIDRO-M5-S2", 40, 2600, 95.0, 6.0, 0.2, 0.20, 4),
)


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _values(
    site: Site, period: JalaliPeriod, index: int, rng: random.Random, last_year: int
) -> dict[str, float]:
    season = 1 + 0.10 * math.sin(2 * math.pi * (period.index - 2) / 12)
    ore = site.ore * season * (1 + rng.gauss(0, 0.02))
    saving = 0.96 if site.code == BASELINE_SITE and period.year == last_year else 1.0
    trend = 1 - 0.01 * index / 12 if site.code != BASELINE_SITE else 1.0
    elec = (site.fixed + site.per_kt * ore) * saving * trend * (1 + rng.gauss(0, 0.012))
    interruptions = site.interruptions * (1 + rng.gauss(0, 0.15))
    if site.code == "IMIDRO-M4-S1" and period.year == last_year and period.index in (4, 5, 9):
        interruptions = 30 + period.index
    withdrawal = ore * 1000 * 0.2 * (1 + rng.gauss(0, 0.02))
    return {
        "ORE_MILLED": round(ore, 2),
        "ELEC_CONS": round(elec, 1),
        "ELEC_SELF": round(elec * site.self_share, 1),
        "GAS_CONS": round(site.gas * ore * (1 + rng.gauss(0, 0.02)), 1),
        "DIESEL_CONS": round(site.diesel * ore * (1 + rng.gauss(0, 0.02)), 2),
        "WATER_WITHDRAWAL": round(withdrawal),
        "WATER_DISCHARGE": round(withdrawal * 0.15),
        "ELEC_INTERRUPT_H": round(max(interruptions, 0.0), 1),
    }


def load_demo(stdout: TextIO | None = None) -> bool:
    """Load the indicator demo; returns False (and writes nothing) if it is there already."""
    if Assignment.objects.filter(organization__code=BASELINE_SITE).exists():
        _say(stdout, "indicator demo already loaded")
        return False
    organizations = {
        o.code: o for o in Organization.objects.filter(code__in=[s.code for s in SITES] + [HOLDING])
    }
    if len(organizations) != len(SITES) + 1:
        _say(stdout, "indicator demo skipped: load the core demo first")
        return False
    approver = (
        User.objects.filter(username=COORDINATOR).first() or User.objects.filter(is_superuser=True).first()
    )
    assert approver is not None
    indicators = {i.code: i for i in Indicator.objects.select_related("unit")}
    rng = random.Random(1403)
    last = JalaliPeriod.containing(today_in_tehran(), "month").previous()
    last_year = last.year - 1  # the last complete Jalali year
    months = periods_between(JalaliPeriod("month", last_year - 2, 1), last)
    with transaction.atomic():
        # The sites have reported these indicators since the history begins: a period that ended
        # before its assignment's first day of reporting is not owed (deadlines.py), and the
        # demo's last month is.
        for site in SITES:
            for code in INDICATORS:
                do_save_assignment(
                    organizations[site.code],
                    indicators[code],
                    include_descendants=False,
                    acting_user=None,
                    reports_from=months[0].start,
                )
        for year in sorted({p.year for p in months}):
            rows = [
                ObservationInput(organizations[site.code], indicators[code], period, value, COMMENT)
                for site in SITES
                for index, period in enumerate(months)
                if period.year == year
                for code, value in _values(site, period, index, rng, last_year).items()
            ]
            do_record_observations(rows, acting_user=None, source="import")
            _say(stdout, f"indicator demo: {len(rows)} values for {year}")
        for site in SITES:
            org = organizations[site.code]
            for period in months:
                if period == last:
                    continue
                do_submit_period(org, period.key, acting_user=None)
                if period != last.previous():
                    do_approve_period(org, period.key, acting_user=approver)
        _targets(organizations, indicators, last_year + 1 if last.index >= 2 else last_year, last_year)
        _baseline(organizations, indicators, last_year)
        _scorecard(organizations, indicators, last_year)
    _say(stdout, f"indicator demo: {Observation.objects.count()} values loaded")
    return True


def _targets(
    organizations: dict[str, Organization], indicators: dict[str, Indicator], current: int, last_year: int
) -> None:
    # Targets are checked when values are written, so they are set for the years to come and the
    # breaching months rewritten: Hojedk's long electricity interruptions.
    hojedk = organizations["IMIDRO-M4-S1"]
    sarcheshmeh = organizations[BASELINE_SITE]
    for year in sorted({last_year, current}):
        do_save_target(
            TargetValues(hojedk, indicators["ELEC_INTERRUPT_H"], year, 8, 12, 30), acting_user=None
        )
        do_save_target(
            TargetValues(sarcheshmeh, indicators["ELEC_INTENSITY"], year, 47.0, 47.5, 49.0), acting_user=None
        )
    from rasad.indicators.actions import check_targets

    check_targets(
        list(
            Observation.objects.filter(
                organization__in=[hojedk, sarcheshmeh], year__in={last_year, current}
            ).values_list("organization_id", "period_key", "year", "pk")
        ),
        acting_user=None,
    )


def _baseline(
    organizations: dict[str, Organization], indicators: dict[str, Indicator], last_year: int
) -> None:
    do_save_baseline(
        BaselineValues(
            organizations[BASELINE_SITE],
            "خط مبنای برق معدن مس سرچشمه",
            indicators["ELEC_CONS"],
            [indicators["ORE_MILLED"]],
            f"{last_year - 1}-01",
            f"{last_year - 1}-12",
            f"{last_year}-01",
            f"{last_year}-12",
        ),
        acting_user=None,
    )


def _scorecard(
    organizations: dict[str, Organization], indicators: dict[str, Indicator], last_year: int
) -> None:
    holding = organizations[HOLDING]
    do_save_scorecard(
        ScorecardValues(
            holding,
            # The year is the scorecard's own field, shown beside its name on every page (a year
            # in the name read «… ۱۴۰۴ · ۱۴۰۴» on the scorecard's page).
            "رتبه‌بندی انرژی و انتشار معادن",
            last_year,
            last_year - 1,
            ["معدن"],
            [
                CriterionValues(indicators["ENERGY_INTENSITY"], "level", 0.4),
                CriterionValues(indicators["GHG_INTENSITY"], "level", 0.2),
                CriterionValues(indicators["ENERGY_INTENSITY"], "improvement", 0.4),
            ],
            minimum_peers=8,
        ),
        acting_user=None,
    )


load_indicator_demo = load_demo
