"""Idempotent background work of the cases app: safe to run every minute, on any node.

The periodic jobs (SLA escalation every minute, the daily digest at 07:00 Tehran time) are
declared here and run by ``rasad worker`` from the schedule; ``rasad cases escalate|digest`` runs
one by hand."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.cases.actions import do_escalate_case
from rasad.cases.actions.breaches import do_record_breach
from rasad.cases.choices import OPEN_STATUSES, CaseStatus
from rasad.cases.models import Case, Notification
from rasad.jobs.engine import background_task, periodic
from rasad.jobs.mail import queue_mail
from rasad.lib import display, formatting


def escalate_overdue(now: datetime | None = None) -> list[Case]:
    """Escalate every overdue case whose next escalation moment has passed, one level each.

    Each case is handled in its own transaction under a row lock, and the condition is checked
    again under the lock, so two runs at once (or a run every minute) escalate a case once."""
    moment = now or timezone.now()
    candidates = list(
        Case.objects.filter(status__in=OPEN_STATUSES, next_escalation_at__lte=moment)
        .exclude(status=CaseStatus.WAITING)
        .values_list("pk", flat=True)
        .order_by("next_escalation_at", "pk")
    )
    escalated = []
    for pk in candidates:
        result = do_escalate_case(Case(pk=pk), now=moment)
        if result is not None:
            escalated.append(result)
    return escalated


def send_daily_digest(now: datetime | None = None) -> int:
    """E-mail every person one summary of their notifications not yet digested (idempotent:
    each notification is digested once). Returns the number of e-mails sent."""
    moment = now or timezone.now()
    pending = (
        Notification.objects.filter(digested_at__isnull=True, created__lte=moment)
        .select_related("user", "case")
        .order_by("user_id", "created")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_user[notification.user_id].append(notification)
    sent = 0
    for items in by_user.values():
        user = items[0].user
        with transaction.atomic():
            ids = [n.pk for n in items]
            claimed = Notification.objects.filter(pk__in=ids, digested_at__isnull=True).update(
                digested_at=moment
            )
            if not claimed or not user.email:
                continue
            language = user.language or "fa"
            with display.speaking(user, language):
                subject = _("Rasad: your daily summary (%(count)s items)") % {
                    "count": formatting.number(len(items))
                }
                # Each notification in the reader's language (rasad.lib.stored_text).
                body = "\n".join(f"- {n.text}" for n in items)
            queue_mail(subject, body, [user.email], key=f"cases-digest:{user.pk}:{moment.isoformat()}")
            sent += 1
    return sent


@periodic("cases-escalate", cron="* * * * *", title=gettext_lazy("Escalate overdue cases"))
@background_task(max_attempts=3, backoff_seconds=20)
def escalate_overdue_cases() -> int:
    """The SLA escalation job: every minute, each overdue case goes one level up (idempotent)."""
    return len(escalate_overdue())


@periodic("cases-daily-digest", cron="0 7 * * *", title=gettext_lazy("Daily digest of case notifications"))
@background_task(max_attempts=3, backoff_seconds=60)
def send_daily_digests() -> int:
    return send_daily_digest()


def open_case_for_breach(alert: Any) -> None:
    """Breach handler for ``rasad.indicators.breaches``: the breach opens a challenge of the
    alert's organization, or joins the open case of the same indicator there
    (``rasad.cases.actions.breaches``). It runs inside the transaction that raised the alert."""
    do_record_breach(alert)
