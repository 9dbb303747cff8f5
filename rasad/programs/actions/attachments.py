"""Programme actions: files of a programme (the signed scan, annexes), checked like case files."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from rasad.cases.actions import ALLOWED_ATTACHMENTS, check_attachment
from rasad.core.access import require_scope
from rasad.core.models import User
from rasad.lib.actions import text
from rasad.programs.actions.common import lock, push
from rasad.programs.audit import ProgrammeAuditEvent, audit_programme
from rasad.programs.models import Programme, ProgrammeAttachment


@transaction.atomic
def do_add_programme_attachment(
    programme: Programme, upload: UploadedFile[Any], *, acting_user: User, description: str = ""
) -> ProgrammeAttachment:
    """Store a file with the programme. A refused file leaves no row and no file behind."""
    require_scope(acting_user, ProgrammeAttachment, "add", programme.organization)
    locked = lock(programme)
    name, content = check_attachment(upload)
    suffix = PurePath(name).suffix.lower()
    attachment = ProgrammeAttachment(
        programme=locked,
        uploaded_by=acting_user,
        name=text(name, 200) or f"file{suffix}",
        description=text(description, 200),
        content_type=ALLOWED_ATTACHMENTS[suffix][0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save(name, ContentFile(content), save=False)
    stored = attachment.file.name
    try:
        with transaction.atomic():
            attachment.save()
            audit_programme(
                ProgrammeAuditEvent.ATTACHMENT_ADDED,
                locked,
                acting_user=acting_user,
                obj=attachment,
                new={"name": attachment.name, "size": attachment.size, "sha256": attachment.sha256},
            )
    except Exception:
        if stored:
            attachment.file.storage.delete(stored)
        raise
    push("programme.changed", locked)
    return attachment
