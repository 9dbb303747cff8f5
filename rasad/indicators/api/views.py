from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, scope_action
from rasad.api.writes import acting_user
from rasad.core.access import ObjectNotFound
from rasad.core.filtersets import IdFilter
from rasad.core.models import Organization
from rasad.indicators import dashboards, energy, scoring
from rasad.indicators.actions import (
    do_approve_period,
    do_close_alert,
    do_delete_assignment,
    do_delete_target,
    do_reopen_period,
    do_save_assignment,
    do_save_baseline,
    do_save_indicator,
    do_save_scorecard,
    do_save_target,
    do_submit_period,
)
from rasad.indicators.actions.reporting import BatchClaim, request_digest
from rasad.indicators.api import bulk
from rasad.indicators.api import serializers as s
from rasad.indicators.filtersets import (
    AlertFilterSet,
    AssignmentFilterSet,
    IndicatorFilterSet,
    ObservationFilterSet,
    OwnedFilterSet,
    TargetFilterSet,
)
from rasad.indicators.importer import do_import
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
from rasad.lib.jalali import JalaliPeriod
from rasad.lib.persian import TextParseError


def _answer(request: Request, body: dict[str, Any]) -> HttpResponse:
    """A write's 200 answer: the bytes DRF's ``Response`` would render, rendered here by the
    negotiated renderer, without the template response DRF builds around them (about 0.1 ms of
    a one-row write's 5 ms). A client that asked for a media type with parameters (``indent``)
    gets DRF's ``Response``."""
    renderer, media_type = request.accepted_renderer, request.accepted_media_type
    if not isinstance(renderer, JSONRenderer) or ";" in media_type:
        return Response(body, status=status.HTTP_200_OK)
    return HttpResponse(renderer.render(body, media_type, {}), content_type=renderer.media_type)


def _period(value: str) -> JalaliPeriod:
    try:
        return JalaliPeriod.parse(value)
    except TextParseError as error:
        raise ValidationError({"period": [str(error)]}) from None


class BaselineFilterSet(OwnedFilterSet):
    class Meta:
        model = Baseline
        fields = ["organization_id", "organization"]


class ScorecardFilterSet(OwnedFilterSet):
    year = IdFilter(field_name="year")

    class Meta:
        model = Scorecard
        fields = ["organization_id", "organization", "year"]


class UnitViewSet(ScopedReadOnlyViewSet):
    queryset = Unit.objects.all()
    serializer_class = s.UnitSerializer
    filterset_fields = ["code", "dimension"]


class EmissionFactorViewSet(ScopedReadOnlyViewSet):
    queryset = EmissionFactor.objects.all()
    serializer_class = s.EmissionFactorSerializer
    filterset_fields = ["code", "version"]


class IndicatorViewSet(ScopedModelViewSet):
    """The national catalogue: everyone reads it; national bodies change it. Formulas that
    refer to themselves or to missing indicators are refused."""

    queryset = Indicator.objects.select_related("unit").prefetch_related("depends_on")
    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, s.IndicatorSerializer)
        serializer.instance = do_save_indicator(serializer.to_values(), acting_user=acting_user(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, s.IndicatorSerializer) and isinstance(serializer.instance, Indicator)
        serializer.instance = do_save_indicator(
            serializer.to_values(), acting_user=acting_user(self.request), instance=serializer.instance
        )


class AssignmentViewSet(ScopedModelViewSet):
    queryset = Assignment.objects.select_related("organization", "indicator")
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_save_assignment(
            data["organization"],
            data["indicator"],
            include_descendants=data.get("include_descendants", False),
            acting_user=acting_user(self.request),
            reports_from=data.get("reports_from"),
        )

    def perform_destroy(self, instance: Assignment) -> None:
        do_delete_assignment(instance, acting_user=acting_user(self.request))


class ObservationViewSet(ScopedReadOnlyViewSet):
    """Reported values. Write with ``bulk`` (idempotent upsert keyed on organization, indicator
    and period); move periods along with ``submit``, ``approve`` and ``reopen``."""

    queryset = Observation.objects.select_related("organization", "indicator", "indicator__unit")
    serializer_class = s.ObservationSerializer
    filterset_class = ObservationFilterSet
    lean_list = s.OBSERVATION_LIST

    @extend_schema(request=s.BulkSerializer, responses={200: s.BulkResultSerializer})
    @action(detail=False, methods=["post"])
    @scope_action("add")
    def bulk(self, request: Request) -> HttpResponse:
        data = bulk.parse(request.data)
        user = acting_user(request)
        claim = None
        if data.batch_id:
            digest = request_digest(
                [data.observations, data.submit, data.apply_valid_rows]  # what the client sent
            )
            # No read here: the batch id is claimed, with its answer, as the batch's last write;
            # one recorded before conflicts there, and the stored answer comes back instead.
            claim = BatchClaim(data.batch_id, digest)
        outcome = do_import(
            data.observations,
            acting_user=user,
            apply_valid_rows=data.apply_valid_rows,
            submit=data.submit,
            source="api",
            first_row=0,
            batch=claim,
            # The API's JSON parser (the only parser of this view) applied the text rule to every
            # string of the body, and JSON holds no date: the importer need not search the cells.
            text_checked=True,
        )
        if outcome.errors and not data.apply_valid_rows:
            raise ValidationError({f"observations[{e.row}].{e.column}": [e.message] for e in outcome.errors})
        assert outcome.applied is not None
        body = outcome.applied.to_dict()
        body.setdefault("rejected", outcome.rejected)
        return _answer(request, body)

    def _period_action(self, request: Request) -> tuple[Organization, str, str]:
        serializer = s.PeriodActionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return data["organization"], _period(data["period"]).key, data.get("reason", "")

    def _period_response(self, observations: list[Observation]) -> Response:
        return Response(
            s.ObservationSerializer(observations, many=True, context={"request": self.request}).data
        )

    @extend_schema(request=s.PeriodActionSerializer, responses={200: s.ObservationSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    @scope_action("submit")
    def submit(self, request: Request) -> Response:
        organization, period, _reason = self._period_action(request)
        return self._period_response(do_submit_period(organization, period, acting_user=acting_user(request)))

    @extend_schema(request=s.PeriodActionSerializer, responses={200: s.ObservationSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    @scope_action("approve")
    def approve(self, request: Request) -> Response:
        organization, period, _reason = self._period_action(request)
        return self._period_response(
            do_approve_period(organization, period, acting_user=acting_user(request))
        )

    @extend_schema(request=s.PeriodActionSerializer, responses={200: s.ObservationSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    @scope_action("reopen")
    def reopen(self, request: Request) -> Response:
        organization, period, reason = self._period_action(request)
        return self._period_response(
            do_reopen_period(organization, period, acting_user=acting_user(request), reason=reason)
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True),
            OpenApiParameter("within", str, required=False, description="Organization code"),
        ],
        responses={200: s.CompletenessSerializer(many=True)},
    )
    # One row per organization, not a page of observations: no pagination, no observation filters.
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def completeness(self, request: Request) -> Response:
        period = _period(request.query_params.get("period", ""))
        organizations = Organization.objects.visible_to(request.user)
        within = request.query_params.get("within")
        if within:
            root = organizations.filter(code=within).first()
            if root is None:
                raise ObjectNotFound()
            organizations = organizations.filter(path__startswith=root.path)
        rows = dashboards.completeness(list(organizations[:5000]), period)
        return Response(
            [
                {
                    "organization": c.organization.code,
                    "period": period.key,
                    "expected": c.expected,
                    "reported": c.reported,
                    "submitted": c.submitted,
                    "approved": c.approved,
                    "rate": round(c.rate, 4),
                }
                for c in rows
            ]
        )


class TargetViewSet(ScopedModelViewSet):
    queryset = Target.objects.select_related("organization", "indicator")
    serializer_class = s.TargetSerializer
    filterset_class = TargetFilterSet

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, s.TargetSerializer)
        serializer.instance = do_save_target(serializer.to_values(), acting_user=acting_user(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, s.TargetSerializer) and isinstance(serializer.instance, Target)
        serializer.instance = do_save_target(
            serializer.to_values(), acting_user=acting_user(self.request), instance=serializer.instance
        )

    def perform_destroy(self, instance: Target) -> None:
        do_delete_target(instance, acting_user=acting_user(self.request))


class AlertViewSet(ScopedReadOnlyViewSet):
    queryset = Alert.objects.select_related("organization", "indicator")
    serializer_class = s.AlertSerializer
    filterset_class = AlertFilterSet

    @extend_schema(request=None, responses={200: s.AlertSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    @scope_action("change")
    def close(self, request: Request, pk: str) -> Response:
        """Acknowledge an open alert and close it (400 if it is already closed)."""
        alert = do_close_alert(self.get_object(), acting_user=acting_user(request))
        return Response(s.AlertSerializer(alert, context=self.get_serializer_context()).data)


class BaselineViewSet(ScopedModelViewSet):
    queryset = Baseline.objects.select_related("organization", "energy_indicator").prefetch_related("drivers")
    serializer_class = s.BaselineSerializer
    filterset_class = BaselineFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, s.BaselineSerializer)
        serializer.instance = do_save_baseline(serializer.to_values(), acting_user=acting_user(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, s.BaselineSerializer) and isinstance(serializer.instance, Baseline)
        serializer.instance = do_save_baseline(
            serializer.to_values(), acting_user=acting_user(self.request), instance=serializer.instance
        )

    @extend_schema(
        responses={200: OpenApiResponse(description="BaselineReport.to_dict() plus the periods used")}
    )
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str) -> Response:
        return Response(energy.report(self.get_object()))


class ScorecardViewSet(ScopedModelViewSet):
    queryset = Scorecard.objects.select_related("organization").prefetch_related("criteria__indicator")
    serializer_class = s.ScorecardSerializer
    filterset_class = ScorecardFilterSet
    http_method_names = ["get", "post", "put", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, s.ScorecardSerializer)
        serializer.instance = do_save_scorecard(serializer.to_values(), acting_user=acting_user(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, s.ScorecardSerializer) and isinstance(serializer.instance, Scorecard)
        serializer.instance = do_save_scorecard(
            serializer.to_values(), acting_user=acting_user(self.request), instance=serializer.instance
        )

    @extend_schema(
        responses={200: OpenApiResponse(description="Peer-group scorecards with ranks and intervals")}
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str) -> Response:
        visible = set(Organization.objects.visible_to(request.user).values_list("pk", flat=True))
        return Response(scoring.results(self.get_object(), visible_ids=visible))
