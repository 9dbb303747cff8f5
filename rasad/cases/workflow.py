"""The case workflow as data: which action leads from which status to which, and who may take it.

``TRANSITIONS[(status, action)]`` gives the target status, the permission verb the actor must
hold (``cases.<verb>_case``) and the party whose organization that permission must cover: the
owner organization (the body working the case) or the reporter organization (the body that
raised it, which alone supplies information, verifies a resolution and reopens). Nothing else in
the app decides whether a transition is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rasad.cases.choices import CaseStatus


class Party(StrEnum):
    OWNER = "owner"
    REPORTER = "reporter"


class Action(StrEnum):
    TRIAGE = "triage"
    REJECT = "reject"
    ASSIGN = "assign"
    START = "start"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    RESOLVE = "resolve"
    VERIFY = "verify"
    REOPEN = "reopen"


ACTION_LABELS: dict[Action, Promise] = {
    Action.TRIAGE: _("Triage"),
    Action.REJECT: _("Reject"),
    Action.ASSIGN: _("Assign"),
    Action.START: _("Start work"),
    Action.REQUEST_INFO: _("Ask the reporter for information"),
    Action.PROVIDE_INFO: _("Provide the information"),
    Action.RESOLVE: _("Resolve"),
    Action.VERIFY: _("Verify and close"),
    Action.REOPEN: _("Reopen"),
}


@dataclass(frozen=True)
class Transition:
    to: CaseStatus
    permission: str  # the verb: the actor needs cases.<permission>_case over the party's organization
    party: Party


S = CaseStatus
TRANSITIONS: dict[tuple[CaseStatus, Action], Transition] = {
    (S.NEW, Action.TRIAGE): Transition(S.TRIAGED, "triage", Party.OWNER),
    (S.NEW, Action.REJECT): Transition(S.REJECTED, "triage", Party.OWNER),
    (S.TRIAGED, Action.ASSIGN): Transition(S.ASSIGNED, "assign", Party.OWNER),
    (S.TRIAGED, Action.REJECT): Transition(S.REJECTED, "triage", Party.OWNER),
    (S.REOPENED, Action.ASSIGN): Transition(S.ASSIGNED, "assign", Party.OWNER),
    (S.ASSIGNED, Action.ASSIGN): Transition(S.ASSIGNED, "assign", Party.OWNER),
    (S.IN_PROGRESS, Action.ASSIGN): Transition(S.ASSIGNED, "assign", Party.OWNER),
    (S.ASSIGNED, Action.START): Transition(S.IN_PROGRESS, "change", Party.OWNER),
    (S.IN_PROGRESS, Action.REQUEST_INFO): Transition(S.WAITING, "change", Party.OWNER),
    (S.WAITING, Action.PROVIDE_INFO): Transition(S.IN_PROGRESS, "change", Party.REPORTER),
    (S.IN_PROGRESS, Action.RESOLVE): Transition(S.RESOLVED, "resolve", Party.OWNER),
    (S.RESOLVED, Action.VERIFY): Transition(S.CLOSED, "change", Party.REPORTER),
    (S.RESOLVED, Action.REOPEN): Transition(S.REOPENED, "change", Party.REPORTER),
    (S.CLOSED, Action.REOPEN): Transition(S.REOPENED, "change", Party.REPORTER),
    (S.REJECTED, Action.REOPEN): Transition(S.REOPENED, "change", Party.REPORTER),
}
