"""Matrix factories for the indicators app's API models (see rasad.testing.factories), and
small builders the tests share."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

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
    reporting,
)
from rasad.indicators.choices import Category, Dimension, Direction, ObservationSource
from rasad.indicators.models import (
    Alert,
    Assignment,
    Baseline,
    Indicator,
    Observation,
    Scorecard,
    Target,
    Unit,
)
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


# ---- observations' references (rasad/indicators/tests/test_observation_references.py, and the
# ingest tests that hold the bulk merge to the same refusals) --------------------------------------

_reference_counter = itertools.count()


@dataclass
class Fresh:
    """An organization, an indicator and two users that nothing but the test's observations
    refers to, so that a raw delete of any of them is refused only because of an observation."""

    organization: int
    indicator: int
    reporter: int
    approver: int
    missing: int = 2_000_000_000


def fresh_references() -> Fresh:
    """A new organization, indicator, reporter and approver, each referred to by nothing."""
    n = next(_reference_counter)
    organization = Organization.objects.create(code=f"REF-ORG-{n}", name=f"ref {n}", kind="company")
    unit, _made = Unit.objects.get_or_create(
        code="REF_U", defaults={"name": "ref", "dimension": Dimension.ENERGY}
    )
    indicator = Indicator.objects.create(
        code=f"REF_IND_{n}",
        name=f"ref {n}",
        unit=unit,
        direction=Direction.LOWER,
        category=Category.ENERGY,
    )
    reporter = User.objects.create(username=f"ref-reporter-{n}")
    approver = User.objects.create(username=f"ref-approver-{n}")
    return Fresh(organization.id, indicator.id, reporter.id, approver.id)


def observation_of(fresh: Fresh, **changes: Any) -> Observation:
    """An observation of ``fresh``'s organization and indicator, reported by its reporter (a
    reference in ``changes`` replaces its own), made by the ORM."""
    values: dict[str, Any] = {
        "organization_id": fresh.organization,
        "indicator_id": fresh.indicator,
        "reported_by_id": fresh.reporter,
        "period_key": "1402-01",
        "period_start": date(2023, 3, 21),
        "year": 1402,
        "value": 1.0,
        "source": ObservationSource.API,
    }
    values.update(changes)
    observation: Observation = Observation.objects.create(**values)
    return observation


# The columns by which an observation names another row.
REFERENCES = ("organization_id", "indicator_id", "reported_by_id", "approved_by_id")


def orphan_observations() -> int:
    """Observations naming a row that does not exist (what no path may leave behind)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM indicators_observation o WHERE "
            "NOT EXISTS (SELECT 1 FROM core_organization x WHERE x.id = o.organization_id) "
            "OR NOT EXISTS (SELECT 1 FROM indicators_indicator x WHERE x.id = o.indicator_id) "
            "OR (o.reported_by_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM core_user x WHERE x.id = o.reported_by_id)) "
            "OR (o.approved_by_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM core_user x WHERE x.id = o.approved_by_id))"
        )
        row = cursor.fetchone()
    return int(row[0])


def merge_rows(fresh: Fresh, count: int, **changes: Any) -> list[reporting.Row]:
    """``count`` rows of the bulk merge (``reporting._merge``), one period each."""
    now = timezone.now()
    rows: list[reporting.Row] = []
    for i in range(count):
        key = f"{1300 + i // 12}-{i % 12 + 1:02d}"
        values: dict[str, Any] = {"organization_id": fresh.organization, "indicator_id": fresh.indicator}
        values.update(changes)
        rows.append(
            (
                values["organization_id"],
                values["indicator_id"],
                key,
                date(1921 + i // 12, 3, 21),
                1300 + i // 12,
                float(i),
                "",
                "draft",
                ObservationSource.API,
                "[]",
                values.get("reported_by_id", fresh.reporter),
                now,
                now,
            )
        )
    return rows
