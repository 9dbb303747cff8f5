"""Background work of the core app: signing the audit chain heads every few minutes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from rasad.core.audit_checkpoints import take_checkpoint
from rasad.jobs.engine import background_task, periodic


@periodic("audit-checkpoint", cron="*/5 * * * *", title=gettext_lazy("Sign the audit chain heads"))
@background_task(max_attempts=3, backoff_seconds=30)
def sign_audit_checkpoint() -> int:
    """Fold finished minutes of refused accesses into the trail and sign the heads that changed
    (docs/security.md). Idempotent: run again, it signs only what changed since; returns the new
    checkpoint's number, or 0 when nothing changed."""
    checkpoint = take_checkpoint()
    return checkpoint.number if checkpoint is not None else 0
