"""Forms of the assessments UI. They collect values; the actions validate and write, and their
errors come back on the field they name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.assessments import labels
from rasad.assessments.actions import AnswerValues, CycleValues, InstrumentValues
from rasad.assessments.choices import ComplianceAnswer, InstrumentKind, ItemType, RankingRole
from rasad.assessments.models import Criterion, Instrument, Item, Review, Section
from rasad.cases.forms import RISK_SCALE
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization
from rasad.indicators.models import Indicator
from rasad.lib import formatting
from rasad.web.forms import (
    DecimalNumberField,
    IntegerNumberField,
    JalaliDateField,
    KeysChoiceField,
    NormalizedCharField,
    NumberInput,
    StyledForm,
    style_controls,
    typed_number,
)


class ItemForm(StyledForm):
    """The words and weight of one item (its type and range come from the spreadsheet)."""

    text = NormalizedCharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    text_en = NormalizedCharField(
        label=_("Question (English)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = DecimalNumberField(label=_("Weight"), max_digits=9, decimal_places=2, min_value=Decimal(0))
    guidance = NormalizedCharField(
        label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_required = forms.BooleanField(label=_("Evidence required"), required=False)
    required_evidence = NormalizedCharField(label=_("Evidence expected"), required=False, max_length=2000)

    @staticmethod
    def initial_for(item: Item) -> dict[str, Any]:
        return {
            "text": item.text,
            "text_en": item.text_en,
            "weight": item.weight,
            "guidance": item.guidance,
            "evidence_required": item.evidence_required,
            "required_evidence": item.required_evidence,
        }

    def values(self, item: Item) -> Any:
        from rasad.assessments.actions import ItemValues

        data = self.cleaned_data
        return ItemValues(
            criterion=item.criterion,
            code=item.code,
            text=data["text"],
            item_type=item.item_type,
            weight=data["weight"],
            text_en=data.get("text_en") or "",
            guidance=data.get("guidance") or "",
            evidence_required=bool(data.get("evidence_required")),
            required_evidence=data.get("required_evidence") or "",
            indicator=item.indicator,
            minimum=item.minimum,
            maximum=item.maximum,
            threshold=item.threshold,
            target=item.target,
            options=list(item.options or []),
            order=item.order,
        )


class InstrumentForm(StyledForm):
    """A new blank instrument (its code and kind), or an instrument's name, description, total
    and publisher (the code and kind of a version stay: ``instrument`` given, they are not asked)."""

    code = forms.CharField(label=_("Code"), max_length=40)
    name = NormalizedCharField(label=_("Name"), max_length=300)
    name_en = NormalizedCharField(label=_("English name"), max_length=300, required=False)
    description = NormalizedCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=InstrumentKind.choices)
    total_points = DecimalNumberField(
        label=_("Total points"), max_digits=9, decimal_places=2, min_value=Decimal("0.01")
    )
    owner = forms.ModelChoiceField(label=_("Published by"), queryset=Organization.objects.none())

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[Organization],
        instrument: Instrument | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        owner: Any = self.fields["owner"]
        owner.queryset = owners
        if instrument is not None:
            del self.fields["code"]
            del self.fields["kind"]
            if instrument.owner_id is None:  # a platform instrument stays one unless given a body
                owner.required = False
                owner.empty_label = _("Platform reference")
        else:
            self.fields["code"].widget.attrs["class"] = "form-control ltr"

    @staticmethod
    def initial_for(instrument: Instrument) -> dict[str, Any]:
        return {
            "name": instrument.name,
            "name_en": instrument.name_en,
            "description": instrument.description,
            "total_points": instrument.total_points,
            "owner": instrument.owner_id,
        }

    def values(self) -> InstrumentValues:
        data = self.cleaned_data
        instrument = self.instrument
        return InstrumentValues(
            code=instrument.code if instrument else data["code"],
            name=data["name"],
            kind=instrument.kind if instrument else data["kind"],
            total_points=data["total_points"],
            owner=data.get("owner"),
            name_en=data.get("name_en") or "",
            description=data.get("description") or "",
        )


class InstrumentImportForm(InstrumentForm):
    """A new instrument from a spreadsheet in the export's format: the new instrument's fields
    and the file."""

    file = forms.FileField(label=_("Spreadsheet (Excel or CSV)"))

    field_order = ["file"]


class SectionForm(StyledForm):
    """A section: its code, title, points, role in ranking and the case category of its findings."""

    code = forms.CharField(label=_("Code"), max_length=20)
    title = NormalizedCharField(label=_("Title"), max_length=300)
    title_en = NormalizedCharField(label=_("English title"), max_length=300, required=False)
    points = DecimalNumberField(label=_("Points"), max_digits=9, decimal_places=2)
    ranking_role = forms.ChoiceField(
        label=_("Role in ranking"), choices=RankingRole.choices, initial=RankingRole.LEVEL
    )
    case_category = forms.CharField(
        label=_("Case category of its findings"),
        max_length=50,
        required=False,
        help_text=_("The code of a case category; empty: the cycle's default."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("code", "case_category"):
            self.fields[name].widget.attrs["class"] = "form-control ltr"

    @staticmethod
    def initial_for(section: Section) -> dict[str, Any]:
        return {
            "code": section.code,
            "title": section.title,
            "title_en": section.title_en,
            "points": section.points,
            "ranking_role": section.ranking_role,
            "case_category": section.case_category,
        }

    def values(self, section: Section | None = None) -> Any:
        from rasad.assessments.actions import SectionValues

        data = self.cleaned_data
        return SectionValues(
            code=data["code"],
            title=data["title"],
            points=data["points"],
            title_en=data.get("title_en") or "",
            ranking_role=data["ranking_role"],
            case_category=data.get("case_category") or "",
            order=section.order if section else None,
        )


class CriterionForm(StyledForm):
    """A criterion of a section: its code and title."""

    code = forms.CharField(label=_("Code"), max_length=20)
    title = NormalizedCharField(label=_("Title"), max_length=300)
    title_en = NormalizedCharField(label=_("English title"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["class"] = "form-control ltr"

    @staticmethod
    def initial_for(criterion: Criterion) -> dict[str, Any]:
        return {"code": criterion.code, "title": criterion.title, "title_en": criterion.title_en}

    def values(self, section: Section, criterion: Criterion | None = None) -> Any:
        from rasad.assessments.actions import CriterionValues

        data = self.cleaned_data
        return CriterionValues(
            section=section,
            code=data["code"],
            title=data["title"],
            title_en=data.get("title_en") or "",
            order=criterion.order if criterion else None,
        )


class StructureFileForm(StyledForm):
    file = forms.FileField(label=_("Spreadsheet (Excel or CSV)"))


class CycleForm(StyledForm):
    """A new cycle: which instrument, for whom, and when."""

    organization = forms.ModelChoiceField(label=_("Run by"), queryset=Organization.objects.none())
    instrument = forms.ModelChoiceField(label=_("Instrument"), queryset=Instrument.objects.none())
    name = NormalizedCharField(label=_("Name"), max_length=300)
    description = NormalizedCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    opens_on = JalaliDateField(label=_("Self-assessment opens"))
    closes_on = JalaliDateField(label=_("Self-assessment closes"))
    review_closes_on = JalaliDateField(label=_("Review closes"), required=False)
    scope_root = forms.ModelChoiceField(label=_("Organizations under"), queryset=Organization.objects.none())
    scope_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organization"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every organization under it, itself excluded."),
    )
    scope_sectors = NormalizedCharField(
        label=_("Sector tags"), required=False, help_text=_("Separated by commas; empty: any sector.")
    )
    peer_tags = NormalizedCharField(
        label=_("Peer groups by sector tag"), required=False, help_text=_("Separated by commas.")
    )
    required_assessors = IntegerNumberField(
        label=_("Assessors per organization"), min_value=1, max_value=9, initial=1
    )
    opens_cases = forms.BooleanField(label=_("Open a case per non-compliant section"), required=False)
    case_kind = forms.ChoiceField(
        label=_("Kind of case opened"),
        choices=[("challenge", _("Challenge")), ("risk", _("Risk"))],
        initial="challenge",
    )

    def __init__(
        self,
        *args: Any,
        runners: QuerySet[Organization],
        organizations: QuerySet[Organization],
        instruments: QuerySet[Instrument],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        runner: Any = self.fields["organization"]
        runner.queryset = runners
        root: Any = self.fields["scope_root"]
        root.queryset = organizations
        instrument: Any = self.fields["instrument"]
        instrument.queryset = instruments

    @staticmethod
    def _tags(text: str) -> list[str]:
        return [t.strip() for t in (text or "").replace("،", ",").split(",") if t.strip()]

    def values(self) -> CycleValues:
        data = self.cleaned_data
        return CycleValues(
            organization=data["organization"],
            instrument=data["instrument"],
            name=data["name"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            scope_root=data["scope_root"],
            description=data.get("description") or "",
            review_closes_on=data.get("review_closes_on"),
            scope_kinds=list(data.get("scope_kinds") or []),
            scope_sectors=self._tags(data.get("scope_sectors") or ""),
            peer_tags=self._tags(data.get("peer_tags") or ""),
            required_assessors=data.get("required_assessors") or 1,
            opens_cases=bool(data.get("opens_cases")),
            case_kind=data.get("case_kind") or "challenge",
        )


class AssignForm(StyledForm):
    reviewer = forms.CharField(label=_("Assessor (user name)"), max_length=150)
    organization = forms.ModelChoiceField(label=_("Acting for"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization: Any = self.fields["organization"]
        organization.queryset = organizations
        self.fields["reviewer"].widget.attrs["class"] = "form-control ltr"


class PointsField(forms.Field):
    """A number of points in Persian or Latin digits («۴۵۰٫۵»)."""

    widget = NumberInput

    def to_python(self, value: Any) -> Decimal | None:
        number = typed_number(value)
        if number is None:
            return None
        if number.as_tuple().exponent < -2 or abs(number) >= Decimal(10) ** 7:  # type: ignore[operator]
            raise forms.ValidationError(
                _("Write a number of points with at most two decimals."), code="invalid"
            )
        return number


class NumberAnswerField(forms.Field):
    """A number answer typed in Persian or Latin digits; a stored value (or an approved figure)
    is shown in the reader's digits, «۰٫۲»."""

    widget = NumberInput

    def to_python(self, value: Any) -> float | None:
        number = typed_number(value)
        return None if number is None else float(number)


# A new item's answer types in the page (a choice with its options written in a box).
NEW_ITEM_TYPES = list(ItemType.choices)


class NewItemForm(ItemForm):
    """A new item of a criterion: its code and answer type besides the words and weight; a number
    item is scored between the value scoring nothing and the value scoring full marks."""

    code = forms.CharField(label=_("Code"), max_length=20)
    item_type = forms.ChoiceField(label=_("Answer type"), choices=NEW_ITEM_TYPES)
    threshold = NumberAnswerField(
        label=_("Value scoring nothing"), required=False, help_text=_("A number item only.")
    )
    target = NumberAnswerField(
        label=_("Value scoring full marks"), required=False, help_text=_("A number item only.")
    )
    options = NormalizedCharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A choice item only: each option as code:score:label, separated by «;» "
            "(for example «A:100:کامل; B:50:ناقص; C:0:ندارد»)."
        ),
    )
    indicator = forms.ModelChoiceField(
        label=_("Answered by the indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("A number or yes/no item may be answered by an indicator's approved values."),
    )

    field_order = ["code", "item_type", "text", "text_en", "weight"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["class"] = "form-control ltr"
        indicator: Any = self.fields["indicator"]
        indicator.queryset = Indicator.objects.order_by("code")

    def clean(self) -> dict[str, Any]:
        from rasad.assessments.spreadsheet import parse_options

        data = super().clean() or {}
        data["parsed_options"] = []
        if data.get("item_type") == ItemType.CHOICE:
            options, problems = parse_options(data.get("options") or "")
            for problem in problems:
                self.add_error("options", problem)
            if not options and not problems:
                self.add_error("options", _("Write the options of a choice item."))
            data["parsed_options"] = options
        return data

    def new_values(self, criterion: Criterion) -> Any:
        from rasad.assessments.actions import ItemValues

        data = self.cleaned_data
        number = data["item_type"] == ItemType.NUMBER  # a range means nothing to another type
        return ItemValues(
            criterion=criterion,
            code=data["code"],
            text=data["text"],
            item_type=data["item_type"],
            weight=data["weight"],
            text_en=data.get("text_en") or "",
            guidance=data.get("guidance") or "",
            evidence_required=bool(data.get("evidence_required")),
            required_evidence=data.get("required_evidence") or "",
            threshold=data.get("threshold") if number else None,
            target=data.get("target") if number else None,
            options=data.get("parsed_options") or [],
            indicator=data.get("indicator"),
        )


BAND_ROWS = 8


class BandsForm(StyledForm):
    """A version's bands: up to eight rows of a name and the points it starts from (empty rows
    are left out), or a spreadsheet in the bands file's format instead."""

    file = forms.FileField(
        label=_("Or a spreadsheet of the bands (Excel or CSV)"),
        required=False,
        help_text=_("In the format of “Download the bands”; it replaces the rows above."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for index in range(BAND_ROWS):
            fields[f"name_{index}"] = NormalizedCharField(label=_("Band"), required=False, max_length=120)
            fields[f"name_en_{index}"] = NormalizedCharField(
                label=_("Band (English)"), required=False, max_length=120
            )
            fields[f"minimum_{index}"] = PointsField(label=_("From (points)"), required=False)
        fields["file"] = self.fields.pop("file")
        self.fields.update(fields)
        style_controls(self)

    @staticmethod
    def initial_for(bands: Sequence[Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for index, band in enumerate(sorted(bands, key=lambda b: b.minimum)[:BAND_ROWS]):
            initial[f"name_{index}"] = band.name
            initial[f"name_en_{index}"] = band.name_en
            initial[f"minimum_{index}"] = band.minimum
        return initial

    def rows(self) -> list[dict[str, forms.BoundField]]:
        return [
            {"name": self[f"name_{i}"], "name_en": self[f"name_en_{i}"], "minimum": self[f"minimum_{i}"]}
            for i in range(BAND_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(BAND_ROWS):
            name, minimum = data.get(f"name_{index}"), data.get(f"minimum_{index}")
            if name and minimum is None:
                self.add_error(f"minimum_{index}", _("Give the points this band starts from."))
            elif minimum is not None and not name:
                self.add_error(f"name_{index}", _("Give the band a name."))
        return data

    def bands(self) -> list[Any]:
        from rasad.assessments.actions import BandValues

        data = self.cleaned_data
        return [
            BandValues(
                name=data[f"name_{i}"], minimum=data[f"minimum_{i}"], name_en=data.get(f"name_en_{i}") or ""
            )
            for i in range(BAND_ROWS)
            if data.get(f"name_{i}") and data.get(f"minimum_{i}") is not None
        ]


class ReasonForm(StyledForm):
    """Why: kept in the audit trail (the action refuses an empty one, naming this field)."""

    reason = NormalizedCharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail with the change."),
    )


class ReviewChoiceField(forms.ModelChoiceField[Review]):
    def label_from_instance(self, obj: Review) -> str:
        return f"{obj.reviewer}{formatting.separator()}{obj.organization}"


class WithdrawForm(StyledForm):
    """Which assessor is withdrawn, and why."""

    review = ReviewChoiceField(label=_("Assessor"), queryset=Review.objects.none(), empty_label="—")
    reason = ReasonForm.base_fields["reason"]

    def __init__(self, *args: Any, reviews: QuerySet[Review], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        review: Any = self.fields["review"]
        review.queryset = reviews
        only = list(reviews[:2])
        if len(only) == 1:  # the one assessor is chosen already
            review.initial = only[0].pk


class AuditNameForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Auditing agency"), queryset=Organization.objects.none())
    sections = KeysChoiceField(
        label=_("Sections it audits"), queryset=Section.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization], sections: QuerySet[Section], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        organization: Any = self.fields["organization"]
        organization.queryset = organizations
        chosen: Any = self.fields["sections"]
        chosen.queryset = sections
        chosen.label_from_instance = lambda section: section.heading


class FeedbackForm(StyledForm):
    """Two texts per criterion: its strengths and its areas for improvement."""

    def __init__(self, *args: Any, criteria: Sequence[Any], current: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            row = current.get(criterion.pk)
            self.fields[f"strengths_{criterion.code}"] = NormalizedCharField(
                label=_("Strengths"),
                required=False,
                max_length=4000,
                initial=row.strengths if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"improvements_{criterion.code}"] = NormalizedCharField(
                label=_("Areas for improvement"),
                required=False,
                max_length=4000,
                initial=row.improvements if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        style_controls(self)

    def entries(self) -> list[Any]:
        from rasad.assessments.actions import FeedbackValues

        return [
            FeedbackValues(
                criterion,
                self.cleaned_data.get(f"strengths_{criterion.code}") or "",
                self.cleaned_data.get(f"improvements_{criterion.code}") or "",
            )
            for criterion in self.criteria
        ]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": criterion,
                "strengths": self[f"strengths_{criterion.code}"],
                "improvements": self[f"improvements_{criterion.code}"],
            }
            for criterion in self.criteria
        ]


COMPLIANCE_CHOICES = [("", "—"), *ComplianceAnswer.choices]
FILE_REVIEW_CHOICES = [("", "—"), ("yes", _("Accepted")), ("no", _("Not accepted"))]


def answer_field_name(item: Item) -> str:
    return f"answer_{item.code}"


def file_field_name(item: Item) -> str:
    return f"file_{item.code}"


def reason_field_name(item: Item) -> str:
    return f"reason_{item.code}"


class AnswersForm(StyledForm):
    """One field per item (and, for the assessed side, a file field where evidence is asked):
    the self-assessment, an assessor's review or the consensus. An empty field is left as it is;
    what is filled is checked by the action, all at once."""

    def __init__(
        self,
        *args: Any,
        items: Sequence[Item],
        initial_answers: dict[int, Any] | None = None,
        with_files: bool = False,
        reviewing: bool = False,
        figures: dict[int, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.with_files = with_files
        self.figures = figures or {}
        initial_answers = initial_answers or {}
        for item in self.items:
            name = answer_field_name(item)
            current = initial_answers.get(item.pk)
            figure = self.figures.get(item.pk)
            field: forms.Field | None
            if item.item_type == ItemType.COMPLIANCE:
                field = forms.ChoiceField(choices=COMPLIANCE_CHOICES, required=False)
                start = current.answer if current else ""
            elif item.item_type == ItemType.CHOICE:
                options = [(str(o.get("code")), str(o.get("label"))) for o in item.options or []]
                field = forms.ChoiceField(choices=[("", "—"), *options], required=False)
                start = current.answer if current else ""
            elif item.item_type == ItemType.RADAR:
                field = IntegerNumberField(required=False, min_value=0, max_value=100)
                field.widget.attrs.update({"step": 5, "inputmode": "numeric"})
                start = current.value if current else None
            elif item.item_type == ItemType.NUMBER:
                field = NumberAnswerField(required=False)
                start = current.value if current else None
                if figure is not None and figure.value is not None:
                    # An item answered from an indicator: the approved figure is offered; another
                    # value needs its reason (the action refuses it without one).
                    if current is None or start is None or current.source != "manual" or not current.comment:
                        start = figure.offered
                    self.fields[reason_field_name(item)] = NormalizedCharField(
                        label=_("Why a value other than the approved one"),
                        required=False,
                        max_length=4000,
                        initial=current.comment if current and current.source == "manual" else "",
                        widget=forms.Textarea(attrs={"rows": 1}),
                    )
            elif reviewing:
                field = forms.ChoiceField(choices=FILE_REVIEW_CHOICES, required=False)
                start = ("yes" if current.answer == "file" else current.answer) if current else ""
            else:
                field = None
                start = None
            if field is not None:
                field.label = labels.heading(item.label, item.text)
                field.initial = start
                self.fields[name] = field
            if with_files and (item.evidence_required or item.item_type == ItemType.FILE):
                self.fields[file_field_name(item)] = forms.FileField(
                    label=_("Evidence for %(code)s") % {"code": item.label}, required=False
                )
        style_controls(self)

    def answers(self) -> list[AnswerValues]:
        """The filled answers (an empty field is skipped, not cleared)."""
        values = []
        for item in self.items:
            raw = self.cleaned_data.get(answer_field_name(item))
            if raw in (None, ""):
                continue
            if item.item_type in (ItemType.RADAR, ItemType.NUMBER):
                reason = self.cleaned_data.get(reason_field_name(item)) or ""
                values.append(AnswerValues(item, "", float(raw), reason))
            else:
                values.append(AnswerValues(item, str(raw)))
        return values

    def uploads(self) -> Iterable[tuple[Item, Any]]:
        for item in self.items:
            upload = self.cleaned_data.get(file_field_name(item))
            if upload:
                yield item, upload

    def field_for(self, item: Item) -> forms.BoundField | None:
        name = answer_field_name(item)
        return self[name] if name in self.fields else None

    def file_for(self, item: Item) -> forms.BoundField | None:
        name = file_field_name(item)
        return self[name] if name in self.fields else None

    def reason_for(self, item: Item) -> forms.BoundField | None:
        name = reason_field_name(item)
        return self[name] if name in self.fields else None


RISK_CHOICES = RISK_SCALE  # the cases app's 1-5 scale


class RiskRatingForm(StyledForm):
    """A risk's residual likelihood and impact (after its treatment) and its next review."""

    residual_likelihood = forms.TypedChoiceField(
        label=_("Residual likelihood"), choices=RISK_CHOICES, coerce=int, empty_value=None, required=False
    )
    residual_impact = forms.TypedChoiceField(
        label=_("Residual impact"), choices=RISK_CHOICES, coerce=int, empty_value=None, required=False
    )
    review_on = JalaliDateField(label=_("Next review"), required=False)
    note = NormalizedCharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def values(self) -> Any:
        from rasad.assessments.actions.risks import RatingValues

        data = self.cleaned_data
        return RatingValues(
            data["residual_likelihood"], data["residual_impact"], data["review_on"], data["note"]
        )


class RiskActionForm(StyledForm):
    """One action of a risk's treatment plan."""

    title = NormalizedCharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organization.objects.none())
    due_on = JalaliDateField(label=_("Due on"))

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = organizations


class RiskImportForm(StyledForm):
    file = forms.FileField(label=_("Spreadsheet (Excel or CSV)"))
