"""Every state change of the intake app.

Submitting reads and normalizes a document, runs the extraction engine against the organization
tree (with its aliases) and stores the document with its proposals. Reviewing accepts proposals
(each through its acceptance target, all in one transaction), rejects them, or corrects them;
a correction that names the right organization teaches the engine an alias for next time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import refusal, require_in_scope
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.intake.audit import (
    IntakeAuditEvent,
    audit_alias,
    audit_document_deleted,
    audit_document_submitted,
    audit_proposal_accepted,
    audit_proposal_corrected,
    audit_proposals_rejected,
)
from rasad.intake.choices import AliasSource, ProposalField, ProposalStatus
from rasad.intake.extraction import extract
from rasad.intake.extraction.text import fold
from rasad.intake.gazetteers import database_gazetteer
from rasad.intake.models import IntakeDocument, KnownPerson, OrganizationAlias, Proposal
from rasad.intake.reading import ReadText
from rasad.intake.targets import get_target
from rasad.lib import search
from rasad.lib.events import send_event_on_commit
from rasad.lib.persian import normalize_text, search_key

# What a reviewer may correct, per field.
CORRECTABLE = {
    ProposalField.DATE: ("iso",),
    ProposalField.ORGANIZATION: ("code", "name", "kind"),
    ProposalField.PERSON: ("name", "title", "honorific", "organization_code"),
    ProposalField.PLACE: ("name", "kind"),
    ProposalField.DIRECTIVE: ("action", "organization_code", "deadline", "category", "priority"),
}


@dataclass
class SubmissionValues:
    read: ReadText
    organization: Organization
    title: str = ""
    document_date: date | None = None


@transaction.atomic
def do_submit_document(values: SubmissionValues, *, acting_user: User) -> IntakeDocument:
    """Store a document and the engine's proposals for it (nothing is stored if it can't be read)."""
    if not organization_scope(acting_user, IntakeDocument, "add").contains(values.organization):
        raise refusal()
    original = values.read.text
    text = normalize_text(original)
    extraction = extract(text, database_gazetteer(), document_date=values.document_date)
    title = normalize_text(values.title).strip() or _first_line(text)
    document = IntakeDocument.objects.create(
        organization=values.organization,
        title=title[:300],
        source_kind=values.read.source_kind,
        file_name=values.read.file_name,
        original_text=original,
        text=text,
        sha256=hashlib.sha256(original.encode("utf-8")).hexdigest(),
        document_date=extraction.document_date,
        document_date_source=extraction.document_date_source,
        submitted_by=acting_user,
        search_text=search_key(f"{title} {values.read.file_name}"),
    )
    Proposal.objects.bulk_create(
        [
            Proposal(
                document=document,
                position=position,
                field=proposal.field,
                key=proposal.key[:300],
                text=proposal.text,
                spans=[list(span) for span in proposal.spans],
                rule=proposal.rule,
                data=proposal.data,
                values=dict(proposal.data),
            )
            for position, proposal in enumerate(extraction.proposals)
        ]
    )
    audit_document_submitted(document, acting_user=acting_user, proposals=len(extraction.proposals))
    require_in_scope(acting_user, "view", document)
    send_event_on_commit("intake.document", {"id": document.pk}, organization_ids=[document.organization_id])
    return document


def _first_line(text: str) -> str:
    """The first line with words in it (a dateline such as «۱۳ اسفند ۱۴۰۳ - ۱۶:۲۱» is skipped)."""
    for line in text.splitlines():
        if sum(1 for c in line if c.isalpha()) >= 12:
            return line.strip()
    return text.strip()[:120]


@dataclass
class Acceptance:
    """Accept ``proposal`` as ``target`` (its default when empty), with ``overrides`` of its values."""

    proposal: Proposal
    target: str = ""
    overrides: Mapping[str, Any] = field(default_factory=dict)


def _check_reviewable(document: IntakeDocument, acting_user: User) -> None:
    if not organization_scope(acting_user, IntakeDocument, "review").contains(document.organization):
        raise refusal()


@transaction.atomic
def do_accept_proposals(
    document: IntakeDocument, acceptances: Sequence[Acceptance], *, acting_user: User
) -> list[Proposal]:
    """Accept several proposals of one document at once: each becomes its target's record (one
    audit event per record, through the record's own action, plus one linking it to its source).
    Any refusal rolls the whole batch back; errors name the proposal they belong to."""
    from rasad.intake.targets import default_target

    _check_reviewable(document, acting_user)
    if not acceptances:
        raise ValidationError({"proposals": [_("Choose at least one proposal.")]})
    ids = [a.proposal.pk for a in acceptances]
    locked = {p.pk: p for p in Proposal.objects.select_for_update().filter(pk__in=ids, document=document)}
    now = timezone.now()
    accepted: list[Proposal] = []
    for acceptance in acceptances:
        proposal = locked.get(acceptance.proposal.pk)
        if proposal is None:
            raise ValidationError({"proposals": [_("A proposal does not belong to this document.")]})
        if proposal.status != ProposalStatus.PENDING:
            raise ValidationError(
                {"proposals": [_("“%(text)s” was already decided.") % {"text": proposal.text[:80]}]}
            )
        target = get_target(acceptance.target or default_target(proposal))
        reason = target.unavailable_reason()
        if reason is not None:
            raise ValidationError({"target": [reason]})
        if proposal.field not in target.fields or not target.applies_to(proposal):
            raise ValidationError(
                {"target": [_("“%(target)s” does not apply to this proposal.") % {"target": target.label}]}
            )
        values = {**proposal.values, **acceptance.overrides}
        try:
            record = target.accept(proposal, values, acting_user=acting_user)
        except ValidationError as error:
            raise ValidationError(
                {
                    name: [
                        _("“%(text)s”: %(message)s") % {"text": proposal.text[:60], "message": message}
                        for message in messages
                    ]
                    for name, messages in error.message_dict.items()
                }
            ) from None
        proposal.status = ProposalStatus.ACCEPTED
        proposal.values = values
        proposal.decided_by = acting_user
        proposal.decided_at = now
        proposal.target = target.code
        if record is not None:
            from django.contrib.contenttypes.models import ContentType

            proposal.record_type = ContentType.objects.get_for_model(record)
            proposal.record_id = str(record.pk)
            proposal.record_display = str(record)[:300]
        proposal.save(
            update_fields=[
                "status",
                "values",
                "decided_by",
                "decided_at",
                "target",
                "record_type",
                "record_id",
                "record_display",
                "last_updated",
            ]
        )
        audit_proposal_accepted(proposal, record, acting_user=acting_user, target=target.code)
        accepted.append(proposal)
    send_event_on_commit("intake.document", {"id": document.pk}, organization_ids=[document.organization_id])
    return accepted


@transaction.atomic
def do_reject_proposals(
    document: IntakeDocument, proposals: Sequence[Proposal], *, acting_user: User
) -> list[Proposal]:
    _check_reviewable(document, acting_user)
    if not proposals:
        raise ValidationError({"proposals": [_("Choose at least one proposal.")]})
    locked = list(
        Proposal.objects.select_for_update().filter(pk__in=[p.pk for p in proposals], document=document)
    )
    if len(locked) != len({p.pk for p in proposals}):
        raise ValidationError({"proposals": [_("A proposal does not belong to this document.")]})
    now = timezone.now()
    for proposal in locked:
        if proposal.status != ProposalStatus.PENDING:
            raise ValidationError(
                {"proposals": [_("“%(text)s” was already decided.") % {"text": proposal.text[:80]}]}
            )
        proposal.status = ProposalStatus.REJECTED
        proposal.decided_by = acting_user
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_by", "decided_at", "last_updated"])
    audit_proposals_rejected(document, [p.key for p in locked], acting_user=acting_user)
    send_event_on_commit("intake.document", {"id": document.pk}, organization_ids=[document.organization_id])
    return locked


@transaction.atomic
def do_correct_proposal(proposal: Proposal, changes: Mapping[str, Any], *, acting_user: User) -> Proposal:
    """Change what a pending proposal says. Naming the right organization teaches an alias: the
    words the document used for it are looked up as that organization next time."""
    proposal = (
        Proposal.objects.select_for_update().select_related("document__organization").get(pk=proposal.pk)
    )
    _check_reviewable(proposal.document, acting_user)
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError({"proposal": [_("Only a pending proposal can be corrected.")]})
    allowed = CORRECTABLE[ProposalField(proposal.field)]
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: [_("This value cannot be corrected here.")] for name in unknown})
    from rasad.intake.targets import organization_by_code

    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        value = "" if value is None else value
        if name in ("code", "organization_code") and value:
            organization = organization_by_code(str(value), acting_user, name)
            cleaned[name] = organization.code
            if name == "code":
                cleaned["name"] = organization.name
                cleaned["is_new"] = False
            else:
                cleaned["organization_name"] = organization.name
                cleaned["organization_is_new"] = False
        elif name in ("iso", "deadline") and value:
            try:
                cleaned[name] = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise ValidationError({name: [_("Give the date as YYYY-MM-DD.")]}) from None
        else:
            cleaned[name] = normalize_text(str(value)) if isinstance(value, str) else value
    old = {name: proposal.values.get(name) for name in cleaned}
    proposal.values = {**proposal.values, **cleaned}
    proposal.save(update_fields=["values", "last_updated"])
    audit_proposal_corrected(proposal, acting_user=acting_user, old=old, new=cleaned)
    _learn_aliases(proposal, cleaned, acting_user=acting_user)
    return proposal


def _learn_aliases(proposal: Proposal, cleaned: Mapping[str, Any], *, acting_user: User) -> None:
    surfaces: list[str] = []
    code = ""
    if (
        proposal.field == ProposalField.ORGANIZATION
        and cleaned.get("code")
        and cleaned["code"] != proposal.data.get("code")
    ):
        code = cleaned["code"]
        surfaces = list(proposal.data.get("surfaces") or [proposal.text])
    elif (
        proposal.field == ProposalField.DIRECTIVE
        and cleaned.get("organization_code")
        and cleaned["organization_code"] != proposal.data.get("organization_code")
        and proposal.data.get("actor_text")
    ):
        code = cleaned["organization_code"]
        surfaces = [proposal.data["actor_text"]]
    if not code:
        return
    organization = Organization.objects.get(code=code)
    for surface in surfaces:
        key = fold(surface)
        if len(key) < 2 or key == fold(organization.name):
            continue
        if OrganizationAlias.objects.filter(alias_key=key).exists():
            continue
        alias = OrganizationAlias(
            organization=organization,
            alias=normalize_text(surface)[:200],
            alias_key=key[:200],
            source=AliasSource.CORRECTION,
            created_by=acting_user,
        )
        alias.search_text = search.key_of(alias)
        alias.save()
        audit_alias(
            IntakeAuditEvent.ALIAS_ADDED,
            alias,
            acting_user=acting_user,
            new={"alias": alias.alias, "source": alias.source},
        )


@transaction.atomic
def do_record_person(
    *,
    name: str,
    title: str,
    honorific: str,
    organization: Organization,
    source: Proposal | None,
    acting_user: User,
) -> KnownPerson:
    if not organization_scope(acting_user, KnownPerson, "add").contains(organization):
        raise ValidationError({"organization_code": [_("You may not record people for this organization.")]})
    name = normalize_text(name).strip()
    if not name:
        raise ValidationError({"name": [_("A name is required.")]})
    person = KnownPerson.objects.create(
        organization=organization,
        name=name[:150],
        honorific=normalize_text(honorific)[:60],
        title=normalize_text(title)[:300],
        source_proposal=source,
        search_text=search_key(f"{name} {title}"),
    )
    return person


@dataclass
class AliasValues:
    organization: Organization
    alias: str


def check_alias_values(values: AliasValues, *, instance: OrganizationAlias | None = None) -> str:
    alias = normalize_text(values.alias).strip()
    key = fold(alias)
    if len(key) < 2:
        raise ValidationError({"alias": [_("An alias needs at least two letters.")]})
    clash = (
        OrganizationAlias.objects.filter(alias_key=key).exclude(pk=instance.pk if instance else None).first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "alias": [
                    _("“%(alias)s” already names %(organization)s.")
                    % {"alias": alias, "organization": clash.organization}
                ]
            }
        )
    return alias


@transaction.atomic
def do_add_alias(values: AliasValues, *, acting_user: User) -> OrganizationAlias:
    if not organization_scope(acting_user, OrganizationAlias, "add").contains(values.organization):
        raise refusal()
    alias = check_alias_values(values)
    record = OrganizationAlias(
        organization=values.organization,
        alias=alias[:200],
        alias_key=fold(alias)[:200],
        source=AliasSource.ADMINISTRATOR,
        created_by=acting_user,
    )
    record.search_text = search.key_of(record)
    record.save()
    audit_alias(
        IntakeAuditEvent.ALIAS_ADDED,
        record,
        acting_user=acting_user,
        new={"alias": record.alias, "source": record.source},
    )
    return record


@transaction.atomic
def do_update_alias(alias: OrganizationAlias, values: AliasValues, *, acting_user: User) -> OrganizationAlias:
    alias = OrganizationAlias.objects.select_for_update().get(pk=alias.pk)
    scope = organization_scope(acting_user, OrganizationAlias, "change")
    if not (scope.contains(alias.organization) and scope.contains(values.organization)):
        raise refusal()
    text = check_alias_values(values, instance=alias)
    old = {"alias": alias.alias, "organization": alias.organization_id}
    if old == {"alias": text[:200], "organization": values.organization.pk}:
        return alias  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
    alias.alias = text[:200]
    alias.alias_key = fold(text)[:200]
    alias.organization = values.organization
    alias.search_text = search.key_of(alias)
    alias.save(update_fields=["alias", "alias_key", "organization", "search_text", "last_updated"])
    audit_alias(
        IntakeAuditEvent.ALIAS_CHANGED,
        alias,
        acting_user=acting_user,
        old=old,
        new={"alias": alias.alias, "organization": alias.organization_id},
    )
    return alias


@transaction.atomic
def do_delete_alias(alias: OrganizationAlias, *, acting_user: User) -> None:
    require_in_scope(acting_user, "delete", alias)
    audit_alias(IntakeAuditEvent.ALIAS_DELETED, alias, acting_user=acting_user, old={"alias": alias.alias})
    alias.delete()


@transaction.atomic
def do_delete_document(document: IntakeDocument, *, acting_user: User) -> None:
    """Discard a document and its proposals; refused once anything was accepted from it, since
    those records point back at their source words."""
    require_in_scope(acting_user, "delete", document)
    if document.proposals.filter(status=ProposalStatus.ACCEPTED).exists():
        raise ValidationError(
            {"document": [_("Records were accepted from this document; it is kept as their source.")]}
        )
    audit_document_deleted(document, acting_user=acting_user)
    document.delete()
