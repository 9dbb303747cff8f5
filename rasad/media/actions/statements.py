"""Media actions of the headquarters: member agencies, and a statement's life from draft to
issue (draft → in review → approved → issued), its files and its new versions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from rasad.cases.actions import ALLOWED_ATTACHMENTS, check_attachment
from rasad.cases.calendar import current_calendar
from rasad.cases.sla import add_working_time
from rasad.core.access import require_scope
from rasad.core.models import Organization, User
from rasad.lib import formatting
from rasad.lib.actions import Errors, saved_values, text
from rasad.lib.jalali import local_date
from rasad.lib.persian import search_key
from rasad.lib.stored_text import StoredText
from rasad.media.actions.common import moment, push
from rasad.media.actions.crisis import record_on_timeline
from rasad.media.actions.deadlines import reminder_moment
from rasad.media.audit import MediaAuditEvent, audit
from rasad.media.choices import (
    OPEN_RECIPIENT_STATES,
    CrisisState,
    DeadlineBasis,
    EntryKind,
    RecipientState,
    StatementKind,
    StatementState,
)
from rasad.media.models import Crisis, MemberAgency, Recipient, Statement, StatementAttachment
from rasad.training.models import PositionHolding

MAX_DEADLINE_HOURS = 720
MAX_BODY = 20_000
SPOKESPERSON_POSITION = "spokesperson"
SPOKESPERSON_REFUSED = gettext_lazy(
    "Choose a spokesperson of this headquarters or of one of its member agencies."
)


# ---- member agencies ------------------------------------------------------------------------


@transaction.atomic
def do_add_member_agency(
    hq: Organization, agency: Organization, *, acting_user: User | None, joined_on: date | None = None
) -> MemberAgency:
    """Make ``agency`` a member of the media headquarters ``hq`` (again, if it had left)."""
    require_scope(acting_user, MemberAgency, "add", hq)
    errors = Errors()
    if agency.pk == hq.pk:
        errors.add("agency", _("A headquarters cannot be its own member agency."))
    existing = MemberAgency.objects.select_for_update().filter(hq=hq, agency=agency).first()
    if existing is not None and existing.is_active:
        errors.add("agency", _("%(agency)s is already a member agency.") % {"agency": agency.name})
    errors.raise_if_any()
    member = existing or MemberAgency(hq=hq, agency=agency)
    member.is_active = True
    member.joined_on = joined_on or local_date(timezone.now())
    if existing is None:
        member.save()
    else:
        member.save(update_fields=["is_active", "joined_on", "last_updated"])
    audit(
        MediaAuditEvent.MEMBER_ADDED,
        acting_user=acting_user,
        organization=hq,
        obj=member,
        new={"agency": agency.code, "joined_on": member.joined_on.isoformat()},
    )
    return member


@transaction.atomic
def do_set_member_active(member: MemberAgency, active: bool, *, acting_user: User | None) -> MemberAgency:
    """Take an agency off the headquarters' list (its past statements stay), or back on."""
    require_scope(acting_user, MemberAgency, "change", member.hq)
    locked: MemberAgency = MemberAgency.objects.select_for_update().get(pk=member.pk)
    if locked.is_active != active:
        locked.is_active = active
        locked.save(update_fields=["is_active", "last_updated"])
        audit(
            MediaAuditEvent.MEMBER_CHANGED,
            acting_user=acting_user,
            organization=locked.hq,
            obj=locked,
            old={"is_active": not active},
            new={"is_active": active},
        )
    return locked


# ---- statements -----------------------------------------------------------------------------


@dataclass
class StatementValues:
    organization: Organization
    kind: str
    title: str
    body: str
    crisis: Crisis | None = None
    spokesperson: PositionHolding | None = None


def spokespeople(hq_ids: Iterable[int]) -> QuerySet[PositionHolding]:
    """Who may speak a statement of these headquarters: the open holdings of the position
    «سخنگو» (spokesperson) on a membership of a headquarters or of one of its active member
    agencies, by active people (the training app's positions, docs/media.md)."""
    hq_ids = list(hq_ids)
    agencies = MemberAgency.objects.active().filter(hq_id__in=hq_ids).values_list("agency_id", flat=True)
    holdings: QuerySet[PositionHolding] = (
        PositionHolding.objects.open()
        .filter(
            Q(membership__organization_id__in=hq_ids) | Q(membership__organization_id__in=agencies),
            position__code=SPOKESPERSON_POSITION,
            membership__user__is_active=True,
        )
        .select_related("membership__user", "membership__organization")
        .order_by("membership__organization__name", "membership__user__display_name", "pk")
    )
    return holdings


def spokesperson_label(holding: PositionHolding) -> str:
    """The spokesperson as a statement names them: the person and whose spokesperson they are."""
    return f"{holding.membership.user} ({holding.membership.organization.name})"


def _spokesperson_gone(statement: Statement) -> str | None:
    """Why the statement's spokesperson can no longer speak it (left the post, or their agency
    left the headquarters), or None."""
    if (
        statement.spokesperson_id is None
        or spokespeople([statement.organization_id]).filter(pk=statement.spokesperson_id).exists()
    ):
        return None
    return _("The spokesperson named no longer holds that position here; choose another one first.")


def _lock(statement: Statement) -> Statement:
    locked: Statement = Statement.objects.select_for_update().get(pk=statement.pk)
    return locked


def _not_editable(statement: Statement) -> str:
    if statement.state in (StatementState.ISSUED, StatementState.SUPERSEDED):
        return _("An issued statement cannot be changed; draft a new version of it instead.")
    return _("Only a draft can be changed; send it back to draft first.")


def _statement_push(kind: str, statement: Statement, **payload: Any) -> None:
    organizations = {statement.organization_id}
    if statement.state in (StatementState.ISSUED, StatementState.SUPERSEDED):
        organizations |= set(statement.recipients.values_list("agency_id", flat=True))
    if statement.crisis_id is not None:
        # The crisis room of the statement's crisis lists it: its open pages refetch (only the
        # people the organizations above admit; a draft never reaches an agency).
        payload["crisis"] = statement.crisis_id
    push(kind, organizations, statement=statement.pk, state=statement.state, **payload)


# What a change of a draft writes (the same before and after: nothing is saved).
_STATEMENT_FIELDS = ("kind", "crisis", "spokesperson", "title", "body", "search_text")


@transaction.atomic
def do_save_statement(
    values: StatementValues, *, acting_user: User | None, instance: Statement | None = None
) -> Statement:
    """Draft a statement (or change a draft). An issued statement is never changed."""
    if instance is not None:
        require_scope(acting_user, Statement, "change", instance.organization)
        instance = _lock(instance)
        if not instance.is_editable:
            raise ValidationError({"state": [_not_editable(instance)]})
    else:
        require_scope(acting_user, Statement, "add", values.organization)
    errors = Errors()
    title = text(values.title, 300)
    body = text(values.body)
    if not title:
        errors.add("title", _("A statement needs a title."))
    if not body:
        errors.add("body", _("A statement needs its text."))
    elif len(body) > MAX_BODY:
        errors.add(
            "body",
            _("The text is longer than %(limit)s characters.") % {"limit": formatting.number(MAX_BODY)},
        )
    if values.kind not in StatementKind.values:
        errors.add("kind", _("Choose a statement or talking points."))
    organization_id = instance.organization_id if instance else values.organization.pk
    if (
        values.spokesperson is not None
        and not spokespeople([organization_id]).filter(pk=values.spokesperson.pk).exists()
    ):
        errors.add("spokesperson", str(SPOKESPERSON_REFUSED))
    if values.crisis is not None:
        if values.crisis.organization_id != organization_id:
            errors.add("crisis", _("The crisis belongs to another headquarters."))
        elif values.crisis.state != CrisisState.OPEN:
            errors.add("crisis", _("The crisis is closed; its timeline no longer changes."))
    errors.raise_if_any()
    statement = instance or Statement(organization=values.organization, created_by=acting_user)
    old = (
        {"title": statement.title, "kind": statement.kind, "spokesperson": statement.spokesperson_id}
        if instance
        else None
    )
    saved = saved_values(statement, _STATEMENT_FIELDS) if instance else None
    statement.kind = values.kind
    statement.crisis = values.crisis
    statement.spokesperson = values.spokesperson
    statement.title = title
    statement.body = body
    statement.search_text = search_key(f"{title} {body[:2000]}")
    if instance is None:
        statement.save()
    elif saved == saved_values(statement, _STATEMENT_FIELDS):
        return statement  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
    else:
        statement.save(update_fields=[*_STATEMENT_FIELDS, "last_updated"])
    audit(
        MediaAuditEvent.STATEMENT_SAVED,
        acting_user=acting_user,
        organization=statement.organization,
        obj=statement,
        old=old,
        new={
            "title": title,
            "kind": values.kind,
            "version": statement.version,
            "spokesperson": statement.spokesperson_id,
        },
    )
    _statement_push("media.statement", statement)
    return statement


def _step(
    statement: Statement,
    *,
    acting_user: User | None,
    permission: str,
    sources: tuple[str, ...],
    target: str,
    event: MediaAuditEvent,
    refused: str,
    note: str = "",
) -> Statement:
    require_scope(acting_user, Statement, permission, statement.organization)
    locked = _lock(statement)
    if locked.state not in sources:
        raise ValidationError({"state": [refused]})
    if target == StatementState.APPROVED and (gone := _spokesperson_gone(locked)):
        raise ValidationError({"spokesperson": [gone]})
    old_state = locked.state
    locked.state = target
    fields = ["state", "last_updated"]
    if target == StatementState.APPROVED:
        locked.approved_by = acting_user
        locked.approved_at = timezone.now()
        fields += ["approved_by", "approved_at"]
    locked.save(update_fields=fields)
    new: dict[str, Any] = {"state": target}
    if note:
        new["note"] = note
    audit(
        event,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"state": old_state},
        new=new,
    )
    _statement_push("media.statement", locked)
    return locked


@transaction.atomic
def do_submit_statement(statement: Statement, *, acting_user: User | None) -> Statement:
    """Send a draft for review."""
    return _step(
        statement,
        acting_user=acting_user,
        permission="change",
        sources=(StatementState.DRAFT,),
        target=StatementState.REVIEW,
        event=MediaAuditEvent.STATEMENT_SUBMITTED,
        refused=_("Only a draft can be sent for review."),
    )


@transaction.atomic
def do_approve_statement(statement: Statement, *, acting_user: User | None) -> Statement:
    """Approve a statement in review (who may is a grant of ``media.approve_statement``)."""
    return _step(
        statement,
        acting_user=acting_user,
        permission="approve",
        sources=(StatementState.REVIEW,),
        target=StatementState.APPROVED,
        event=MediaAuditEvent.STATEMENT_APPROVED,
        refused=_("Only a statement in review can be approved."),
    )


@transaction.atomic
def do_return_statement(statement: Statement, *, acting_user: User | None, note: str = "") -> Statement:
    """Send a statement in review (or approved, not yet issued) back to draft."""
    return _step(
        statement,
        acting_user=acting_user,
        permission="approve",
        sources=(StatementState.REVIEW, StatementState.APPROVED),
        target=StatementState.DRAFT,
        event=MediaAuditEvent.STATEMENT_RETURNED,
        refused=_("Only a statement in review or approved can be sent back to draft."),
        note=text(note, 500),
    )


@dataclass
class Deadline:
    """When the agencies must answer: ``hours`` counted on the working calendar or on the clock
    from the moment of issue, or a fixed moment ``due_at``."""

    basis: str
    hours: int | None = None
    due_at: datetime | None = None

    def resolve(self, issued_at: datetime, errors: Errors) -> datetime | None:
        if self.basis not in DeadlineBasis.values:
            errors.add("deadline_basis", _("Choose how the deadline is counted."))
            return None
        if self.basis == DeadlineBasis.FIXED:
            if self.due_at is None:
                errors.add("due_at", _("Give the date and time by which agencies must answer."))
                return None
            if self.due_at <= issued_at:
                errors.add(
                    "due_at",
                    _("The deadline %(moment)s has already passed; give a later date and time.")
                    % {"moment": moment(self.due_at)},
                )
                return None
            return self.due_at
        if self.hours is None or not 1 <= self.hours <= MAX_DEADLINE_HOURS:
            errors.add(
                "deadline_hours",
                _("Give the hours to respond, from 1 to %(limit)s.")
                % {"limit": formatting.number(MAX_DEADLINE_HOURS)},
            )
            return None
        if self.basis == DeadlineBasis.CLOCK:
            return issued_at + timedelta(hours=self.hours)
        return add_working_time(current_calendar(), issued_at, timedelta(hours=self.hours))


@transaction.atomic
def do_issue_statement(
    statement: Statement,
    agencies: list[Organization],
    deadline: Deadline,
    *,
    acting_user: User | None,
    now: datetime | None = None,
) -> Statement:
    """Issue an approved statement to chosen member agencies with a response deadline. Issuing a
    new version supersedes the version before it: its unanswered receipts are withdrawn."""
    require_scope(acting_user, Statement, "issue", statement.organization)
    locked = _lock(statement)
    issued_at = now or timezone.now()
    errors = Errors()
    if locked.state != StatementState.APPROVED:
        errors.add(
            "state",
            _("Only an approved statement can be issued; this one is “%(state)s”.")
            % {"state": locked.get_state_display()},
        )
    if gone := _spokesperson_gone(locked):
        errors.add("spokesperson", gone)
    chosen = _chosen_members(locked, agencies, errors)
    due = deadline.resolve(issued_at, errors)
    errors.raise_if_any()
    assert due is not None
    locked.state = StatementState.ISSUED
    locked.issued_at = issued_at
    locked.issued_by = acting_user
    locked.deadline_basis = deadline.basis
    locked.deadline_hours = deadline.hours if deadline.basis != DeadlineBasis.FIXED else None
    locked.due_at = due
    locked.save(
        update_fields=[
            "state",
            "issued_at",
            "issued_by",
            "deadline_basis",
            "deadline_hours",
            "due_at",
            "last_updated",
        ]
    )
    remind_at = reminder_moment(issued_at, due)
    Recipient.objects.bulk_create(
        [Recipient(statement=locked, agency=agency, due_at=due, remind_at=remind_at) for agency in chosen]
    )
    audit(
        MediaAuditEvent.STATEMENT_ISSUED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"state": StatementState.APPROVED},
        new={
            "state": StatementState.ISSUED,
            "agencies": sorted(agency.code for agency in chosen),
            "deadline_basis": deadline.basis,
            "deadline_hours": locked.deadline_hours,
            "due_at": due.isoformat(),
        },
    )
    if locked.crisis is not None:
        _record_issue_on_timeline(locked, len(chosen), issued_at=issued_at, due=due, acting_user=acting_user)
    previous = locked.previous
    if previous is not None and previous.state == StatementState.ISSUED:
        _supersede(previous, acting_user=acting_user)
    _statement_push("media.statement", locked, due_at=due.isoformat())
    return locked


def _chosen_members(statement: Statement, agencies: list[Organization], errors: Errors) -> list[Organization]:
    """The chosen agencies, each once; at least one, and each an active member agency of the
    statement's headquarters (else an error on ``agencies``)."""
    members = set(
        MemberAgency.objects.active()
        .filter(hq_id=statement.organization_id)
        .values_list("agency_id", flat=True)
    )
    chosen = list({agency.pk: agency for agency in agencies}.values())
    if not chosen:
        errors.add("agencies", _("Choose at least one agency to issue the statement to."))
    for agency in chosen:
        if agency.pk not in members:
            errors.add(
                "agencies",
                _("%(agency)s is not a member agency of this headquarters.") % {"agency": agency.name},
            )
    return chosen


def _record_issue_on_timeline(
    statement: Statement, agency_count: int, *, issued_at: datetime, due: datetime, acting_user: User | None
) -> None:
    """The issue, on the timeline of the statement's crisis, in each reader's language, calendar
    and digits. The count is known now: one message for one agency, one for several (a stored
    text has no plural forms)."""
    assert statement.crisis is not None
    issued = StoredText(
        gettext_noop("“%(title)s” (version %(version)s) was issued to %(count)s agency; respond by %(due)s.")
        if agency_count == 1
        else gettext_noop(
            "“%(title)s” (version %(version)s) was issued to %(count)s agencies; respond by %(due)s."
        ),
        {"title": statement.title, "version": statement.version, "count": agency_count, "due": due},
    )
    record_on_timeline(
        statement.crisis,
        EntryKind.STATEMENT,
        issued,
        organization=statement.organization,
        moment=issued_at,
        author=acting_user,
        statement=statement,
    )


def _supersede(statement: Statement, *, acting_user: User | None) -> None:
    locked = _lock(statement)
    locked.state = StatementState.SUPERSEDED
    locked.save(update_fields=["state", "last_updated"])
    withdrawn = list(locked.recipients.filter(state__in=OPEN_RECIPIENT_STATES).values_list("pk", flat=True))
    locked.recipients.filter(pk__in=withdrawn).update(
        state=RecipientState.WITHDRAWN, last_updated=timezone.now()
    )
    audit(
        MediaAuditEvent.STATEMENT_SUPERSEDED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"state": StatementState.ISSUED},
        new={"state": StatementState.SUPERSEDED, "withdrawn_receipts": len(withdrawn)},
    )


@transaction.atomic
def do_revise_statement(statement: Statement, *, acting_user: User | None) -> Statement:
    """Draft the next version of an issued statement: same kind, title, text and files. The
    issued version stays as it was until the new one is issued."""
    require_scope(acting_user, Statement, "add", statement.organization)
    locked = _lock(statement)
    if locked.state != StatementState.ISSUED:
        raise ValidationError({"state": [_("Only the issued version of a statement can be revised.")]})
    if Statement.objects.filter(previous=locked).exists():
        raise ValidationError({"state": [_("A newer version of this statement already exists.")]})
    draft = Statement(
        organization=locked.organization,
        kind=locked.kind,
        title=locked.title,
        body=locked.body,
        version=locked.version + 1,
        previous=locked,
        crisis=locked.crisis
        if locked.crisis is not None and locked.crisis.state == CrisisState.OPEN
        else None,
        spokesperson=locked.spokesperson,
        created_by=acting_user,
        search_text=locked.search_text,
    )
    draft.save()
    for attachment in locked.attachments.all():
        StatementAttachment.objects.create(
            statement=draft,
            uploaded_by=attachment.uploaded_by,
            file=attachment.file.name,
            name=attachment.name,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
        )
    audit(
        MediaAuditEvent.STATEMENT_REVISED,
        acting_user=acting_user,
        organization=draft.organization,
        obj=draft,
        new={"previous": locked.pk, "version": draft.version},
    )
    _statement_push("media.statement", draft)
    return draft


@transaction.atomic
def do_add_statement_attachment(
    statement: Statement, upload: UploadedFile[Any], *, acting_user: User | None
) -> StatementAttachment:
    """Attach a file to a draft. A refused file leaves no row and no file behind."""
    require_scope(acting_user, Statement, "change", statement.organization)
    locked = _lock(statement)
    if not locked.is_editable:
        raise ValidationError({"state": [_not_editable(locked)]})
    name, content = check_attachment(upload)
    suffix = PurePath(name).suffix.lower()
    attachment = StatementAttachment(
        statement=locked,
        uploaded_by=acting_user,
        name=text(name, 200) or f"file{suffix}",
        content_type=ALLOWED_ATTACHMENTS[suffix][0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save(name, ContentFile(content), save=False)
    stored = attachment.file.name
    try:
        with transaction.atomic():
            attachment.save()
            audit(
                MediaAuditEvent.ATTACHMENT_ADDED,
                acting_user=acting_user,
                organization=locked.organization,
                obj=attachment,
                new={"name": attachment.name, "size": attachment.size, "sha256": attachment.sha256},
            )
    except Exception:
        if stored:
            attachment.file.storage.delete(stored)
        raise
    return attachment
