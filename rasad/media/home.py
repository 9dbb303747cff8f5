"""What the media app puts on a person's home queue (``rasad.web.home`` collects it): the
statements waiting for their agency's acknowledgment or answer (overdue ones in the overdue
section), the statements waiting for their approval, the media calendar's items planned for their
agency in the coming week (overdue once their last day has passed unmarked), and for the
headquarters a count of the agencies that are late."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.models import User
from rasad.lib import formatting, jalali
from rasad.media.choices import OPEN_RECIPIENT_STATES, PlanKind, PlanState, RecipientState, StatementState
from rasad.media.models import PlannedItem, Recipient, Statement
from rasad.web.home import HomeContribution, HomeCount, WorkItem, url_with

LIMIT = 10
# How far ahead the queue shows what an agency is to publish.
PLAN_AHEAD_DAYS = 7


def provide(user: User, today: date) -> HomeContribution:
    contribution = HomeContribution()
    now = timezone.now()
    if Recipient.objects.may_act_anywhere(user, "respond"):
        open_receipts = (
            Recipient.objects.visible_to(user, "respond")
            .filter(state__in=OPEN_RECIPIENT_STATES)
            .select_related("statement", "agency")
            .order_by("due_at")[:LIMIT]
        )
        for recipient in open_receipts:
            overdue = recipient.due_at < now
            step = (
                _("Acknowledge receipt")
                if recipient.state == RecipientState.SENT
                else _("Report your answer")
            )
            due = jalali.local_date(recipient.due_at)
            contribution.items.append(
                WorkItem(
                    section="overdue" if overdue else "waiting",
                    kind="media.respond",
                    title=recipient.statement.title,
                    url=reverse("media:recipient-detail", args=[recipient.pk]),
                    detail=formatting.separator().join(
                        (
                            step,
                            recipient.agency.name,
                            _("respond by %(moment)s")
                            % {"moment": formatting.datetime_text(recipient.due_at)},
                        )
                    ),
                    due=due,
                    tone="danger" if overdue else "primary",
                )
            )
    if Statement.objects.may_act_anywhere(user, "approve"):
        for statement in Statement.objects.visible_to(user, "approve").filter(state=StatementState.REVIEW)[
            :LIMIT
        ]:
            contribution.items.append(
                WorkItem(
                    section="waiting",
                    kind="media.approve",
                    title=statement.title,
                    url=reverse("media:statement-detail", args=[statement.pk]),
                    detail=_("A statement waits for your approval"),
                    due=today,
                )
            )
    if PlannedItem.objects.may_act_anywhere(user, "publish"):
        contribution.items += _planned_for_agency(user, today, now)
    if Statement.objects.may_act_anywhere(user, "issue"):
        late = (
            Recipient.objects.visible_to(user, "change")
            .filter(state__in=OPEN_RECIPIENT_STATES, due_at__lt=now)
            .count()
        )
        if late:
            contribution.counts.append(
                HomeCount(
                    _("Agencies late on a statement"),
                    late,
                    url_with("media:board", state="issued"),
                    tone="danger",
                )
            )
    return contribution


def _planned_for_agency(user: User, today: date, now: datetime) -> list[WorkItem]:
    """The calendar's items the person's agency is to publish in the coming week, and those whose
    last day has passed without being marked published or cancelled."""
    items = (
        PlannedItem.objects.visible_to(user, "publish")
        .filter(state=PlanState.PLANNED, starts_at__lt=now + timedelta(days=PLAN_AHEAD_DAYS))
        .select_related("agency")
        .order_by("starts_at", "pk")[:LIMIT]
    )
    found = []
    for item in items:
        overdue = jalali.local_date(item.ends_at) < today
        found.append(
            WorkItem(
                section="overdue" if overdue else "waiting",
                kind="media.publish",
                title=item.title,
                url=reverse("media:plan-detail", args=[item.pk]),
                detail=formatting.separator().join(
                    (
                        str(PlanKind(item.kind).label),
                        item.agency.name if item.agency else "",
                        _("planned for %(moment)s") % {"moment": formatting.datetime_text(item.starts_at)},
                    )
                ),
                due=jalali.local_date(item.starts_at),
                tone="danger" if overdue else "primary",
            )
        )
    return found
