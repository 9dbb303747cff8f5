from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.fields import DateField
from rasad.api.lean import Computed, LeanList
from rasad.api.serializers import (
    RasadModelSerializer,
    ScopedSlugRelatedField,
    organization_field,
    read_only_slug,
)
from rasad.indicators import validation
from rasad.indicators.actions import (
    BaselineValues,
    CriterionValues,
    IndicatorValues,
    ScorecardValues,
    TargetValues,
)
from rasad.indicators.actions.baselines import BASELINE_FIELDS
from rasad.indicators.choices import Category, CriterionKind, Direction, Periodicity
from rasad.indicators.models import (
    Alert,
    Assignment,
    Baseline,
    EmissionFactor,
    Indicator,
    Observation,
    Scorecard,
    Target,
    Unit,
)


def _organization_field(**kwargs: Any) -> ScopedSlugRelatedField:
    return organization_field(help_text=_("Organization code."), **kwargs)


def _indicator_field(**kwargs: Any) -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), help_text=_("Indicator code."), **kwargs
    )


class UnitSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:unit-detail")

    class Meta:
        model = Unit
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "name_en",
            "dimension",
            "factor",
            "created",
            "last_updated",
        ]


class EmissionFactorSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:emissionfactor-detail")

    class Meta:
        model = EmissionFactor
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "value",
            "unit",
            "source",
            "version",
            "valid_from",
            "created",
            "last_updated",
        ]


class IndicatorSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:indicator-detail")
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    direction = serializers.ChoiceField(choices=Direction.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    periodicity = serializers.ChoiceField(choices=Periodicity.choices, required=False)
    depends_on = read_only_slug("code", many=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "name_en",
            "unit",
            "periodicity",
            "direction",
            "category",
            "formula",
            "depends_on",
            "minimum",
            "maximum",
            "is_additive",
            "description",
            "created",
            "last_updated",
        ]
        extra_kwargs: dict[str, Any] = {"code": {"validators": []}}

    def to_values(self) -> IndicatorValues:
        data: dict[str, Any] = dict(self.validated_data)
        instance = self.instance if isinstance(self.instance, Indicator) else None
        current = (
            {
                f: getattr(instance, f)
                for f in (
                    "code",
                    "name",
                    "name_en",
                    "unit",
                    "periodicity",
                    "direction",
                    "category",
                    "formula",
                    "minimum",
                    "maximum",
                    "is_additive",
                    "description",
                )
            }
            if instance
            else {}
        )
        merged = {**current, **data}
        return IndicatorValues(
            code=merged["code"],
            name=merged["name"],
            unit=merged["unit"],
            direction=merged["direction"],
            category=merged["category"],
            periodicity=merged.get("periodicity") or Periodicity.MONTH,
            name_en=merged.get("name_en") or "",
            formula=merged.get("formula") or "",
            minimum=merged.get("minimum"),
            maximum=merged.get("maximum"),
            is_additive=merged.get("is_additive", True),
            description=merged.get("description") or "",
        )


class AssignmentSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:assignment-detail")
    organization: ScopedSlugRelatedField = _organization_field()
    indicator: serializers.SlugRelatedField[Any] = _indicator_field()
    reports_from = DateField(
        required=False,
        help_text=_(
            "The first day the organization reports from (ISO date): a period that ended before it "
            "is not owed. From the start of the indicator's first period that can be reported (ten "
            "Jalali years back) to the end of the next Jalali year. Default: today in Tehran for a "
            "new assignment, unchanged when an existing one is posted again."
        ),
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "indicator",
            "include_descendants",
            "reports_from",
            "created",
            "last_updated",
        ]
        validators: list[Any] = []


class FindingSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()


class ObservationSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:observation-detail")
    organization = read_only_slug("code")
    indicator = read_only_slug("code")
    unit = serializers.SerializerMethodField()
    period = serializers.CharField(source="period_key", read_only=True)
    findings = serializers.SerializerMethodField()

    class Meta:
        model = Observation
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "indicator",
            "period",
            "period_start",
            "value",
            "unit",
            "comment",
            "status",
            "source",
            "findings",
            "submitted_at",
            "approved_at",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_unit(self, obj: Observation) -> str:
        return obj.indicator.unit.code

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, obj: Observation) -> list[dict[str, str]]:
        return _findings(obj.findings)


def _findings(findings: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"code": f["code"], "severity": f["severity"], "message": validation.message(f)} for f in findings
    ]


# The observation list reads rows with values() and writes them as ObservationSerializer does.
OBSERVATION_LIST = LeanList(
    computed={
        "display": Computed(
            ("indicator__code", "period_key"), lambda row, _: f"{row['indicator__code']} {row['period_key']}"
        ),
        "unit": Computed(("indicator__unit__code",), lambda row, _: row["indicator__unit__code"]),
        "findings": Computed(("findings",), lambda row, _: _findings(row["findings"])),
    }
)


class BulkRowSerializer(serializers.Serializer[Any]):
    organization = serializers.CharField(max_length=40)
    indicator = serializers.CharField(max_length=40)
    period = serializers.CharField(max_length=10)
    value = serializers.JSONField(help_text=_("A number, or text such as «۱۲٫۵»."))
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class BulkSerializer(serializers.Serializer[Any]):
    """Documents the request; ``rasad.indicators.api.bulk`` reads it (same rules, no per-row
    serializer)."""

    observations = serializers.ListField(child=BulkRowSerializer(), max_length=50_000, allow_empty=False)
    submit = serializers.BooleanField(default=False)
    apply_valid_rows = serializers.BooleanField(default=False)
    batch_id = serializers.CharField(
        max_length=64,
        help_text=_(
            "A batch id the client generates (a UUID, say). The same batch id again returns the "
            "stored answer and writes nothing, so a late retry cannot undo a later correction."
        ),
    )


class BulkResultSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    sha256 = serializers.CharField()
    alerts = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())


class PeriodActionSerializer(serializers.Serializer[Any]):
    organization: ScopedSlugRelatedField = _organization_field()
    period = serializers.CharField(max_length=10)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CompletenessSerializer(serializers.Serializer[Any]):
    organization = serializers.CharField()
    period = serializers.CharField()
    expected = serializers.IntegerField()
    reported = serializers.IntegerField()
    submitted = serializers.IntegerField()
    approved = serializers.IntegerField()
    rate = serializers.FloatField()


class TargetSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:target-detail")
    organization: ScopedSlugRelatedField = _organization_field()
    indicator: serializers.SlugRelatedField[Any] = _indicator_field()

    class Meta:
        model = Target
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "indicator",
            "year",
            "target",
            "warning_threshold",
            "critical_threshold",
            "created",
            "last_updated",
        ]
        validators: list[Any] = []

    def to_values(self) -> TargetValues:
        instance = self.instance if isinstance(self.instance, Target) else None
        current = (
            {
                f: getattr(instance, f)
                for f in (
                    "organization",
                    "indicator",
                    "year",
                    "target",
                    "warning_threshold",
                    "critical_threshold",
                )
            }
            if instance
            else {}
        )
        data = {**current, **self.validated_data}
        return TargetValues(
            data["organization"],
            data["indicator"],
            data["year"],
            data["target"],
            data["warning_threshold"],
            data["critical_threshold"],
        )


class AlertSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:alert-detail")
    organization = read_only_slug("code")
    indicator = read_only_slug("code")

    class Meta:
        model = Alert
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "indicator",
            "observation",
            "period_key",
            "level",
            "value",
            "threshold",
            "is_open",
            "created",
            "last_updated",
        ]
        read_only_fields = fields


class BaselineSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:baseline-detail")
    organization: ScopedSlugRelatedField = _organization_field()
    energy_indicator = _indicator_field()
    drivers = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all(), many=True)

    class Meta:
        model = Baseline
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "name",
            "energy_indicator",
            "drivers",
            "baseline_start",
            "baseline_end",
            "reporting_start",
            "reporting_end",
            "created",
            "last_updated",
        ]

    def to_values(self) -> BaselineValues:
        instance = self.instance if isinstance(self.instance, Baseline) else None
        current: dict[str, Any] = (
            {f: getattr(instance, f) for f in BASELINE_FIELDS} | {"drivers": list(instance.drivers.all())}
            if instance
            else {}
        )
        data = {**current, **self.validated_data}
        return BaselineValues(
            data["organization"],
            data["name"],
            data["energy_indicator"],
            list(data["drivers"]),
            data["baseline_start"],
            data["baseline_end"],
            data["reporting_start"],
            data["reporting_end"],
        )


class CriterionSerializer(serializers.Serializer[Any]):
    indicator: serializers.SlugRelatedField[Any] = _indicator_field()
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    weight = serializers.FloatField(min_value=0)


class ScorecardSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="indicators-api:scorecard-detail")
    organization: ScopedSlugRelatedField = _organization_field()
    peer_tags = serializers.ListField(child=serializers.CharField(max_length=60), max_length=20)
    criteria = CriterionSerializer(many=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "name",
            "year",
            "baseline_year",
            "peer_tags",
            "entity_kind",
            "minimum_peers",
            "criteria",
            "created",
            "last_updated",
        ]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        data["criteria"] = [
            {"indicator": c.indicator.code, "kind": c.kind, "weight": c.weight}
            for c in instance.criteria.all()
        ]
        return data

    def to_values(self) -> ScorecardValues:
        data = dict(self.validated_data)
        return ScorecardValues(
            data["organization"],
            data["name"],
            data["year"],
            data["baseline_year"],
            data["peer_tags"],
            [CriterionValues(c["indicator"], c["kind"], c["weight"]) for c in data["criteria"]],
            entity_kind=data.get("entity_kind") or "site",
            minimum_peers=data.get("minimum_peers") or 8,
        )
