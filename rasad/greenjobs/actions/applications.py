"""Green-jobs actions: a business applies to a scheme, and the three offices act in turn.

submitted → eligibility checked (labour) → compliance confirmed (environment) → training
confirmed (technical training) → approved with an amount (labour) → disbursed in instalments →
closed; at any review step the office of the step may return the application for correction or
refuse it with reasons. Each step locks the application, checks its stage again under the lock,
writes its decision and its audit event. Approval and payment lock the scheme first, so the
budget is never over-committed, even by two approvers at once."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.cases.actions import ALLOWED_ATTACHMENTS, check_attachment
from rasad.core.access import require_scope
from rasad.core.models import Organization, User
from rasad.greenjobs.actions.common import money, push
from rasad.greenjobs.audit import GreenAuditEvent, audit
from rasad.greenjobs.choices import Agency, Outcome, Stage
from rasad.greenjobs.models import Application, Business, Decision, Document, Instalment, Scheme
from rasad.greenjobs.rules import describe, evaluate
from rasad.lib import formatting, search
from rasad.lib.actions import Errors, text
from rasad.lib.jalali import local_date

# The office that acts on each waiting stage, the stage it moves to, and its audit event.
STEPS: dict[str, tuple[str, str, GreenAuditEvent]] = {
    Stage.SUBMITTED: (Agency.LABOUR, Stage.ELIGIBLE, GreenAuditEvent.ELIGIBILITY_CHECKED),
    Stage.ELIGIBLE: (Agency.ENVIRONMENT, Stage.COMPLIANT, GreenAuditEvent.COMPLIANCE_CONFIRMED),
    Stage.COMPLIANT: (Agency.TRAINING, Stage.TRAINED, GreenAuditEvent.TRAINING_CONFIRMED),
    Stage.TRAINED: (Agency.LABOUR, Stage.APPROVED, GreenAuditEvent.APPLICATION_APPROVED),
}


def _office(scheme: Scheme, agency: str) -> Organization:
    office: Organization = {
        Agency.LABOUR: scheme.labour_office,
        Agency.ENVIRONMENT: scheme.environment_office,
        Agency.TRAINING: scheme.training_office,
    }[Agency(agency)]
    return office


def _rials(value: Decimal) -> str:
    return formatting.number(value)


def _lock(application: Application) -> Application:
    locked: Application = (
        Application.objects.select_for_update().select_related("scheme", "business").get(pk=application.pk)
    )
    return locked


def _expect(application: Application, *stages: str) -> None:
    if application.stage not in stages:
        raise ValidationError(
            {
                "stage": [
                    _("The application is %(stage)s; this step is not open to it.")
                    % {"stage": application.get_stage_display()}
                ]
            }
        )


def _decide(
    application: Application,
    *,
    stage: str,
    agency: str,
    outcome: str,
    note: str,
    acting_user: User | None,
    amount: Decimal | None = None,
) -> Decision:
    return Decision.objects.create(
        application=application,
        stage=stage,
        agency=agency,
        outcome=outcome,
        note=note,
        amount=amount,
        decided_by=acting_user,
        acting_for=_office(application.scheme, agency) if agency else application.organization,
    )


def _announce(application: Application) -> None:
    scheme = application.scheme
    push(
        "greenjobs.application",
        {
            application.organization_id,
            scheme.organization_id,
            scheme.labour_office_id,
            scheme.environment_office_id,
            scheme.training_office_id,
        },
        application=application.pk,
        stage=application.stage,
    )


# ---- applying ------------------------------------------------------------------------------------


@dataclass
class ApplicationValues:
    scheme: Scheme
    business: Business
    amount_requested: Any
    purpose: str
    jobs_planned: Any


def _check_values(values: ApplicationValues, errors: Errors) -> tuple[Decimal | None, str, int | None]:
    amount = money(values.amount_requested)
    if amount is None:
        errors.add("amount_requested", _("The amount is a whole number of rials above zero."))
    elif amount > values.scheme.max_amount:
        errors.add(
            "amount_requested",
            _("The scheme gives at most %(amount)s rials to one application.")
            % {"amount": _rials(values.scheme.max_amount)},
        )
    purpose = text(values.purpose, 5000)
    if not purpose:
        errors.add("purpose", _("Say what the money is for."))
    jobs = values.jobs_planned
    if not isinstance(jobs, int) or isinstance(jobs, bool) or not 0 <= jobs <= 100000:
        errors.add("jobs_planned", _("Jobs to be created is a whole number from 0."))
        jobs = None
    return amount, purpose, jobs


def _window(scheme: Scheme, errors: Errors) -> None:
    today = local_date(timezone.now())
    if today < scheme.opens_on:
        errors.add(
            "scheme",
            _("The scheme takes applications from %(day)s.") % {"day": formatting.date_text(scheme.opens_on)},
        )
    elif today > scheme.closes_on:
        errors.add(
            "scheme",
            _("The scheme closed to applications on %(day)s.")
            % {"day": formatting.date_text(scheme.closes_on)},
        )


@transaction.atomic
def do_create_application(values: ApplicationValues, *, acting_user: User | None) -> Application:
    """Start an application (a draft) of a business to a scheme; documents follow, then
    ``do_submit_application``."""
    organization = values.business.organization
    require_scope(acting_user, Application, "add", organization)
    if (
        acting_user is not None
        and not Scheme.objects.visible_to(acting_user).filter(pk=values.scheme.pk).exists()
    ):
        raise ValidationError({"scheme": [_("Unknown scheme.")]})
    errors = Errors()
    _window(values.scheme, errors)
    amount, purpose, jobs = _check_values(values, errors)
    errors.raise_if_any()
    assert amount is not None and jobs is not None
    application = Application.objects.create(
        scheme=values.scheme,
        organization=organization,
        business=values.business,
        number=uuid.uuid4().hex[:20],
        amount_requested=amount,
        purpose=purpose,
        jobs_planned=jobs,
        stage=Stage.DRAFT,
        submitted_at=timezone.now(),
        submitted_by=acting_user,
    )
    application.number = f"GJ-{application.pk:06d}"
    application.search_text = search.key_of(application)
    application.save(update_fields=["number", "search_text"])
    return application


@transaction.atomic
def do_attach_document(
    application: Application, requirement: str, upload: UploadedFile[Any], *, acting_user: User | None
) -> Document:
    """Attach one of the scheme's required documents to a draft or returned application. A
    refused file (wrong type, too large, content not matching its type) leaves nothing behind."""
    require_scope(acting_user, Application, "change", application.organization)
    locked = _lock(application)
    _expect(locked, Stage.DRAFT, Stage.RETURNED)
    codes = {d["code"]: d["name"] for d in locked.scheme.documents}
    if requirement not in codes:
        raise ValidationError(
            {"requirement": [_("The scheme asks for no document “%(code)s”.") % {"code": requirement}]}
        )
    name, content = check_attachment(upload)
    suffix = PurePath(name).suffix.lower()
    document = Document(
        application=locked,
        requirement=requirement,
        name=text(name, 200) or f"file{suffix}",
        content_type=ALLOWED_ATTACHMENTS[suffix][0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=acting_user,
    )
    document.file.save(name, ContentFile(content), save=False)
    stored = document.file.name
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        if stored:
            document.file.storage.delete(stored)
        raise
    return document


def _missing_documents(application: Application) -> list[str]:
    held = set(application.documents.values_list("requirement", flat=True))
    return [d["name"] for d in application.scheme.documents if d["code"] not in held]


@transaction.atomic
def do_submit_application(application: Application, *, acting_user: User | None) -> Application:
    """Send a draft to the offices: the scheme must be open and every required document
    attached."""
    require_scope(acting_user, Application, "change", application.organization)
    locked = _lock(application)
    _expect(locked, Stage.DRAFT)
    errors = Errors()
    _window(locked.scheme, errors)
    missing = _missing_documents(locked)
    if missing:
        errors.add("documents", _("Attach: %(names)s.") % {"names": "، ".join(missing)})
    errors.raise_if_any()
    locked.stage = Stage.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = acting_user
    locked.save(update_fields=["stage", "submitted_at", "submitted_by", "last_updated"])
    audit(
        GreenAuditEvent.APPLICATION_SUBMITTED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        new={
            "number": locked.number,
            "scheme": locked.scheme.code,
            "amount_requested": locked.amount_requested,
            "jobs_planned": locked.jobs_planned,
            "documents": sorted(locked.documents.values_list("sha256", flat=True)),
        },
    )
    _announce(locked)
    return locked


@transaction.atomic
def do_apply(
    values: ApplicationValues, files: dict[str, UploadedFile[Any]], *, acting_user: User | None
) -> Application:
    """The application form in one step: the application, its documents, its submission. If any
    part is refused, nothing is written and no file is kept."""
    stored: list[tuple[Any, str]] = []
    try:
        application = do_create_application(values, acting_user=acting_user)
        errors = Errors()
        for code, upload in files.items():
            try:
                document = do_attach_document(application, code, upload, acting_user=acting_user)
                stored.append((document.file.storage, str(document.file.name)))
            except ValidationError as error:
                for message in error.messages:
                    errors.add(f"document_{code}", message)
        errors.raise_if_any()
        return do_submit_application(application, acting_user=acting_user)
    except Exception:
        for storage, name in stored:
            storage.delete(name)
        raise


@dataclass
class Correction:
    amount_requested: Any = None
    purpose: str | None = None
    jobs_planned: Any = None
    note: str = ""


@transaction.atomic
def do_resubmit_application(
    application: Application, correction: Correction, *, acting_user: User | None
) -> Application:
    """Correct a returned application and send it back to the office that returned it."""
    require_scope(acting_user, Application, "change", application.organization)
    locked = _lock(application)
    _expect(locked, Stage.RETURNED)
    errors = Errors()
    amount, purpose, jobs = _check_values(
        ApplicationValues(
            scheme=locked.scheme,
            business=locked.business,
            amount_requested=locked.amount_requested
            if correction.amount_requested is None
            else correction.amount_requested,
            purpose=locked.purpose if correction.purpose is None else correction.purpose,
            jobs_planned=locked.jobs_planned if correction.jobs_planned is None else correction.jobs_planned,
        ),
        errors,
    )
    missing = _missing_documents(locked)
    if missing:
        errors.add("documents", _("Attach: %(names)s.") % {"names": "، ".join(missing)})
    errors.raise_if_any()
    assert amount is not None and jobs is not None
    old = {
        "amount_requested": locked.amount_requested,
        "purpose": locked.purpose,
        "jobs_planned": locked.jobs_planned,
    }
    locked.amount_requested = amount
    locked.purpose = purpose
    locked.jobs_planned = jobs
    locked.stage = locked.returned_from or Stage.SUBMITTED
    locked.returned_from = ""
    locked.save()
    _decide(
        locked,
        stage=Stage.RETURNED,
        agency="",
        outcome=Outcome.PASSED,
        note=text(correction.note, 2000),
        acting_user=acting_user,
    )
    audit(
        GreenAuditEvent.APPLICATION_RESUBMITTED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old=old,
        new={"amount_requested": amount, "purpose": purpose, "jobs_planned": jobs, "stage": locked.stage},
    )
    _announce(locked)
    return locked


# ---- the offices' steps --------------------------------------------------------------------------


def _step(
    application: Application, stage: str, *, acting_user: User | None, note: str, permission: str = "review"
) -> tuple[Application, str]:
    """Lock, check the stage, and check the actor acts for the office of the step."""
    agency = STEPS[stage][0]
    require_scope(acting_user, Application, permission, _office(application.scheme, agency))
    locked = _lock(application)
    _expect(locked, stage)
    return locked, text(note, 2000)


def _advance(
    locked: Application,
    stage: str,
    *,
    acting_user: User | None,
    note: str,
    extra: dict[str, Any] | None = None,
) -> Application:
    agency, next_stage, event = STEPS[stage]
    locked.stage = next_stage
    locked.save(update_fields=["stage", "priority_points", "approved_amount", "last_updated"])
    _decide(
        locked,
        stage=stage,
        agency=agency,
        outcome=Outcome.PASSED,
        note=note,
        acting_user=acting_user,
        amount=locked.approved_amount if next_stage == Stage.APPROVED else None,
    )
    audit(
        event,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"stage": stage},
        new={"stage": next_stage, "note": note, **(extra or {})},
    )
    _announce(locked)
    return locked


@transaction.atomic
def do_check_eligibility(
    application: Application, *, acting_user: User | None, note: str = ""
) -> Application:
    """The labour office checks the scheme's rules against the business and records its
    priority points. A business that fails a required rule cannot pass (refuse or return it)."""
    locked, note = _step(application, Stage.SUBMITTED, acting_user=acting_user, note=note)
    verdict = evaluate(locked.scheme.rules, locked.business, local_date(timezone.now()))
    if not verdict.eligible:
        raise ValidationError(
            {
                "eligibility": [
                    _("The business does not meet: %(rules)s. Return or refuse the application.")
                    % {"rules": "؛ ".join(describe(rule) for rule in verdict.failed)}
                ]
            }
        )
    locked.priority_points = verdict.points
    return _advance(
        locked, Stage.SUBMITTED, acting_user=acting_user, note=note, extra={"points": verdict.points}
    )


@transaction.atomic
def do_confirm_compliance(
    application: Application, *, acting_user: User | None, note: str = ""
) -> Application:
    """The environment office confirms the business meets the environmental requirements."""
    locked, note = _step(application, Stage.ELIGIBLE, acting_user=acting_user, note=note)
    return _advance(locked, Stage.ELIGIBLE, acting_user=acting_user, note=note)


@transaction.atomic
def do_confirm_training(application: Application, *, acting_user: User | None, note: str = "") -> Application:
    """The technical-training office confirms the training the scheme requires was completed."""
    locked, note = _step(application, Stage.COMPLIANT, acting_user=acting_user, note=note)
    return _advance(locked, Stage.COMPLIANT, acting_user=acting_user, note=note)


@transaction.atomic
def do_approve_application(
    application: Application, amount: Any, *, acting_user: User | None, note: str = ""
) -> Application:
    """The labour office approves an amount. The scheme row is locked first: what remains of the
    budget is read under the lock, so two approvals at once cannot together exceed it."""
    require_scope(acting_user, Application, "approve", application.scheme.labour_office)
    scheme: Scheme = Scheme.objects.select_for_update().get(pk=application.scheme_id)
    locked, note = _step(application, Stage.TRAINED, acting_user=acting_user, note=note, permission="approve")
    value = money(amount)
    errors = Errors()
    if value is None:
        errors.add("amount", _("The amount is a whole number of rials above zero."))
    elif value > locked.amount_requested:
        errors.add(
            "amount",
            _("The business asked for %(asked)s rials; the approval cannot be more.")
            % {"asked": _rials(locked.amount_requested)},
        )
    elif value > scheme.remaining:
        errors.add(
            "amount",
            _("Only %(left)s rials of the scheme's budget remain uncommitted.")
            % {"left": _rials(scheme.remaining)},
        )
    errors.raise_if_any()
    assert value is not None
    scheme.committed += value
    scheme.save(update_fields=["committed", "last_updated"])
    locked.scheme = scheme
    locked.approved_amount = value
    return _advance(
        locked,
        Stage.TRAINED,
        acting_user=acting_user,
        note=note,
        extra={"amount": value, "committed": scheme.committed},
    )


@transaction.atomic
def do_pay_instalment(
    application: Application,
    amount: Any,
    *,
    paid_on: date | None,
    acting_user: User | None,
    reference: str = "",
) -> Instalment:
    """Record an instalment paid on an approved application: never beyond the approved amount.
    The last one marks the application fully disbursed."""
    require_scope(acting_user, Application, "approve", application.scheme.labour_office)
    scheme: Scheme = Scheme.objects.select_for_update().get(pk=application.scheme_id)
    locked = _lock(application)
    _expect(locked, Stage.APPROVED)
    value = money(amount)
    errors = Errors()
    if value is None:
        errors.add("amount", _("The amount is a whole number of rials above zero."))
    elif value > locked.undisbursed:
        errors.add(
            "amount",
            _("Only %(left)s rials of the approved amount remain to be paid.")
            % {"left": _rials(locked.undisbursed)},
        )
    today = local_date(timezone.now())
    if paid_on is None:
        errors.add("paid_on", _("Give the day it was paid."))
    elif paid_on > today:
        errors.add("paid_on", _("The day it was paid cannot be in the future."))
    elif paid_on < local_date(locked.submitted_at):
        errors.add("paid_on", _("The day it was paid cannot be before the application."))
    errors.raise_if_any()
    assert value is not None and paid_on is not None
    number = locked.instalments.count() + 1
    instalment = Instalment.objects.create(
        application=locked,
        number=number,
        amount=value,
        paid_on=paid_on,
        reference=text(reference, 80),
        recorded_by=acting_user,
    )
    locked.disbursed_amount += value
    if locked.disbursed_amount == locked.approved_amount:
        locked.stage = Stage.DISBURSED
    locked.save(update_fields=["disbursed_amount", "stage", "last_updated"])
    scheme.disbursed += value
    scheme.save(update_fields=["disbursed", "last_updated"])
    audit(
        GreenAuditEvent.INSTALMENT_PAID,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        new={"instalment": number, "amount": value, "paid_on": paid_on, "disbursed": locked.disbursed_amount},
    )
    _announce(locked)
    return instalment


@transaction.atomic
def do_close_application(
    application: Application, *, acting_user: User | None, note: str = ""
) -> Application:
    """Close a paid application. What was approved and not paid goes back to the scheme's
    budget."""
    require_scope(acting_user, Application, "approve", application.scheme.labour_office)
    scheme: Scheme = Scheme.objects.select_for_update().get(pk=application.scheme_id)
    locked = _lock(application)
    _expect(locked, Stage.APPROVED, Stage.DISBURSED)
    released = locked.undisbursed
    if released:
        scheme.committed -= released
        scheme.save(update_fields=["committed", "last_updated"])
    old_stage = locked.stage
    locked.stage = Stage.CLOSED
    locked.save(update_fields=["stage", "last_updated"])
    _decide(
        locked,
        stage=old_stage,
        agency=Agency.LABOUR,
        outcome=Outcome.PASSED,
        note=text(note, 2000),
        acting_user=acting_user,
    )
    audit(
        GreenAuditEvent.APPLICATION_CLOSED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"stage": old_stage},
        new={"stage": Stage.CLOSED, "released": released},
    )
    _announce(locked)
    return locked


def _set_back(
    application: Application, *, outcome: str, reason: str, acting_user: User | None
) -> Application:
    locked = _lock(application)
    stage_before = locked.stage
    if stage_before not in STEPS:
        raise ValidationError(
            {
                "stage": [
                    _("The application is %(stage)s; it can no longer be returned or refused.")
                    % {"stage": locked.get_stage_display()}
                ]
            }
        )
    agency = STEPS[stage_before][0]
    require_scope(acting_user, Application, "review", _office(locked.scheme, agency))
    reason = text(reason, 2000)
    if not reason:
        raise ValidationError({"reason": [_("Give the reasons.")]})
    stage = stage_before
    if outcome == Outcome.RETURNED:
        locked.returned_from = stage
        locked.stage = Stage.RETURNED
        event = GreenAuditEvent.APPLICATION_RETURNED
    else:
        locked.stage = Stage.REFUSED
        event = GreenAuditEvent.APPLICATION_REFUSED
    locked.save(update_fields=["stage", "returned_from", "last_updated"])
    _decide(locked, stage=stage, agency=agency, outcome=outcome, note=reason, acting_user=acting_user)
    audit(
        event,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"stage": stage},
        new={"stage": locked.stage, "reason": reason},
    )
    _announce(locked)
    return locked


@transaction.atomic
def do_return_application(application: Application, *, reason: str, acting_user: User | None) -> Application:
    """The office of the current step sends the application back to the business for
    correction, with its reasons."""
    return _set_back(application, outcome=Outcome.RETURNED, reason=reason, acting_user=acting_user)


@transaction.atomic
def do_refuse_application(application: Application, *, reason: str, acting_user: User | None) -> Application:
    """The office of the current step refuses the application, with its reasons."""
    return _set_back(application, outcome=Outcome.REFUSED, reason=reason, acting_user=acting_user)
