"""Instrument actions: create, change, version, publish, import and delete instruments and their
sections, criteria, items and bands.

Versions: a draft is changed in place and checked in full only when it is published. A published
version that no cycle uses is changed in place too, but every change must leave it usable (the
weights of each section still sum to its points). A version that a cycle uses is never changed:
the change is made in the next version (a draft copy), and the cycle keeps its own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.assessments.actions.common import refuse, require, require_over
from rasad.assessments.audit import AssessmentAuditEvent, audit_instrument, audit_part
from rasad.assessments.choices import InstrumentKind, InstrumentStatus, ItemType, RankingRole
from rasad.assessments.models import Band, Criterion, Cycle, Instrument, Item, Section
from rasad.assessments.structure import (
    ItemSpec,
    StructureSpec,
    item_problems,
    spec_of,
    structure_problems,
    weight_problem,
    write_structure,
)
from rasad.core.access import refusal
from rasad.core.audit_log import changes
from rasad.core.models import Organization, User
from rasad.lib import formatting
from rasad.lib.persian import normalize_text, search_key

CODE_MAX = 40


@dataclass
class InstrumentValues:
    code: str
    name: str
    kind: str
    total_points: Decimal
    owner: Organization | None
    name_en: str = ""
    description: str = ""


@dataclass
class SectionValues:
    code: str
    title: str
    points: Decimal
    title_en: str = ""
    ranking_role: str = RankingRole.LEVEL
    case_category: str = ""
    order: int | None = None


@dataclass
class CriterionValues:
    section: Section
    code: str
    title: str
    title_en: str = ""
    order: int | None = None


@dataclass
class ItemValues:
    criterion: Criterion
    code: str
    text: str
    item_type: str
    weight: Decimal
    text_en: str = ""
    guidance: str = ""
    evidence_required: bool = False
    required_evidence: str = ""
    indicator: Any = None
    minimum: float | None = None
    maximum: float | None = None
    threshold: float | None = None
    target: float | None = None
    options: list[dict[str, Any]] = field(default_factory=list)
    order: int | None = None


MAX_BANDS = 20


@dataclass(frozen=True)
class BandValues:
    name: str
    minimum: Decimal
    name_en: str = ""


@dataclass
class Written:
    """What a change wrote: the part in the version that was changed, and whether that version
    was made by this change (because a cycle uses the one the person was looking at). Values
    asked for that a version has already write nothing (no version, no audit event): the
    version itself comes back, as it was (``_save_in_version``)."""

    instrument: Instrument
    part: Any
    new_version: bool


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def _clean_code(value: str, field_name: str = "code", max_length: int = 20) -> str:
    code = normalize_text(value or "").strip()
    if not code:
        raise refuse(field_name, _("A code is required."))
    if len(code) > max_length or any(ch.isspace() for ch in code):
        raise refuse(
            field_name,
            _("A code has at most %(max)s characters and no spaces.")
            % {"max": formatting.number(max_length)},
        )
    return code


def check_instrument_values(values: InstrumentValues) -> None:
    errors: dict[str, list[str]] = {}
    if not normalize_text(values.name).strip():
        errors.setdefault("name", []).append(_("A name is required."))
    if values.kind not in InstrumentKind.values:
        errors.setdefault("kind", []).append(_("Unknown kind of instrument."))
    if values.total_points is None or values.total_points <= 0:
        errors.setdefault("total_points", []).append(_("The total must be more than zero."))
    if errors:
        raise ValidationError(errors)


def usable_problems(instrument: Instrument) -> list[str]:
    """Why a version cannot be used yet (empty: it can)."""
    messages = [
        problem.message for problem in structure_problems(spec_of(instrument), instrument.total_points)
    ]
    for band in instrument.bands.all():
        if band.minimum > instrument.total_points:
            messages.append(
                _("The band “%(name)s” starts above the instrument's total.") % {"name": band.name}
            )
    return messages


def in_use(instrument: Instrument) -> bool:
    return Cycle.objects.filter(instrument=instrument).exists()


def _require_change(instrument: Instrument, acting_user: User) -> None:
    if instrument.owner_id is None:
        require_over(acting_user, Instrument, "change", None)
    else:
        require(acting_user, "change", instrument)


# ---------------------------------------------------------------------------------------------
# Instruments
# ---------------------------------------------------------------------------------------------


def _search(instrument: Instrument) -> str:
    return search_key(
        " ".join([instrument.code, instrument.name, instrument.name_en, instrument.description])
    )


@transaction.atomic
def do_create_instrument(values: InstrumentValues, *, acting_user: User) -> Instrument:
    """A new instrument: version 1, a draft in the owner's scope."""
    require_over(acting_user, Instrument, "add", values.owner)
    check_instrument_values(values)
    code = _clean_code(values.code, max_length=CODE_MAX).upper()
    if Instrument.objects.filter(code=code).exists():
        raise refuse(
            "code",
            _("An instrument with the code “%(code)s” exists already.") % {"code": formatting.code(code)},
        )
    instrument = Instrument(
        code=code,
        version=1,
        name=normalize_text(values.name)[:300],
        name_en=normalize_text(values.name_en)[:300],
        description=normalize_text(values.description),
        kind=values.kind,
        owner=values.owner,
        total_points=values.total_points,
        status=InstrumentStatus.DRAFT,
        created_by=acting_user,
    )
    instrument.search_text = _search(instrument)
    instrument.save()
    audit_instrument(
        AssessmentAuditEvent.INSTRUMENT_CREATED,
        instrument,
        acting_user=acting_user,
        new={"code": code, "version": 1, "kind": instrument.kind, "total_points": instrument.total_points},
    )
    return instrument


def _copy_version(instrument: Instrument, acting_user: User | None) -> Instrument:
    """The next version of ``instrument``, a draft with the same structure and bands."""
    latest = Instrument.objects.filter(code=instrument.code).order_by("-version").first()
    assert latest is not None
    if latest.pk != instrument.pk and latest.status == InstrumentStatus.DRAFT:
        raise refuse(
            "instrument",
            _("Version %(version)s of this instrument is a draft already: make your change there.")
            % {"version": formatting.number(latest.version)},
        )
    copy = Instrument(
        code=instrument.code,
        version=latest.version + 1,
        name=instrument.name,
        name_en=instrument.name_en,
        description=instrument.description,
        kind=instrument.kind,
        owner=instrument.owner,
        total_points=instrument.total_points,
        status=InstrumentStatus.DRAFT,
        previous=instrument,
        created_by=acting_user,
        search_text=instrument.search_text,
    )
    copy.save()
    write_structure(
        copy,
        spec_of(instrument),
        section_model=Section,
        criterion_model=Criterion,
        item_model=Item,
        indicator_model=_indicator_model(),
    )
    Band.objects.bulk_create(
        [
            Band(instrument=copy, name=b.name, name_en=b.name_en, minimum=b.minimum)
            for b in instrument.bands.all()
        ]
    )
    audit_instrument(
        AssessmentAuditEvent.INSTRUMENT_VERSIONED,
        copy,
        acting_user=acting_user,
        new={"code": copy.code, "version": copy.version, "from_version": instrument.version},
    )
    return copy


def _indicator_model() -> Any:
    from rasad.indicators.models import Indicator

    return Indicator


def writable_version(instrument: Instrument, acting_user: User) -> tuple[Instrument, bool]:
    """The version a change to ``instrument`` goes to: itself, or (when a cycle uses it) the next
    version, made now. A superseded version is not changed."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    _require_change(instrument, acting_user)
    if instrument.status == InstrumentStatus.RETIRED:
        raise refuse(
            "instrument",
            _("Version %(version)s has been superseded; change the latest version instead.")
            % {"version": formatting.number(instrument.version)},
        )
    if in_use(instrument):
        return _copy_version(instrument, acting_user), True
    return instrument, False


def _check_still_usable(instrument: Instrument) -> None:
    """A published version changed in place must stay usable."""
    if instrument.status != InstrumentStatus.PUBLISHED:
        return
    problems = usable_problems(instrument)
    if problems:
        weights = [
            p for p in structure_problems(spec_of(instrument), instrument.total_points) if p.field == "weight"
        ]
        raise ValidationError({"weight" if weights else "instrument": problems})


@transaction.atomic
def do_update_instrument(instrument: Instrument, values: InstrumentValues, *, acting_user: User) -> Written:
    """Change the name, description, total or owner (the code and kind of a version stay)."""
    check_instrument_values(values)
    _require_change(instrument, acting_user)
    current = Instrument.objects.get(pk=instrument.pk)
    asked = (
        normalize_text(values.name)[:300],
        normalize_text(values.name_en)[:300],
        normalize_text(values.description),
        Decimal(values.total_points),
        values.owner.pk if values.owner is not None else None,
    )
    if asked == (current.name, current.name_en, current.description, current.total_points, current.owner_id):
        return Written(current, current, new_version=False)
    target, new_version = writable_version(instrument, acting_user)
    if values.owner != target.owner:
        require_over(acting_user, Instrument, "change", values.owner)
    old = {
        "name": target.name,
        "name_en": target.name_en,
        "description": target.description,
        "total_points": target.total_points,
        "owner": target.owner_id,
    }
    target.name = normalize_text(values.name)[:300]
    target.name_en = normalize_text(values.name_en)[:300]
    target.description = normalize_text(values.description)
    target.total_points = values.total_points
    target.owner = values.owner
    target.search_text = _search(target)
    target.save(
        update_fields=[
            "name",
            "name_en",
            "description",
            "total_points",
            "owner",
            "search_text",
            "last_updated",
        ]
    )
    new = {
        "name": target.name,
        "name_en": target.name_en,
        "description": target.description,
        "total_points": target.total_points,
        "owner": target.owner_id,
    }
    _check_still_usable(target)
    before, after = changes(old, new)
    audit_instrument(
        AssessmentAuditEvent.INSTRUMENT_CHANGED, target, acting_user=acting_user, old=before, new=after
    )
    return Written(target, target, new_version)


@transaction.atomic
def do_new_version(instrument: Instrument, *, acting_user: User) -> Instrument:
    """Start the next version of a published instrument explicitly (a draft copy)."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    _require_change(instrument, acting_user)
    if instrument.status == InstrumentStatus.DRAFT:
        raise refuse("instrument", _("This version is a draft: change it directly."))
    return _copy_version(instrument, acting_user)


@transaction.atomic
def do_publish_instrument(instrument: Instrument, *, acting_user: User, now: Any = None) -> Instrument:
    """Publish a draft after checking it in full; the versions it replaces are superseded (the
    cycles using them keep them)."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.owner_id is None:
        require_over(acting_user, Instrument, "publish", None)
    else:
        require(acting_user, "publish", instrument)
    if instrument.status != InstrumentStatus.DRAFT:
        raise refuse("instrument", _("Only a draft can be published."))
    problems = usable_problems(instrument)
    if problems:
        raise ValidationError({"instrument": problems})
    instrument.status = InstrumentStatus.PUBLISHED
    instrument.published_at = now or timezone.now()
    instrument.save(update_fields=["status", "published_at", "last_updated"])
    superseded = list(
        Instrument.objects.filter(code=instrument.code, status=InstrumentStatus.PUBLISHED)
        .exclude(pk=instrument.pk)
        .values_list("version", flat=True)
    )
    Instrument.objects.filter(code=instrument.code, status=InstrumentStatus.PUBLISHED).exclude(
        pk=instrument.pk
    ).update(status=InstrumentStatus.RETIRED)
    audit_instrument(
        AssessmentAuditEvent.INSTRUMENT_PUBLISHED,
        instrument,
        acting_user=acting_user,
        new={"version": instrument.version, "superseded_versions": superseded},
    )
    return instrument


@transaction.atomic
def do_delete_instrument(instrument: Instrument, *, acting_user: User) -> None:
    """Delete a draft that no cycle uses (a published version is kept for the record)."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.owner_id is None:
        require_over(acting_user, Instrument, "delete", None)
    else:
        require(acting_user, "delete", instrument)
    if instrument.status != InstrumentStatus.DRAFT or in_use(instrument):
        raise refuse("instrument", _("Only a draft that no cycle uses can be deleted."))
    audit_instrument(
        AssessmentAuditEvent.INSTRUMENT_DELETED,
        instrument,
        acting_user=acting_user,
        old={"code": instrument.code, "version": instrument.version},
    )
    instrument.items.all().delete()
    instrument.criteria.all().delete()
    instrument.sections.all().delete()
    instrument.delete()


@transaction.atomic
def do_import_structure(
    instrument: Instrument, spec: StructureSpec, *, acting_user: User, sha256: str, file_name: str
) -> Instrument:
    """Replace the structure of ``instrument`` with ``spec`` (read from a spreadsheet): in place
    for a draft, otherwise in the next version. All rows or none."""
    target, _new = writable_version(instrument, acting_user)
    if target.status != InstrumentStatus.DRAFT:
        # An unused published version: its new structure must be usable at once.
        problems = structure_problems(spec, target.total_points)
        if problems:
            raise ValidationError({"file": [p.message for p in problems]})
    if target.cycles.exists():  # pragma: no cover - writable_version never returns a used one
        raise refusal()
    target.items.all().delete()
    target.criteria.all().delete()
    target.sections.all().delete()
    write_structure(
        target,
        spec,
        section_model=Section,
        criterion_model=Criterion,
        item_model=Item,
        indicator_model=_indicator_model(),
    )
    audit_instrument(
        AssessmentAuditEvent.INSTRUMENT_IMPORTED,
        target,
        acting_user=acting_user,
        new={
            "file": file_name,
            "sha256": sha256,
            "sections": len(spec.sections),
            "items": len(spec.items),
        },
    )
    return target


# ---------------------------------------------------------------------------------------------
# Parts
# ---------------------------------------------------------------------------------------------


def _map(target: Instrument, model: type[Any], part: Any) -> Any:
    """The part of ``target`` that corresponds to ``part`` (same code) of another version."""
    if part is None or part.instrument_id == target.pk:
        return part
    return model.objects.get(instrument=target, code=part.code)


def _next_order(queryset: Any) -> int:
    last = queryset.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


def _part_values(part: Any, names: Sequence[str]) -> dict[str, Any]:
    values = {}
    for name in names:
        value = getattr(part, name)
        values[name] = value.pk if hasattr(value, "pk") else value
    return values


def _save_part(
    part: Any, acting_user: User, instrument: Instrument, names: Sequence[str], old: dict[str, Any]
) -> None:
    """Insert a new part, or write an existing one's ``names`` (every field its action sets)."""
    try:
        with transaction.atomic():
            if part.pk is None:
                part.save()
            else:
                part.save(update_fields=[*names, "last_updated"])
    except IntegrityError:
        raise refuse(
            "code",
            _("The code “%(code)s” is used already in this instrument.")
            % {"code": formatting.code(part.code)},
        ) from None
    before, after = changes(old, _part_values(part, names))
    audit_part(
        AssessmentAuditEvent.INSTRUMENT_PART_SAVED,
        instrument,
        part,
        acting_user=acting_user,
        old=before or None,
        new=after,
    )


def _check_category(code: str) -> str:
    code = (code or "").strip()
    if not code:
        return ""
    from rasad.cases.models import Category

    if not Category.objects.filter(code=code, is_active=True).exists():
        raise refuse(
            "case_category", _("Unknown case category “%(code)s”.") % {"code": formatting.code(code)}
        )
    return code


SECTION_FIELDS = ("code", "title", "title_en", "points", "ranking_role", "case_category", "order")


def _save_in_version(
    instrument: Instrument,
    model: type[Any],
    part: Any,
    names: Sequence[str],
    apply: Callable[[Any, Any], None],
    parent_in: Callable[[Instrument], Any],
    acting_user: User,
) -> Written:
    """Save a new ``part`` of ``model`` (or change ``part``): ``apply(part, parent)`` sets its
    ``names`` from the values asked for, under its parent in a version (``parent_in(version)``:
    the version, a section, a criterion). Values a part has already write nothing, neither the
    part nor a version of an instrument a cycle uses, and audit nothing; a change is made in the
    version ``writable_version`` gives, which must stay usable."""
    _require_change(instrument, acting_user)
    if part is not None:
        probe = copy.copy(part)
        apply(probe, parent_in(instrument))
        if _part_values(probe, names) == _part_values(part, names):
            return Written(Instrument.objects.get(pk=instrument.pk), part, new_version=False)
    target, new_version = writable_version(instrument, acting_user)
    part = _map(target, model, part)
    old = _part_values(part, names) if part else {}
    part = part or model(instrument=target)
    apply(part, parent_in(target))
    _save_part(part, acting_user, target, names, old)
    _check_still_usable(target)
    return Written(target, part, new_version)


@transaction.atomic
def do_save_section(
    instrument: Instrument, values: SectionValues, *, acting_user: User, section: Section | None = None
) -> Written:
    if values.points is None or values.points <= 0:
        raise refuse("points", _("A section's points must be more than zero."))
    if values.ranking_role not in RankingRole.values:
        raise refuse("ranking_role", _("Unknown role in ranking."))

    def apply(part: Section, target: Instrument) -> None:
        part.code = _clean_code(values.code)
        part.title = normalize_text(values.title)[:300]
        if not part.title:
            raise refuse("title", _("A title is required."))
        part.title_en = normalize_text(values.title_en)[:300]
        part.points = values.points
        part.ranking_role = values.ranking_role
        part.case_category = _check_category(values.case_category)
        part.order = (
            values.order if values.order is not None else (part.order or _next_order(target.sections.all()))
        )

    return _save_in_version(
        instrument, Section, section, SECTION_FIELDS, apply, lambda target: target, acting_user
    )


CRITERION_FIELDS = ("code", "title", "title_en", "order", "section")


@transaction.atomic
def do_save_criterion(
    instrument: Instrument, values: CriterionValues, *, acting_user: User, criterion: Criterion | None = None
) -> Written:
    def apply(part: Criterion, section: Section) -> None:
        part.section = section
        part.code = _clean_code(values.code)
        part.title = normalize_text(values.title)[:300]
        if not part.title:
            raise refuse("title", _("A title is required."))
        part.title_en = normalize_text(values.title_en)[:300]
        part.order = (
            values.order if values.order is not None else (part.order or _next_order(section.criteria.all()))
        )

    def section_in(target: Instrument) -> Section:
        section: Section = _map(target, Section, values.section)
        if section.instrument_id != target.pk:
            raise refusal()
        return section

    return _save_in_version(
        instrument, Criterion, criterion, CRITERION_FIELDS, apply, section_in, acting_user
    )


ITEM_FIELDS = (
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
    "order",
    "criterion",
)


@transaction.atomic
def do_save_item(
    instrument: Instrument, values: ItemValues, *, acting_user: User, item: Item | None = None
) -> Written:
    code = _clean_code(values.code)
    text = normalize_text(values.text)[:2000]
    if not text:
        raise refuse("text", _("Write the question."))
    if values.weight is None:
        raise refuse("weight", _("A weight is required."))
    spec = ItemSpec(
        code=code,
        text=text,
        item_type=values.item_type,
        weight=values.weight,
        indicator=values.indicator.code if values.indicator is not None else "",
        minimum=values.minimum,
        maximum=values.maximum,
        threshold=values.threshold,
        target=values.target,
        options=list(values.options or []),
    )
    problems = item_problems(spec)
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors)

    def apply(part: Item, criterion: Criterion) -> None:
        part.criterion = criterion
        part.code = code
        part.text = text
        part.text_en = normalize_text(values.text_en)[:2000]
        part.item_type = values.item_type
        part.weight = values.weight
        part.guidance = normalize_text(values.guidance)
        part.evidence_required = bool(values.evidence_required) or values.item_type == ItemType.FILE
        part.required_evidence = normalize_text(values.required_evidence)
        part.indicator = values.indicator
        part.minimum, part.maximum = values.minimum, values.maximum
        part.threshold, part.target = values.threshold, values.target
        part.options = list(values.options or [])
        part.order = (
            values.order if values.order is not None else (part.order or _next_order(criterion.items.all()))
        )

    def criterion_in(target: Instrument) -> Criterion:
        criterion: Criterion = _map(target, Criterion, values.criterion)
        return criterion

    return _save_in_version(instrument, Item, item, ITEM_FIELDS, apply, criterion_in, acting_user)


@transaction.atomic
def do_delete_part(part: Section | Criterion | Item, *, acting_user: User) -> Written:
    """Delete a section (with its criteria and items), a criterion (with its items) or an item."""
    target, new_version = writable_version(part.instrument, acting_user)
    part = _map(target, type(part), part)
    audit_part(
        AssessmentAuditEvent.INSTRUMENT_PART_DELETED,
        target,
        part,
        acting_user=acting_user,
        old={"code": part.code, "kind": part._meta.model_name},
    )
    if isinstance(part, Section):
        Item.objects.filter(criterion__section=part).delete()
        part.criteria.all().delete()
    elif isinstance(part, Criterion):
        part.items.all().delete()
    part.delete()
    _check_still_usable(target)
    return Written(target, None, new_version)


def _siblings(part: Section | Criterion | Item) -> Any:
    """The parts ``part`` is ordered among: the instrument's sections, its section's criteria or
    its criterion's items."""
    if isinstance(part, Section):
        return Section.objects.filter(instrument_id=part.instrument_id)
    if isinstance(part, Criterion):
        return Criterion.objects.filter(section_id=part.section_id)
    return Item.objects.filter(criterion_id=part.criterion_id)


@transaction.atomic
def do_move_part(part: Section | Criterion | Item, direction: str, *, acting_user: User) -> Written:
    """Move a section, a criterion or an item one place earlier (``up``) or later (``down``)
    among its siblings; the siblings are numbered 1, 2, … in the order they are shown (the old
    numbers may repeat or skip), so a move is always one swap of neighbours. A version a cycle
    uses is not changed: the move is made in its next version (a draft)."""
    if direction not in ("up", "down"):
        raise refuse("direction", _("Choose to move the part up or down."))
    target, new_version = writable_version(part.instrument, acting_user)
    part = _map(target, type(part), part)
    siblings = list(_siblings(part).select_for_update().order_by("order", "pk"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == part.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        raise refuse(
            "direction",
            _("This part is first already.") if direction == "up" else _("This part is last already."),
        )
    old = siblings[index].order
    siblings[index], siblings[other] = siblings[other], siblings[index]
    changed = []
    for number, sibling in enumerate(siblings, start=1):
        if sibling.order != number:
            sibling.order = number
            changed.append(sibling)
    type(part).objects.bulk_update(changed, ["order"])
    audit_part(
        AssessmentAuditEvent.INSTRUMENT_PART_SAVED,
        target,
        part,
        acting_user=acting_user,
        old={"order": old},
        new={"order": other + 1},
    )
    return Written(target, siblings[other], new_version)


@transaction.atomic
def do_set_weights(section: Section, weights: dict[int, Decimal], *, acting_user: User) -> Written:
    """Set the weights of every item of a section at once; they must sum to its points."""
    target, new_version = writable_version(section.instrument, acting_user)
    mapped = _map(target, Section, section)
    items = list(Item.objects.filter(criterion__section=mapped).order_by("criterion__order", "order"))
    by_code = {item.pk: item.code for item in Item.objects.filter(pk__in=list(weights))}
    new_weights: dict[str, Decimal] = {by_code[pk]: weight for pk, weight in weights.items() if pk in by_code}
    if set(new_weights) != {item.code for item in items}:
        raise refuse("weights", _("Give a weight for every item of the section."))
    for code, weight in new_weights.items():
        if weight is None or weight < 0:
            raise refuse(
                "weights", _("Item %(code)s: a weight cannot be negative.") % {"code": formatting.code(code)}
            )
    message = weight_problem(mapped.code, mapped.points, new_weights.values())
    if message:
        raise refuse("weights", message)
    old = {item.code: item.weight for item in items}
    for item in items:
        item.weight = new_weights[item.code]
    Item.objects.bulk_update(items, ["weight"])
    audit_part(
        AssessmentAuditEvent.INSTRUMENT_PART_SAVED,
        target,
        mapped,
        acting_user=acting_user,
        old={"weights": {code: w for code, w in old.items() if new_weights[code] != w}},
        new={"weights": {code: w for code, w in new_weights.items() if old[code] != w}},
    )
    _check_still_usable(target)
    return Written(target, mapped, new_version)


def band_problems(bands: Sequence[BandValues], total_points: Decimal) -> list[str]:
    """Every problem of a set of bands at once (empty: none)."""
    problems: list[str] = []
    seen: set[Decimal] = set()
    if len(bands) > MAX_BANDS:
        problems.append(_("At most %(count)s bands.") % {"count": formatting.number(MAX_BANDS)})
    for band in bands:
        if not normalize_text(band.name).strip():
            problems.append(_("Every band needs a name."))
            continue
        if band.minimum is None or band.minimum < 0 or band.minimum > total_points:
            problems.append(
                _("The band “%(name)s” must start between 0 and the total, %(total)s.")
                % {"name": band.name, "total": formatting.number(total_points, rounded=True)}
            )
        elif band.minimum in seen:
            problems.append(
                _("Two bands start at %(minimum)s.")
                % {"minimum": formatting.number(band.minimum, rounded=True)}
            )
        else:
            seen.add(band.minimum)
    return problems


@transaction.atomic
def do_set_bands(
    instrument: Instrument,
    bands: Sequence[BandValues],
    *,
    acting_user: User,
    source: dict[str, Any] | None = None,
) -> Written:
    """Replace the bands of a version (each from a lower bound, within the total); in the next
    version when a cycle uses this one, so a running cycle keeps the bands it started with.
    ``source``: the file they were read from (its name and SHA-256), for the audit event. The
    bands it has already (none for none: the page posted empty) write nothing."""
    _require_change(instrument, acting_user)
    asked = sorted(
        (normalize_text(b.name)[:120], normalize_text(b.name_en)[:120], Decimal(b.minimum)) for b in bands
    )
    if asked == sorted(Band.objects.filter(instrument=instrument).values_list("name", "name_en", "minimum")):
        current = Instrument.objects.get(pk=instrument.pk)
        return Written(current, current, new_version=False)
    target, new_version = writable_version(instrument, acting_user)
    problems = band_problems(bands, Decimal(target.total_points))
    if problems:
        raise ValidationError({"bands": problems})
    old = [[b.name, b.minimum] for b in target.bands.all()]
    target.bands.all().delete()
    Band.objects.bulk_create(
        [
            Band(
                instrument=target,
                name=normalize_text(b.name)[:120],
                name_en=normalize_text(b.name_en)[:120],
                minimum=b.minimum,
            )
            for b in bands
        ]
    )
    audit_instrument(
        AssessmentAuditEvent.INSTRUMENT_CHANGED,
        target,
        acting_user=acting_user,
        old={"bands": old},
        new={"bands": [[b.name, b.minimum] for b in bands], **(source or {})},
    )
    return Written(target, target, new_version)


@transaction.atomic
def do_import_bands(instrument: Instrument, data: bytes, file_name: str, *, acting_user: User) -> Written:
    """Replace a version's bands from a spreadsheet (the bands file's format): every bad row is
    reported and nothing changes unless the whole file is valid."""
    from rasad.assessments.spreadsheet import read_bands

    _require_change(instrument, acting_user)
    bands, report = read_bands(data, file_name, total_points=Decimal(instrument.total_points))
    if bands is None:
        raise ValidationError({"file": report_messages(report, band_file=True)})
    return do_set_bands(
        instrument,
        bands,
        acting_user=acting_user,
        source={"file": file_name[:200], "sha256": report.sha256},
    )


# ---------------------------------------------------------------------------------------------
# Spreadsheets
# ---------------------------------------------------------------------------------------------


def report_messages(report: Any, *, band_file: bool = False) -> list[str]:
    """Every problem of an import report as one translated line naming its row and column."""
    from rasad.assessments.spreadsheet import BAND_COLUMNS, COLUMNS

    labels = {column.key: str(column.label) for column in (BAND_COLUMNS if band_file else COLUMNS)}
    lines = []
    for error in report.sorted_errors():
        column = labels.get(error.column, error.column)
        if error.row:
            lines.append(
                _("Row %(row)s, %(column)s: %(message)s")
                % {"row": formatting.number(error.row), "column": column, "message": error.message}
            )
        else:
            lines.append(error.message)
    return lines


def _read_file(data: bytes, file_name: str, total_points: Decimal) -> tuple[StructureSpec, str]:
    from rasad.assessments.spreadsheet import read_structure
    from rasad.indicators.models import Indicator

    codes = set(Indicator.objects.values_list("code", flat=True))
    spec, report = read_structure(
        data, file_name, total_points=total_points, indicator_exists=lambda code: code in codes
    )
    if spec is None:
        raise ValidationError({"file": report_messages(report)})
    return spec, report.sha256


@transaction.atomic
def do_import_instrument(
    values: InstrumentValues, data: bytes, file_name: str, *, acting_user: User
) -> Instrument:
    """A new instrument (a draft, version 1) whose structure is read from a spreadsheet. Every
    bad row is reported and nothing is written unless the whole file is valid."""
    require_over(acting_user, Instrument, "add", values.owner)
    check_instrument_values(values)
    spec, sha256 = _read_file(data, file_name, values.total_points)
    instrument = do_create_instrument(values, acting_user=acting_user)
    return do_import_structure(instrument, spec, acting_user=acting_user, sha256=sha256, file_name=file_name)


@transaction.atomic
def do_replace_structure(
    instrument: Instrument, data: bytes, file_name: str, *, acting_user: User
) -> Instrument:
    """Replace an instrument's structure from a spreadsheet (in the next version when a cycle uses
    this one). All rows or none."""
    _require_change(instrument, acting_user)
    spec, sha256 = _read_file(data, file_name, Decimal(instrument.total_points))
    return do_import_structure(instrument, spec, acting_user=acting_user, sha256=sha256, file_name=file_name)
