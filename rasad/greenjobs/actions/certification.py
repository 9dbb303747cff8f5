"""Green-jobs actions: greening certification. A business that filled the greening checklist
(an assessment of the assessments app) asks to be certified green; the environment office
records its site visit and findings, then grants the certificate for a number of Jalali months
or refuses it with reasons. A renewal is a new request naming the certificate it renews; it runs
on from the old certificate's last day. Thirty days before a certificate lapses the business is
told (``rasad.greenjobs.tasks``)."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rasad.core.access import require_scope
from rasad.core.models import Organization, User
from rasad.greenjobs.actions.common import push
from rasad.greenjobs.audit import GreenAuditEvent, audit
from rasad.greenjobs.choices import CertificateStatus
from rasad.greenjobs.models import Business, Certificate
from rasad.lib.actions import Errors, text
from rasad.lib.jalali import from_jalali, jalali_month_length, local_date, to_jalali
from rasad.lib.stored_text import Code, LongDate, StoredText

GREENING_CHECKLIST = "GREEN-WS"
ANSWERED = ("submitted", "reviewed", "agreed", "final")
OPEN = (CertificateStatus.REQUESTED, CertificateStatus.VISITED)
EXPIRY_NOTICE_DAYS = 30
# A business asks a public body it may not see in the tree: any provincial office or national
# body may be named (their names are public); only its own people then act on the request.
OFFICE_KINDS = ("provincial_office", "national_body")


def add_months(start: date, months: int) -> date:
    """``start`` plus whole Jalali months; a day beyond the target month's length becomes its last
    day (docs/reference/methods.md, "Green jobs: eligibility, budget and certificates")."""
    jalali = to_jalali(start)
    index = jalali.year * 12 + (jalali.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return from_jalali(year, month, min(jalali.day, jalali_month_length(year, month)))


def _lock(certificate: Certificate) -> Certificate:
    locked: Certificate = (
        Certificate.objects.select_for_update().select_related("business").get(pk=certificate.pk)
    )
    return locked


def _expect(certificate: Certificate, *statuses: str) -> None:
    if certificate.status not in statuses:
        raise ValidationError(
            {
                "status": [
                    _("The certificate is %(status)s; this step is not open to it.")
                    % {"status": certificate.get_status_display()}
                ]
            }
        )


def _announce(certificate: Certificate) -> None:
    push(
        "greenjobs.certificate",
        {certificate.organization_id, certificate.office_id},
        certificate=certificate.pk,
        status=certificate.status,
    )


@transaction.atomic
def do_request_certificate(
    business: Business,
    *,
    office: Organization,
    acting_user: User | None,
    assessment: object | None = None,
    renews: Certificate | None = None,
) -> Certificate:
    """The business asks the environment office to certify it green, with its greening
    checklist (or to renew a certificate it holds)."""
    from rasad.assessments.models import Assessment

    require_scope(acting_user, Certificate, "add", business.organization)
    Business.objects.select_for_update().get(pk=business.pk)
    errors = Errors()
    if office.kind not in OFFICE_KINDS:
        errors.add("office", _("Choose the provincial environment office."))
    if Certificate.objects.filter(business=business, status__in=OPEN).exists():
        errors.add("business", _("The business already has a request waiting for the environment office."))
    if assessment is not None:
        assert isinstance(assessment, Assessment)
        if assessment.organization_id != business.organization_id:
            errors.add("assessment", _("The checklist was filled by another organization."))
        elif assessment.cycle.instrument.code != GREENING_CHECKLIST:
            errors.add("assessment", _("This is not the greening checklist."))
        elif assessment.status not in ANSWERED:
            errors.add("assessment", _("Submit the greening checklist first."))
    elif renews is None:
        errors.add("assessment", _("Fill and submit the greening checklist first, then name it here."))
    if renews is not None and (
        renews.business_id != business.pk or renews.status != CertificateStatus.GRANTED
    ):
        errors.add("renews", _("Only a certificate this business was granted can be renewed."))
    errors.raise_if_any()
    certificate = Certificate.objects.create(
        business=business,
        organization=business.organization,
        office=office,
        assessment=assessment,
        renews=renews,
        number=uuid.uuid4().hex[:20],
        requested_by=acting_user,
    )
    certificate.number = f"GC-{certificate.pk:06d}"
    certificate.save(update_fields=["number"])
    audit(
        GreenAuditEvent.CERTIFICATE_REQUESTED,
        acting_user=acting_user,
        organization=business.organization,
        obj=certificate,
        new={
            "number": certificate.number,
            "office": office.pk,
            "assessment": getattr(assessment, "pk", None),
            "renews": getattr(renews, "pk", None),
        },
    )
    _announce(certificate)
    return certificate


@transaction.atomic
def do_record_site_visit(
    certificate: Certificate, *, visited_on: date | None, findings: str, acting_user: User | None
) -> Certificate:
    """The environment office records the day it visited the business and what it found."""
    require_scope(acting_user, Certificate, "certify", certificate.office)
    locked = _lock(certificate)
    _expect(locked, *OPEN)
    errors = Errors()
    today = local_date(timezone.now())
    if visited_on is None:
        errors.add("visited_on", _("Give the day of the site visit."))
    elif visited_on > today:
        errors.add("visited_on", _("The site visit cannot be in the future."))
    elif visited_on < local_date(locked.created):
        errors.add("visited_on", _("The site visit cannot be before the request."))
    findings = text(findings, 5000)
    if not findings:
        errors.add("findings", _("Write what the visit found."))
    errors.raise_if_any()
    locked.visited_on = visited_on
    locked.findings = findings
    locked.status = CertificateStatus.VISITED
    locked.save(update_fields=["visited_on", "findings", "status", "last_updated"])
    audit(
        GreenAuditEvent.SITE_VISIT_RECORDED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        new={"visited_on": visited_on, "findings": findings},
    )
    _announce(locked)
    return locked


@transaction.atomic
def do_grant_certificate(
    certificate: Certificate, *, valid_months: int, acting_user: User | None
) -> Certificate:
    """Grant the certificate for ``valid_months`` Jalali months (1 to 60), after the site visit.
    A renewal runs on from the last day of the certificate it renews, if that is still ahead."""
    require_scope(acting_user, Certificate, "certify", certificate.office)
    locked = _lock(certificate)
    _expect(locked, CertificateStatus.VISITED)
    if not isinstance(valid_months, int) or isinstance(valid_months, bool) or not 1 <= valid_months <= 60:
        raise ValidationError({"valid_months": [_("A certificate is valid for 1 to 60 months.")]})
    today = local_date(timezone.now())
    start = today
    if locked.renews is not None and locked.renews.valid_until and locked.renews.valid_until > today:
        start = locked.renews.valid_until
    locked.granted_on = today
    locked.valid_until = add_months(start, valid_months)
    locked.status = CertificateStatus.GRANTED
    locked.decided_by = acting_user
    locked.save(update_fields=["granted_on", "valid_until", "status", "decided_by", "last_updated"])
    business = Business.objects.select_for_update().get(pk=locked.business_id)
    if business.certified_until is None or business.certified_until < locked.valid_until:
        business.certified_until = locked.valid_until
        business.save(update_fields=["certified_until", "last_updated"])
    audit(
        GreenAuditEvent.CERTIFICATE_GRANTED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        new={"granted_on": today, "valid_until": locked.valid_until, "months": valid_months},
    )
    _announce(locked)
    return locked


@transaction.atomic
def do_refuse_certificate(certificate: Certificate, *, reason: str, acting_user: User | None) -> Certificate:
    """Refuse the certification, with the reasons the business reads."""
    require_scope(acting_user, Certificate, "certify", certificate.office)
    locked = _lock(certificate)
    _expect(locked, *OPEN)
    reason = text(reason, 2000)
    if not reason:
        raise ValidationError({"reason": [_("Give the reasons.")]})
    locked.status = CertificateStatus.REFUSED
    locked.reason = reason
    locked.decided_by = acting_user
    locked.save(update_fields=["status", "reason", "decided_by", "last_updated"])
    audit(
        GreenAuditEvent.CERTIFICATE_REFUSED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        new={"reason": reason},
    )
    _announce(locked)
    return locked


@transaction.atomic
def do_notify_expiry(certificate: Certificate, *, today: date) -> bool:
    """Tell the business's people that its certificate lapses within thirty days; once per
    certificate, however many times the task runs (checked under the lock and by effect key).
    Returns whether the notice was sent now."""
    from rasad.cases.notifications import notify
    from rasad.core.scope import users_who_can
    from rasad.jobs.engine import claim_effect

    locked = _lock(certificate)
    if (
        locked.status != CertificateStatus.GRANTED
        or locked.valid_until is None
        or not today <= locked.valid_until <= date.fromordinal(today.toordinal() + EXPIRY_NOTICE_DAYS)
        or locked.expiry_notified_on is not None
        or locked.renewals.exclude(status=CertificateStatus.REFUSED).exists()
    ):
        return False
    if not claim_effect(f"greenjobs-certificate-expiry:{locked.pk}"):
        return False
    # Kept as a message id and parameters: each reader reads the day in their own calendar.
    message = StoredText(
        gettext_noop(
            "The green certificate %(number)s of %(business)s expires on %(day)s. Ask the environment "
            "office to renew it."
        ),
        {
            "number": Code(locked.number),
            "business": locked.organization.name,
            "day": LongDate(locked.valid_until),
        },
    )
    notify(users_who_can(Certificate, locked.organization, "add"), None, "status", message)
    locked.expiry_notified_on = today
    locked.save(update_fields=["expiry_notified_on", "last_updated"])
    audit(
        GreenAuditEvent.CERTIFICATE_EXPIRY_NOTIFIED,
        acting_user=None,
        organization=locked.organization,
        obj=locked,
        new={"valid_until": locked.valid_until, "notified_on": today},
    )
    return True
