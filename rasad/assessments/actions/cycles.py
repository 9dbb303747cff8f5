"""Cycle actions: prepare a cycle, name the agencies that audit chosen sections, launch it (one
assessment per organization chosen by tree, kind and sector), and close it (results frozen)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.assessments.actions.common import refuse, require, require_over, today
from rasad.assessments.audit import AssessmentAuditEvent, audit_cycle
from rasad.assessments.choices import CycleStatus, InstrumentStatus
from rasad.assessments.models import Assessment, Cycle, CycleAudit, Instrument, Section
from rasad.core.audit_log import changes
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.lib import search
from rasad.lib.persian import normalize_text

CASE_KINDS = ("challenge", "risk")


@dataclass
class CycleValues:
    organization: Organization
    instrument: Instrument
    name: str
    opens_on: date
    closes_on: date
    scope_root: Organization
    description: str = ""
    review_closes_on: date | None = None
    year: int | None = None
    scope_kinds: list[str] = field(default_factory=list)
    scope_sectors: list[str] = field(default_factory=list)
    peer_tags: list[str] = field(default_factory=list)
    minimum_peers: int = 3
    required_assessors: int = 1
    spread_threshold: int = 20
    opens_cases: bool = False
    case_kind: str = "challenge"


def _tags(values: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        tag = normalize_text(str(value)).strip()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def check_cycle_values(values: CycleValues) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not normalize_text(values.name).strip():
        add("name", _("A name is required."))
    if values.instrument.status != InstrumentStatus.PUBLISHED:
        add("instrument", _("Only a published instrument version can be used."))
    if values.opens_on and values.closes_on and values.closes_on < values.opens_on:
        add("closes_on", _("The self-assessment cannot close before it opens."))
    if values.review_closes_on and values.closes_on and values.review_closes_on < values.closes_on:
        add("review_closes_on", _("The review cannot close before the self-assessment does."))
    for kind in values.scope_kinds:
        if kind not in OrganizationKind.values:
            add("scope_kinds", _("Unknown kind of organization “%(kind)s”.") % {"kind": kind})
    if not 1 <= values.required_assessors <= 9:
        add("required_assessors", _("Between one and nine assessors per organization."))
    if not 2 <= values.minimum_peers <= 50:
        add("minimum_peers", _("The smallest ranked peer group has between 2 and 50 members."))
    if not 0 <= values.spread_threshold <= 100:
        add("spread_threshold", _("Give the spread in points of 100, from 0 to 100."))
    if values.case_kind not in CASE_KINDS:
        add("case_kind", _("Findings open challenges or risks."))
    if values.year is not None and not 1300 <= values.year <= 1500:
        add("year", _("Give a Jalali year, such as 1404."))
    if errors:
        raise ValidationError(errors)


def members(cycle: Cycle | CycleValues) -> list[Organization]:
    """The active organizations a cycle assesses: under its root (the root included when it is
    of a chosen kind), of the chosen kinds, carrying one of the chosen sector tags."""
    root = cycle.scope_root
    candidates = Organization.objects.filter(path__startswith=root.path, closed_on__isnull=True).order_by(
        "path"
    )
    if cycle.scope_kinds:
        candidates = candidates.filter(kind__in=cycle.scope_kinds)
    chosen = list(candidates)
    if not cycle.scope_kinds:
        chosen = [o for o in chosen if o.pk != root.pk]
    if cycle.scope_sectors:
        wanted = set(cycle.scope_sectors)
        chosen = [o for o in chosen if wanted & set(o.sector_tags or [])]
    return chosen


def peer_group(cycle: Cycle, organization: Organization) -> str:
    """The first of the cycle's peer tags the organization carries (else one common group)."""
    tags = set(organization.sector_tags or [])
    return next((tag for tag in cycle.peer_tags if tag in tags), "")


# What ``_apply`` sets: a change saves these.
_APPLIED_FIELDS = (
    "organization",
    "instrument",
    "name",
    "description",
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
    "search_text",
)


def _apply(cycle: Cycle, values: CycleValues) -> None:
    cycle.organization = values.organization
    cycle.instrument = values.instrument
    cycle.name = normalize_text(values.name)[:300]
    cycle.description = normalize_text(values.description)
    cycle.opens_on = values.opens_on
    cycle.closes_on = values.closes_on
    cycle.review_closes_on = values.review_closes_on
    cycle.year = values.year
    cycle.scope_root = values.scope_root
    cycle.scope_kinds = list(dict.fromkeys(values.scope_kinds))
    cycle.scope_sectors = _tags(values.scope_sectors)
    cycle.peer_tags = _tags(values.peer_tags)
    cycle.minimum_peers = values.minimum_peers
    cycle.required_assessors = values.required_assessors
    cycle.spread_threshold = values.spread_threshold
    cycle.opens_cases = values.opens_cases
    cycle.case_kind = values.case_kind
    cycle.search_text = search.key_of(cycle)


SNAPSHOT = (
    "name",
    "description",
    "instrument_id",
    "opens_on",
    "closes_on",
    "review_closes_on",
    "year",
    "scope_root_id",
    "scope_kinds",
    "scope_sectors",
    "peer_tags",
    "minimum_peers",
    "required_assessors",
    "spread_threshold",
    "opens_cases",
    "case_kind",
)


def _snapshot(cycle: Cycle) -> dict[str, Any]:
    """What a cycle's audit event compares: every value ``_apply`` sets (its organization
    cannot change); the same before and after, a change writes and audits nothing."""
    return {name: getattr(cycle, name) for name in SNAPSHOT}


# Once a cycle is open, who is assessed and against what is fixed; the dates may move.
FIXED_WHEN_OPEN = (
    "instrument_id",
    "scope_root_id",
    "scope_kinds",
    "scope_sectors",
    "opens_cases",
    "case_kind",
)


@transaction.atomic
def do_save_cycle(values: CycleValues, *, acting_user: User, cycle: Cycle | None = None) -> Cycle:
    """Create a cycle (a draft) or change one (the values it has change nothing). Once open, its
    instrument and who it assesses stay; a closed cycle does not change."""
    check_cycle_values(values)
    if cycle is None:
        require_over(acting_user, Cycle, "add", values.organization)
        target = Cycle()
        old: dict[str, Any] = {}
    else:
        target = Cycle.objects.select_for_update().get(pk=cycle.pk)
        require(acting_user, "change", target)
        if values.organization != target.organization:
            raise refuse("organization", _("A cycle stays with the organization that runs it."))
        if target.status == CycleStatus.CLOSED:
            raise refuse("cycle", _("The cycle is closed; its results are published."))
        old = _snapshot(target)
    _apply(target, values)
    if old and target.status == CycleStatus.OPEN:
        changed = [name for name in FIXED_WHEN_OPEN if getattr(target, name) != old[name]]
        if changed:
            raise refuse(
                changed[0].removesuffix("_id"),
                _(
                    "The cycle is open: its instrument and the organizations it assesses "
                    "can no longer change."
                ),
            )
    if cycle is None:
        target.save()
    elif _snapshot(target) == old:
        return target
    else:
        target.save(update_fields=[*_APPLIED_FIELDS, "last_updated"])
    before, after = changes(old, _snapshot(target))
    audit_cycle(
        AssessmentAuditEvent.CYCLE_SAVED, target, acting_user=acting_user, old=before or None, new=after
    )
    return target


@transaction.atomic
def do_name_audit(
    cycle: Cycle, organization: Organization, sections: Sequence[Section], *, acting_user: User
) -> CycleAudit:
    """Name (or rename the sections of) an agency that audits chosen sections of the cycle."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require(acting_user, "change", cycle)
    if cycle.status == CycleStatus.CLOSED:
        raise refuse("cycle", _("The cycle is closed; its results are published."))
    if organization.pk == cycle.organization_id:
        raise refuse(
            "organization",
            _("The auditing agency must be another organization than the one running the cycle."),
        )
    if not sections:
        raise refuse("sections", _("Choose at least one section to audit."))
    if any(section.instrument_id != cycle.instrument_id for section in sections):
        raise refuse("sections", _("Choose sections of the cycle's instrument."))
    taken = set(
        CycleAudit.sections.through.objects.filter(cycleaudit__cycle=cycle, section__in=sections)
        .exclude(cycleaudit__organization=organization)
        .values_list("section__code", flat=True)
    )
    if taken:
        raise refuse(
            "sections",
            _("Another agency audits section %(codes)s already.") % {"codes": "، ".join(sorted(taken))},
        )
    audit, created = CycleAudit.objects.get_or_create(cycle=cycle, organization=organization)
    if not created and audit.reviews.filter(submitted_at__isnull=False).exists():
        raise refuse(
            "sections", _("This agency has submitted audits already; its sections can no longer change.")
        )
    old = sorted(audit.sections.values_list("code", flat=True))
    audit.sections.set(sections)
    audit_cycle(
        AssessmentAuditEvent.CYCLE_AUDIT_NAMED,
        cycle,
        acting_user=acting_user,
        obj=audit,
        old={"sections": old} if not created else None,
        new={"organization": organization.code, "sections": sorted(s.code for s in sections)},
    )
    return audit


@transaction.atomic
def do_remove_audit(audit: CycleAudit, *, acting_user: User) -> None:
    cycle = Cycle.objects.select_for_update().get(pk=audit.cycle_id)
    require(acting_user, "change", cycle)
    if audit.reviews.exists():
        raise refuse("organization", _("This agency has started auditing; it can no longer be removed."))
    audit_cycle(
        AssessmentAuditEvent.CYCLE_AUDIT_REMOVED,
        cycle,
        acting_user=acting_user,
        obj=audit,
        old={"organization": audit.organization.code},
    )
    audit.delete()


@transaction.atomic
def do_launch_cycle(cycle: Cycle, *, acting_user: User, now: Any = None) -> Cycle:
    """Open a prepared cycle: one assessment for each organization it covers."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require(acting_user, "change", cycle)
    if cycle.status != CycleStatus.DRAFT:
        raise refuse("cycle", _("Only a cycle being prepared can be launched."))
    if cycle.instrument.status == InstrumentStatus.DRAFT:
        raise refuse("instrument", _("Only a published instrument version can be used."))
    if cycle.closes_on < today(now):
        raise refuse("closes_on", _("The self-assessment window has passed already; move it first."))
    chosen = members(cycle)
    if not chosen:
        raise refuse("scope_root", _("No organization matches the cycle's choice of tree, kind and sector."))
    assessments = [
        Assessment(cycle=cycle, organization=organization, peer_group=peer_group(cycle, organization))
        for organization in chosen
    ]
    for assessment in assessments:
        assessment.search_text = search.key_of(assessment)
    Assessment.objects.bulk_create(assessments)
    cycle.status = CycleStatus.OPEN
    cycle.launched_at = timezone.now()
    cycle.save(update_fields=["status", "launched_at", "last_updated"])
    audit_cycle(
        AssessmentAuditEvent.CYCLE_LAUNCHED,
        cycle,
        acting_user=acting_user,
        new={"assessments": len(chosen), "organizations": [o.code for o in chosen]},
    )
    return cycle


@transaction.atomic
def do_close_cycle(cycle: Cycle, *, acting_user: User, now: Any = None) -> Cycle:
    """Close an open cycle after its windows: the results (bands and ranking of the finalized
    assessments) are frozen as published. Assessments not finalized stay as they are."""
    from rasad.assessments.results import cycle_results

    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require(acting_user, "change", cycle)
    if cycle.status != CycleStatus.OPEN:
        raise refuse("cycle", _("Only an open cycle can be closed."))
    if not cycle.assessments.filter(status="final").exists():
        raise refuse("cycle", _("No assessment of this cycle is final yet."))
    cycle.results = cycle_results(cycle)
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["results", "status", "closed_at", "last_updated"])
    audit_cycle(
        AssessmentAuditEvent.CYCLE_CLOSED,
        cycle,
        acting_user=acting_user,
        new={"final": cycle.assessments.filter(status="final").count()},
    )
    return cycle


@transaction.atomic
def do_delete_cycle(cycle: Cycle, *, acting_user: User) -> None:
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require(acting_user, "delete", cycle)
    if cycle.status != CycleStatus.DRAFT:
        raise refuse("cycle", _("Only a cycle being prepared can be deleted."))
    audit_cycle(AssessmentAuditEvent.CYCLE_DELETED, cycle, acting_user=acting_user, old={"name": cycle.name})
    cycle.delete()
