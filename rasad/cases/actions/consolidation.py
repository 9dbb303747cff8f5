"""Case actions: consolidation: merging duplicates and forwarding dossiers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rasad.cases.actions.common import (
    _event,
    _now,
    _push,
)
from rasad.cases.audit import (
    audit_cases_merged,
    audit_dossier_forwarded,
)
from rasad.cases.choices import OPEN_STATUSES, CaseStatus, NotificationKind
from rasad.cases.models import (
    Case,
    Dossier,
)
from rasad.cases.notifications import notify
from rasad.core.access import refusal
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope, users_who_can
from rasad.lib.persian import normalize_text, search_key
from rasad.lib.stored_text import Code, StoredText


def _require_forward(acting_user: User, cases: Sequence[Case], field_name: str) -> None:
    scope = organization_scope(acting_user, Case, "forward")
    for case in cases:
        if not scope.contains(case.reporter_organization):
            raise ValidationError(
                {field_name: [_("You may not consolidate %(reference)s.") % {"reference": case.reference}]}
            )


@transaction.atomic
def do_merge_cases(
    primary: Case,
    duplicates: Sequence[Case],
    *,
    acting_user: User,
    note: str = "",
    now: datetime | None = None,
) -> Case:
    """Merge duplicates into ``primary``: each duplicate keeps its link (``merged_into``) and its
    reporter keeps seeing it, with the primary's progress."""
    ids = sorted({primary.pk, *(d.pk for d in duplicates)})
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    primary = locked[primary.pk]
    others = [locked[d.pk] for d in duplicates if d.pk != primary.pk]
    if not others:
        raise ValidationError({"duplicates": [_("Choose at least one other case to merge.")]})
    _require_forward(acting_user, [primary, *others], "duplicates")
    for case in [primary, *others]:
        if case.status not in OPEN_STATUSES:
            raise ValidationError(
                {"duplicates": [_("%(reference)s is not open.") % {"reference": case.reference}]}
            )
    for case in others:
        if case.kind != primary.kind:
            raise ValidationError(
                {"duplicates": [_("%(reference)s is of another kind.") % {"reference": case.reference}]}
            )
    moment = _now(now)
    note = normalize_text(note)
    for case in others:
        source_status = case.status
        case.pauses.filter(ended__isnull=True).update(ended=moment)
        case.status = CaseStatus.MERGED
        case.merged_into = primary
        case.due_at = None
        case.next_escalation_at = None
        case.version += 1
        case.save(
            update_fields=["status", "merged_into", "due_at", "next_escalation_at", "version", "last_updated"]
        )
        _event(
            case,
            "merge",
            actor=acting_user,
            created=moment,
            from_status=source_status,
            to_status=CaseStatus.MERGED,
            note=note,
            data={"merged_into": primary.pk, "merged_into_reference": primary.reference},
        )
    primary.version += 1
    primary.save(update_fields=["version", "last_updated"])
    _event(
        primary,
        "absorb",
        actor=acting_user,
        created=moment,
        note=note,
        data={"duplicates": [c.pk for c in others], "references": [c.reference for c in others]},
    )
    audit_cases_merged(primary, acting_user=acting_user, duplicate_ids=[c.pk for c in others])
    _push("case.merged", primary)
    return primary


FORWARDABLE = (CaseStatus.NEW, CaseStatus.TRIAGED, CaseStatus.REOPENED)

# Who a dossier may be addressed to (docs/cases.md, "Dossiers"): an open organization outside the
# sender's subtree whose kind coordinates others. The kinds are the rule's data; companies, sites,
# field posts and provincial offices receive work through their own coordinating body.
DOSSIER_RECIPIENT_KINDS = (
    OrganizationKind.NATIONAL_BODY,
    OrganizationKind.GOVERNORATE,
    OrganizationKind.COUNCIL,
    OrganizationKind.COMMAND_CENTRE,
)


def dossier_recipients(from_organization: Organization | None = None) -> models.QuerySet[Organization]:
    """The coordinating organizations a dossier from ``from_organization`` may be addressed to
    (without a sender: every coordinating organization, for a form before it is chosen)."""
    recipients = Organization.objects.filter(
        kind__in=DOSSIER_RECIPIENT_KINDS, closed_on__isnull=True
    ).order_by("name")
    if from_organization is not None:
        recipients = recipients.exclude(path__startswith=from_organization.path)
    return recipients


@transaction.atomic
def do_forward_dossier(
    from_organization: Organization,
    to_organization: Organization,
    cases: Sequence[Case],
    *,
    acting_user: User,
    title: str,
    summary: str,
    now: datetime | None = None,
) -> Dossier:
    """Forward consolidated cases with a summary to a coordinating organization outside the
    sender's subtree. The coordinator becomes the owner of each case and sees exactly these."""
    moment = _now(now)
    _require_dossier_request(
        from_organization, to_organization, cases, acting_user=acting_user, title=title, summary=summary
    )
    locked = list(Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases]).order_by("pk"))
    _require_forwardable(locked, from_organization)
    _require_forward(acting_user, locked, "cases")
    dossier = Dossier.objects.create(
        reference="",
        title=normalize_text(title)[:300],
        summary=normalize_text(summary),
        from_organization=from_organization,
        to_organization=to_organization,
        forwarded_by=acting_user,
        forwarded_at=moment,
    )
    dossier.reference = f"DS-{dossier.pk:06d}"
    dossier.search_text = search_key(" ".join([dossier.title, dossier.summary]))
    dossier.save(update_fields=["reference", "search_text"])
    dossier.cases.set(locked)
    for case in locked:
        _hand_over(case, dossier, acting_user=acting_user, moment=moment)
    audit_dossier_forwarded(dossier, acting_user=acting_user, case_ids=[c.pk for c in locked])
    notify(
        users_who_can(Case, to_organization, "assign"),
        None,
        NotificationKind.DOSSIER,
        # Read in each reader's language and digits (rasad.lib.stored_text).
        StoredText(
            gettext_noop("Dossier %(reference)s from %(organization)s: %(title)s"),
            {
                "reference": Code(dossier.reference),
                "organization": from_organization.name,
                "title": dossier.title,
            },
        ),
        exclude=acting_user,
    )
    return dossier


def _require_dossier_request(
    from_organization: Organization,
    to_organization: Organization,
    cases: Sequence[Case],
    *,
    acting_user: User,
    title: str,
    summary: str,
) -> None:
    """The sender is in the user's forward scope (else the 404 of a missing one); the recipient
    is a coordinating organization outside the sender's subtree; a title, a summary and at least
    one case are given. Every field's error at once."""
    errors: dict[str, list[str]] = {}
    if not organization_scope(acting_user, Case, "forward").contains(from_organization):
        raise refusal()
    if to_organization.path.startswith(from_organization.path):
        errors["to_organization"] = [
            _("The coordinating organization must be outside %(organization)s and its members.")
            % {"organization": from_organization.name}
        ]
    elif not dossier_recipients(from_organization).filter(pk=to_organization.pk).exists():
        errors["to_organization"] = [
            _(
                "A dossier goes to a coordinating organization: a national body, a governorate, "
                "a council or a command centre."
            )
        ]
    if not title.strip():
        errors["title"] = [_("A title is required.")]
    if not summary.strip():
        errors["summary"] = [_("Write a summary for the coordinating organization.")]
    if not cases:
        errors["cases"] = [_("Choose at least one case.")]
    if errors:
        raise ValidationError(errors)


def _require_forwardable(locked: Sequence[Case], from_organization: Organization) -> None:
    """Each case was reported inside the sender's subtree and is not yet being worked."""
    for case in locked:
        if not case.reporter_organization.path.startswith(from_organization.path):
            raise ValidationError(
                {
                    "cases": [
                        _("%(reference)s was not reported inside %(organization)s.")
                        % {"reference": case.reference, "organization": from_organization.name}
                    ]
                }
            )
        if case.status not in FORWARDABLE:
            raise ValidationError(
                {
                    "cases": [
                        _(
                            "%(reference)s is already being worked (%(status)s); "
                            "only new or triaged cases can be forwarded."
                        )
                        % {"reference": case.reference, "status": CaseStatus(case.status).label}
                    ]
                }
            )


def _hand_over(case: Case, dossier: Dossier, *, acting_user: User, moment: datetime) -> None:
    """The dossier's recipient becomes the owner of ``case`` (a new case is triaged by being
    forwarded), with the forward event on the case's timeline and a push to its viewers."""
    to_organization = dossier.to_organization
    previous_owner = case.owner_organization_id
    case.owner_organization = to_organization
    if case.status == CaseStatus.NEW:
        case.status = CaseStatus.TRIAGED
    case.version += 1
    case.save(update_fields=["owner_organization", "status", "version", "last_updated"])
    _event(
        case,
        "forward",
        actor=acting_user,
        created=moment,
        to_status=case.status,
        note=dossier.summary[:500],
        data={
            "dossier": dossier.pk,
            "dossier_reference": dossier.reference,
            "from_owner": previous_owner,
            "to_organization": to_organization.pk,
            "to_organization_name": to_organization.name,
        },
    )
    _push("case.forwarded", case)
