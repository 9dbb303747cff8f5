"""Assessment actions: the organization's self-assessment (answers, evidence, submission), the
assessors (assigned without conflict of interest) and their reviews, the consensus, and the
final result with the findings that open cases.

Who does what is decided by the assessment's verbs (``rasad.assessments.querysets``): the
assessed organization answers and submits (``change``, ``submit``); an assessor reviews
(``review``), and only their own review; the cycle's owner assigns assessors and finalizes
(``manage``). Every refusal of a hidden or forbidden object is the same 404; bad input is a
ValidationError naming the field, and nothing is partly saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.assessments import scoring
from rasad.assessments.actions.common import refuse, require, today
from rasad.assessments.audit import AssessmentAuditEvent, audit_assessment
from rasad.assessments.choices import (
    AnswerSource,
    AssessmentStatus,
    CycleStatus,
    InstrumentKind,
    ItemType,
    ReviewKind,
    Stage,
)
from rasad.assessments.indicator_answers import Figure, figures
from rasad.assessments.models import Assessment, Evidence, Finding, Item, ItemScore, Review, Section
from rasad.assessments.results import Structure, assessment_result, total_for
from rasad.core.access import refusal
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib import display, formatting
from rasad.lib.events import send_event_on_commit
from rasad.lib.persian import normalize_text, to_persian_digits

SELF_OPEN = (AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS)


@dataclass(frozen=True)
class AnswerValues:
    """One answer to one item, as a form or the API gives it: ``answer`` for compliance and
    choice items, ``value`` for RADAR and number items."""

    item: Item
    answer: str = ""
    value: float | None = None
    comment: str = ""


def _lock(assessment: Assessment) -> Assessment:
    locked: Assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle__instrument", "cycle__organization", "organization")
        .get(pk=assessment.pk)
    )
    return locked


def _push(kind: str, assessment: Assessment) -> None:
    send_event_on_commit(
        kind,
        {"id": assessment.pk, "cycle": assessment.cycle_id, "status": assessment.status},
        organization_ids=[assessment.organization_id, assessment.cycle.organization_id],
    )


def _check_window(assessment: Assessment, now: Any) -> None:
    cycle = assessment.cycle
    if cycle.status != CycleStatus.OPEN:
        raise refuse("cycle", _("The cycle is not open."))
    day = today(now)
    if day < cycle.opens_on:
        raise refuse("cycle", _("The self-assessment window has not opened yet."))
    if day > cycle.closes_on:
        raise refuse("cycle", _("The self-assessment window has closed; answers can no longer change."))


def _check_review_window(assessment: Assessment, now: Any = None) -> None:
    """Assessors score, submit and agree the consensus until the cycle's review window closes
    (when it has one): afterwards their scores can no longer change."""
    closes = assessment.cycle.review_closes_on
    if closes is not None and today(now) > closes:
        raise refuse(
            "cycle",
            _("The review window closed on %(day)s; the reviews can no longer change.")
            % {"day": formatting.date_text(closes)},
        )


def _has_file(assessment: Assessment, item: Item) -> bool:
    return Evidence.objects.filter(assessment=assessment, item=item).exists()


def _file_answer(assessment: Assessment, values: AnswerValues) -> scoring.Scored:
    """A reviewer's judgement of a file item: "yes" accepts the attached file, "no" does not."""
    item = values.item
    answer = (values.answer or "").strip()
    if answer == "no":
        return scoring.Scored("no", None, 0.0)
    if answer in ("yes", "file"):
        if not _has_file(assessment, item):
            raise refuse(
                "answer",
                _("Item %(code)s: no file is attached to it.") % {"code": formatting.code(item.code)},
            )
        return scoring.Scored("file", None, 1.0)
    raise refuse(
        "answer",
        _("Item %(code)s: answer yes (the file is accepted) or no.") % {"code": formatting.code(item.code)},
    )


Accepted = tuple[AnswerValues, scoring.Scored, str]


def _indicator_problem(values: AnswerValues, figure: Figure | None) -> str | None:
    """A value that differs from the item's approved indicator figure needs a written reason
    (the comment); without one it is refused, never taken silently."""
    if figure is None or figure.value is None or figure.matches(values.value) or values.comment.strip():
        return None

    return _(
        "Item %(code)s: the approved value of “%(indicator)s” for %(year)s is %(value)s; "
        "to give another value, write why in the comment."
    ) % {
        "code": formatting.code(values.item.code),
        "indicator": figure.indicator.name,
        "year": formatting.digits(str(figure.year)),
        "value": formatting.number(figure.value, rounded=True),
    }


def _scored(
    assessment: Assessment, answers: Sequence[AnswerValues], stage: str = Stage.SELF
) -> list[Accepted]:
    """Check every answer before anything is written; all problems at once, by item. An item
    answered from an indicator keeps the approved figure unless a reason is given
    (``rasad.assessments.indicator_answers``); the source of each answer is returned with it."""
    errors: list[str] = []
    seen: set[int] = set()
    accepted: list[Accepted] = []
    found = figures(assessment, [values.item for values in answers if values.item.indicator_id])
    for values in answers:
        item = values.item
        if item.instrument_id != assessment.cycle.instrument_id:
            raise refusal()
        if item.pk in seen:
            errors.append(_("Item %(code)s is answered twice.") % {"code": formatting.code(item.code)})
            continue
        seen.add(item.pk)
        try:
            if item.item_type == ItemType.FILE and stage != Stage.SELF:
                scored = _file_answer(assessment, values)
            else:
                scored = scoring.score_answer(
                    scoring.ItemRule.of(item),
                    values.answer,
                    values.value,
                    has_file=item.item_type == ItemType.FILE and _has_file(assessment, item),
                )
        except ValidationError as error:
            errors.extend(message for messages in error.message_dict.values() for message in messages)
            continue
        figure = found.get(item.pk)
        problem = _indicator_problem(values, figure)
        if problem:
            errors.append(problem)
            continue
        source = (
            AnswerSource.INDICATOR
            if figure is not None and figure.matches(values.value)
            else AnswerSource.MANUAL
        )
        accepted.append((values, scored, source))
    if errors:
        raise ValidationError({"answers": errors})
    return accepted


def _write_scores(
    assessment: Assessment,
    accepted: Sequence[Accepted],
    *,
    stage: str,
    acting_user: User,
    review: Review | None = None,
) -> dict[str, Any]:
    """Upsert the scores of one stage (and review); returns the changes by item code."""
    existing = {
        score.item_id: score
        for score in ItemScore.objects.filter(assessment=assessment, stage=stage, review=review)
    }
    changed: dict[str, Any] = {}
    for values, scored, source in accepted:
        comment = normalize_text(values.comment)[:4000]
        score = existing.get(values.item.pk)
        if score is None:
            score = ItemScore(assessment=assessment, item=values.item, stage=stage, review=review)
        elif (score.answer, score.value, score.fraction, score.comment, score.source) == (
            scored.answer,
            scored.value,
            scored.fraction,
            comment,
            source,
        ):
            continue
        score.answer = scored.answer
        score.value = scored.value
        score.fraction = scored.fraction
        score.comment = comment
        score.source = source
        score.scored_by = acting_user
        if score.pk is None:
            score.save()
        else:
            score.save(
                update_fields=[
                    "answer",
                    "value",
                    "fraction",
                    "comment",
                    "source",
                    "scored_by",
                    "last_updated",
                ]
            )
        changed[values.item.code] = {
            "answer": scored.answer,
            "value": scored.value,
            "fraction": scored.fraction,
            **({"source": source} if source != AnswerSource.MANUAL else {}),
            **({"comment": comment} if comment and source == AnswerSource.MANUAL else {}),
        }
    return changed


def _fill_from_indicators(assessment: Assessment, *, acting_user: User) -> dict[str, Any]:
    """Answer the self-assessment's indicator items with their approved figures. A value the
    organization gave with a reason stands; one given without a reason is replaced. A figure
    outside the item's range is not taken (the form shows it; a value is then given with a
    reason)."""
    items = list(
        Item.objects.filter(
            instrument_id=assessment.cycle.instrument_id, indicator__isnull=False
        ).select_related("indicator")
    )
    if not items:
        return {}
    found = figures(assessment, items)
    current = {
        score.item_id: score
        for score in ItemScore.objects.filter(
            assessment=assessment, stage=Stage.SELF, review__isnull=True, item__in=items
        )
    }
    accepted: list[Accepted] = []
    for item in items:
        figure = found[item.pk]
        if figure.value is None:
            continue
        score = current.get(item.pk)
        if score is not None and score.source == AnswerSource.MANUAL and score.comment:
            continue
        try:
            scored = scoring.score_answer(scoring.ItemRule.of(item), "", figure.value)
        except ValidationError:
            continue
        accepted.append((AnswerValues(item, "", figure.value), scored, AnswerSource.INDICATOR))
    return _write_scores(assessment, accepted, stage=Stage.SELF, acting_user=acting_user)


def self_total(assessment: Assessment) -> Decimal | None:
    structure = Structure.of(assessment.cycle.instrument_id)
    fractions = {
        s.item_id: (s.fraction, True)
        for s in ItemScore.objects.filter(assessment=assessment, stage=Stage.SELF, review__isnull=True)
    }
    return total_for(structure, Decimal(assessment.cycle.instrument.total_points), fractions).score


# ---------------------------------------------------------------------------------------------
# Self-assessment
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def do_save_answers(
    assessment: Assessment, answers: Sequence[AnswerValues], *, acting_user: User, now: Any = None
) -> Assessment:
    """Save some of the organization's own answers (the form saves as you go). Every answer is
    checked against its item first; one bad answer refuses them all."""
    require(acting_user, "change", assessment)
    locked = _lock(assessment)
    _check_window(locked, now)
    if locked.status not in SELF_OPEN:
        raise refuse("status", _("The self-assessment has been submitted; it can no longer change."))
    accepted = _scored(locked, answers)
    changed = _write_scores(locked, accepted, stage=Stage.SELF, acting_user=acting_user)
    filled = _fill_from_indicators(locked, acting_user=acting_user)
    old_status = locked.status
    locked.status = AssessmentStatus.IN_PROGRESS
    locked.self_score = self_total(locked)
    locked.version += 1
    locked.save(update_fields=["status", "self_score", "version", "last_updated"])
    if changed or old_status != locked.status:
        audit_assessment(
            AssessmentAuditEvent.ANSWERS_SAVED,
            locked,
            acting_user=acting_user,
            new={"answers": changed, "self_score": locked.self_score},
        )
    _audit_filled(locked, filled, acting_user=acting_user)
    _push("assessment.changed", locked)
    return locked


def _audit_filled(assessment: Assessment, filled: dict[str, Any], *, acting_user: User) -> None:
    if filled:
        audit_assessment(
            AssessmentAuditEvent.INDICATOR_ANSWERS_FILLED,
            assessment,
            acting_user=acting_user,
            new={"answers": filled, "year": assessment.cycle.year, "self_score": assessment.self_score},
        )


@transaction.atomic
def do_fill_indicator_answers(assessment: Assessment, *, acting_user: User, now: Any = None) -> Assessment:
    """Answer the items that name an indicator with the organization's approved figures for the
    cycle's year (saving and submitting do it too; this is the button and the API call that
    bring in figures approved since). A value given with a reason stands."""
    require(acting_user, "change", assessment)
    locked = _lock(assessment)
    _check_window(locked, now)
    if locked.status not in SELF_OPEN:
        raise refuse("status", _("The self-assessment has been submitted; it can no longer change."))
    filled = _fill_from_indicators(locked, acting_user=acting_user)
    if filled:
        locked.status = AssessmentStatus.IN_PROGRESS
        locked.self_score = self_total(locked)
        locked.version += 1
        locked.save(update_fields=["status", "self_score", "version", "last_updated"])
        _audit_filled(locked, filled, acting_user=acting_user)
        _push("assessment.changed", locked)
    return locked


@transaction.atomic
def do_add_evidence(
    assessment: Assessment,
    upload: UploadedFile[Any],
    *,
    acting_user: User,
    item: Item | None = None,
    description: str = "",
    now: Any = None,
) -> Evidence:
    """Attach a file to the self-assessment (to one item, or to the whole), checked like a case
    file. A refused file leaves no row and no file behind."""
    from rasad.cases.actions import ALLOWED_ATTACHMENTS, check_attachment

    require(acting_user, "change", assessment)
    locked = _lock(assessment)
    _check_window(locked, now)
    if locked.status not in SELF_OPEN:
        raise refuse("status", _("The self-assessment has been submitted; it can no longer change."))
    if item is not None and item.instrument_id != locked.cycle.instrument_id:
        raise refusal()
    name, content = check_attachment(upload)
    suffix = PurePath(name).suffix.lower()
    evidence = Evidence(
        assessment=locked,
        item=item,
        stage=Stage.SELF,
        uploaded_by=acting_user,
        name=normalize_text(name)[:200] or f"file{suffix}",
        description=normalize_text(description)[:300],
        content_type=ALLOWED_ATTACHMENTS[suffix][0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    evidence.file.save(name, ContentFile(content), save=False)
    stored = evidence.file.name
    try:
        with transaction.atomic():
            evidence.save()
            if item is not None and item.item_type == ItemType.FILE:
                # A file item is answered by its file.
                accepted = _scored(locked, [AnswerValues(item)])
                _write_scores(locked, accepted, stage=Stage.SELF, acting_user=acting_user)
            locked.status = AssessmentStatus.IN_PROGRESS
            locked.self_score = self_total(locked)
            locked.save(update_fields=["status", "self_score", "last_updated"])
            audit_assessment(
                AssessmentAuditEvent.EVIDENCE_ADDED,
                locked,
                acting_user=acting_user,
                obj=evidence,
                new={
                    "item": item.code if item else "",
                    "name": evidence.name,
                    "size": evidence.size,
                    "sha256": evidence.sha256,
                },
            )
    except Exception:
        if stored:
            evidence.file.storage.delete(stored)
        raise
    return evidence


def submission_problems(assessment: Assessment) -> list[str]:
    """Why the self-assessment cannot be submitted yet (empty: it can)."""
    answered = {
        s.item_id: s
        for s in ItemScore.objects.filter(assessment=assessment, stage=Stage.SELF, review__isnull=True)
    }
    with_files = set(
        Evidence.objects.filter(assessment=assessment, item__isnull=False).values_list("item_id", flat=True)
    )
    problems = []
    for item in Item.objects.filter(instrument_id=assessment.cycle.instrument_id).order_by(
        "criterion__section__order", "criterion__order", "order"
    ):
        score = answered.get(item.pk)
        if score is None or (item.item_type == ItemType.FILE and item.pk not in with_files):
            problems.append(_("Item %(code)s is not answered.") % {"code": formatting.code(item.code)})
        elif item.evidence_required and score.fraction is not None and item.pk not in with_files:
            problems.append(
                _("Item %(code)s needs its evidence: %(evidence)s")
                % {
                    "code": formatting.code(item.code),
                    "evidence": item.required_evidence or _("a file"),
                }
            )
    return problems


@transaction.atomic
def do_submit_assessment(assessment: Assessment, *, acting_user: User, now: Any = None) -> Assessment:
    """Send the self-assessment for review: every item answered, every required evidence
    attached (an item answered "not applicable" needs none)."""
    require(acting_user, "submit", assessment)
    locked = _lock(assessment)
    _check_window(locked, now)
    if locked.status not in SELF_OPEN:
        raise refuse("status", _("The self-assessment has been submitted already."))
    filled = _fill_from_indicators(locked, acting_user=acting_user)
    if filled:
        locked.self_score = self_total(locked)
        _audit_filled(locked, filled, acting_user=acting_user)
    problems = submission_problems(locked)
    if problems:
        raise ValidationError({"answers": problems})
    locked.status = AssessmentStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = acting_user
    locked.self_score = self_total(locked)
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "self_score", "last_updated"])
    audit_assessment(
        AssessmentAuditEvent.ASSESSMENT_SUBMITTED,
        locked,
        acting_user=acting_user,
        old={"status": AssessmentStatus.IN_PROGRESS},
        new={"status": locked.status, "self_score": locked.self_score},
    )
    _push("assessment.submitted", locked)
    return locked


# ---------------------------------------------------------------------------------------------
# Assessors
# ---------------------------------------------------------------------------------------------


def conflict_of_interest(organization: Organization, assessed: Organization) -> bool:
    """An assessor acting for the assessed organization, one of its subtree, or one above it
    (its holding, its ministry) has a conflict of interest."""
    return organization.path.startswith(assessed.path) or assessed.path.startswith(organization.path)


@transaction.atomic
def do_assign_assessor(
    assessment: Assessment, reviewer: User, organization: Organization, *, acting_user: User
) -> Review:
    """The cycle's owner assigns an assessor, acting for ``organization``. Refused when the
    assessor's organization is the assessed one, in its subtree or above it, or when the person
    may not review for that organization."""
    require(acting_user, "manage", assessment)
    locked = _lock(assessment)
    if locked.cycle.status != CycleStatus.OPEN or locked.status == AssessmentStatus.FINAL:
        raise refuse("assessment", _("Assessors can be assigned only while the assessment is open."))
    if conflict_of_interest(organization, locked.organization):
        raise refuse(
            "organization",
            _("Conflict of interest: %(organization)s is the assessed organization, part of it or above it.")
            % {"organization": organization.name},
        )
    if not reviewer.is_active or not organization_scope(reviewer, Assessment, "review").contains(
        organization
    ):
        raise refuse(
            "reviewer",
            _("%(person)s may not review assessments for %(organization)s.")
            % {"person": str(reviewer), "organization": organization.name},
        )
    if locked.reviews.filter(kind=ReviewKind.ASSESSOR, reviewer=reviewer).exists():
        raise refuse("reviewer", _("This person is an assessor of this assessment already."))
    is_lead = not locked.reviews.filter(kind=ReviewKind.ASSESSOR).exists()
    review = Review.objects.create(
        assessment=locked,
        kind=ReviewKind.ASSESSOR,
        reviewer=reviewer,
        organization=organization,
        is_lead=is_lead,
        assigned_by=acting_user,
    )
    audit_assessment(
        AssessmentAuditEvent.ASSESSOR_ASSIGNED,
        locked,
        acting_user=acting_user,
        obj=review,
        organization=locked.cycle.organization,
        new={"reviewer": reviewer.username, "organization": organization.code, "lead": is_lead},
    )
    send_event_on_commit(
        "assessment.assessor",
        {"id": locked.pk, "review": review.pk},
        organization_ids=[organization.pk, locked.cycle.organization_id],
    )
    return review


REASON_MAX = 2000


def _reason(text: str) -> str:
    reason = normalize_text(text or "").strip()
    if not reason:
        raise refuse("reason", _("Say why; the reason is kept in the audit trail."))
    if len(reason) > REASON_MAX:
        raise refuse("reason", _("At most %(max)s characters.") % {"max": formatting.number(REASON_MAX)})
    return reason


WITHDRAWABLE = (
    AssessmentStatus.NOT_STARTED,
    AssessmentStatus.IN_PROGRESS,
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.REVIEWED,
)


def _review_status(assessment: Assessment) -> str:
    """Submitted or reviewed, from the assessors who remain: reviewed once at least as many as
    the cycle requires have submitted and none is still at work."""
    assessors = list(assessment.reviews.filter(kind=ReviewKind.ASSESSOR))
    done = sum(1 for review in assessors if review.submitted_at)
    if done >= max(assessment.cycle.required_assessors, 1) and done == len(assessors):
        return AssessmentStatus.REVIEWED
    return AssessmentStatus.SUBMITTED


@transaction.atomic
def do_withdraw_assessor(review: Review, *, acting_user: User, reason: str) -> Assessment:
    """The cycle's owner withdraws an assessor (taken ill, a conflict found late), until the
    consensus is recorded. Their scores go with them and are kept in the audit event; if they
    led, the next assessor assigned leads; the assessment waits for review again when too few
    reviews remain."""
    require(acting_user, "manage", review.assessment)
    locked = _lock(review.assessment)
    locked_review = Review.objects.select_for_update().filter(pk=review.pk, assessment=locked).first()
    if locked_review is None or locked_review.kind != ReviewKind.ASSESSOR:
        raise refusal()
    if locked.status not in WITHDRAWABLE:
        raise refuse("assessment", _("An assessor can be withdrawn only until the consensus is recorded."))
    why = _reason(reason)
    scores = {
        score.item.code: {"answer": score.answer, "value": score.value, "comment": score.comment}
        for score in locked_review.scores.select_related("item")
    }
    old = {
        "reviewer": locked_review.reviewer.username,
        "organization": locked_review.organization.code,
        "lead": locked_review.is_lead,
        "submitted_at": locked_review.submitted_at,
        "scores": scores,
    }
    audit_assessment(
        AssessmentAuditEvent.ASSESSOR_WITHDRAWN,
        locked,
        acting_user=acting_user,
        obj=locked_review,
        organization=locked.cycle.organization,
        old=old,
        new={"reason": why},
    )
    was_lead = locked_review.is_lead
    organization_id = locked_review.organization_id
    locked_review.delete()
    if was_lead:
        successor = locked.reviews.filter(kind=ReviewKind.ASSESSOR).order_by("created", "id").first()
        if successor is not None:
            successor.is_lead = True
            successor.save(update_fields=["is_lead", "last_updated"])
    if locked.status in REVIEWABLE:
        status = _review_status(locked)
        if status != locked.status:
            locked.status = status
            locked.save(update_fields=["status", "last_updated"])
    send_event_on_commit(
        "assessment.assessor",
        {"id": locked.pk, "withdrawn": True},
        organization_ids=[organization_id, locked.cycle.organization_id],
    )
    _push("assessment.changed", locked)
    return locked


@transaction.atomic
def do_reopen_assessment(
    assessment: Assessment, *, acting_user: User, reason: str, now: Any = None
) -> Assessment:
    """The cycle's owner gives a submitted self-assessment back to the organization (a wrong
    answer, a missing file), while the window is open and before any assessor has submitted a
    review: its answers can change again and it is submitted anew. Assessors keep what they
    saved so far."""
    require(acting_user, "manage", assessment)
    locked = _lock(assessment)
    if locked.status != AssessmentStatus.SUBMITTED:
        raise refuse(
            "status", _("Only a self-assessment that is submitted and awaits review can be reopened.")
        )
    _check_window(locked, now)
    if locked.reviews.filter(kind=ReviewKind.ASSESSOR, submitted_at__isnull=False).exists():
        raise refuse(
            "status",
            _("An assessor has submitted a review of these answers; withdraw that assessor first."),
        )
    why = _reason(reason)
    audit_assessment(
        AssessmentAuditEvent.ASSESSMENT_REOPENED,
        locked,
        acting_user=acting_user,
        organization=locked.cycle.organization,
        old={
            "status": locked.status,
            "submitted_at": locked.submitted_at,
            "submitted_by": locked.submitted_by.username if locked.submitted_by else None,
        },
        new={"status": AssessmentStatus.IN_PROGRESS, "reason": why},
    )
    locked.status = AssessmentStatus.IN_PROGRESS
    locked.submitted_at = None
    locked.submitted_by = None
    locked.version += 1
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "version", "last_updated"])
    _push("assessment.reopened", locked)
    return locked


def _own_review(review: Review, acting_user: User) -> Review:
    """The review, locked, if it is the acting user's own and they may still review for its
    organization; else the 404 of a missing object."""
    require(acting_user, "review", review.assessment)
    locked: Review = Review.objects.select_for_update().get(pk=review.pk)
    if locked.reviewer_id != acting_user.pk or locked.kind != ReviewKind.ASSESSOR:
        raise refusal()
    return locked


REVIEWABLE = (AssessmentStatus.SUBMITTED, AssessmentStatus.REVIEWED)


@transaction.atomic
def do_save_review_scores(
    review: Review, answers: Sequence[AnswerValues], *, acting_user: User, now: Any = None
) -> Review:
    """An assessor's own scores (saved as they go, until they submit their review)."""
    locked_review = _own_review(review, acting_user)
    assessment = _lock(locked_review.assessment)
    if assessment.status not in REVIEWABLE:
        raise refuse("status", _("This assessment is not awaiting review."))
    if locked_review.submitted_at:
        raise refuse("review", _("Your review has been submitted; it can no longer change."))
    _check_review_window(assessment, now)
    accepted = _scored(assessment, answers, Stage.ASSESSOR)
    changed = _write_scores(
        assessment, accepted, stage=Stage.ASSESSOR, acting_user=acting_user, review=locked_review
    )
    if changed:
        audit_assessment(
            AssessmentAuditEvent.REVIEW_SCORES_SAVED,
            assessment,
            acting_user=acting_user,
            obj=locked_review,
            organization=locked_review.organization,
            new={"scores": changed},
        )
    return locked_review


@transaction.atomic
def do_submit_review(review: Review, *, acting_user: User, now: Any = None) -> Review:
    """Close an assessor's review: every item scored. When every assessor has submitted, the
    assessment awaits consensus."""
    locked_review = _own_review(review, acting_user)
    assessment = _lock(locked_review.assessment)
    if assessment.status not in REVIEWABLE:
        raise refuse("status", _("This assessment is not awaiting review."))
    if locked_review.submitted_at:
        raise refuse("review", _("Your review has been submitted already."))
    _check_review_window(assessment, now)
    scored = set(locked_review.scores.values_list("item_id", flat=True))
    missing = list(
        Item.objects.filter(instrument_id=assessment.cycle.instrument_id)
        .exclude(pk__in=scored)
        .order_by("criterion__section__order", "criterion__order", "order")
        .values_list("code", flat=True)
    )
    if missing:
        raise ValidationError(
            {
                "scores": [
                    _("Item %(code)s is not scored.") % {"code": formatting.code(code)} for code in missing
                ]
            }
        )
    locked_review.submitted_at = timezone.now()
    locked_review.save(update_fields=["submitted_at", "last_updated"])
    assessors = assessment.reviews.filter(kind=ReviewKind.ASSESSOR)
    done = assessors.filter(submitted_at__isnull=False).count()
    if (
        done >= max(assessment.cycle.required_assessors, 1)
        and not assessors.filter(submitted_at__isnull=True).exists()
    ):
        assessment.status = AssessmentStatus.REVIEWED
        assessment.save(update_fields=["status", "last_updated"])
    audit_assessment(
        AssessmentAuditEvent.REVIEW_SUBMITTED,
        assessment,
        acting_user=acting_user,
        obj=locked_review,
        organization=locked_review.organization,
        new={"status": assessment.status, "reviews_submitted": done},
    )
    _push("assessment.changed", assessment)
    return locked_review


def differences(assessment: Assessment) -> dict[int, scoring.Spread]:
    """Each item's spread between the submitted assessors' scores."""
    reviews = list(assessment.reviews.filter(kind=ReviewKind.ASSESSOR, submitted_at__isnull=False))
    by_item: dict[int, list[float | None]] = {}
    for score in ItemScore.objects.filter(review__in=reviews, stage=Stage.ASSESSOR):
        by_item.setdefault(score.item_id, []).append(score.fraction)
    return {
        item_id: scoring.spread(fractions, assessment.cycle.spread_threshold)
        for item_id, fractions in by_item.items()
    }


@transaction.atomic
def do_agree_consensus(
    assessment: Assessment, answers: Sequence[AnswerValues], *, acting_user: User, now: Any = None
) -> Assessment:
    """The lead assessor records the consensus: the agreed answer of every item on which the
    assessors differ; where they all gave the same answer, it stands. The assessors' own scores
    are kept beside it."""
    require(acting_user, "review", assessment)
    locked = _lock(assessment)
    lead = locked.reviews.filter(kind=ReviewKind.ASSESSOR, is_lead=True, reviewer=acting_user).first()
    if lead is None:
        raise refusal()
    if locked.status != AssessmentStatus.REVIEWED:
        raise refuse("status", _("The consensus is recorded once every assessor has submitted."))
    _check_review_window(locked, now)
    given = {values.item.pk: values for values in answers}
    reviews = list(locked.reviews.filter(kind=ReviewKind.ASSESSOR, submitted_at__isnull=False))
    scores: dict[int, list[ItemScore]] = {}
    for score in ItemScore.objects.filter(review__in=reviews, stage=Stage.ASSESSOR).select_related("item"):
        scores.setdefault(score.item_id, []).append(score)
    items = list(Item.objects.filter(instrument_id=locked.cycle.instrument_id))
    missing = []
    full: list[AnswerValues] = []
    for item in items:
        if item.pk in given:
            full.append(given[item.pk])
            continue
        same = {(s.answer, s.value) for s in scores.get(item.pk, [])}
        if len(same) == 1:
            answer, value = next(iter(same))
            reasons = [s.comment for s in scores[item.pk] if s.comment]
            full.append(AnswerValues(item, answer, value, reasons[0] if reasons else ""))
        else:
            missing.append(
                _("Item %(code)s: the assessors differ; give the agreed score.")
                % {"code": formatting.code(item.code)}
            )
    if missing:
        raise ValidationError({"answers": missing})
    accepted = _scored(locked, full, Stage.CONSENSUS)
    changed = _write_scores(locked, accepted, stage=Stage.CONSENSUS, acting_user=acting_user)
    locked.status = AssessmentStatus.AGREED
    locked.agreed_at = timezone.now()
    locked.save(update_fields=["status", "agreed_at", "last_updated"])
    audit_assessment(
        AssessmentAuditEvent.CONSENSUS_AGREED,
        locked,
        acting_user=acting_user,
        organization=lead.organization,
        new={"scores": changed, "status": locked.status},
    )
    _push("assessment.changed", locked)
    return locked


# ---------------------------------------------------------------------------------------------
# Result and findings
# ---------------------------------------------------------------------------------------------


def _likelihood(percent: float | None) -> int:
    """A risk's likelihood from how far the section falls short (docs/assessments.md)."""
    shortfall = 100 - (percent or 0)
    return max(1, min(5, 1 + int(shortfall // 20)))


@transaction.atomic
def do_finalize_assessment(assessment: Assessment, *, acting_user: User, now: Any = None) -> Assessment:
    """The cycle's owner makes the agreed result final: the score of every stage, the band and
    each item's trace are stored. For a compliance checklist whose cycle opens cases, each
    section with non-compliant items opens one case for the assessed organization, through the
    cases app's own action (a challenge or a risk, as the cycle says)."""
    require(acting_user, "manage", assessment)
    locked = _lock(assessment)
    if locked.status != AssessmentStatus.AGREED:
        raise refuse("status", _("Only an assessment whose consensus is recorded can be made final."))
    waiting = pending_audits(locked)
    if waiting:
        raise refuse(
            "status",
            _("The audit of %(agencies)s is not submitted yet.") % {"agencies": "، ".join(waiting)},
        )
    result = assessment_result(locked)
    score = result["final"]["score"]
    locked.result = result
    locked.final_score = Decimal(str(score)) if score is not None else None
    band = result["band"]
    locked.band_id = band["id"] if band else None
    locked.status = AssessmentStatus.FINAL
    locked.finalized_at = timezone.now()
    locked.save(update_fields=["result", "final_score", "band", "status", "finalized_at", "last_updated"])
    audit_assessment(
        AssessmentAuditEvent.ASSESSMENT_FINALIZED,
        locked,
        acting_user=acting_user,
        organization=locked.cycle.organization,
        new={"final_score": locked.final_score, "band": band["name"] if band else None},
    )
    if locked.cycle.instrument.kind == InstrumentKind.COMPLIANCE:
        _open_findings(locked, result, acting_user=acting_user, now=now)
    _push("assessment.final", locked)
    return locked


def finding_case_values(finding: Finding, *, kind: str) -> Any:
    """What the case of a finding says (a challenge or a risk): the section, the cycle, the items
    not met; a risk's likelihood from the section's shortfall and impact 3. ``None`` when no
    case category is available."""
    from rasad.cases.actions import CaseValues
    from rasad.cases.models import Category

    assessment = finding.assessment
    cycle = assessment.cycle
    section = finding.section
    category = (
        Category.objects.filter(code=section.case_category, is_active=True).first()
        or Category.objects.filter(code="other").first()
    )
    if category is None:
        return None
    items = sorted(finding.items.select_related("criterion"), key=lambda i: (i.criterion.order, i.order))
    percent = ((assessment.result or {}).get("final", {}).get("sections", {}).get(section.code) or {}).get(
        "percent"
    )
    is_risk = kind == "risk"
    # Stored text, read by everyone in Persian whoever finalizes or proposes (``in_persian``).
    with display.in_persian():
        title = _("Non-compliance: %(section)s — %(cycle)s") % {"section": section.title, "cycle": cycle.name}
        heading = _("Items not met in the assessment of %(organization)s:") % {
            "organization": assessment.organization.name
        }
    return CaseValues(
        kind=kind,
        category=category,
        title=title,
        reporter_organization=cycle.organization,
        owner_organization=assessment.organization,
        description="\n".join(
            [
                heading,
                # Stored in Persian (the cycle's text is): item codes in Persian digits, «A۱.۲».
                *[f"{to_persian_digits(item.code)}. {item.text}" for item in items],
            ]
        ),
        likelihood=_likelihood(percent) if is_risk else None,
        impact=3 if is_risk else None,
        origin=cycle.name[:300],
    )


def _open_findings(assessment: Assessment, result: dict[str, Any], *, acting_user: User, now: Any) -> None:
    from rasad.cases.actions import do_open_case

    non_compliant = set(result["non_compliant"])
    if not non_compliant:
        return
    cycle = assessment.cycle
    by_section: dict[str, list[Item]] = {}
    for item in Item.objects.filter(instrument_id=cycle.instrument_id, code__in=non_compliant).select_related(
        "criterion__section"
    ):
        by_section.setdefault(item.criterion.section.code, []).append(item)
    sections = Section.objects.filter(instrument_id=cycle.instrument_id, code__in=list(by_section)).order_by(
        "order"
    )
    for section in sections:
        items = sorted(by_section[section.code], key=lambda i: (i.criterion.order, i.order))
        finding = Finding.objects.create(
            assessment=assessment,
            section=section,
            score=Decimal(str(result["final"]["sections"][section.code]["earned"] or 0)),
        )
        finding.items.set(items)
        if not cycle.opens_cases:
            continue
        values = finding_case_values(finding, kind=cycle.case_kind)
        if values is None:  # pragma: no cover - the reference data migration makes "other"
            continue
        case = do_open_case(values, acting_user=None, source=finding)
        finding.case = case
        finding.save(update_fields=["case", "last_updated"])
        audit_assessment(
            AssessmentAuditEvent.FINDING_CASE_OPENED,
            assessment,
            acting_user=acting_user,
            obj=finding,
            organization=cycle.organization,
            new={"section": section.code, "case": case.reference, "items": [i.code for i in items]},
        )


# ---------------------------------------------------------------------------------------------
# Audit of chosen sections by a second agency
# ---------------------------------------------------------------------------------------------


AUDITABLE = (AssessmentStatus.AGREED,)


def audit_of(assessment: Assessment, acting_user: User) -> Any:
    """The auditing agency the acting user audits for in this assessment's cycle (404 if none)."""
    from rasad.assessments.models import CycleAudit

    scope = organization_scope(acting_user, Assessment, "audit")
    for audit in CycleAudit.objects.filter(cycle_id=assessment.cycle_id).select_related("organization"):
        if scope.contains(audit.organization):
            return audit
    raise refusal()


def audited_items(assessment: Assessment, audit: Any) -> list[Item]:
    return list(
        Item.objects.filter(
            instrument_id=assessment.cycle.instrument_id, criterion__section__in=audit.sections.all()
        ).order_by("criterion__section__order", "criterion__order", "order")
    )


@transaction.atomic
def do_save_audit_scores(
    assessment: Assessment, answers: Sequence[AnswerValues], *, acting_user: User, submit: bool = False
) -> Review:
    """The auditing agency's scores of its sections (after the assessors' consensus, before the
    result is final). Its score overrides the consensus for those sections; both are kept.
    ``submit`` closes the audit once every item of those sections is scored."""
    require(acting_user, "audit", assessment)
    locked = _lock(assessment)
    audit = audit_of(locked, acting_user)
    if locked.status not in AUDITABLE:
        raise refuse("status", _("The audit is made once the assessors' consensus is recorded."))
    review = Review.objects.filter(assessment=locked, kind=ReviewKind.AUDIT, audit=audit).first()
    if review is not None and review.submitted_at:
        raise refuse("review", _("The audit has been submitted; it can no longer change."))
    items = audited_items(locked, audit)
    allowed = {item.pk for item in items}
    outside = [values.item.code for values in answers if values.item.pk not in allowed]
    if outside:
        raise ValidationError(
            {
                "answers": [
                    _("Item %(code)s is not in a section this agency audits.")
                    % {"code": formatting.code(code)}
                    for code in outside
                ]
            }
        )
    accepted = _scored(locked, answers, Stage.AUDIT)
    if review is None:
        review = Review.objects.create(
            assessment=locked,
            kind=ReviewKind.AUDIT,
            reviewer=acting_user,
            organization=audit.organization,
            audit=audit,
        )
        audit_assessment(
            AssessmentAuditEvent.AUDIT_STARTED,
            locked,
            acting_user=acting_user,
            obj=review,
            organization=audit.organization,
            new={"sections": sorted(audit.sections.values_list("code", flat=True))},
        )
    changed = _write_scores(locked, accepted, stage=Stage.AUDIT, acting_user=acting_user, review=review)
    if changed:
        audit_assessment(
            AssessmentAuditEvent.REVIEW_SCORES_SAVED,
            locked,
            acting_user=acting_user,
            obj=review,
            organization=audit.organization,
            new={"audit": changed},
        )
    if submit:
        scored = set(review.scores.values_list("item_id", flat=True))
        missing = [item.code for item in items if item.pk not in scored]
        if missing:
            raise ValidationError(
                {
                    "answers": [
                        _("Item %(code)s is not scored.") % {"code": formatting.code(code)}
                        for code in missing
                    ]
                }
            )
        review.submitted_at = timezone.now()
        review.save(update_fields=["submitted_at", "last_updated"])
        audit_assessment(
            AssessmentAuditEvent.REVIEW_SUBMITTED,
            locked,
            acting_user=acting_user,
            obj=review,
            organization=audit.organization,
            new={"audit": True, "sections": sorted(audit.sections.values_list("code", flat=True))},
        )
        _push("assessment.changed", locked)
    return review


def pending_audits(assessment: Assessment) -> list[str]:
    """The agencies named to audit this cycle that have not submitted this assessment's audit."""
    from rasad.assessments.models import CycleAudit

    done = set(
        Review.objects.filter(
            assessment=assessment, kind=ReviewKind.AUDIT, submitted_at__isnull=False
        ).values_list("audit_id", flat=True)
    )
    return [
        audit.organization.name
        for audit in CycleAudit.objects.filter(cycle_id=assessment.cycle_id).select_related("organization")
        if audit.pk not in done
    ]


# ---------------------------------------------------------------------------------------------
# Feedback: strengths and areas for improvement per criterion
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackValues:
    criterion: Any
    strengths: str = ""
    improvements: str = ""


FEEDBACK_OPEN = (AssessmentStatus.REVIEWED, AssessmentStatus.AGREED, AssessmentStatus.FINAL)
FEEDBACK_MAX = 4000


@transaction.atomic
def do_save_feedback(
    assessment: Assessment, entries: Sequence[FeedbackValues], *, acting_user: User
) -> list[Any]:
    """The lead assessor writes what the assessors agreed to tell the organization, per
    criterion: its strengths and its areas for improvement (the feedback report)."""
    from rasad.assessments.models import Feedback

    require(acting_user, "review", assessment)
    locked = _lock(assessment)
    lead = locked.reviews.filter(kind=ReviewKind.ASSESSOR, is_lead=True, reviewer=acting_user).first()
    if lead is None:
        raise refusal()
    if locked.status not in FEEDBACK_OPEN:
        raise refuse("status", _("Feedback is written once every assessor has submitted."))
    errors = []
    for entry in entries:
        if entry.criterion.instrument_id != locked.cycle.instrument_id:
            raise refusal()
        for text in (entry.strengths, entry.improvements):
            if len(text) > FEEDBACK_MAX:
                errors.append(
                    _("Criterion %(code)s: at most %(max)s characters.")
                    % {"code": formatting.code(entry.criterion.code), "max": formatting.number(FEEDBACK_MAX)}
                )
    if errors:
        raise ValidationError({"feedback": errors})
    saved = []
    changed: dict[str, Any] = {}
    for entry in entries:
        strengths, improvements = (
            normalize_text(entry.strengths).strip(),
            normalize_text(entry.improvements).strip(),
        )
        row = Feedback.objects.filter(assessment=locked, criterion=entry.criterion).first()
        if row is None:
            if not strengths and not improvements:
                continue
            row = Feedback(assessment=locked, criterion=entry.criterion)
        elif (row.strengths, row.improvements) == (strengths, improvements):
            saved.append(row)
            continue
        row.strengths, row.improvements, row.written_by = strengths, improvements, acting_user
        if row.pk is None:
            row.save()
        else:
            row.save(update_fields=["strengths", "improvements", "written_by", "last_updated"])
        saved.append(row)
        changed[entry.criterion.code] = {"strengths": strengths, "improvements": improvements}
    if changed:
        audit_assessment(
            AssessmentAuditEvent.FEEDBACK_SAVED,
            locked,
            acting_user=acting_user,
            organization=lead.organization,
            new={"feedback": changed},
        )
    return saved
