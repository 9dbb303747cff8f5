"""Serializers of the assessments API: instruments with their structure, cycles, assessments
with their stages, reviews, evidence and findings, and the inputs of the actions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.fields import DateField, MultiLineCharField, SingleLineCharField
from rasad.api.serializers import RasadModelSerializer, organization_field, read_only_slug
from rasad.assessments.actions import AnswerValues, CycleValues, InstrumentValues
from rasad.assessments.choices import InstrumentKind, InstrumentPartKind, ItemType, RankingRole
from rasad.assessments.models import (
    Assessment,
    Band,
    Criterion,
    Cycle,
    Evidence,
    Feedback,
    Finding,
    Instrument,
    Item,
    Review,
    RiskAction,
    RiskRating,
    Section,
)
from rasad.cases.models import Case
from rasad.indicators.models import Indicator
from rasad.lib import formatting
from rasad.lib.persian import normalize_text


class InstrumentItemSerializer(serializers.ModelSerializer[Item]):
    indicator = read_only_slug("code", allow_null=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "code",
            "text",
            "text_en",
            "item_type",
            "weight",
            "guidance",
            "evidence_required",
            "required_evidence",
            "indicator",
            "minimum",
            "maximum",
            "threshold",
            "target",
            "options",
        ]


class InstrumentCriterionSerializer(serializers.ModelSerializer[Criterion]):
    items = InstrumentItemSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "code", "title", "title_en", "items"]


class InstrumentSectionSerializer(serializers.ModelSerializer[Section]):
    criteria = InstrumentCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "code", "title", "title_en", "points", "ranking_role", "case_category", "criteria"]


class InstrumentBandSerializer(serializers.ModelSerializer[Band]):
    class Meta:
        model = Band
        fields = ["id", "name", "name_en", "minimum"]


class InstrumentSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="assessments-api:instrument-detail")
    owner = read_only_slug("code", allow_null=True)
    sections = InstrumentSectionSerializer(many=True, read_only=True)
    bands = InstrumentBandSerializer(many=True, read_only=True)

    class Meta:
        model = Instrument
        fields = [
            "id",
            "url",
            "display",
            "code",
            "version",
            "name",
            "name_en",
            "description",
            "kind",
            "owner",
            "status",
            "total_points",
            "previous",
            "published_at",
            "sections",
            "bands",
            "created",
            "last_updated",
        ]
        read_only_fields = fields


class BandInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    name_en = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    minimum = serializers.DecimalField(
        max_digits=9, decimal_places=2, help_text=_("The lowest total that reaches the band.")
    )


class BandsInputSerializer(serializers.Serializer[Any]):
    """A version's bands, replaced whole (an empty list leaves it without bands)."""

    bands = serializers.ListField(child=BandInputSerializer(), max_length=20)

    def to_values(self) -> list[Any]:
        from rasad.assessments.actions import BandValues

        return [
            BandValues(name=row["name"], minimum=row["minimum"], name_en=row["name_en"])
            for row in self.validated_data["bands"]
        ]


class _PartInput(serializers.Serializer[Any]):
    """A part of the instrument version in ``context["instrument"]``, named by its code; the
    parts it hangs under are named by their codes too."""

    def _find(self, model: type[Any], code: str) -> Any:
        code = normalize_text(code).strip()  # as the actions store it
        return model.objects.filter(instrument=self.context["instrument"], code=code).first()

    def existing(self, model: type[Any]) -> Any:
        """The version's part of ``model`` with the code given, if any (then it is changed)."""
        return self._find(model, self.validated_data["code"])

    def _part(self, model: type[Any], field_name: str, code: str) -> Any:
        part = self._find(model, code)
        if part is None:
            raise serializers.ValidationError(
                {
                    field_name: [
                        _("This version has no part with the code “%(code)s”.")
                        % {"code": formatting.code(code)}
                    ]
                }
            )
        return part


class SectionInputSerializer(_PartInput):
    """A section: added, or changed when the version has one with this code."""

    code = SingleLineCharField(max_length=20)
    title = SingleLineCharField(max_length=300)
    title_en = SingleLineCharField(max_length=300, required=False, allow_blank=True, default="")
    points = serializers.DecimalField(max_digits=9, decimal_places=2)
    ranking_role = serializers.ChoiceField(choices=RankingRole.choices, default=RankingRole.LEVEL)
    case_category = SingleLineCharField(max_length=50, required=False, allow_blank=True, default="")

    def to_values(self, section: Section | None) -> Any:
        from rasad.assessments.actions import SectionValues

        data = self.validated_data
        return SectionValues(
            code=data["code"],
            title=data["title"],
            points=data["points"],
            title_en=data["title_en"],
            ranking_role=data["ranking_role"],
            case_category=data["case_category"],
            order=section.order if section else None,
        )


class CriterionInputSerializer(_PartInput):
    """A criterion of the section with code ``section``: added, or changed (moved to that section
    too) when the version has one with this code."""

    section = SingleLineCharField(max_length=20)
    code = SingleLineCharField(max_length=20)
    title = SingleLineCharField(max_length=300)
    title_en = SingleLineCharField(max_length=300, required=False, allow_blank=True, default="")

    def to_values(self, criterion: Criterion | None) -> Any:
        from rasad.assessments.actions import CriterionValues

        data = self.validated_data
        return CriterionValues(
            section=self._part(Section, "section", data["section"]),
            code=data["code"],
            title=data["title"],
            title_en=data["title_en"],
            order=criterion.order if criterion else None,
        )


class OptionInputSerializer(serializers.Serializer[Any]):
    code = SingleLineCharField(max_length=20)
    label = SingleLineCharField(max_length=300)  # type: ignore[assignment]  # a field, not Field.label
    score = serializers.FloatField(min_value=0, max_value=100)


class ItemInputSerializer(_PartInput):
    """An item of the criterion with code ``criterion``: added, or changed when the version has
    one with this code (its type, range and options too, which the page does not change)."""

    criterion = SingleLineCharField(max_length=20)
    code = SingleLineCharField(max_length=20)
    item_type = serializers.ChoiceField(choices=ItemType.choices)
    text = MultiLineCharField(max_length=2000)
    text_en = MultiLineCharField(max_length=2000, required=False, allow_blank=True, default="")
    weight = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    guidance = MultiLineCharField(required=False, allow_blank=True, default="")
    evidence_required = serializers.BooleanField(required=False, default=False)
    required_evidence = MultiLineCharField(max_length=2000, required=False, allow_blank=True, default="")
    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), required=False, allow_null=True, default=None
    )
    minimum = serializers.FloatField(required=False, allow_null=True, default=None)
    maximum = serializers.FloatField(required=False, allow_null=True, default=None)
    threshold = serializers.FloatField(required=False, allow_null=True, default=None)
    target = serializers.FloatField(required=False, allow_null=True, default=None)
    options = OptionInputSerializer(many=True, required=False, default=list)

    def to_values(self, item: Item | None) -> Any:
        from rasad.assessments.actions import ItemValues

        data = self.validated_data
        return ItemValues(
            criterion=self._part(Criterion, "criterion", data["criterion"]),
            code=data["code"],
            text=data["text"],
            item_type=data["item_type"],
            weight=data["weight"],
            text_en=data["text_en"],
            guidance=data["guidance"],
            evidence_required=data["evidence_required"],
            required_evidence=data["required_evidence"],
            indicator=data["indicator"],
            minimum=data["minimum"],
            maximum=data["maximum"],
            threshold=data["threshold"],
            target=data["target"],
            options=[dict(option) for option in data["options"]],
            order=item.order if item else None,
        )


PART_KINDS = {
    InstrumentPartKind.SECTION: Section,
    InstrumentPartKind.CRITERION: Criterion,
    InstrumentPartKind.ITEM: Item,
}


class PartRefSerializer(_PartInput):
    """A part of the version: its kind and code."""

    kind = serializers.ChoiceField(choices=InstrumentPartKind.choices)
    code = SingleLineCharField(max_length=20)

    def part(self) -> Any:
        kind = self.validated_data["kind"]
        return self._part(PART_KINDS[kind], "code", self.validated_data["code"])


class PartMoveSerializer(PartRefSerializer):
    direction = serializers.ChoiceField(choices=[("up", "up"), ("down", "down")])


class InstrumentImportSerializer(serializers.Serializer[Any]):
    """A new instrument from a spreadsheet (the columns of the instrument export)."""

    file = serializers.FileField()
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=300)
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=InstrumentKind.choices)
    total_points = serializers.DecimalField(max_digits=9, decimal_places=2)
    owner = organization_field()

    def to_values(self) -> InstrumentValues:
        data = self.validated_data
        return InstrumentValues(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            total_points=data["total_points"],
            owner=data["owner"],
            name_en=data["name_en"],
            description=data["description"],
        )


class FileSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class CycleSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="assessments-api:cycle-detail")
    organization = organization_field()
    scope_root = organization_field()
    instrument = serializers.PrimaryKeyRelatedField(queryset=Instrument.objects.all())
    scope_kinds = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        help_text=_("Kinds of organization (codes); empty: every kind."),
    )
    scope_sectors = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list
    )
    peer_tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list
    )

    class Meta:
        model = Cycle
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "instrument",
            "name",
            "description",
            "status",
            "opens_on",
            "closes_on",
            "review_closes_on",
            "year",
            "scope_root",
            "scope_kinds",
            "scope_sectors",
            "peer_tags",
            "minimum_peers",
            "required_assessors",
            "spread_threshold",
            "opens_cases",
            "case_kind",
            "launched_at",
            "closed_at",
            "created",
            "last_updated",
        ]
        read_only_fields = ["status", "launched_at", "closed_at", "created", "last_updated"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        instrument: Any = fields["instrument"]
        instrument.queryset = (
            Instrument.objects.visible_to(user) if user is not None else Instrument.objects.none()
        )
        return fields

    def to_values(self) -> CycleValues:
        data = self.validated_data
        return CycleValues(
            organization=data["organization"],
            instrument=data["instrument"],
            name=data["name"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            scope_root=data["scope_root"],
            description=data.get("description", ""),
            review_closes_on=data.get("review_closes_on"),
            year=data.get("year"),
            scope_kinds=list(data.get("scope_kinds", [])),
            scope_sectors=list(data.get("scope_sectors", [])),
            peer_tags=list(data.get("peer_tags", [])),
            minimum_peers=data.get("minimum_peers", 3),
            required_assessors=data.get("required_assessors", 1),
            spread_threshold=data.get("spread_threshold", 20),
            opens_cases=data.get("opens_cases", False),
            case_kind=data.get("case_kind", "challenge"),
        )


class AssessmentReviewSerializer(serializers.ModelSerializer[Review]):
    reviewer = read_only_slug("username")
    organization = read_only_slug("code")

    class Meta:
        model = Review
        fields = ["id", "kind", "reviewer", "organization", "is_lead", "submitted_at"]


class AssessmentEvidenceSerializer(serializers.ModelSerializer[Evidence]):
    item = read_only_slug("code", allow_null=True)

    class Meta:
        model = Evidence
        fields = ["id", "item", "name", "description", "content_type", "size", "sha256", "created"]


class AssessmentFindingSerializer(serializers.ModelSerializer[Finding]):
    section = read_only_slug("code")
    items = read_only_slug("code", many=True)
    case = read_only_slug("reference", allow_null=True)

    class Meta:
        model = Finding
        fields = ["id", "section", "items", "score", "case"]


class AssessmentFeedbackSerializer(serializers.ModelSerializer[Feedback]):
    criterion = read_only_slug("code")

    class Meta:
        model = Feedback
        fields = ["id", "criterion", "strengths", "improvements"]


class FeedbackEntrySerializer(serializers.Serializer[Any]):
    criterion = serializers.CharField(max_length=20, help_text=_("The criterion's code."))
    strengths = serializers.CharField(required=False, allow_blank=True, default="")
    improvements = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackInputSerializer(serializers.Serializer[Any]):
    entries = FeedbackEntrySerializer(many=True)


class AssessmentSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="assessments-api:assessment-detail")
    organization = read_only_slug("code")
    band = read_only_slug("name", allow_null=True)
    reviews = AssessmentReviewSerializer(many=True, read_only=True)
    evidence = AssessmentEvidenceSerializer(many=True, read_only=True)
    findings = AssessmentFindingSerializer(many=True, read_only=True)
    feedback = AssessmentFeedbackSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "url",
            "display",
            "cycle",
            "organization",
            "status",
            "peer_group",
            "submitted_at",
            "agreed_at",
            "finalized_at",
            "self_score",
            "final_score",
            "band",
            "result",
            "reviews",
            "evidence",
            "findings",
            "feedback",
            "created",
            "last_updated",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer[Any]):
    item = serializers.CharField(max_length=20, help_text=_("The item's code."))
    answer = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    value = serializers.FloatField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AnswersSerializer(serializers.Serializer[Any]):
    answers = AnswerSerializer(many=True)

    def to_values(self, assessment: Assessment) -> list[AnswerValues]:
        items = {
            item.code: item for item in Item.objects.filter(instrument_id=assessment.cycle.instrument_id)
        }
        values = []
        unknown = []
        for row in self.validated_data["answers"]:
            item = items.get(row["item"])
            if item is None:
                unknown.append(str(_("Unknown item “%(code)s”.") % {"code": formatting.code(row["item"])}))
                continue
            values.append(AnswerValues(item, row["answer"], row["value"], row["comment"]))
        if unknown:
            raise serializers.ValidationError({"answers": unknown})
        return values


class AssessmentReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why (kept in the audit trail)."),
    )


class AssessmentWithdrawSerializer(AssessmentReasonSerializer):
    reviewer = serializers.CharField(max_length=150, help_text=_("The assessor's user name."))


class IndicatorFigureSerializer(serializers.Serializer[Any]):
    """An item answered from an indicator: the approved figure for the cycle's year and the
    organization's stored answer beside it."""

    item = serializers.CharField(help_text=_("The item's code."))
    indicator = serializers.CharField(help_text=_("The indicator's code."))
    indicator_name = serializers.CharField()
    unit = serializers.CharField(help_text=_("The indicator's unit code."))
    year = serializers.IntegerField(allow_null=True, help_text=_("Jalali year of the figures (empty: none)."))
    value = serializers.FloatField(
        allow_null=True, help_text=_("The approved figure; empty when incomplete.")
    )
    missing_periods = serializers.ListField(
        child=serializers.CharField(), help_text=_("Periods of the year without approved values.")
    )
    answer = serializers.FloatField(allow_null=True, help_text=_("The self-assessment's stored value."))
    source = serializers.CharField(  # type: ignore[assignment]  # a field named "source"
        allow_null=True,
        help_text=_("Where the stored value came from: “indicator” (the approved figure) or “manual”."),
    )
    reason = serializers.CharField(allow_blank=True, help_text=_("Why another value was given."))


class ReviewScoresSerializer(AnswersSerializer):
    submit = serializers.BooleanField(required=False, default=False)


class EvidenceUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    item = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AuditNameSerializer(serializers.Serializer[Any]):
    organization = organization_field(help_text=_("Code of the auditing agency."))
    sections = serializers.ListField(child=serializers.CharField(max_length=20), min_length=1)


class AssignSerializer(serializers.Serializer[Any]):
    reviewer = serializers.CharField(max_length=150, help_text=_("The assessor's user name."))
    organization = organization_field(help_text=_("Code of the organization they act for."))


@extend_schema_field(serializers.DictField())
class JSONResultField(serializers.JSONField):
    pass


class RankingSerializer(serializers.Serializer[Any]):
    rules = serializers.CharField()
    minimum_peers = serializers.IntegerField()
    message = serializers.CharField()
    groups = serializers.ListField(child=serializers.DictField())


# ---------------------------------------------------------------------------------------------
# Risk register
# ---------------------------------------------------------------------------------------------


class RiskActionSerializer(serializers.ModelSerializer[RiskAction]):
    owner = read_only_slug("code")
    risk = read_only_slug("reference", source="case")

    class Meta:
        model = RiskAction
        fields = ["id", "risk", "title", "owner", "due_on", "done_on"]
        read_only_fields = fields


class RiskRatingSerializer(serializers.ModelSerializer[RiskRating]):
    risk = read_only_slug("reference", source="case")
    # 1 to 5, or null: plain integers, not an enum of the scale (methods §4.6).
    residual_likelihood = serializers.IntegerField(read_only=True, allow_null=True)
    residual_impact = serializers.IntegerField(read_only=True, allow_null=True)
    residual_level = serializers.SerializerMethodField()

    class Meta:
        model = RiskRating
        fields = [
            "id",
            "risk",
            "residual_likelihood",
            "residual_impact",
            "residual_level",
            "review_on",
            "reviewed_at",
            "note",
        ]
        read_only_fields = fields

    def get_residual_level(self, rating: RiskRating) -> str:
        from rasad.assessments.risks import level_of

        return level_of(rating.residual_score)


class RiskSerializer(serializers.ModelSerializer[Case]):
    """A risk of the register: the case's inherent rating beside the residual one, the next
    review and the treatment plan's actions. Levels: low, medium, high, extreme ("" unrated)."""

    owner_organization = read_only_slug("code")
    reporter_organization = read_only_slug("code")
    # The case's status as the cases API names it (its enum is the cases app's).
    status = serializers.CharField(read_only=True)
    inherent_level = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()
    actions = RiskActionSerializer(source="risk_actions", many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "title",
            "status",
            "owner_organization",
            "reporter_organization",
            "likelihood",
            "impact",
            "inherent_level",
            "rating",
            "actions",
        ]
        read_only_fields = fields

    def get_inherent_level(self, case: Case) -> str:
        from rasad.assessments.risks import level_of

        return level_of(case.risk_score)

    @extend_schema_field(RiskRatingSerializer(allow_null=True))
    def get_rating(self, case: Case) -> Any:
        rating = getattr(case, "risk_rating", None)
        return RiskRatingSerializer(rating).data if rating is not None else None


class RiskRatingInputSerializer(serializers.Serializer[Any]):
    residual_likelihood = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False, default=None
    )
    residual_impact = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False, default=None
    )
    review_on = DateField(allow_null=True, required=False, default=None)
    note = MultiLineCharField(required=False, allow_blank=True, default="", max_length=4000)


class RiskActionInputSerializer(serializers.Serializer[Any]):
    title = SingleLineCharField(max_length=300)
    owner = organization_field(help_text=_("Code of the organization that owes the action."))
    due_on = DateField()


class ProposeRiskSerializer(serializers.Serializer[Any]):
    section = serializers.CharField(
        max_length=20, help_text=_("Code of a non-compliant section of the final assessment.")
    )


class HeatMapCellSerializer(serializers.Serializer[Any]):
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    count = serializers.IntegerField()
    level = serializers.CharField()


class HeatMapSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    unrated = serializers.IntegerField()
    cells = HeatMapCellSerializer(many=True)


class HeatMapsSerializer(serializers.Serializer[Any]):
    inherent = HeatMapSerializer()
    residual = HeatMapSerializer()


class AssessmentComplianceHeatSerializer(serializers.Serializer[Any]):
    percent = serializers.FloatField(allow_null=True, help_text=_("Mean final score, of 100."))
    count = serializers.IntegerField(help_text=_("Final assessments averaged."))
    level = serializers.CharField(help_text=_("full, good, partial, low, or empty for none."))


class AssessmentComplianceCycleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    instrument = serializers.CharField()
    version = serializers.IntegerField()


class AssessmentComplianceNamedSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class AssessmentComplianceSectionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()


class AssessmentComplianceCycleChoiceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AssessmentComplianceRowSerializer(serializers.Serializer[Any]):
    organization = serializers.CharField()
    name = serializers.CharField()
    assessments = serializers.IntegerField()
    final = serializers.IntegerField()
    below = serializers.BooleanField()
    assessment = serializers.IntegerField(allow_null=True)
    total = AssessmentComplianceHeatSerializer()
    sections = serializers.DictField(child=AssessmentComplianceHeatSerializer())


class AssessmentComplianceProvinceSerializer(AssessmentComplianceHeatSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AssessmentComplianceTrendSerializer(serializers.Serializer[Any]):
    cycle = serializers.IntegerField()
    name = serializers.CharField()
    opens_on = serializers.DateField()
    assessments = serializers.IntegerField()
    total = AssessmentComplianceHeatSerializer()
    sections = serializers.DictField(child=AssessmentComplianceHeatSerializer())


class WaitingAssessmentSerializer(serializers.Serializer[Any]):
    """An assessment on a person's queue, with the page that does the work waiting for them."""

    id = serializers.IntegerField()
    display = serializers.CharField(source="__str__")
    organization = serializers.CharField(source="organization.code")
    cycle = serializers.IntegerField(source="cycle_id")
    status = serializers.CharField()
    review_closes_on = serializers.DateField(source="cycle.review_closes_on", allow_null=True)
    page = serializers.SerializerMethodField()

    def get_page(self, assessment: Any) -> str:
        """The page of the queue's work on it (the context's ``url_name``)."""
        from django.urls import reverse

        return reverse(self.context["url_name"], args=[assessment.pk])


class WaitingSerializer(serializers.Serializer[Any]):
    """What waits for the caller (the page "Waiting for me"), review window's end first."""

    review = WaitingAssessmentSerializer(many=True)
    consensus = WaitingAssessmentSerializer(many=True)
    audit = WaitingAssessmentSerializer(many=True)


class AssessmentComplianceSerializer(serializers.Serializer[Any]):
    cycle = AssessmentComplianceCycleSerializer(allow_null=True)
    cycles = AssessmentComplianceCycleChoiceSerializer(many=True)
    under = serializers.CharField(allow_null=True)
    trail = AssessmentComplianceNamedSerializer(many=True)
    sections = AssessmentComplianceSectionSerializer(many=True)
    total = AssessmentComplianceHeatSerializer()
    assessments = serializers.IntegerField()
    final = serializers.IntegerField()
    rows = AssessmentComplianceRowSerializer(many=True)
    provinces = AssessmentComplianceProvinceSerializer(many=True)
    trend = AssessmentComplianceTrendSerializer(many=True)
