"""Actions of the risk register (``docs/assessments.md``, "Risk register"): rate a risk's residual
likelihood and impact with its next review date, add and complete the actions of its treatment
plan, propose a risk (with one action) from a non-compliant section of a final assessment, and
import ratings from a spreadsheet. Each writes its audit event in the same transaction.

A risk is a case of kind "risk" (``rasad.cases``): its inherent likelihood and impact are the
case's own. Rating and treating it is done in the scope of the organization that owns it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.assessments.actions.common import refuse, require, today
from rasad.assessments.audit import AssessmentAuditEvent, audit_assessment, audit_risk
from rasad.assessments.models import Finding, RiskAction, RiskRating
from rasad.cases.models import Case
from rasad.core.access import can, refusal
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib import boundary, display, formatting

RISK = "risk"
# A proposed risk is reviewed, and its one action due, this many days after it is proposed.
PROPOSAL_DAYS = 90


@dataclass(frozen=True)
class RatingValues:
    residual_likelihood: int | None
    residual_impact: int | None
    review_on: date | None
    note: str = ""


def _require_risk(case: Case) -> None:
    if case.kind != RISK:
        raise refusal()


def require_register(user: User, action: str, case: Case, model: type[RiskRating] | type[RiskAction]) -> None:
    """404 unless ``user`` may ``action`` ``model`` rows of this risk (the owner's scope)."""
    _require_risk(case)
    if not can(user, action, model(case=case)):
        raise refusal()


def _check_scale(errors: dict[str, list[str]], name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        errors.setdefault(name, []).append(_("Choose a whole number from 1 to 5."))


def _check_future_date(errors: dict[str, list[str]], name: str, value: date | None, now: Any) -> None:
    if value is None:
        return
    try:
        boundary.check_date(value)
    except ValidationError as error:
        errors.setdefault(name, []).extend(error.messages)
        return
    if value < today(now):
        errors.setdefault(name, []).append(_("The date is in the past."))


def rating_errors(values: RatingValues, *, now: Any = None) -> dict[str, list[str]]:
    """Every problem of a rating, by field (the form, the API and the import share them)."""
    errors: dict[str, list[str]] = {}
    _check_scale(errors, "residual_likelihood", values.residual_likelihood)
    _check_scale(errors, "residual_impact", values.residual_impact)
    if (values.residual_likelihood is None) != (values.residual_impact is None) and not errors:
        missing = "residual_impact" if values.residual_impact is None else "residual_likelihood"
        errors[missing] = [_("Give the residual likelihood and impact together.")]
    _check_future_date(errors, "review_on", values.review_on, now)
    try:
        boundary.check_text(values.note)
    except ValidationError as error:
        errors.setdefault("note", []).extend(error.messages)
    return errors


def _rating_state(rating: RiskRating | None) -> dict[str, Any]:
    if rating is None:
        return {}
    return {
        "residual_likelihood": rating.residual_likelihood,
        "residual_impact": rating.residual_impact,
        "review_on": rating.review_on.isoformat() if rating.review_on else None,
    }


def _save_rating(case: Case, values: RatingValues, *, acting_user: User | None) -> RiskRating:
    from rasad.cases.actions import do_set_case_deadline

    rating = RiskRating.objects.select_for_update().filter(case=case).first()
    old = _rating_state(rating)
    is_new = rating is None
    if rating is None:
        rating = RiskRating(case=case)
    rating.residual_likelihood = values.residual_likelihood
    rating.residual_impact = values.residual_impact
    rating.review_on = values.review_on
    rating.note = values.note
    rating.reviewed_at = timezone.now()
    rating.reviewed_by = acting_user
    if is_new:
        rating.save()
    else:
        rating.save(
            update_fields=[
                "residual_likelihood",
                "residual_impact",
                "review_on",
                "note",
                "reviewed_at",
                "reviewed_by",
                "last_updated",
            ]
        )
    audit_risk(
        AssessmentAuditEvent.RISK_RATED,
        case,
        acting_user=acting_user,
        obj=rating,
        old=old or None,
        new=_rating_state(rating),
    )
    # The next review is the risk case's deadline: it falls due, is counted overdue and escalates
    # through the cases app's own deadline machinery, like any case (without a date, its SLA).
    do_set_case_deadline(case, rating.review_on, acting_user=acting_user)
    return rating


@transaction.atomic
def do_rate_risk(case: Case, values: RatingValues, *, acting_user: User, now: Any = None) -> RiskRating:
    """Record the risk's residual likelihood and impact (after its treatment) and the date of its
    next review. Both scores or neither; the review date is not in the past."""
    require_register(acting_user, "change", case, RiskRating)
    errors = rating_errors(values, now=now)
    if errors:
        raise ValidationError(errors)
    return _save_rating(case, values, acting_user=acting_user)


@transaction.atomic
def do_add_risk_action(
    case: Case, title: str, owner: Organization, due_on: date, *, acting_user: User, now: Any = None
) -> RiskAction:
    """Add one action to the risk's treatment plan, owed by ``owner`` (an organization in the
    acting user's scope for treatment actions) by ``due_on``."""
    require_register(acting_user, "add", case, RiskAction)
    errors: dict[str, list[str]] = {}
    title = " ".join(title.split())
    if not title:
        errors["title"] = [_("This field is required.")]
    elif len(title) > 300:
        errors["title"] = [_("The text is longer than %(max)s characters.") % {"max": formatting.number(300)}]
    else:
        try:
            boundary.check_single_line(title)
        except ValidationError as error:
            errors["title"] = list(error.messages)
    if not organization_scope(acting_user, RiskAction, "add").contains(owner):
        errors["owner"] = [_("Choose an organization in your scope.")]
    _check_future_date(errors, "due_on", due_on, now)
    if errors:
        raise ValidationError(errors)
    action = RiskAction.objects.create(
        case=case, title=title, owner=owner, due_on=due_on, created_by=acting_user
    )
    audit_risk(
        AssessmentAuditEvent.RISK_ACTION_ADDED,
        case,
        acting_user=acting_user,
        obj=action,
        new={"title": title, "owner": owner.code, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def do_complete_risk_action(action: RiskAction, *, acting_user: User, now: Any = None) -> RiskAction:
    """Record that a treatment action is done (once)."""
    require(acting_user, "change", action)
    locked: RiskAction = (
        RiskAction.objects.select_for_update().select_related("case__owner_organization").get(pk=action.pk)
    )
    if locked.done_on is not None:
        raise refuse("done_on", _("This action is already done."))
    locked.done_on = today(now)
    locked.done_by = acting_user
    locked.save(update_fields=["done_on", "done_by", "last_updated"])
    audit_risk(
        AssessmentAuditEvent.RISK_ACTION_DONE,
        locked.case,
        acting_user=acting_user,
        obj=locked,
        new={"done_on": locked.done_on.isoformat()},
    )
    return locked


@transaction.atomic
def do_propose_risk(finding: Finding, *, acting_user: User, now: Any = None) -> Case:
    """A non-compliant section of a final assessment proposes a risk for the assessed
    organization, with one treatment action ("bring the section into compliance"). Its inherent
    likelihood comes from how far the section falls short, its impact is 3 (to be judged by its
    owner); it is reviewed, and the action due, in ``PROPOSAL_DAYS`` days. Once per finding."""
    from rasad.assessments.actions.assessments import finding_case_values
    from rasad.cases.actions import do_open_case

    assessment = finding.assessment
    require(acting_user, "manage", assessment)
    locked = (
        Finding.objects.select_for_update().select_related("section", "assessment__cycle").get(pk=finding.pk)
    )
    if locked.risk_id is not None or (locked.case_id is not None and locked.case.kind == RISK):
        raise refuse("risk", _("This section has already proposed a risk."))
    values = finding_case_values(locked, kind=RISK)
    if values is None:  # pragma: no cover - the reference data migration makes "other"
        raise refuse("risk", _("No case category is available."))
    case = do_open_case(values, acting_user=None, source=locked)
    locked.risk = case
    locked.save(update_fields=["risk", "last_updated"])
    due = today(now) + timedelta(days=PROPOSAL_DAYS)
    _save_rating(case, RatingValues(None, None, due), acting_user=acting_user)
    with display.in_persian():  # stored text, read by everyone in Persian
        action_title = _("Bring “%(section)s” into compliance") % {"section": locked.section.title}
    action = RiskAction.objects.create(
        case=case,
        title=action_title[:300],
        owner=assessment.organization,
        due_on=due,
        created_by=acting_user,
    )
    audit_risk(
        AssessmentAuditEvent.RISK_ACTION_ADDED,
        case,
        acting_user=acting_user,
        obj=action,
        new={"title": action.title, "owner": assessment.organization.code, "due_on": due.isoformat()},
    )
    audit_assessment(
        AssessmentAuditEvent.RISK_PROPOSED,
        assessment,
        acting_user=acting_user,
        obj=locked,
        organization=assessment.cycle.organization,
        new={"section": locked.section.code, "case": case.reference},
    )
    return case


@transaction.atomic
def do_import_risk_ratings(
    rows: Sequence[tuple[Case, RatingValues]],
    *,
    acting_user: User,
    sha256: str,
    file_name: str,
    now: Any = None,
) -> list[RiskRating]:
    """Rate many risks at once (the register's spreadsheet, read by
    ``rasad.assessments.risks.RiskRatingImporter``): every row or none, one audit event per
    risk and one for the file."""
    ratings = []
    for case, values in rows:
        require_register(acting_user, "change", case, RiskRating)
        errors = rating_errors(values, now=now)
        if errors:
            raise ValidationError(errors)
        ratings.append(_save_rating(case, values, acting_user=acting_user))
    owners = {case.owner_organization_id: case for case, _values in rows}
    for case in owners.values():
        audit_risk(
            AssessmentAuditEvent.RISK_RATINGS_IMPORTED,
            case,
            acting_user=acting_user,
            new={"file": file_name, "sha256": sha256, "rows": len(rows)},
        )
    return ratings
