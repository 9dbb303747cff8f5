"""In-app notifications and their e-mails (queued as background mail after commit).

A message given as a ``StoredText`` (``rasad.lib.stored_text``) is kept as its message id and
parameters and read in each reader's language and digits, on the page, in the API and in the
e-mail; its Persian text is kept beside it (the digest's fallback). A plain string is stored as it
is, for every reader."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rasad.core.models import User
from rasad.jobs.mail import Attachment, queue_mail
from rasad.lib import display
from rasad.lib.site import is_absolute
from rasad.lib.stored_text import StoredText

if TYPE_CHECKING:
    from rasad.cases.models import Case, Notification


def notify(
    users: Iterable[User],
    case: Case | None,
    kind: str,
    message: str | StoredText,
    *,
    exclude: User | None = None,
    link: str = "",
    attachments: Sequence[Attachment] = (),
    email: bool = True,
) -> list[Notification]:
    """Notify ``users``. A notification about a case reaches only those who may see the case at
    this moment: a watcher or mention that lost access gets nothing. ``link`` is where a
    notification about something else leads (a path in the site); ``attachments`` go with its
    e-mail (an event's calendar file); ``email=False`` keeps it in the site (a file that is
    ready: the person is usually on its page)."""
    from rasad.cases.models import Case, Notification

    recipients = {user.pk: user for user in users if exclude is None or user.pk != exclude.pk}
    if case is not None:
        recipients = {
            pk: user
            for pk, user in recipients.items()
            if Case.objects.visible_to(user).filter(pk=case.pk).exists()
        }
    if isinstance(message, StoredText):
        persian, message_id, params = message.kept()
    else:
        persian, message_id, params = message, "", {}
    created = [
        Notification.objects.create(
            user=user,
            case=case,
            kind=kind,
            message=persian[:400],
            message_id=message_id,
            message_params=params,
            link=link[:200],
        )
        for user in recipients.values()
    ]
    subject = f"[Rasad] {case.reference}" if case is not None else "[Rasad]"
    for notification in created:
        if email and notification.user.email:
            reader = notification.user
            # Each e-mail in its reader's language and digits, as their pages.
            with display.speaking(reader, reader.language or "fa"):
                text = notification.text if message_id else str(message)
            # An absolute link (rasad.lib.site, when the site's address is set) also ends the
            # e-mail, which is read outside the site; a relative one means nothing there.
            body = f"{text}\n\n{link}" if is_absolute(link) else text
            queue_mail(
                subject,
                body,
                [reader.email],
                key=f"cases-notification:{notification.pk}",
                attachments=attachments,
            )
    return created
