"""Idempotent background work of the media app: safe to run every minute, on any node.

``media-deadlines`` (every minute) reminds agencies whose deadline is near and escalates the
receipts whose deadline passed unanswered to the agency's head. Each receipt is handled in its
own transaction under a row lock with its effect claimed (``rasad.media.actions.deadlines``)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.jobs.engine import background_task, periodic
from rasad.media.actions import do_escalate_recipient, do_remind_recipient
from rasad.media.choices import OPEN_RECIPIENT_STATES, StatementState
from rasad.media.models import Recipient


def remind_and_escalate(now: datetime | None = None) -> dict[str, int]:
    """Remind and escalate what is due at ``now``; returns how many of each were done."""
    moment = now or timezone.now()
    open_receipts = Recipient.objects.filter(
        state__in=OPEN_RECIPIENT_STATES, statement__state=StatementState.ISSUED
    )
    to_remind = open_receipts.filter(reminded_at__isnull=True, remind_at__lte=moment, due_at__gt=moment)
    to_escalate = open_receipts.filter(Q(escalated_at__isnull=True), due_at__lte=moment)
    reminded = sum(
        do_remind_recipient(Recipient(pk=pk), now=moment) is not None
        for pk in list(to_remind.order_by("due_at", "pk").values_list("pk", flat=True))
    )
    escalated = sum(
        do_escalate_recipient(Recipient(pk=pk), now=moment) is not None
        for pk in list(to_escalate.order_by("due_at", "pk").values_list("pk", flat=True))
    )
    return {"reminded": reminded, "escalated": escalated}


@periodic(
    "media-deadlines",
    cron="* * * * *",
    title=gettext_lazy("Remind agencies of statement deadlines and escalate missed ones"),
)
@background_task(max_attempts=3, backoff_seconds=30)
def media_deadlines() -> dict[str, int]:
    return remind_and_escalate()
