"""Media actions of the clock: remind an agency before its deadline, and escalate a missed one
to the agency's head. Both are run by the periodic job ``media-deadlines`` (``tasks.py``), once
a minute on any node: each locks its receipt, checks again under the lock, and claims its effect,
so a run repeated after a crash, or two workers at once, remind and escalate once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from rasad.cases.choices import NotificationKind
from rasad.cases.notifications import notify
from rasad.core.models import Organization, User
from rasad.core.scope import users_who_can
from rasad.jobs.engine import claim_effect
from rasad.lib.stored_text import StoredText
from rasad.media.actions.responses import push_recipient
from rasad.media.audit import MediaAuditEvent, audit
from rasad.media.choices import OPEN_RECIPIENT_STATES, StatementState
from rasad.media.models import Recipient, Statement

# A reminder goes out when a quarter of the time to answer is left, at least 15 minutes and at
# most a day before the deadline (docs/media.md, "Reminders and escalation").
REMINDER_SHARE = 0.25
REMINDER_MIN = timedelta(minutes=15)
REMINDER_MAX = timedelta(hours=24)
HEAD_POSITION = "manager"


def reminder_moment(issued_at: datetime, due_at: datetime) -> datetime:
    lead = min(REMINDER_MAX, max(REMINDER_MIN, (due_at - issued_at) * REMINDER_SHARE))
    return max(issued_at, due_at - lead)


def agency_heads(agency: Organization) -> list[User]:
    """The agency's heads: the people holding the post of manager (head) in
    the agency; where nobody does, those who may change the agency's record (its coordinators
    and administrators)."""
    from rasad.training.models import PositionHolding

    holders = (
        PositionHolding.objects.open()
        .filter(
            membership__organization=agency, position__code=HEAD_POSITION, membership__user__is_active=True
        )
        .select_related("membership__user")
        .order_by("membership__user_id")
    )
    heads = list({holding.membership.user_id: holding.membership.user for holding in holders}.values())
    return heads or list(users_who_can(Organization, agency, "change"))


def escalation_audience(recipient: Recipient) -> list[User]:
    """The agency's head; where the agency has neither a head nor a coordinator in Rasad, those
    who issue the headquarters' statements, so that a missed deadline never goes unseen."""
    return agency_heads(recipient.agency) or list(
        users_who_can(Statement, recipient.statement.organization, "issue")
    )


def _lock(recipient: Recipient) -> Recipient | None:
    found: Recipient | None = (
        Recipient.objects.select_for_update()
        .select_related("statement", "agency")
        .filter(pk=recipient.pk)
        .first()
    )
    return found


def _open(recipient: Recipient) -> bool:
    return recipient.state in OPEN_RECIPIENT_STATES and recipient.statement.state == StatementState.ISSUED


@transaction.atomic
def do_remind_recipient(recipient: Recipient, *, now: datetime | None = None) -> Recipient | None:
    """Remind the agency's people who answer for it that the deadline is near (once). None when
    there is nothing to do: answered, reminded already, not yet time, or past the deadline."""
    moment = now or timezone.now()
    locked = _lock(recipient)
    if (
        locked is None
        or not _open(locked)
        or locked.reminded_at is not None
        or locked.remind_at is None
        or locked.remind_at > moment
        or locked.due_at <= moment
    ):
        return None
    if not claim_effect(f"media-remind:{locked.pk}"):
        return None
    locked.reminded_at = moment
    locked.save(update_fields=["reminded_at", "last_updated"])
    people = list(users_who_can(Recipient, locked.agency, "respond"))
    # Kept as a message id and parameters: each reader reads the deadline in their own calendar.
    message = StoredText(
        gettext_noop("Reminder: “%(title)s” from %(hq)s must be answered by %(moment)s."),
        {"title": locked.statement.title, "hq": locked.statement.organization.name, "moment": locked.due_at},
    )
    notify(people, None, NotificationKind.STATUS, message)
    audit(
        MediaAuditEvent.REMINDED,
        acting_user=None,
        organization=locked.agency,
        obj=locked,
        new={"reminded_at": moment.isoformat(), "people": sorted(user.username for user in people)},
    )
    push_recipient(locked, reminded=True)
    return locked


@transaction.atomic
def do_escalate_recipient(recipient: Recipient, *, now: datetime | None = None) -> Recipient | None:
    """The deadline passed and the agency has not answered: tell the agency's head (once), and
    mark the receipt escalated on the headquarters' board."""
    moment = now or timezone.now()
    locked = _lock(recipient)
    if locked is None or not _open(locked) or locked.escalated_at is not None or locked.due_at > moment:
        return None
    if not claim_effect(f"media-escalate:{locked.pk}"):
        return None
    locked.escalated_at = moment
    locked.save(update_fields=["escalated_at", "last_updated"])
    heads = escalation_audience(locked)
    message = StoredText(
        gettext_noop(
            "%(agency)s did not answer “%(title)s” from %(hq)s by its deadline, %(moment)s: "
            "the statement is escalated to you as the agency's head."
        ),
        {
            "agency": locked.agency.name,
            "title": locked.statement.title,
            "hq": locked.statement.organization.name,
            "moment": locked.due_at,
        },
    )
    notify(heads, None, NotificationKind.ESCALATED, message)
    audit(
        MediaAuditEvent.ESCALATED,
        acting_user=None,
        organization=locked.agency,
        obj=locked,
        new={"escalated_at": moment.isoformat(), "heads": sorted(user.username for user in heads)},
    )
    push_recipient(locked, escalated=True)
    return locked
