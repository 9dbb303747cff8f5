"""Case actions: a case answered by the record it was raised for.

Another app may raise a case to make a duty of an organization visible, overdue and escalated like
any case: the programmes app raises one for each quarterly status report a party owes. The duty is
done when that app's record arrives (the report is submitted), not through the usual triage,
assignment and work. ``do_answer_case`` is that one step: it resolves the case the record answers,
with the record's summary as the resolution, on the case's timeline and in the audit trail like any
other step. The reporter side then verifies (closes) or reopens it as usual.

The app that raised the case decides who may answer it (the programmes app: people who may submit
the party's reports) and calls this inside its own action's transaction; the case must have been
raised for exactly that record (its ``source``), so no other case can be resolved this way.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rasad.cases.actions.common import _event, _now, _push, _visible
from rasad.cases.actions.transitions import _notify_transition
from rasad.cases.audit import audit_case_transitioned
from rasad.cases.calendar import compute_due
from rasad.cases.choices import OPEN_STATUSES, CaseStatus
from rasad.cases.models import Case
from rasad.core.access import refusal
from rasad.core.audit_log import changes
from rasad.core.models import User
from rasad.lib.persian import normalize_text

ANSWER = "answer"


@transaction.atomic
def do_answer_case(
    case: Case, record: models.Model, *, acting_user: User, note: str, now: datetime | None = None
) -> Case:
    """Resolve ``case``, which was raised for ``record``, because ``record`` has arrived."""
    moment = _now(now)
    if not _visible(case.pk, acting_user):
        raise refusal()
    locked: Case = Case.objects.select_for_update().get(pk=case.pk)
    source_type = ContentType.objects.get_for_model(record)
    if locked.source_type_id != source_type.pk or locked.source_id != str(record.pk):
        raise ValidationError({"case": [_("This case was not raised for that record.")]})
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "case": [
                    _("The case is “%(status)s”: it was answered already.")
                    % {"status": CaseStatus(locked.status).label}
                ]
            }
        )
    text = normalize_text(note or "")
    if not text:
        raise ValidationError({"note": [_("Say why: a note is required for this step.")]})
    old = {"status": locked.status, "assignee": locked.assignee_id, "version": locked.version}
    source_status = locked.status
    locked.pauses.filter(ended__isnull=True).update(ended=moment)
    locked.status = CaseStatus.RESOLVED
    locked.resolved_at = moment
    locked.resolution = text
    if locked.assignee_id is None:
        locked.assignee = acting_user
    locked.due_at = compute_due(locked)
    locked.version += 1
    locked.save(
        update_fields=["status", "resolved_at", "resolution", "assignee", "due_at", "version", "last_updated"]
    )
    locked.watchers.add(acting_user)
    new = {"status": locked.status, "assignee": locked.assignee_id, "version": locked.version}
    _event(
        locked,
        ANSWER,
        actor=acting_user,
        created=moment,
        from_status=source_status,
        to_status=locked.status,
        note=text,
        data={"record": str(record)[:200]},
    )
    before, after = changes(old, new)
    audit_case_transitioned(
        locked,
        acting_user=acting_user,
        organization=locked.owner_organization,
        action=ANSWER,
        old=before,
        new=after,
    )
    _notify_transition(locked, "resolve", acting_user)
    _push("case.transitioned", locked)
    return locked
