"""The independent authorization table: who may open every page and call every API operation.

Written by hand, row by row, from what each member of the cast is (``rasad/testing/cast.py``) and
what the default roles promise (``rasad/core/roles.py``'s descriptions): a viewer reads, a
reporter reports and files cases, an analyst also reviews, plans and works cases, and only the
platform administrator manages structure, people and reference data. Nothing here asks
``rasad.core.scope``, ``rasad.core.access`` or a queryset: the table is what the code is checked
against, so it must not be computed by the code it checks. ``rasad/web/tests/test_authz_table.py``
runs it, and fails for a route or an API operation that has no row here.

Every object a row names is made in the Isfahan command centre (ISF-CC) by the subject maker of
the row (owner-only records belong to Alice). So, for a record of ISF-CC:

=================  ===========================================================================
``ISF_READERS``    may read it: Wali (viewer of the command centres through a working group),
                   Ali (reporter), Alice (analyst), Nadia (analyst over the country), Root
``ISF_STAFF``      may report and file for it: Ali, Alice, Nadia, Root
``ISF_ANALYSTS``   may review, plan and work it: Alice, Nadia, Root
``ROOT``           may manage structure, people and reference data: Root
=================  ===========================================================================

Charlie (no grant) and Erfan (an expired grant) are refused everything scoped; Bob and Bahram
(Kerman) everything of Isfahan. A refusal is the 404 of a missing object, with the same page as
the same route naming an object that does not exist, and changes nothing.

A new page or API operation gets its row here in the same commit (see
``docs/development/conventions.md``, "The authorization table").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rasad.testing.cast import Cast

# ---- who -----------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
USERS = ("charlie", "erfan", "wali", "ali", "alice", "bahram", "bob", "nadia", "root")

EVERYONE = frozenset(USERS)
NOBODY: frozenset[str] = frozenset()
ROOT = frozenset({"root"})
NATIONAL = frozenset({"nadia"}) | ROOT
ISF_ANALYSTS = frozenset({"alice"}) | NATIONAL
ISF_STAFF = frozenset({"ali"}) | ISF_ANALYSTS
ISF_READERS = frozenset({"wali"}) | ISF_STAFF
# Somewhere, not necessarily in Isfahan:
ANALYSTS = frozenset({"bob"}) | ISF_ANALYSTS
REPORTERS = frozenset({"bahram"}) | ANALYSTS | ISF_STAFF
GRANTED = frozenset({"wali"}) | REPORTERS
# Owner-only records (tokens, files, subscriptions) are Alice's.
OWNER = frozenset({"alice"})
# Secure messages of ISF-CC are read by Wali and its analysts, not by its reporter (by role).
COMMS_READERS = frozenset({"wali"}) | ISF_ANALYSTS


@dataclass(frozen=True)
class Rule:
    """Who gets through (``allowed``) and what everybody else gets: ``refusal``, or the status
    ``others`` names for them."""

    allowed: frozenset[str]
    refusal: int = 404
    others: Mapping[str, int] = field(default_factory=dict)

    def expected(self, user: str) -> int | None:
        """``None`` when the user gets through, else the status of their refusal."""
        if user in self.allowed:
            return None
        return self.others.get(user, self.refusal)


def allow(users: frozenset[str], refusal: int = 404, **others: frozenset[str]) -> Rule:
    """``allow(ISF_STAFF)``; ``allow(ISF_STAFF, 403, s400=KERMAN)``: Kerman gets 400, the rest 403."""
    table = {user: int(key[1:]) for key, group in others.items() for user in group}
    return Rule(frozenset(users), refusal, table)


# A method the route does not answer: 405 for every signed-in user.
NOT_ANSWERED = Rule(NOBODY, 405)


# ---- what the URL names ----------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Makes the object a row is about and gives the URL's keyword arguments; ``hides`` is the
    argument that, given a value that names nothing, makes the same route name a missing object."""

    make: Callable[[Cast], dict[str, Any]]
    hides: str = "pk"

    def missing(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        value = kwargs[self.hides]
        absent: Any = uuid.UUID(int=1) if isinstance(value, uuid.UUID) else 2_000_000_000
        return {**kwargs, self.hides: absent}


def _isfahan(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.isfahan.pk}


def _period(verb: str | None = None) -> Callable[[Cast], dict[str, Any]]:
    def make(cast: Cast) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"pk": cast.isfahan.pk, "period": "1403-01"}
        return {**kwargs, "verb": verb} if verb else kwargs

    return make


def _grant(cast: Cast) -> dict[str, Any]:
    from rasad.core.testing import make_grant

    return {"pk": make_grant(cast, cast.isfahan).pk}


def _working_group(cast: Cast) -> dict[str, Any]:
    from rasad.core.testing import make_working_group

    return {"pk": make_working_group(cast, cast.isfahan).pk}


def _token(cast: Cast) -> dict[str, Any]:
    from rasad.core.actions.tokens import do_create_api_token

    token, _secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="نشانه آلیس")
    return {"pk": token.pk}


def _membership(cast: Cast) -> dict[str, Any]:
    from rasad.core.testing import make_membership

    return {"pk": make_membership(cast, cast.isfahan).pk}


def _audit_event(cast: Cast) -> dict[str, Any]:
    from rasad.core.testing import make_audit_event

    return {"pk": make_audit_event(cast, cast.isfahan).pk}


def _user(cast: Cast) -> dict[str, Any]:
    from rasad.core.testing import make_user

    return {"pk": make_user(cast, cast.isfahan).pk}


def _role(cast: Cast) -> dict[str, Any]:
    from rasad.core.models import Role

    return {"pk": Role.objects.get(slug="viewer").pk}


def _province(cast: Cast) -> dict[str, Any]:
    assert cast.isfahan.province_id is not None
    return {"pk": cast.isfahan.province_id}


def _target(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.testing import make_target

    return {"pk": make_target(cast, cast.isfahan).pk}


def _assignment(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.testing import make_assignment

    return {"pk": make_assignment(cast, cast.isfahan).pk}


def _alert(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.testing import make_alert

    return {"pk": make_alert(cast, cast.isfahan).pk}


def _baseline(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.testing import make_baseline

    return {"pk": make_baseline(cast, cast.isfahan).pk}


def _scorecard(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.testing import make_scorecard

    return {"pk": make_scorecard(cast, cast.isfahan).pk}


def _observation(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.testing import make_observation

    return {"pk": make_observation(cast, cast.isfahan).pk}


def _indicator(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.models import Indicator

    return {"pk": Indicator.objects.get(code="ELEC_CONS").pk}


def _unit(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.models import Indicator

    unit_id = Indicator.objects.get(code="ELEC_CONS").unit_id
    return {"pk": unit_id}


def _emission_factor(cast: Cast) -> dict[str, Any]:
    from rasad.indicators.models import EmissionFactor

    factor = EmissionFactor.objects.order_by("pk").first()
    assert factor is not None, "the starter catalogue has emission factors"
    return {"pk": factor.pk}


def _case(cast: Cast) -> dict[str, Any]:
    from rasad.cases.testing import make_case

    return {"pk": make_case(cast, cast.isfahan).pk}


def _comment(cast: Cast) -> dict[str, Any]:
    from rasad.cases.testing import make_comment

    return {"pk": make_comment(cast, cast.isfahan).pk}


def _attachment(cast: Cast) -> dict[str, Any]:
    from rasad.cases.testing import make_attachment

    attachment = make_attachment(cast, cast.isfahan)
    return {"pk": attachment.pk}


def _case_attachment(cast: Cast) -> dict[str, Any]:
    from rasad.cases.testing import make_attachment

    attachment = make_attachment(cast, cast.isfahan)
    return {"pk": attachment.case_id, "attachment_id": attachment.pk}


def _dossier(cast: Cast) -> dict[str, Any]:
    from rasad.cases.testing import make_dossier

    return {"pk": make_dossier(cast, cast.isfahan).pk}


def _category(cast: Cast) -> dict[str, Any]:
    from rasad.cases.testing import category

    return {"pk": category().pk}


def _holiday(cast: Cast) -> dict[str, Any]:
    from datetime import date

    from rasad.cases.actions.calendar import do_set_holiday

    return {"pk": do_set_holiday(date(2031, 3, 1), "تعطیل آزمایشی", acting_user=cast.root).pk}


def _notification(cast: Cast) -> dict[str, Any]:
    """A notification of Alice's: Ali mentions her on a case of Isfahan."""
    from rasad.cases.actions import do_add_comment
    from rasad.cases.models import Notification
    from rasad.cases.testing import open_challenge

    case = open_challenge(cast, cast.isfahan, user=cast.ali)
    do_add_comment(case, "@alice لطفاً بررسی کنید", acting_user=cast.ali)
    notification = Notification.objects.filter(user=cast.alice).order_by("-pk").first()
    assert notification is not None, "a mention notifies the person mentioned"
    return {"pk": notification.pk}


def _document(cast: Cast) -> dict[str, Any]:
    from rasad.intake.testing import make_document

    return {"pk": make_document(cast, cast.isfahan).pk}


def _proposal(cast: Cast) -> dict[str, Any]:
    from rasad.intake.testing import make_proposal

    return {"pk": make_proposal(cast, cast.isfahan).pk}


def _alias(cast: Cast) -> dict[str, Any]:
    from rasad.intake.testing import make_alias

    return {"pk": make_alias(cast, cast.isfahan).pk}


def _known_person(cast: Cast) -> dict[str, Any]:
    from rasad.intake.testing import make_person

    return {"pk": make_person(cast, cast.isfahan).pk}


def _alice_export(cast: Cast) -> Any:
    from rasad.jobs.exports import do_request_export

    return do_request_export("cases", "csv", {}, acting_user=cast.alice)


def _export(cast: Cast) -> dict[str, Any]:
    return {"pk": _alice_export(cast).pk}


def _ready_export(cast: Cast) -> dict[str, Any]:
    from rasad.jobs.testing import run_queued

    export = _alice_export(cast)
    run_queued()
    return {"pk": export.pk}


def _task_run(cast: Cast) -> dict[str, Any]:
    export = _alice_export(cast)
    return {"pk": export.run.task_id}


def _schedule(cast: Cast) -> dict[str, Any]:
    from rasad.jobs.models import Schedule

    schedule = Schedule.objects.filter(is_orphaned=False).order_by("pk").first()
    assert schedule is not None, "the jobs app declares its schedules"
    return {"pk": schedule.pk}


def _subscription(cast: Cast) -> dict[str, Any]:
    from rasad.reports.actions import do_subscribe

    subscription = do_subscribe("case-status", cast.isfahan.pk, "monthly", acting_user=cast.alice)
    return {"pk": subscription.pk}


def _green_application(stage: str) -> Callable[[Cast], dict[str, Any]]:
    def make(cast: Cast) -> dict[str, Any]:
        from rasad.greenjobs.testing import application_at

        return {"pk": application_at(cast, stage).pk}

    return make


def _green_occupation(cast: Cast) -> dict[str, Any]:
    from rasad.greenjobs.testing import occupation

    return {"pk": occupation().pk}


def _green_paid(cast: Cast) -> dict[str, Any]:
    from rasad.greenjobs.testing import paid_application

    return {"pk": paid_application(cast).pk}


def _green_certified(cast: Cast) -> dict[str, Any]:
    from rasad.greenjobs.testing import make_certified_business

    return {"pk": make_certified_business(cast.isfahan).pk}


def _green_document(cast: Cast) -> dict[str, Any]:
    from rasad.greenjobs.testing import application_at

    return {"pk": application_at(cast, "submitted").documents.get().pk}


def _live_incident(cast: Cast) -> dict[str, Any]:
    from rasad.live.testing import make_incident

    return {"pk": make_incident(cast, cast.isfahan).pk}


def _made(model_label: str) -> Callable[[Cast], dict[str, Any]]:
    """A record made in Isfahan by the app's own matrix factory (``rasad/<app>/testing.py``)."""

    def make(cast: Cast) -> dict[str, Any]:
        from rasad.testing.factories import load_all

        return {"pk": load_all()[model_label].make(cast, cast.isfahan).pk}

    return make


def _programme_attachment(cast: Cast) -> dict[str, Any]:
    from rasad.programs.testing import make_attachment

    attachment = make_attachment(cast, cast.isfahan)
    return {"pk": attachment.programme_id, "attachment_id": attachment.pk}


def _training_position(cast: Cast) -> dict[str, Any]:
    from rasad.training.testing import position

    return {"pk": position().pk}


def _media_attachment(cast: Cast) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rasad.media.actions import do_add_statement_attachment
    from rasad.media.testing import make_statement

    statement = make_statement(cast.isfahan, user=cast.root)
    upload = SimpleUploadedFile("fact-sheet.pdf", b"%PDF-1.4 facts", content_type="application/pdf")
    attachment = do_add_statement_attachment(statement, upload, acting_user=cast.root)
    return {"pk": statement.pk, "attachment_id": attachment.pk}


def _media_answered(cast: Cast) -> dict[str, Any]:
    """A receipt of ISF-P1 answered with a screenshot as evidence."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rasad.media.actions import ResponseValues, do_acknowledge, do_respond
    from rasad.media.testing import make_recipient

    recipient = do_acknowledge(make_recipient(cast, cast.isfahan), acting_user=cast.root)
    shot = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\nimage", content_type="image/png")
    do_respond(
        recipient,
        ResponseValues(outcome="published", channel="website", evidence_file=shot),
        acting_user=cast.root,
    )
    return {"pk": recipient.pk}


def _training_check_in(cast: Cast) -> dict[str, Any]:
    from rasad.training.actions.checkin import do_open_check_in
    from rasad.training.testing import make_event

    event = do_open_check_in(make_event(cast.isfahan), acting_user=None)
    return {"pk": event.pk, "code": event.check_in_code}


def _training_feed(cast: Cast) -> dict[str, Any]:
    from rasad.training.actions.feed import do_make_calendar_feed

    _feed, secret = do_make_calendar_feed(cast.alice, acting_user=cast.alice)
    return {"key": secret}


def _assessment_item(cast: Cast) -> dict[str, Any]:
    from rasad.assessments.testing import matrix_item

    return {"pk": matrix_item(cast, cast.isfahan).pk}


def _from_assessments(maker: str) -> Callable[[Cast], dict[str, Any]]:
    def make(cast: Cast) -> dict[str, Any]:
        from rasad.assessments import testing

        return {"pk": getattr(testing, maker)(cast, cast.isfahan).pk}

    return make


def _assessment_evidence(cast: Cast) -> dict[str, Any]:
    from rasad.assessments.testing import matrix_evidence

    evidence = matrix_evidence(cast, cast.isfahan)
    return {"pk": evidence.assessment_id, "evidence_id": evidence.pk}


def _comms_centre(cast: Cast) -> dict[str, Any]:
    from rasad.comms.testing import centre_of

    return {"pk": centre_of(cast, cast.isfahan).pk}


def _comms_centre_code(cast: Cast) -> dict[str, Any]:
    from rasad.comms.testing import centre_of

    return {"code": centre_of(cast, cast.isfahan).code}


def _comms_attachment(cast: Cast) -> dict[str, Any]:
    from rasad.comms.actions import Draft, OutgoingAttachment, do_send_message
    from rasad.comms.testing import centre_of

    message = do_send_message(
        Draft(
            sender=centre_of(cast, cast.isfahan),
            recipients=[centre_of(cast, cast.kerman)],
            subject="پیوست آزمایشی",
            text="متن",
            attachments=[OutgoingAttachment("note.txt", "text/plain", "یادداشت".encode())],
        ),
        acting_user=cast.root,
    )
    return {"pk": message.pk, "index": 0}


def _comms_received(cast: Cast) -> dict[str, Any]:
    """A message KER-CC sent to ISF-CC: ISF-CC's received copy."""
    from rasad.comms.choices import Direction
    from rasad.comms.models import Message
    from rasad.comms.testing import centre_of, make_message

    make_message(cast, cast.kerman)
    received = Message.objects.filter(centre=centre_of(cast, cast.isfahan), direction=Direction.INCOMING)
    return {"pk": received.latest("pk").pk}


def _export_body(cast: Cast) -> dict[str, Any]:
    return {"kind": "cases", "format": "csv"}


def _fixed(**kwargs: Any) -> Callable[[Cast], dict[str, Any]]:
    return lambda cast: dict(kwargs)


SUBJECTS: dict[str, Subject] = {
    # Green jobs (made in ISF-CC): a scheme run by ISF-CC (which is also its three offices); a
    # workshop under ISF-CC in the registry; an application of such a workshop to a scheme that
    # workshop runs and reviews, at the stage each step needs; a document of it. The workshop is
    # read by ISF_STAFF (Wali's grant over ISF-CC does not reach below it).
    "green-scheme": Subject(_made("greenjobs.scheme")),
    "green-business": Subject(_made("greenjobs.business")),
    "green-application": Subject(_made("greenjobs.application")),
    "green-application-trained": Subject(_green_application("trained")),
    "green-application-approved": Subject(_green_application("approved")),
    "green-application-returned": Subject(_green_application("returned")),
    "green-document": Subject(_green_document),
    "green-occupation": Subject(_green_occupation),
    "green-certificate": Subject(_made("greenjobs.certificate")),
    "green-business-certified": Subject(_green_certified),
    "green-application-paid": Subject(_green_paid),
    "green-outcome": Subject(_made("greenjobs.outcomereport")),
    "isfahan": Subject(_isfahan),
    "period": Subject(_period()),
    "period-submit": Subject(_period("submit")),
    "grant": Subject(_grant),
    "working-group": Subject(_working_group),
    "token": Subject(_token),
    "membership": Subject(_membership),
    "audit-event": Subject(_audit_event),
    "user": Subject(_user),
    "role": Subject(_role),
    "province": Subject(_province),
    "target": Subject(_target),
    "assignment": Subject(_assignment),
    "alert": Subject(_alert),
    "baseline": Subject(_baseline),
    "scorecard": Subject(_scorecard),
    "observation": Subject(_observation),
    "indicator": Subject(_indicator),
    "unit": Subject(_unit),
    "emission-factor": Subject(_emission_factor),
    "case": Subject(_case),
    "comment": Subject(_comment),
    "attachment": Subject(_attachment),
    "case-attachment": Subject(_case_attachment),
    "dossier": Subject(_dossier),
    "category": Subject(_category),
    "holiday": Subject(_holiday),
    "notification": Subject(_notification),
    "document": Subject(_document),
    "proposal": Subject(_proposal),
    "alias": Subject(_alias),
    "known-person": Subject(_known_person),
    "export": Subject(_export),
    "export-ready": Subject(_ready_export),
    "task-run": Subject(_task_run),
    "schedule": Subject(_schedule),
    "subscription": Subject(_subscription),
    # A programme led by ISF-CC with its field post ISF-P1 and the national centre as parties;
    # its action items, targets and status reports are owed by ISF-P1.
    "programme": Subject(_made("programs.programme")),
    "programme-party": Subject(_made("programs.party")),
    "programme-axis": Subject(_made("programs.axis")),
    "programme-objective": Subject(_made("programs.objective")),
    "programme-item": Subject(_made("programs.actionitem")),
    "programme-target": Subject(_made("programs.indicatortarget")),
    "programme-report": Subject(_made("programs.statusreport")),
    "programme-file": Subject(_made("programs.programmeattachment")),
    "programme-attachment": Subject(_programme_attachment),
    # Assessments (made in ISF-CC): a draft instrument owned by ISF-CC, a cycle run by ISF-CC,
    # and the self-assessment of ISF-CC in a launched cycle of its own.
    "instrument": Subject(_made("assessments.instrument")),
    "assessment-cycle": Subject(_made("assessments.cycle")),
    "assessment": Subject(_made("assessments.assessment")),
    "instrument-item": Subject(_assessment_item),
    "instrument-section": Subject(_from_assessments("matrix_section")),
    "instrument-criterion": Subject(_from_assessments("matrix_criterion")),
    # The risk register: a risk case raised and owned by ISF-CC, a treatment action of it owed by
    # ISF-CC, and a finding of ISF-CC's own assessment (a cycle ISF-CC runs over itself).
    "risk": Subject(_from_assessments("matrix_risk")),
    "risk-action": Subject(_from_assessments("matrix_risk_action")),
    "risk-rating": Subject(_from_assessments("matrix_risk_rating")),
    "assessment-finding": Subject(_from_assessments("matrix_finding")),
    "assessment-evidence": Subject(_assessment_evidence, hides="evidence_id"),
    # Live operations: ISF-CC's field post ISF-P1, and a device, an agent credential and an event
    # there. ISF-P1 is read by ISF_STAFF (Wali's grant over ISF-CC does not reach below it).
    "field-post": Subject(lambda cast: {"pk": cast.isfahan_post.pk}),
    "live-device": Subject(_made("live.device")),
    "live-credential": Subject(_made("live.agentcredential")),
    "live-event": Subject(_made("live.deviceevent")),
    "live-outage": Subject(_made("live.outage")),
    # The open incident case of ISF-P1 (raised by a high-severity event): reported by the post,
    # owned by ISF-CC, so Wali (a viewer of ISF-CC itself) reads it too.
    "live-incident": Subject(_live_incident),
    # Training (made in ISF-CC): an event organized for ISF-CC with its course, an enrolment of a
    # member of ISF-CC, a completion, a requirement, a position held; positions are reference data.
    "training-event": Subject(_made("training.event")),
    "training-course": Subject(_made("training.course")),
    "training-enrolment": Subject(_made("training.enrolment")),
    "training-completion": Subject(_made("training.completion")),
    "training-requirement": Subject(_made("training.requirement")),
    "training-holding": Subject(_made("training.positionholding")),
    "training-position": Subject(_training_position),
    # Media coordination: ISF-CC is the media headquarters and ISF-P1 its member agency; a draft
    # statement of ISF-CC (with a file), and a receipt of ISF-P1 of a statement issued to it.
    "media-member": Subject(_made("media.memberagency")),
    "media-statement": Subject(_made("media.statement")),
    "media-attachment": Subject(_media_attachment),
    "media-recipient": Subject(_made("media.recipient")),
    "media-answered": Subject(_media_answered),
    # An open crisis of ISF-CC (ISF-P1 its member), and a rumour of ISF-CC assigned to ISF-P1.
    "media-crisis": Subject(_made("media.crisis")),
    "media-rumour": Subject(_made("media.rumour")),
    # An item of ISF-CC's media calendar, planned for ISF-P1.
    "media-plan": Subject(_made("media.planneditem")),
    "training-check-in": Subject(_training_check_in),
    "training-feed": Subject(_training_feed, hides="key"),
    "template-csv": Subject(_fixed(fmt="csv"), hides="fmt"),
    "export-cases": Subject(_fixed(kind="cases", fmt="csv"), hides="kind"),
    "report-case-status": Subject(_fixed(name="case-status"), hides="name"),
    # Secure messages (comms): ISF-CC's command centre (keys set up by Root), a message it sent to
    # KER-CC with its thread and delivery, a peer centre on another node it pinned, and a joint
    # group of centres with a task.
    "comms-centre": Subject(_comms_centre),
    "comms-centre-code": Subject(_comms_centre_code, hides="code"),
    "comms-message": Subject(_made("comms.message")),
    "comms-attachment": Subject(_comms_attachment),
    "comms-received": Subject(_comms_received),
    "comms-thread": Subject(_made("comms.thread")),
    "comms-delivery": Subject(_made("comms.delivery")),
    "comms-peer": Subject(_made("comms.peer")),
    "comms-group": Subject(_made("comms.jointgroup")),
    "comms-group-task": Subject(_made("comms.grouptask")),
}


# ---- pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One URL of the UI: what it names (a key of ``SUBJECTS``), and who may GET and POST it.
    ``public`` pages answer the anonymous too; every other page sends them to sign in."""

    subject: str | None
    get: Rule
    post: Rule = NOT_ANSWERED
    public: bool = False
    # The POST's form fields, where the page holds several forms (a case: comment or step).
    data: Mapping[str, str] = field(default_factory=dict)


def page(
    subject: str | None = None, *, get: Rule, post: Rule = NOT_ANSWERED, data: Mapping[str, str] | None = None
) -> Page:
    return Page(subject, get, post, data=dict(data or {}))


ALL_READ = allow(EVERYONE)
# A page any signed-in person may open (their own things, or lists scoped to what they see).
LIST = page(get=ALL_READ)

PAGES: dict[str, Page] = {
    # green jobs: schemes are run by coordinators (in the cast only Root); analysts of the
    # offices review, approve and pay; reporters of a business apply and correct.
    "greenjobs:scheme-list": LIST,
    "greenjobs:queue": LIST,
    "greenjobs:scheme-create": page(get=allow(ROOT), post=allow(ROOT)),
    "greenjobs:scheme-detail": page("green-scheme", get=allow(ISF_READERS)),
    "greenjobs:scheme-edit": page("green-scheme", get=allow(ROOT), post=allow(ROOT)),
    "greenjobs:apply": page("green-scheme", get=allow(ISF_READERS), post=allow(ISF_READERS)),
    "greenjobs:application-list": LIST,
    "greenjobs:application-detail": page("green-application", get=allow(ISF_STAFF)),
    "greenjobs:application-eligibility": page(
        "green-application", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:application-compliance": page(
        "green-application", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:application-training": page(
        "green-application", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:application-approve": page(
        "green-application-trained", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:application-pay": page(
        "green-application-approved", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:application-close": page(
        "green-application-approved", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:application-return": page(
        "green-application", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:application-refuse": page(
        "green-application", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:application-resubmit": page(
        "green-application-returned", get=allow(ISF_STAFF), post=allow(ISF_STAFF)
    ),
    "greenjobs:document": page("green-document", get=allow(ISF_STAFF)),
    "greenjobs:business-list": LIST,
    "greenjobs:business-create": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "greenjobs:business-detail": page("green-business", get=allow(ISF_STAFF)),
    "greenjobs:business-edit": page("green-business", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "greenjobs:occupation-list": LIST,
    "greenjobs:certificate-list": LIST,
    "greenjobs:certificate-request": page(get=allow(REPORTERS), post=allow(REPORTERS)),
    "greenjobs:certificate-detail": page("green-certificate", get=allow(ISF_STAFF)),
    "greenjobs:certificate-visit": page(
        "green-certificate", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:certificate-grant": page(
        "green-certificate", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    "greenjobs:certificate-refuse": page(
        "green-certificate", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)
    ),
    # The directory of certified green businesses is public, like training's certificate check:
    # the same rows for everyone, signed in or not (docs/greenjobs.md, "The public directory").
    # Outcomes: the business's people (and the offices' analysts, who hold the same right)
    # report them on a paid application; the dashboard is a scoped list.
    "greenjobs:application-outcome": page(
        "green-application-paid", get=allow(ISF_STAFF), post=allow(ISF_STAFF)
    ),
    "greenjobs:dashboard": LIST,
    "greenjobs:directory": Page(None, ALL_READ, public=True),
    "greenjobs:directory-points": Page(None, ALL_READ, public=True),
    "greenjobs:directory-provinces": Page(None, ALL_READ, public=True),
    "greenjobs:directory-entry": Page("green-business-certified", ALL_READ, public=True),
    # Public: the load balancer's probe and the sign-in pages.
    "healthz": Page(None, ALL_READ, public=True),
    "web:login": Page(None, ALL_READ, allow(EVERYONE), public=True),
    # The code page answers only between the password and the code: a signed-in person (no
    # password step pending) is sent to sign in, whatever the method.
    "web:two-factor": Page(None, allow(NOBODY, 302), allow(NOBODY, 302), public=True),
    "web:logout": Page(None, NOT_ANSWERED, allow(EVERYONE), public=True),
    "api-schema": Page(None, ALL_READ, public=True),
    "api-docs": Page(None, ALL_READ, public=True),
    # The person's own pages.
    "web:home": LIST,
    "web:two-factor-setup": page(get=ALL_READ, post=allow(EVERYONE)),
    "web:preferences": page(get=ALL_READ, post=allow(EVERYONE)),
    "web:password": page(get=ALL_READ, post=allow(EVERYONE)),
    # Backup codes are made only in a session that passed two-factor (Root's, in the table: the
    # others have no two-factor and are sent back to its page).
    "web:backup-codes": page(get=NOT_ANSWERED, post=allow(ROOT, 302)),
    "core:token-list": page(get=ALL_READ, post=allow(EVERYONE)),
    "core:token-revoke": page("token", get=NOT_ANSWERED, post=allow(OWNER)),
    # Organizations and people: read within scope; structure is the administrator's.
    "core:organization-list": LIST,
    "core:organization-map": LIST,
    "core:organization-geojson": LIST,
    "core:organization-export": LIST,  # an old address: leads to the export request page
    "core:organization-detail": page("isfahan", get=allow(ISF_READERS)),
    "core:organization-people": page("isfahan", get=allow(ISF_READERS)),
    "core:organization-create": page(get=allow(ROOT), post=allow(ROOT)),
    "core:organization-edit": page("isfahan", get=allow(ROOT), post=allow(ROOT)),
    "core:organization-move": page("isfahan", get=allow(ROOT), post=allow(ROOT)),
    "core:organization-close": page("isfahan", get=allow(ROOT), post=allow(ROOT)),
    # Tool pages refuse before the method is looked at: 404 to the refused, 405 to the rest.
    "core:organization-national-body": page("isfahan", get=allow(NOBODY, 404, s405=ROOT), post=allow(ROOT)),
    "core:organization-import": page(get=allow(ROOT), post=allow(ROOT)),
    "core:organization-import-template": page(get=allow(ROOT), post=allow(NOBODY, 404, s405=ROOT)),
    "core:grant-create": page("isfahan", get=allow(ROOT), post=allow(ROOT)),
    "core:grant-revoke": page("grant", get=NOT_ANSWERED, post=allow(ROOT)),
    "core:people-list": LIST,
    "core:people-import": page(get=allow(ROOT), post=allow(ROOT)),
    "core:people-import-template": page(get=allow(ROOT), post=allow(NOBODY, 404, s405=ROOT)),
    "core:user-edit": page("user", get=allow(ROOT), post=allow(ROOT)),
    "core:two-factor-reset": page("user", get=NOT_ANSWERED, post=allow(ROOT)),
    "core:user-deactivate": page("user", get=NOT_ANSWERED, post=allow(ROOT)),
    "core:user-reactivate": page("user", get=NOT_ANSWERED, post=allow(ROOT)),
    "core:working-group-list": LIST,
    "core:working-group-create": page(get=allow(ROOT), post=allow(ROOT)),
    "core:working-group-members": page("working-group", get=allow(ROOT), post=allow(ROOT)),
    # The audit trail: a list scoped like the rest (empty for those who may read none of it).
    "core:audit-list": LIST,
    "core:audit-export": LIST,  # an old address: leads to the export request page
    # Indicators.
    "indicators:dashboard": LIST,
    "indicators:choropleth": LIST,
    "indicators:observations": LIST,
    "indicators:catalogue": LIST,
    "indicators:baselines": LIST,
    "indicators:scorecards": LIST,
    "indicators:organization": page("isfahan", get=allow(ISF_READERS)),
    # A subtree's figures, to readers of the whole subtree: Wali reads ISF-CC itself only.
    "indicators:series": page("isfahan", get=allow(ISF_STAFF), data={"indicator": "ELEC_CONS"}),
    "indicators:targets": page("isfahan", get=allow(ISF_READERS)),
    "indicators:report-start": page(get=allow(REPORTERS)),
    "indicators:report": page("period", get=allow(ISF_READERS), post=allow(ISF_STAFF)),
    "indicators:period-action": page("period-submit", get=NOT_ANSWERED, post=allow(ISF_STAFF)),
    "indicators:import": page(get=allow(REPORTERS), post=allow(REPORTERS)),
    "indicators:import-template": page(
        "template-csv", get=allow(REPORTERS), post=allow(NOBODY, 404, s405=REPORTERS)
    ),
    "indicators:target-create": page("isfahan", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "indicators:target-edit": page("target", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "indicators:target-delete": page("target", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "indicators:assignments": page("isfahan", get=allow(ISF_READERS), post=allow(ISF_ANALYSTS)),
    "indicators:assignment-delete": page("assignment", get=NOT_ANSWERED, post=allow(ISF_ANALYSTS)),
    "indicators:alert-close": page("alert", get=NOT_ANSWERED, post=allow(ISF_ANALYSTS)),
    "indicators:baseline-create": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "indicators:baseline": page("baseline", get=allow(ISF_READERS)),
    "indicators:scorecard-create": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "indicators:scorecard": page("scorecard", get=allow(ISF_READERS)),
    # Cases.
    "cases:case-list": LIST,
    "cases:case-board": LIST,
    "cases:case-map": LIST,
    "cases:case-geojson": LIST,
    "cases:case-export": LIST,  # an old address: leads to the export request page
    "cases:dossier-list": LIST,
    "cases:notifications": page(get=ALL_READ, post=allow(EVERYONE)),
    "cases:calendar": LIST,
    "cases:sla-policy": LIST,
    "cases:case-create": page(get=allow(REPORTERS), post=allow(REPORTERS)),
    "cases:consolidate": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    # The dossier goes from Isfahan to the national centre: both sides read it.
    "cases:dossier-detail": page("dossier", get=allow(ISF_READERS)),
    "cases:calendar-week": page(get=allow(ROOT), post=allow(ROOT)),
    "cases:holiday-create": page(get=allow(ROOT), post=allow(ROOT)),
    "cases:holiday-edit": page("holiday", get=allow(ROOT), post=allow(ROOT)),
    "cases:holiday-delete": page("holiday", get=NOT_ANSWERED, post=allow(ROOT)),
    # Reading a case is the viewer's; commenting on it the reporter's.
    "cases:case-detail": page(
        "case", get=allow(ISF_READERS), post=allow(ISF_STAFF), data={"form": "comment"}
    ),
    "cases:attachment-download": page("case-attachment", get=allow(ISF_READERS)),
    # Intake: analysts submit and review documents; the alias list is the administrator's.
    "intake:document-list": LIST,
    "intake:people-list": LIST,
    "intake:alias-list": LIST,
    "intake:document-create": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "intake:document-review": page("document", get=allow(ISF_READERS)),
    "intake:document-decide": page("document", get=NOT_ANSWERED, post=allow(ISF_ANALYSTS)),
    "intake:document-delete": page("document", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "intake:proposal-correct": page("proposal", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "intake:alias-create": page(get=allow(ROOT), post=allow(ROOT)),
    "intake:alias-edit": page("alias", get=allow(ROOT), post=allow(ROOT)),
    "intake:alias-delete": page("alias", get=NOT_ANSWERED, post=allow(ROOT)),
    # Programmes: read by the audience of the lead (ISF-CC) and the parties (ISF-P1, NAT); changed
    # by those who may change the lead's programmes (coordinators; in the cast only Root); a
    # status report is sent by those who may submit for the party that owes it.
    "programs:programme-list": LIST,
    "programs:obligations": LIST,
    "programs:programme-create": page(get=allow(ROOT), post=allow(ROOT)),
    "programs:programme-detail": page("programme", get=allow(ISF_READERS), post=allow(ROOT)),
    "programs:programme-progress": page("programme", get=allow(ISF_READERS)),
    "programs:programme-edit": page("programme", get=allow(ROOT), post=allow(ROOT)),
    "programs:programme-transition": page("programme", get=NOT_ANSWERED, post=allow(ROOT)),
    "programs:party-create": page("programme", get=allow(ROOT), post=allow(ROOT)),
    "programs:axis-create": page("programme", get=allow(ROOT), post=allow(ROOT)),
    "programs:weights": page("programme", get=allow(ROOT), post=allow(ROOT)),
    "programs:objective-create": page("programme", get=allow(ROOT), post=allow(ROOT)),
    "programs:item-create": page("programme", get=allow(ROOT), post=allow(ROOT)),
    "programs:item-import": page("programme", get=allow(ROOT), post=allow(ROOT)),
    "programs:item-import-template": page("programme", get=allow(ROOT)),
    "programs:target-create": page("programme", get=allow(ROOT), post=allow(ROOT)),
    "programs:attachment-download": page("programme-attachment", get=allow(ISF_READERS)),
    "programs:report-submit": page("programme-report", get=allow(ISF_STAFF), post=allow(ISF_STAFF)),
    # Live operations: posts and their devices are read where the post is read; devices are
    # registered and changed by analysts and coordinators; agent credentials are the
    # administrator's.
    "live:command": LIST,
    "live:stream": LIST,
    "live:feed": LIST,
    "live:post-points": LIST,
    "live:incidents": LIST,
    # Acknowledging (triage) and assigning are the case workflow's owner steps: analysts of
    # ISF-CC; the post's reporter and a viewer read the card and are refused the step.
    "live:incident": page(
        "live-incident",
        get=allow(ISF_READERS),
        post=allow(ISF_ANALYSTS),
        data={"action": "triage", "version": "1"},
    ),
    "live:post": page("field-post", get=allow(ISF_STAFF)),
    "live:device-create": page("field-post", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "live:credential-issue": page("field-post", get=allow(ROOT), post=allow(ROOT)),
    "live:device-edit": page("live-device", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "live:device-retire": page("live-device", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "live:credential-revoke": page("live-credential", get=allow(ROOT), post=allow(ROOT)),
    # Training: events and courses are read by their organizer's readers and the audience they
    # reach; training is run by coordinators and administrators (in the cast only Root); anyone
    # who reads an event may enrol (or withdraw) themselves.
    # Assessments: instruments and cycles are the coordinators' (in the cast only Root); the
    # assessed side (reporters and analysts of ISF-CC) answers and submits its own
    # self-assessment; only an assigned assessor reviews, only the lead assessor agrees the
    # consensus and writes feedback, only a named auditing agency audits (the subject has
    # neither: nobody, Root too); the cycle's owner (ISF-CC: Root) assigns assessors and
    # finalizes. A draft instrument is read in its owner's subtree.
    "assessments:assessment-list": LIST,
    # Each person's own queue: everyone signed in opens it, and it lists only what waits for
    # them (rasad/assessments/tests/test_queue.py).
    "assessments:queue": LIST,
    "assessments:instrument-list": LIST,
    "assessments:cycle-list": LIST,
    "assessments:instrument-import": page(get=allow(ROOT), post=allow(ROOT)),
    "assessments:instrument-create": page(get=allow(ROOT), post=allow(ROOT)),
    "assessments:instrument-edit": page("instrument", get=allow(ROOT), post=allow(ROOT)),
    # An instrument's parts are kept by those who keep the instrument; a delete is a POST the
    # instrument's page confirms first.
    "assessments:section-create": page("instrument", get=allow(ROOT), post=allow(ROOT)),
    "assessments:section-edit": page("instrument-section", get=allow(ROOT), post=allow(ROOT)),
    "assessments:section-delete": page("instrument-section", get=NOT_ANSWERED, post=allow(ROOT)),
    "assessments:section-move": page(
        "instrument-section", get=NOT_ANSWERED, post=allow(ROOT), data={"direction": "down"}
    ),
    "assessments:criterion-create": page("instrument-section", get=allow(ROOT), post=allow(ROOT)),
    "assessments:criterion-edit": page("instrument-criterion", get=allow(ROOT), post=allow(ROOT)),
    "assessments:criterion-delete": page("instrument-criterion", get=NOT_ANSWERED, post=allow(ROOT)),
    "assessments:criterion-move": page(
        "instrument-criterion", get=NOT_ANSWERED, post=allow(ROOT), data={"direction": "down"}
    ),
    "assessments:item-create": page("instrument-criterion", get=allow(ROOT), post=allow(ROOT)),
    "assessments:item-delete": page("instrument-item", get=NOT_ANSWERED, post=allow(ROOT)),
    "assessments:item-move": page(
        "instrument-item", get=NOT_ANSWERED, post=allow(ROOT), data={"direction": "up"}
    ),
    "assessments:instrument-detail": page("instrument", get=allow(ISF_READERS)),
    "assessments:instrument-spreadsheet": page("instrument", get=allow(ISF_READERS)),
    "assessments:instrument-structure": page("instrument", get=allow(ROOT), post=allow(ROOT)),
    "assessments:instrument-publish": page("instrument", get=NOT_ANSWERED, post=allow(ROOT)),
    "assessments:instrument-new-version": page("instrument", get=NOT_ANSWERED, post=allow(ROOT)),
    "assessments:item-edit": page("instrument-item", get=allow(ROOT), post=allow(ROOT)),
    "assessments:instrument-bands": page("instrument", get=allow(ROOT), post=allow(ROOT)),
    "assessments:instrument-bands-spreadsheet": page("instrument", get=allow(ISF_READERS)),
    "assessments:cycle-create": page(get=allow(ROOT), post=allow(ROOT)),
    "assessments:cycle-detail": page("assessment-cycle", get=allow(ISF_READERS)),
    "assessments:cycle-results": page("assessment-cycle", get=allow(ISF_READERS)),
    "assessments:cycle-chart": page("assessment-cycle", get=allow(ISF_READERS)),
    "assessments:cycle-launch": page("assessment-cycle", get=NOT_ANSWERED, post=allow(ROOT)),
    "assessments:cycle-close": page("assessment-cycle", get=NOT_ANSWERED, post=allow(ROOT)),
    "assessments:cycle-audit": page("assessment-cycle", get=allow(ROOT), post=allow(ROOT)),
    "assessments:assessment-detail": page("assessment", get=allow(ISF_READERS)),
    "assessments:assessment-chart": page("assessment", get=allow(ISF_READERS)),
    "assessments:assessment-answers": page("assessment", get=allow(ISF_STAFF), post=allow(ISF_STAFF)),
    "assessments:assessment-review": page("assessment", get=allow(NOBODY), post=allow(NOBODY)),
    "assessments:assessment-consensus": page("assessment", get=allow(NOBODY), post=allow(NOBODY)),
    "assessments:assessment-feedback": page("assessment", get=allow(NOBODY), post=allow(NOBODY)),
    "assessments:assessment-audit": page("assessment", get=allow(NOBODY), post=allow(NOBODY)),
    # The feedback report exists once the assessment is final; the table's assessment is not.
    "assessments:feedback-report": page("assessment", get=allow(NOBODY)),
    "assessments:assessment-assign": page("assessment", get=allow(ROOT), post=allow(ROOT)),
    "assessments:assessment-finalize": page("assessment", get=NOT_ANSWERED, post=allow(ROOT)),
    "assessments:assessment-fill-indicators": page("assessment", get=NOT_ANSWERED, post=allow(ISF_STAFF)),
    "assessments:assessment-reopen": page("assessment", get=allow(ROOT), post=allow(ROOT)),
    "assessments:assessment-withdraw": page("assessment", get=allow(ROOT), post=allow(ROOT)),
    "assessments:evidence-download": page("assessment-evidence", get=allow(ISF_READERS)),
    # The risk register: read where the risk case is read; rated and treated by the analysts of
    # the organization that owns the risk (ISF-CC: Alice, Nadia, Root). A risk is proposed from a
    # finding by the cycle's owner (Root); the finding's readers who may not are refused alike.
    "assessments:risk-register": LIST,
    # Compliance at every level: any signed-in person; the heat map, the map's feeds and the
    # trend count only the assessments they may see (rasad/assessments/tests/test_compliance.py).
    "assessments:compliance": LIST,
    "assessments:compliance-map": LIST,
    "assessments:compliance-points": LIST,
    "assessments:risk-import": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "assessments:risk-detail": page("risk", get=allow(ISF_READERS)),
    "assessments:risk-rate": page("risk", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "assessments:risk-action-add": page("risk", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "assessments:risk-action-done": page("risk-action", get=NOT_ANSWERED, post=allow(ISF_ANALYSTS)),
    "assessments:finding-propose-risk": page("assessment-finding", get=NOT_ANSWERED, post=allow(ROOT)),
    "training:event-list": LIST,
    "training:event-week": LIST,
    "training:my-learning": LIST,
    "training:compliance": LIST,
    "training:compliance-map": LIST,
    "training:compliance-points": LIST,
    "training:completion-import": page(get=allow(ROOT), post=allow(ROOT)),
    "training:completion-template": page(get=allow(ROOT), post=allow(NOBODY, 404, s405=ROOT)),
    "training:course-list": LIST,
    "training:requirement-list": LIST,
    "training:position-assign": page(get=allow(ROOT), post=allow(ROOT)),
    "training:event-create": page(get=allow(ROOT), post=allow(ROOT)),
    "training:event-detail": page("training-event", get=allow(ISF_READERS)),
    "training:event-edit": page("training-event", get=allow(ROOT), post=allow(ROOT)),
    "training:event-place": page("training-event", get=allow(ISF_READERS)),
    "training:event-cancel": page("training-event", get=NOT_ANSWERED, post=allow(ROOT)),
    "training:event-enrol": page("training-event", get=NOT_ANSWERED, post=allow(ISF_READERS)),
    "training:event-enrol-staff": page("training-event", get=NOT_ANSWERED, post=allow(ISF_READERS)),
    "training:event-withdraw": page("training-event", get=NOT_ANSWERED, post=allow(ISF_READERS)),
    "training:event-attendance": page("training-event", get=allow(ROOT), post=allow(ROOT)),
    "training:roster-import": page("training-event", get=allow(ROOT), post=allow(ROOT)),
    "training:roster-template": page("training-event", get=allow(ROOT)),
    "training:enrolment-cancel": page("training-enrolment", get=NOT_ANSWERED, post=allow(ROOT)),
    "training:course-create": page(get=allow(ROOT), post=allow(ROOT)),
    "training:course-detail": page("training-course", get=allow(ISF_READERS)),
    "training:course-edit": page("training-course", get=allow(ROOT), post=allow(ROOT)),
    "training:requirement-create": page(get=allow(ROOT), post=allow(ROOT)),
    "training:requirement-edit": page("training-requirement", get=allow(ROOT), post=allow(ROOT)),
    # The certificate is the completion's readers'; checking a code is public (it shows only the
    # name, course, date and validity, and a plain "not found" otherwise).
    "training:certificate": page("training-completion", get=allow(ISF_READERS)),
    "training:verify": Page(None, ALL_READ, public=True),
    # Media coordination (ISF-CC is the headquarters, ISF-P1 the agency): everyone in scope reads;
    # analysts draft and send for review; approving, issuing and adding member agencies is for
    # coordinators and administrators (in the cast only Root); an agency's staff (the reporter
    # Ali too) acknowledge and answer.
    "media:board": LIST,
    "media:inbox": LIST,
    "media:members": LIST,
    "media:member-create": page(get=allow(ROOT), post=allow(ROOT)),
    "media:statement-create": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "media:statement-detail": page("media-statement", get=allow(ISF_READERS)),
    "media:statement-edit": page("media-statement", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "media:statement-submit": page("media-statement", get=NOT_ANSWERED, post=allow(ISF_ANALYSTS)),
    "media:statement-approve": page("media-statement", get=NOT_ANSWERED, post=allow(ROOT)),
    "media:statement-return": page("media-statement", get=NOT_ANSWERED, post=allow(ROOT)),
    "media:statement-issue": page("media-statement", get=allow(ROOT), post=allow(ROOT)),
    "media:statement-revise": page("media-statement", get=NOT_ANSWERED, post=allow(ISF_ANALYSTS)),
    "media:statement-attach": page("media-statement", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "media:attachment-download": page("media-attachment", get=allow(ISF_READERS)),
    "media:recipient-detail": page("media-recipient", get=allow(ISF_READERS)),
    "media:recipient-acknowledge": page("media-recipient", get=NOT_ANSWERED, post=allow(ISF_STAFF)),
    "media:recipient-respond": page("media-recipient", get=allow(ISF_STAFF), post=allow(ISF_STAFF)),
    "media:evidence-download": page("media-answered", get=allow(ISF_READERS)),
    # The crisis room is shared by the headquarters and its member agencies; coordinators open and
    # close it; anyone who works for either (not a viewer) writes on the timeline; analysts keep
    # the rumour log; the agency it is assigned to (the reporter too) answers a rumour.
    "media:crisis-list": LIST,
    "media:crisis-create": page(get=allow(ROOT), post=allow(ROOT)),
    "media:crisis-detail": page("media-crisis", get=allow(ISF_READERS)),
    "media:crisis-timeline": page("media-crisis", get=allow(ISF_READERS)),
    "media:crisis-places": page("media-crisis", get=allow(ISF_READERS)),
    "media:crisis-entry": page("media-crisis", get=allow(ISF_STAFF), post=allow(ISF_STAFF)),
    "media:crisis-close": page("media-crisis", get=allow(ROOT), post=allow(ROOT)),
    "media:crisis-report": page("media-crisis", get=allow(ISF_READERS)),
    "media:rumour-list": LIST,
    "media:figures": LIST,
    "media:rumour-create": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "media:rumour-detail": page("media-rumour", get=allow(ISF_READERS)),
    "media:rumour-assign": page("media-rumour", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "media:rumour-answer": page("media-rumour", get=allow(ISF_STAFF), post=allow(ISF_STAFF)),
    "media:rumour-dismiss": page("media-rumour", get=NOT_ANSWERED, post=allow(ISF_ANALYSTS)),
    # The media calendar: the headquarters' analysts plan; the agency it is planned for (the
    # reporter too) marks an item published.
    "media:plan-calendar": LIST,
    "media:plan-ics": LIST,  # the month's items the person sees, as an iCalendar file
    "media:plan-create": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "media:plan-detail": page("media-plan", get=allow(ISF_READERS)),
    "media:plan-edit": page("media-plan", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "media:plan-publish": page("media-plan", get=allow(ISF_STAFF), post=allow(ISF_STAFF)),
    "media:plan-cancel": page("media-plan", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "training:event-announce": page("training-event", get=allow(ROOT), post=allow(ROOT)),
    "training:event-ics": page("training-event", get=allow(ISF_READERS)),
    "training:check-in-code": page("training-event", get=allow(ROOT), post=allow(ROOT)),
    # Scanning the code at the door: whoever sees the event reaches the page; checking in without
    # a place is answered with the reason (a redirect and a message).
    "training:check-in": page("training-check-in", get=allow(ISF_READERS), post=allow(ISF_READERS)),
    "training:calendar-address": page(get=ALL_READ, post=allow(EVERYONE)),
    "training:calendar-address-stop": page(get=NOT_ANSWERED, post=allow(EVERYONE)),
    # A calendar program reads the feed without signing in: the secret in the address is Alice's.
    "training:calendar-feed": Page("training-feed", ALL_READ, public=True),
    # Background work: the platform administrator's; a person's own files are theirs alone.
    "jobs:jobs": page(get=allow(ROOT), post=allow(NOBODY, 404, s405=ROOT)),
    "jobs:retry": page("task-run", get=allow(NOBODY, 404, s405=ROOT), post=allow(ROOT)),
    "jobs:progress": page("task-run", get=allow(OWNER | ROOT)),
    "jobs:schedule-edit": page("schedule", get=allow(ROOT), post=allow(ROOT)),
    "jobs:my-files": LIST,
    "jobs:export-request": page("export-cases", get=allow(GRANTED), post=allow(GRANTED)),
    "jobs:export-detail": page("export", get=allow(OWNER)),
    "jobs:export-status": page("export", get=allow(OWNER)),
    "jobs:export-download": page("export-ready", get=allow(OWNER)),
    # Reports: those who may read the report's subject somewhere; subscriptions are their owner's.
    "reports:list": LIST,
    # An empty form: the form again with "choose an organization" (400) to those who may ask.
    "reports:form": page("report-case-status", get=allow(GRANTED), post=allow(GRANTED)),
    "reports:unsubscribe": page("subscription", get=NOT_ANSWERED, post=allow(OWNER)),
    # Secure messages: read by those who may view comms records of ISF-CC (reporters are left
    # out by their role: field posts do not read centre correspondence); written, acknowledged and
    # turned into tasks by analysts; peers, joint groups and keys are the administrator's (the
    # coordinator's role would do peers and groups, but nobody of the cast is a coordinator). The
    # federation endpoints answer other nodes, with no session: public.
    "comms:inbox": LIST,
    "comms:outbox": LIST,
    "comms:peers": LIST,
    "comms:centres": LIST,
    "comms:groups": LIST,
    "comms:compose": page(get=allow(ANALYSTS), post=allow(ANALYSTS)),
    "comms:thread": page("comms-thread", get=allow(COMMS_READERS), post=allow(ISF_ANALYSTS)),
    "comms:attachment": page("comms-attachment", get=allow(COMMS_READERS)),
    "comms:acknowledge": page("comms-message", get=NOT_ANSWERED, post=allow(ISF_ANALYSTS)),
    # Opening a case from a message needs both: reading the message and filing cases there.
    "comms:open-case": page("comms-received", get=allow(ISF_ANALYSTS), post=allow(ISF_ANALYSTS)),
    "comms:peer-add": page(get=allow(ROOT), post=allow(ROOT)),
    "comms:peer": page("comms-peer", get=allow(COMMS_READERS), post=allow(ROOT)),
    "comms:centre-set-up": page(get=allow(ROOT), post=allow(ROOT)),
    "comms:rotate": page("comms-centre", get=NOT_ANSWERED, post=allow(ROOT)),
    "comms:revoke": page("comms-centre", get=NOT_ANSWERED, post=allow(ROOT)),
    "comms:rotate-identity": page("comms-centre", get=NOT_ANSWERED, post=allow(ROOT)),
    "comms:group-create": page(get=allow(ROOT), post=allow(ROOT)),
    "comms:group": page("comms-group", get=allow(COMMS_READERS), post=allow(ISF_ANALYSTS)),
    # Other nodes post envelopes and bundles with no session: an empty one is read and refused as
    # unprocessable (422, and the refusal is on the audit trail), whoever sends it.
    "comms:federation-inbox": Page(None, NOT_ANSWERED, allow(EVERYONE), public=True),
    "comms:federation-bundles": Page(None, NOT_ANSWERED, allow(EVERYONE), public=True),
    "comms:federation-bundle": Page("comms-centre-code", ALL_READ, public=True),
    "comms:federation-node": Page(None, ALL_READ, public=True),
}


# ---- API operations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One operation of the API schema: what ``{id}`` names (a key of ``SUBJECTS``), who gets
    through, the body sent (a valid one where a maker is given; else ``{}``, which those who get
    through may answer with 400), and, for a list, who finds the subject in it."""

    rule: Rule
    subject: str | None = None
    body: Callable[[Cast], dict[str, Any]] | None = None
    listed: frozenset[str] | None = None
    query: Mapping[str, str] = field(default_factory=dict)


def op(
    rule: Rule,
    subject: str | None = None,
    body: Callable[[Cast], dict[str, Any]] | None = None,
    listed: frozenset[str] | None = None,
    query: Mapping[str, str] | None = None,
) -> Operation:
    return Operation(rule, subject, body, listed, dict(query or {}))


def _payload(model_label: str) -> Callable[[Cast], dict[str, Any]]:
    """The app's own valid create body for a record in Isfahan (``rasad/<app>/testing.py``)."""

    def make(cast: Cast) -> dict[str, Any]:
        from rasad.testing.factories import load_all

        maker = load_all()[model_label].create_payload
        assert maker is not None
        return maker(cast, cast.isfahan)

    return make


def _escalation_body(cast: Cast) -> dict[str, Any]:
    return {"reason": "نیاز به پشتیبانی مرکز ملی"}


def _token_body(cast: Cast) -> dict[str, Any]:
    return {"name": "نشانه آزمایشی"}


# A create naming Isfahan: those who may add such records nowhere get 403 before the body is
# read; those who may add them elsewhere but cannot see Isfahan get 400 (an unknown reference).
KERMAN = frozenset({"bob", "bahram"})
KERMAN_ANALYST = frozenset({"bob"})


def creates(users: frozenset[str], elsewhere: frozenset[str] = NOBODY) -> Rule:
    return allow(users, 403, s400=elsewhere)


READ_ALL = allow(EVERYONE)

API: dict[str, Operation] = {
    # green jobs (see the pages above)
    "GET /api/v1/green-occupations/": op(READ_ALL),
    "GET /api/v1/green-occupations/{id}/": op(READ_ALL, "green-occupation"),
    "GET /api/v1/green-businesses/": op(READ_ALL, "green-business", listed=ISF_STAFF),
    "POST /api/v1/green-businesses/": op(
        creates(ISF_ANALYSTS, frozenset({"bob"})), body=_payload("greenjobs.business")
    ),
    "GET /api/v1/green-businesses/{id}/": op(allow(ISF_STAFF), "green-business"),
    # The directory: every signed-in caller reads every certified business (401 when signed out).
    "GET /api/v1/green-businesses/directory/": op(READ_ALL, "green-business-certified", listed=EVERYONE),
    "PATCH /api/v1/green-businesses/{id}/": op(allow(ISF_ANALYSTS), "green-business"),
    "GET /api/v1/green-schemes/": op(READ_ALL, "green-scheme", listed=ISF_READERS),
    "POST /api/v1/green-schemes/": op(creates(ROOT), body=_payload("greenjobs.scheme")),
    "GET /api/v1/green-schemes/{id}/": op(allow(ISF_READERS), "green-scheme"),
    "PATCH /api/v1/green-schemes/{id}/": op(allow(ROOT), "green-scheme"),
    "GET /api/v1/green-applications/": op(READ_ALL, "green-application", listed=ISF_STAFF),
    "POST /api/v1/green-applications/": op(
        creates(ISF_STAFF, frozenset({"bob", "bahram"})), body=_payload("greenjobs.application")
    ),
    "GET /api/v1/green-applications/{id}/": op(allow(ISF_STAFF), "green-application"),
    "POST /api/v1/green-applications/{id}/documents/": op(allow(ISF_STAFF), "green-application"),
    "POST /api/v1/green-applications/{id}/submit/": op(allow(ISF_STAFF), "green-application"),
    "POST /api/v1/green-applications/{id}/resubmit/": op(allow(ISF_STAFF), "green-application-returned"),
    "POST /api/v1/green-applications/{id}/check-eligibility/": op(allow(ISF_ANALYSTS), "green-application"),
    "POST /api/v1/green-applications/{id}/confirm-compliance/": op(allow(ISF_ANALYSTS), "green-application"),
    "POST /api/v1/green-applications/{id}/confirm-training/": op(allow(ISF_ANALYSTS), "green-application"),
    "POST /api/v1/green-applications/{id}/approve/": op(allow(ISF_ANALYSTS), "green-application-trained"),
    "POST /api/v1/green-applications/{id}/instalments/": op(
        allow(ISF_ANALYSTS), "green-application-approved"
    ),
    "POST /api/v1/green-applications/{id}/close/": op(allow(ISF_ANALYSTS), "green-application-approved"),
    "POST /api/v1/green-applications/{id}/return/": op(allow(ISF_ANALYSTS), "green-application"),
    "POST /api/v1/green-applications/{id}/refuse/": op(allow(ISF_ANALYSTS), "green-application"),
    "GET /api/v1/green-outcomes/": op(READ_ALL, "green-outcome", listed=ISF_STAFF),
    "POST /api/v1/green-outcomes/": op(
        creates(ISF_STAFF, frozenset({"bob", "bahram"})), body=_payload("greenjobs.outcomereport")
    ),
    "GET /api/v1/green-outcomes/{id}/": op(allow(ISF_STAFF), "green-outcome"),
    "GET /api/v1/green-certificates/": op(READ_ALL, "green-certificate", listed=ISF_STAFF),
    "POST /api/v1/green-certificates/": op(
        creates(ISF_STAFF, frozenset({"bob", "bahram"})), body=_payload("greenjobs.certificate")
    ),
    "GET /api/v1/green-certificates/{id}/": op(allow(ISF_STAFF), "green-certificate"),
    "POST /api/v1/green-certificates/{id}/visit/": op(allow(ISF_ANALYSTS), "green-certificate"),
    "POST /api/v1/green-certificates/{id}/grant/": op(allow(ISF_ANALYSTS), "green-certificate"),
    "POST /api/v1/green-certificates/{id}/refuse/": op(allow(ISF_ANALYSTS), "green-certificate"),
    # core
    "GET /api/v1/api-tokens/": op(READ_ALL, "token", listed=OWNER),
    # Minting a token needs two-factor passed in this session: Root's API client has not.
    "POST /api/v1/api-tokens/": op(allow(EVERYONE - ROOT, 403), body=_token_body),
    "GET /api/v1/api-tokens/{id}/": op(allow(OWNER), "token"),
    "POST /api/v1/api-tokens/{id}/revoke/": op(allow(OWNER), "token"),
    "GET /api/v1/audit-events/": op(READ_ALL, "audit-event", listed=ISF_ANALYSTS),
    "GET /api/v1/audit-events/{id}/": op(allow(ISF_ANALYSTS), "audit-event"),
    "GET /api/v1/grants/": op(READ_ALL, "grant", listed=ISF_READERS),
    "POST /api/v1/grants/": op(creates(ROOT), body=_payload("core.grant")),
    "GET /api/v1/grants/{id}/": op(allow(ISF_READERS), "grant"),
    "DELETE /api/v1/grants/{id}/": op(allow(ROOT), "grant"),
    "GET /api/v1/memberships/": op(READ_ALL, "membership", listed=ISF_READERS),
    "POST /api/v1/memberships/": op(creates(ROOT)),
    "GET /api/v1/memberships/{id}/": op(allow(ISF_READERS), "membership"),
    "DELETE /api/v1/memberships/{id}/": op(allow(ROOT), "membership"),
    "GET /api/v1/organizations/": op(READ_ALL, "isfahan", listed=ISF_READERS),
    "POST /api/v1/organizations/": op(creates(ROOT), body=_payload("core.organization")),
    "GET /api/v1/organizations/{id}/": op(allow(ISF_READERS), "isfahan"),
    "PUT /api/v1/organizations/{id}/": op(allow(ROOT), "isfahan"),
    "PATCH /api/v1/organizations/{id}/": op(allow(ROOT), "isfahan"),
    "POST /api/v1/organizations/import/": op(creates(ROOT)),
    "GET /api/v1/provinces/": op(READ_ALL),
    "GET /api/v1/provinces/{id}/": op(READ_ALL, "province"),
    "GET /api/v1/roles/": op(READ_ALL),
    # Roles are read by everyone with a grant that counts (RoleViewSet).
    "GET /api/v1/roles/{id}/": op(allow(GRANTED), "role"),
    "PUT /api/v1/roles/{id}/": op(allow(ROOT), "role"),
    "PATCH /api/v1/roles/{id}/": op(allow(ROOT), "role"),
    "GET /api/v1/users/": op(READ_ALL, "user", listed=ISF_READERS),
    "GET /api/v1/users/{id}/": op(allow(ISF_READERS), "user"),
    "GET /api/v1/users/me/": op(READ_ALL),
    "PATCH /api/v1/users/me/": op(allow(EVERYONE)),
    "POST /api/v1/users/me/password/": op(allow(EVERYONE)),
    "POST /api/v1/users/{id}/reset-two-factor/": op(allow(ROOT), "user"),
    "POST /api/v1/users/{id}/deactivate/": op(allow(ROOT), "user"),
    "POST /api/v1/users/{id}/reactivate/": op(allow(ROOT), "user"),
    "GET /api/v1/working-groups/": op(READ_ALL, "working-group", listed=ISF_READERS),
    "POST /api/v1/working-groups/": op(creates(ROOT), body=_payload("core.workinggroup")),
    "GET /api/v1/working-groups/{id}/": op(allow(ISF_READERS), "working-group"),
    "PUT /api/v1/working-groups/{id}/": op(allow(ROOT), "working-group"),
    "PATCH /api/v1/working-groups/{id}/": op(allow(ROOT), "working-group"),
    # indicators: the catalogue is read by all and kept by the national centre
    "GET /api/v1/indicators/": op(READ_ALL),
    "POST /api/v1/indicators/": op(creates(NATIONAL)),
    "GET /api/v1/indicators/{id}/": op(READ_ALL, "indicator"),
    "PUT /api/v1/indicators/{id}/": op(allow(NATIONAL), "indicator"),
    "PATCH /api/v1/indicators/{id}/": op(allow(NATIONAL), "indicator"),
    "GET /api/v1/indicator-units/": op(READ_ALL),
    "GET /api/v1/indicator-units/{id}/": op(READ_ALL, "unit"),
    "GET /api/v1/emission-factors/": op(READ_ALL),
    "GET /api/v1/emission-factors/{id}/": op(READ_ALL, "emission-factor"),
    "GET /api/v1/indicator-assignments/": op(READ_ALL, "assignment", listed=ISF_READERS),
    "POST /api/v1/indicator-assignments/": op(creates(ANALYSTS)),
    "GET /api/v1/indicator-assignments/{id}/": op(allow(ISF_READERS), "assignment"),
    "DELETE /api/v1/indicator-assignments/{id}/": op(allow(ISF_ANALYSTS), "assignment"),
    "GET /api/v1/indicator-targets/": op(READ_ALL, "target", listed=ISF_READERS),
    "POST /api/v1/indicator-targets/": op(
        creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("indicators.target")
    ),
    "GET /api/v1/indicator-targets/{id}/": op(allow(ISF_READERS), "target"),
    "PUT /api/v1/indicator-targets/{id}/": op(allow(ISF_ANALYSTS), "target"),
    "PATCH /api/v1/indicator-targets/{id}/": op(allow(ISF_ANALYSTS), "target"),
    "DELETE /api/v1/indicator-targets/{id}/": op(allow(ISF_ANALYSTS), "target"),
    "GET /api/v1/indicator-alerts/": op(READ_ALL, "alert", listed=ISF_READERS),
    "GET /api/v1/indicator-alerts/{id}/": op(allow(ISF_READERS), "alert"),
    "POST /api/v1/indicator-alerts/{id}/close/": op(allow(ISF_ANALYSTS), "alert"),
    "GET /api/v1/observations/": op(READ_ALL, "observation", listed=ISF_READERS),
    "GET /api/v1/observations/{id}/": op(allow(ISF_READERS), "observation"),
    "GET /api/v1/observations/completeness/": op(READ_ALL, query={"period": "1403-01"}),
    "POST /api/v1/observations/bulk/": op(creates(REPORTERS)),
    "POST /api/v1/observations/submit/": op(creates(REPORTERS)),
    "POST /api/v1/observations/approve/": op(creates(ANALYSTS)),
    "POST /api/v1/observations/reopen/": op(creates(ANALYSTS)),
    "GET /api/v1/energy-baselines/": op(READ_ALL, "baseline", listed=ISF_READERS),
    "POST /api/v1/energy-baselines/": op(creates(ANALYSTS)),
    "GET /api/v1/energy-baselines/{id}/": op(allow(ISF_READERS), "baseline"),
    "PUT /api/v1/energy-baselines/{id}/": op(allow(ISF_ANALYSTS), "baseline"),
    "PATCH /api/v1/energy-baselines/{id}/": op(allow(ISF_ANALYSTS), "baseline"),
    "GET /api/v1/energy-baselines/{id}/report/": op(allow(ISF_READERS), "baseline"),
    "GET /api/v1/scorecards/": op(READ_ALL, "scorecard", listed=ISF_READERS),
    "POST /api/v1/scorecards/": op(creates(ANALYSTS)),
    "GET /api/v1/scorecards/{id}/": op(allow(ISF_READERS), "scorecard"),
    "PUT /api/v1/scorecards/{id}/": op(allow(ISF_ANALYSTS), "scorecard"),
    "GET /api/v1/scorecards/{id}/results/": op(allow(ISF_READERS), "scorecard"),
    # cases
    "GET /api/v1/case-categories/": op(READ_ALL),
    "GET /api/v1/case-categories/{id}/": op(READ_ALL, "category"),
    "GET /api/v1/cases/": op(READ_ALL, "case", listed=ISF_READERS),
    "POST /api/v1/cases/": op(creates(ISF_STAFF, KERMAN), body=_payload("cases.case")),
    "GET /api/v1/cases/{id}/": op(allow(ISF_READERS), "case"),
    "PATCH /api/v1/cases/{id}/": op(allow(ISF_STAFF), "case"),
    "GET /api/v1/cases/{id}/allowed-actions/": op(allow(ISF_READERS), "case"),
    "GET /api/v1/cases/{id}/timeline/": op(allow(ISF_READERS), "case"),
    "GET /api/v1/cases/{id}/comments/": op(allow(ISF_READERS), "case"),
    "POST /api/v1/cases/{id}/comments/": op(allow(ISF_STAFF), "case"),
    "GET /api/v1/cases/{id}/attachments/": op(allow(ISF_READERS), "case"),
    "POST /api/v1/cases/{id}/attachments/": op(allow(ISF_STAFF), "case"),
    "POST /api/v1/cases/{id}/transition/": op(allow(ISF_STAFF), "case"),
    "POST /api/v1/cases/{id}/merge/": op(allow(ISF_ANALYSTS), "case"),
    "POST /api/v1/cases/{id}/escalate/": op(allow(ISF_ANALYSTS), "case", body=_escalation_body),
    "GET /api/v1/case-comments/": op(READ_ALL, "comment", listed=ISF_READERS),
    "GET /api/v1/case-comments/{id}/": op(allow(ISF_READERS), "comment"),
    "GET /api/v1/case-attachments/": op(READ_ALL, "attachment", listed=ISF_READERS),
    "GET /api/v1/case-attachments/{id}/": op(allow(ISF_READERS), "attachment"),
    "GET /api/v1/case-attachments/{id}/download/": op(allow(ISF_READERS), "attachment"),
    "GET /api/v1/dossiers/": op(READ_ALL, "dossier", listed=ISF_READERS),
    "POST /api/v1/dossiers/": op(creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("cases.dossier")),
    "GET /api/v1/dossiers/{id}/": op(allow(ISF_READERS), "dossier"),
    "GET /api/v1/holidays/": op(READ_ALL, "holiday", listed=EVERYONE),
    "POST /api/v1/holidays/": op(creates(ROOT)),
    "GET /api/v1/holidays/{id}/": op(READ_ALL, "holiday"),
    "DELETE /api/v1/holidays/{id}/": op(allow(ROOT), "holiday"),
    "GET /api/v1/notifications/": op(READ_ALL, "notification", listed=OWNER),
    "GET /api/v1/notifications/{id}/": op(allow(OWNER), "notification"),
    "POST /api/v1/notifications/{id}/read/": op(allow(OWNER), "notification"),
    # programmes (see the pages above for who is who)
    "GET /api/v1/programmes/": op(READ_ALL, "programme", listed=ISF_READERS),
    "POST /api/v1/programmes/": op(creates(ROOT), body=_payload("programs.programme")),
    "GET /api/v1/programmes/{id}/": op(allow(ISF_READERS), "programme"),
    "PATCH /api/v1/programmes/{id}/": op(allow(ROOT), "programme"),
    "POST /api/v1/programmes/{id}/transition/": op(allow(ROOT), "programme"),
    "GET /api/v1/programmes/{id}/allowed-steps/": op(allow(ISF_READERS), "programme"),
    "POST /api/v1/programmes/{id}/axis-weights/": op(allow(ROOT), "programme"),
    "GET /api/v1/programmes/{id}/progress/": op(allow(ISF_READERS), "programme"),
    "GET /api/v1/programmes/{id}/attachments/": op(allow(ISF_READERS), "programme"),
    "POST /api/v1/programmes/{id}/attachments/": op(allow(ROOT), "programme"),
    "GET /api/v1/programme-parties/": op(READ_ALL, "programme-party", listed=ISF_READERS),
    "POST /api/v1/programme-parties/": op(creates(ROOT), body=_payload("programs.party")),
    "GET /api/v1/programme-parties/{id}/": op(allow(ISF_READERS), "programme-party"),
    "PATCH /api/v1/programme-parties/{id}/": op(allow(ROOT), "programme-party"),
    "DELETE /api/v1/programme-parties/{id}/": op(allow(ROOT), "programme-party"),
    "GET /api/v1/programme-axes/": op(READ_ALL, "programme-axis", listed=ISF_READERS),
    "POST /api/v1/programme-axes/": op(creates(ROOT), body=_payload("programs.axis")),
    "GET /api/v1/programme-axes/{id}/": op(allow(ISF_READERS), "programme-axis"),
    "PATCH /api/v1/programme-axes/{id}/": op(allow(ROOT), "programme-axis"),
    "DELETE /api/v1/programme-axes/{id}/": op(allow(ROOT), "programme-axis"),
    "POST /api/v1/programme-axes/{id}/objective-weights/": op(allow(ROOT), "programme-axis"),
    "GET /api/v1/programme-objectives/": op(READ_ALL, "programme-objective", listed=ISF_READERS),
    "POST /api/v1/programme-objectives/": op(creates(ROOT), body=_payload("programs.objective")),
    "GET /api/v1/programme-objectives/{id}/": op(allow(ISF_READERS), "programme-objective"),
    "PATCH /api/v1/programme-objectives/{id}/": op(allow(ROOT), "programme-objective"),
    "DELETE /api/v1/programme-objectives/{id}/": op(allow(ROOT), "programme-objective"),
    "GET /api/v1/programme-action-items/": op(READ_ALL, "programme-item", listed=ISF_READERS),
    "POST /api/v1/programme-action-items/": op(creates(ROOT), body=_payload("programs.actionitem")),
    "GET /api/v1/programme-action-items/{id}/": op(allow(ISF_READERS), "programme-item"),
    "PATCH /api/v1/programme-action-items/{id}/": op(allow(ROOT), "programme-item"),
    "GET /api/v1/programme-indicator-targets/": op(READ_ALL, "programme-target", listed=ISF_READERS),
    "POST /api/v1/programme-indicator-targets/": op(creates(ROOT), body=_payload("programs.indicatortarget")),
    "GET /api/v1/programme-indicator-targets/{id}/": op(allow(ISF_READERS), "programme-target"),
    "PATCH /api/v1/programme-indicator-targets/{id}/": op(allow(ROOT), "programme-target"),
    "DELETE /api/v1/programme-indicator-targets/{id}/": op(allow(ROOT), "programme-target"),
    "GET /api/v1/programme-status-reports/": op(READ_ALL, "programme-report", listed=ISF_READERS),
    "GET /api/v1/programme-status-reports/{id}/": op(allow(ISF_READERS), "programme-report"),
    "POST /api/v1/programme-status-reports/{id}/submit/": op(allow(ISF_STAFF), "programme-report"),
    "GET /api/v1/programme-attachments/": op(READ_ALL, "programme-file", listed=ISF_READERS),
    "GET /api/v1/programme-attachments/{id}/": op(allow(ISF_READERS), "programme-file"),
    "GET /api/v1/programme-attachments/{id}/download/": op(allow(ISF_READERS), "programme-file"),
    # assessments: instruments and cycles are the coordinators' (in the cast only Root); the
    # assessed side (reporters and analysts of ISF-CC) answers and submits; assessors review;
    # the cycle's owner assigns assessors and finalizes. A draft instrument is read in its
    # owner's scope only.
    "GET /api/v1/assessment-instruments/": op(READ_ALL, "instrument", listed=ISF_READERS),
    "GET /api/v1/assessment-instruments/{id}/": op(allow(ISF_READERS), "instrument"),
    "GET /api/v1/assessment-instruments/{id}/spreadsheet/": op(allow(ISF_READERS), "instrument"),
    "POST /api/v1/assessment-instruments/import/": op(creates(ROOT)),
    "POST /api/v1/assessment-instruments/{id}/structure/": op(allow(ROOT), "instrument"),
    "POST /api/v1/assessment-instruments/{id}/publish/": op(allow(ROOT), "instrument"),
    "POST /api/v1/assessment-instruments/{id}/bands/": op(allow(ROOT), "instrument"),
    "POST /api/v1/assessment-instruments/{id}/bands-import/": op(allow(ROOT), "instrument"),
    "GET /api/v1/assessment-instruments/{id}/bands-spreadsheet/": op(allow(ISF_READERS), "instrument"),
    "POST /api/v1/assessment-instruments/{id}/new-version/": op(allow(ROOT), "instrument"),
    # Part by part (a body of {} is refused with 400 after the scope check, as for bands).
    "POST /api/v1/assessment-instruments/{id}/sections/": op(allow(ROOT), "instrument"),
    "POST /api/v1/assessment-instruments/{id}/criteria/": op(allow(ROOT), "instrument"),
    "POST /api/v1/assessment-instruments/{id}/items/": op(allow(ROOT), "instrument"),
    "POST /api/v1/assessment-instruments/{id}/move-part/": op(allow(ROOT), "instrument"),
    "POST /api/v1/assessment-instruments/{id}/delete-part/": op(allow(ROOT), "instrument"),
    "GET /api/v1/assessment-cycles/": op(READ_ALL, "assessment-cycle", listed=ISF_READERS),
    "POST /api/v1/assessment-cycles/": op(creates(ROOT), body=_payload("assessments.cycle")),
    "GET /api/v1/assessment-cycles/{id}/": op(allow(ISF_READERS), "assessment-cycle"),
    "GET /api/v1/assessment-cycles/{id}/ranking/": op(allow(ISF_READERS), "assessment-cycle"),
    "POST /api/v1/assessment-cycles/{id}/launch/": op(allow(ROOT), "assessment-cycle"),
    "POST /api/v1/assessment-cycles/{id}/close/": op(allow(ROOT), "assessment-cycle"),
    "GET /api/v1/assessments/": op(READ_ALL, "assessment", listed=ISF_READERS),
    "GET /api/v1/assessments/{id}/": op(allow(ISF_READERS), "assessment"),
    "GET /api/v1/assessments/compliance/": op(READ_ALL),
    # The caller's own queue: everyone gets it, listing only what waits for them.
    "GET /api/v1/assessments/waiting/": op(READ_ALL),
    "GET /api/v1/assessments/{id}/feedback-report/": op(allow(NOBODY), "assessment"),
    "POST /api/v1/assessments/{id}/answers/": op(allow(ISF_STAFF), "assessment"),
    "GET /api/v1/assessments/{id}/indicator-values/": op(allow(ISF_READERS), "assessment"),
    "POST /api/v1/assessments/{id}/fill-from-indicators/": op(allow(ISF_STAFF), "assessment"),
    "POST /api/v1/assessments/{id}/evidence/": op(allow(ISF_STAFF), "assessment"),
    "POST /api/v1/assessments/{id}/submit/": op(allow(ISF_STAFF), "assessment"),
    "POST /api/v1/assessments/{id}/assessors/": op(allow(ROOT), "assessment"),
    "POST /api/v1/assessments/{id}/reopen/": op(allow(ROOT), "assessment"),
    "POST /api/v1/assessments/{id}/withdraw-assessor/": op(allow(ROOT), "assessment"),
    # Scores are reviewed by an assigned assessor only: the subject has none, so nobody, Root too.
    "POST /api/v1/assessments/{id}/review-scores/": op(allow(NOBODY), "assessment"),
    # Only the lead assessor agrees the consensus and writes feedback; only a named auditing
    # agency audits: the subject has neither.
    "POST /api/v1/assessments/{id}/consensus/": op(allow(NOBODY), "assessment"),
    "POST /api/v1/assessments/{id}/feedback/": op(allow(NOBODY), "assessment"),
    "POST /api/v1/assessments/{id}/audit-scores/": op(allow(NOBODY), "assessment"),
    "POST /api/v1/assessment-cycles/{id}/audits/": op(allow(ROOT), "assessment-cycle"),
    "POST /api/v1/assessments/{id}/propose-risk/": op(allow(ROOT), "assessment"),
    # The risk register (see the pages above).
    "GET /api/v1/risk-register/": op(READ_ALL, "risk", listed=ISF_READERS),
    "GET /api/v1/risk-register/heat-map/": op(READ_ALL),
    "GET /api/v1/risk-register/{id}/": op(allow(ISF_READERS), "risk"),
    "POST /api/v1/risk-register/{id}/rating/": op(allow(ISF_ANALYSTS), "risk"),
    "POST /api/v1/risk-register/{id}/actions/": op(allow(ISF_ANALYSTS), "risk"),
    "GET /api/v1/risk-actions/": op(READ_ALL, "risk-action", listed=ISF_READERS),
    "GET /api/v1/risk-actions/{id}/": op(allow(ISF_READERS), "risk-action"),
    "POST /api/v1/risk-actions/{id}/complete/": op(allow(ISF_ANALYSTS), "risk-action"),
    "GET /api/v1/risk-ratings/": op(READ_ALL, "risk-rating", listed=ISF_READERS),
    "GET /api/v1/risk-ratings/{id}/": op(allow(ISF_READERS), "risk-rating"),
    "POST /api/v1/risk-ratings/import/": op(creates(ANALYSTS)),
    "POST /api/v1/assessments/{id}/finalize/": op(allow(ROOT), "assessment"),
    # live operations (see the pages above); agents send with their credential, never a person
    "GET /api/v1/live-posts/": op(READ_ALL),
    "GET /api/v1/live-devices/": op(READ_ALL, "live-device", listed=ISF_STAFF),
    "POST /api/v1/live-devices/": op(creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("live.device")),
    "GET /api/v1/live-devices/{id}/": op(allow(ISF_STAFF), "live-device"),
    "PATCH /api/v1/live-devices/{id}/": op(allow(ISF_ANALYSTS), "live-device"),
    "POST /api/v1/live-devices/{id}/retire/": op(allow(ISF_ANALYSTS), "live-device"),
    "GET /api/v1/live-credentials/": op(READ_ALL, "live-credential", listed=ISF_STAFF),
    "POST /api/v1/live-credentials/": op(creates(ROOT), body=_payload("live.agentcredential")),
    "GET /api/v1/live-credentials/{id}/": op(allow(ISF_STAFF), "live-credential"),
    "POST /api/v1/live-credentials/{id}/revoke/": op(allow(ROOT), "live-credential"),
    "GET /api/v1/live-events/": op(READ_ALL, "live-event", listed=ISF_STAFF),
    "GET /api/v1/live-events/{id}/": op(allow(ISF_STAFF), "live-event"),
    "GET /api/v1/live-outages/": op(READ_ALL, "live-outage", listed=ISF_STAFF),
    "GET /api/v1/live-outages/{id}/": op(allow(ISF_STAFF), "live-outage"),
    # Only a post agent's credential is read: a person, however signed in, is not authenticated.
    "POST /api/v1/live/ingest/": op(allow(NOBODY, 401)),
    # training (see the pages above)
    "GET /api/v1/training-positions/": op(READ_ALL),
    "GET /api/v1/training-positions/{id}/": op(READ_ALL, "training-position"),
    "GET /api/v1/training-position-holdings/": op(READ_ALL, "training-holding", listed=ISF_READERS),
    "POST /api/v1/training-position-holdings/": op(creates(ROOT)),
    "GET /api/v1/training-position-holdings/{id}/": op(allow(ISF_READERS), "training-holding"),
    "GET /api/v1/training-courses/": op(READ_ALL, "training-course", listed=ISF_READERS),
    "POST /api/v1/training-courses/": op(creates(ROOT), body=_payload("training.course")),
    "GET /api/v1/training-courses/{id}/": op(allow(ISF_READERS), "training-course"),
    "PATCH /api/v1/training-courses/{id}/": op(allow(ROOT), "training-course"),
    "GET /api/v1/training-events/": op(READ_ALL, "training-event", listed=ISF_READERS),
    "POST /api/v1/training-events/": op(creates(ROOT), body=_payload("training.event")),
    "GET /api/v1/training-events/{id}/": op(allow(ISF_READERS), "training-event"),
    "PATCH /api/v1/training-events/{id}/": op(allow(ROOT), "training-event"),
    "POST /api/v1/training-events/{id}/enrol/": op(allow(ISF_READERS), "training-event"),
    "POST /api/v1/training-events/{id}/cancel/": op(allow(ROOT), "training-event"),
    "POST /api/v1/training-events/{id}/attendance/": op(allow(ROOT), "training-event"),
    "POST /api/v1/training-events/{id}/roster/": op(allow(ROOT), "training-event"),
    "POST /api/v1/training-events/{id}/announce/": op(allow(ROOT), "training-event"),
    "GET /api/v1/training-events/{id}/publicity/": op(allow(ROOT), "training-event"),
    "POST /api/v1/training-events/{id}/check-in/": op(allow(ISF_READERS), "training-event"),
    "GET /api/v1/training-enrolments/": op(READ_ALL, "training-enrolment", listed=ISF_READERS),
    "GET /api/v1/training-enrolments/{id}/": op(allow(ISF_READERS), "training-enrolment"),
    "POST /api/v1/training-enrolments/{id}/cancel/": op(allow(ROOT), "training-enrolment"),
    "GET /api/v1/training-completions/": op(READ_ALL, "training-completion", listed=ISF_READERS),
    "GET /api/v1/training-completions/{id}/": op(allow(ISF_READERS), "training-completion"),
    "POST /api/v1/training-completions/import/": op(allow(ROOT, 403)),
    "GET /api/v1/training-requirements/": op(READ_ALL, "training-requirement", listed=ISF_READERS),
    "POST /api/v1/training-requirements/": op(creates(ROOT), body=_payload("training.requirement")),
    "GET /api/v1/training-requirements/{id}/": op(allow(ISF_READERS), "training-requirement"),
    "PATCH /api/v1/training-requirements/{id}/": op(allow(ROOT), "training-requirement"),
    "GET /api/v1/training-requirements/mine/": op(READ_ALL),
    "GET /api/v1/training-requirements/compliance/": op(READ_ALL),
    # media (see the pages above)
    "GET /api/v1/media-member-agencies/": op(READ_ALL, "media-member", listed=ISF_READERS),
    "POST /api/v1/media-member-agencies/": op(creates(ROOT), body=_payload("media.memberagency")),
    "GET /api/v1/media-member-agencies/{id}/": op(allow(ISF_READERS), "media-member"),
    "GET /api/v1/media-statements/": op(READ_ALL, "media-statement", listed=ISF_READERS),
    "POST /api/v1/media-statements/": op(
        creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("media.statement")
    ),
    "GET /api/v1/media-statements/{id}/": op(allow(ISF_READERS), "media-statement"),
    "PATCH /api/v1/media-statements/{id}/": op(allow(ISF_ANALYSTS), "media-statement"),
    "POST /api/v1/media-statements/{id}/submit/": op(allow(ISF_ANALYSTS), "media-statement"),
    "POST /api/v1/media-statements/{id}/approve/": op(allow(ROOT), "media-statement"),
    "POST /api/v1/media-statements/{id}/return/": op(allow(ROOT), "media-statement"),
    "POST /api/v1/media-statements/{id}/issue/": op(allow(ROOT), "media-statement"),
    "POST /api/v1/media-statements/{id}/revise/": op(allow(ISF_ANALYSTS), "media-statement"),
    "POST /api/v1/media-statements/{id}/attachments/": op(allow(ISF_ANALYSTS), "media-statement"),
    "GET /api/v1/media-recipients/": op(READ_ALL, "media-recipient", listed=ISF_READERS),
    "GET /api/v1/media-recipients/{id}/": op(allow(ISF_READERS), "media-recipient"),
    "POST /api/v1/media-recipients/{id}/acknowledge/": op(allow(ISF_STAFF), "media-recipient"),
    "POST /api/v1/media-recipients/{id}/respond/": op(allow(ISF_STAFF), "media-recipient"),
    "GET /api/v1/media-recipients/figures/": op(READ_ALL),
    "GET /api/v1/media-crises/": op(READ_ALL, "media-crisis", listed=ISF_READERS),
    "POST /api/v1/media-crises/": op(creates(ROOT), body=_payload("media.crisis")),
    "GET /api/v1/media-crises/{id}/": op(allow(ISF_READERS), "media-crisis"),
    "POST /api/v1/media-crises/{id}/close/": op(allow(ROOT), "media-crisis"),
    "GET /api/v1/media-crises/{id}/timeline/": op(allow(ISF_READERS), "media-crisis"),
    "POST /api/v1/media-crises/{id}/entries/": op(allow(ISF_STAFF), "media-crisis"),
    "GET /api/v1/media-crises/{id}/report/": op(allow(ISF_READERS), "media-crisis"),
    "GET /api/v1/media-rumours/": op(READ_ALL, "media-rumour", listed=ISF_READERS),
    "POST /api/v1/media-rumours/": op(creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("media.rumour")),
    "GET /api/v1/media-rumours/{id}/": op(allow(ISF_READERS), "media-rumour"),
    "POST /api/v1/media-rumours/{id}/assign/": op(allow(ISF_ANALYSTS), "media-rumour"),
    "POST /api/v1/media-rumours/{id}/answer/": op(allow(ISF_STAFF), "media-rumour"),
    "POST /api/v1/media-rumours/{id}/dismiss/": op(allow(ISF_ANALYSTS), "media-rumour"),
    "GET /api/v1/media-plan/": op(READ_ALL, "media-plan", listed=ISF_READERS),
    "POST /api/v1/media-plan/": op(creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("media.planneditem")),
    "GET /api/v1/media-plan/{id}/": op(allow(ISF_READERS), "media-plan"),
    "PATCH /api/v1/media-plan/{id}/": op(allow(ISF_ANALYSTS), "media-plan"),
    "POST /api/v1/media-plan/{id}/publish/": op(allow(ISF_STAFF), "media-plan"),
    "POST /api/v1/media-plan/{id}/cancel/": op(allow(ISF_ANALYSTS), "media-plan"),
    # intake
    "GET /api/v1/intake-documents/": op(READ_ALL, "document", listed=ISF_READERS),
    "POST /api/v1/intake-documents/": op(
        creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("intake.intakedocument")
    ),
    "GET /api/v1/intake-documents/{id}/": op(allow(ISF_READERS), "document"),
    "DELETE /api/v1/intake-documents/{id}/": op(allow(ISF_ANALYSTS), "document"),
    "POST /api/v1/intake-documents/{id}/accept/": op(allow(ISF_ANALYSTS), "document"),
    "POST /api/v1/intake-documents/{id}/reject/": op(allow(ISF_ANALYSTS), "document"),
    "GET /api/v1/intake-proposals/": op(READ_ALL, "proposal", listed=ISF_READERS),
    "GET /api/v1/intake-proposals/{id}/": op(allow(ISF_READERS), "proposal"),
    "PATCH /api/v1/intake-proposals/{id}/": op(allow(ISF_ANALYSTS), "proposal"),
    "GET /api/v1/known-people/": op(READ_ALL, "known-person", listed=ISF_READERS),
    "GET /api/v1/known-people/{id}/": op(allow(ISF_READERS), "known-person"),
    "GET /api/v1/organization-aliases/": op(READ_ALL, "alias", listed=ISF_READERS),
    "POST /api/v1/organization-aliases/": op(creates(ROOT), body=_payload("intake.organizationalias")),
    "GET /api/v1/organization-aliases/{id}/": op(allow(ISF_READERS), "alias"),
    "PATCH /api/v1/organization-aliases/{id}/": op(allow(ROOT), "alias"),
    "DELETE /api/v1/organization-aliases/{id}/": op(allow(ROOT), "alias"),
    # secure messages (see the pages above)
    "GET /api/v1/comms-centres/": op(READ_ALL, "comms-centre", listed=COMMS_READERS),
    "GET /api/v1/comms-centres/{id}/": op(allow(COMMS_READERS), "comms-centre"),
    "POST /api/v1/comms-centres/{id}/rotate/": op(allow(ROOT), "comms-centre"),
    "POST /api/v1/comms-centres/{id}/revoke/": op(allow(ROOT), "comms-centre"),
    "POST /api/v1/comms-centres/{id}/rotate-identity/": op(allow(ROOT), "comms-centre"),
    "GET /api/v1/comms-deliveries/": op(READ_ALL, "comms-delivery", listed=COMMS_READERS),
    "GET /api/v1/comms-deliveries/{id}/": op(allow(COMMS_READERS), "comms-delivery"),
    "GET /api/v1/comms-messages/": op(READ_ALL, "comms-message", listed=COMMS_READERS),
    "POST /api/v1/comms-messages/": op(creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("comms.message")),
    "GET /api/v1/comms-messages/{id}/": op(allow(COMMS_READERS), "comms-message"),
    "GET /api/v1/comms-messages/{id}/attachments/{index}/": op(allow(COMMS_READERS), "comms-attachment"),
    "POST /api/v1/comms-messages/{id}/read/": op(allow(COMMS_READERS), "comms-message"),
    "POST /api/v1/comms-messages/{id}/acknowledge/": op(allow(ISF_ANALYSTS), "comms-message"),
    "POST /api/v1/comms-messages/{id}/open-case/": op(allow(ISF_ANALYSTS), "comms-received"),
    "GET /api/v1/comms-threads/": op(READ_ALL, "comms-thread", listed=COMMS_READERS),
    "GET /api/v1/comms-threads/{id}/": op(allow(COMMS_READERS), "comms-thread"),
    "GET /api/v1/comms-peers/": op(READ_ALL, "comms-peer", listed=COMMS_READERS),
    "POST /api/v1/comms-peers/": op(creates(ROOT), body=_payload("comms.peer")),
    "GET /api/v1/comms-peers/{id}/": op(allow(COMMS_READERS), "comms-peer"),
    "POST /api/v1/comms-peers/{id}/confirm/": op(allow(ROOT), "comms-peer"),
    "POST /api/v1/comms-peers/{id}/block/": op(allow(ROOT), "comms-peer"),
    "GET /api/v1/comms-joint-groups/": op(READ_ALL, "comms-group", listed=COMMS_READERS),
    "POST /api/v1/comms-joint-groups/": op(creates(ROOT), body=_payload("comms.jointgroup")),
    "GET /api/v1/comms-joint-groups/{id}/": op(allow(COMMS_READERS), "comms-group"),
    "GET /api/v1/comms-group-tasks/": op(READ_ALL, "comms-group-task", listed=COMMS_READERS),
    "POST /api/v1/comms-group-tasks/": op(
        creates(ISF_ANALYSTS, KERMAN_ANALYST), body=_payload("comms.grouptask")
    ),
    "GET /api/v1/comms-group-tasks/{id}/": op(allow(COMMS_READERS), "comms-group-task"),
    "POST /api/v1/comms-group-tasks/{id}/status/": op(allow(ISF_ANALYSTS), "comms-group-task"),
    # files prepared in the background: a person's own, whoever asks
    "GET /api/v1/exports/": op(READ_ALL, "export", listed=OWNER),
    # Those without a grant that counts have no list to export: the kind is unknown to them (400).
    "POST /api/v1/exports/": op(allow(GRANTED, 400), body=_export_body),
    "GET /api/v1/exports/kinds/": op(READ_ALL),
    "GET /api/v1/exports/{id}/": op(allow(OWNER), "export"),
    "GET /api/v1/exports/{id}/download/": op(allow(OWNER), "export-ready"),
}
