"""Who may do what with a message beyond reading it (``rasad.core.access`` answers the reading)."""

from __future__ import annotations

from rasad.cases.models import Case
from rasad.comms.models import Message
from rasad.core.access import can
from rasad.core.models import User


def may_open_case(user: User, message: Message) -> bool:
    """Whether ``user`` may turn ``message`` into a case: it reads the message (the caller has it
    from a scoped queryset) and may file cases for the receiving centre's organization."""
    return can(user, "add", Case(reporter_organization=message.centre.organization))
