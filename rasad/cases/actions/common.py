"""What the case actions share: reference prefixes, attachment rules, timeline and push helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.cases.choices import CaseKind
from rasad.cases.models import (
    Case,
    CaseEvent,
)
from rasad.core.models import User
from rasad.lib import formatting
from rasad.lib.events import send_event_on_commit

REFERENCE_PREFIX = {
    CaseKind.CHALLENGE: "CH",
    CaseKind.RISK: "RK",
    CaseKind.INCIDENT: "IN",
    CaseKind.DIRECTIVE: "DR",
}
MAX_ATTACHMENT_BYTES = int(getattr(settings, "CASES_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
# Allowed extensions and the leading bytes their content must start with (None: plain text).
ALLOWED_ATTACHMENTS: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}


def attachment_accept(suffixes: Iterable[str] = ALLOWED_ATTACHMENTS) -> str:
    """A file field's ``accept`` for uploads of these ``suffixes`` (of ``ALLOWED_ATTACHMENTS``):
    the suffixes, then the image types by name, which is what makes a phone offer to take a photo
    with its camera beside choosing a file. Never ``capture``: that opens the camera alone, and a
    PDF or a spreadsheet could not be chosen (docs/development/conventions.md, "Phones")."""
    chosen = list(suffixes)
    images = dict.fromkeys(
        ALLOWED_ATTACHMENTS[s][0] for s in chosen if ALLOWED_ATTACHMENTS[s][0].startswith("image/")
    )
    return ",".join([*chosen, *images])


MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.\-]+)")


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _event(
    case: Case,
    action: str,
    *,
    actor: User | None,
    created: datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        actor=actor,
        created=created,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def _visible(case_pk: int, user: User, action: str = "view") -> bool:
    return Case.objects.visible_to(user, action).filter(pk=case_pk).exists()


def _push(kind: str, case: Case) -> None:
    send_event_on_commit(
        kind,
        {"id": case.pk, "status": case.status},
        organization_ids=[case.reporter_organization_id, case.owner_organization_id],
    )


def _stale_message(case: Case) -> str:
    return _(
        "Someone else changed this case meanwhile (it is now at version %(version)s). "
        "Reload it and try again."
    ) % {"version": formatting.number(case.version)}
