"""What the media app puts on a person's home queue (``rasad.web.home`` collects it): the
statements waiting for their agency's acknowledgment or answer (overdue ones in the overdue
section), the statements waiting for their approval, and for the headquarters a count of the
agencies that are late."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.models import User
from rasad.lib import formatting, jalali
from rasad.media.choices import OPEN_RECIPIENT_STATES, RecipientState, StatementState
from rasad.media.models import Recipient, Statement
from rasad.web.home import HomeContribution, HomeCount, WorkItem, url_with

LIMIT = 10


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
                    detail=" · ".join(
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
