"""The programme's status as data: which step leads from which status to which.

``TRANSITIONS[(status, step)]`` gives the target status and whether the step needs a note. Every
step needs ``programs.change_programme`` over the lead organization; ``expire`` is also taken by
the periodic job when the end date has passed. Nothing else decides whether a status change is
allowed.

    draft ──activate──▶ active ──complete──▶ completed
                        │  ▲
                 suspend│  │resume
                        ▼  │
                      suspended
    active, suspended ──terminate──▶ terminated
    active, suspended ──expire────▶ expired   (after the end date)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rasad.programs.choices import ProgrammeStatus


class Step(StrEnum):
    ACTIVATE = "activate"
    SUSPEND = "suspend"
    RESUME = "resume"
    COMPLETE = "complete"
    TERMINATE = "terminate"
    EXPIRE = "expire"


STEP_LABELS: dict[Step, Promise] = {
    Step.ACTIVATE: _("Activate"),
    Step.SUSPEND: _("Suspend"),
    Step.RESUME: _("Resume"),
    Step.COMPLETE: _("Mark as completed"),
    Step.TERMINATE: _("Terminate"),
    Step.EXPIRE: _("Mark as expired"),
}


@dataclass(frozen=True)
class Transition:
    to: ProgrammeStatus
    needs_note: bool = False


S = ProgrammeStatus
TRANSITIONS: dict[tuple[ProgrammeStatus, Step], Transition] = {
    (S.DRAFT, Step.ACTIVATE): Transition(S.ACTIVE),
    (S.ACTIVE, Step.SUSPEND): Transition(S.SUSPENDED, needs_note=True),
    (S.SUSPENDED, Step.RESUME): Transition(S.ACTIVE),
    (S.ACTIVE, Step.COMPLETE): Transition(S.COMPLETED),
    (S.ACTIVE, Step.TERMINATE): Transition(S.TERMINATED, needs_note=True),
    (S.SUSPENDED, Step.TERMINATE): Transition(S.TERMINATED, needs_note=True),
    (S.ACTIVE, Step.EXPIRE): Transition(S.EXPIRED),
    (S.SUSPENDED, Step.EXPIRE): Transition(S.EXPIRED),
}
