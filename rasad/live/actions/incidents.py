"""Outages and high-severity events become incident cases (docs/live.md, "Outages and
incidents"), through the cases app's one-case-per-problem mechanism
(``rasad.cases.actions.problems``): every signal from one post joins the post's open incident
case, so a post that goes silent and is tampered with in the same night is one case, not two.

* A post whose devices in service are all offline for ``RASAD_LIVE_OUTAGE_MINUTES`` opens an
  outage (at most one open per post, under the post's lock) and raises the post's incident case.
  The first heartbeat that brings the post back ends the outage and says so in the case's
  timeline; the case stays with its owner (the post's parent organization) to close.
* An event of severity high opens the post's incident case, or joins it.

Stored texts are written once, for everyone: Persian words and digits, Jalali dates."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from rasad.cases.actions import CaseValues, Occurrence, do_add_occurrence, do_raise_problem
from rasad.cases.choices import CaseKind, Priority
from rasad.cases.models import Case, Category
from rasad.core.models import Organization
from rasad.lib import display, formatting
from rasad.live.actions.common import push
from rasad.live.audit import LiveAuditEvent, audit_live
from rasad.live.choices import Severity, Status
from rasad.live.models import Device, DeviceEvent, Outage
from rasad.live.status import post_status

CATEGORY = "field-posts"  # seeded by live's migration 0003
STORED_TEXT = display.DisplayPreferences()


INCIDENT_KEY_PREFIX = "live.post:"


def incident_key(post_id: int) -> str:
    """What makes two signals one problem: the same post."""
    return f"{INCIDENT_KEY_PREFIX}{post_id}"


def _new_case(post: Organization, title: str, description: str, priority: str) -> CaseValues | None:
    category = Category.objects.filter(code=CATEGORY).first() or Category.objects.filter(code="other").first()
    if category is None:
        return None
    return CaseValues(
        kind=CaseKind.INCIDENT,
        category=category,
        title=title,
        description=description,
        priority=priority,
        reporter_organization=post,
        owner_organization=post.parent or post,
        site=post,
    )


def _minutes(start: datetime, end: datetime) -> str:
    return formatting.number(max(0, round((end - start).total_seconds() / 60)), prefs=STORED_TEXT)


@transaction.atomic
def do_check_outage(post_id: int, *, now: datetime) -> Outage | None:
    """Open or end the outage of post ``post_id`` as its devices now stand. Idempotent: run it
    as often as you like (the sweep runs it every minute; an agent's batch when a device changed
    status). Returns the outage it opened or ended, else None."""
    post = Organization.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        return None
    devices = list(Device.objects.in_service().filter(organization=post).values("status", "status_since"))
    status = post_status(d["status"] for d in devices)
    outage = Outage.objects.select_for_update().filter(organization=post, ended_at__isnull=True).first()
    if outage is None and status == Status.OFFLINE:
        since = max((d["status_since"] for d in devices if d["status_since"] is not None), default=now)
        if now - since < timedelta(minutes=settings.RASAD_LIVE_OUTAGE_MINUTES):
            return None
        return _open_outage(post, since, now)
    if outage is not None and status not in (Status.OFFLINE, Status.UNKNOWN):
        return _end_outage(post, outage, now)
    return None


def _open_outage(post: Organization, since: datetime, now: datetime) -> Outage:
    outage = Outage.objects.create(organization=post, started_at=since)
    with override(settings.LANGUAGE_CODE):
        sentence = _("No device of %(post)s has been heard from since %(since)s (%(minutes)s minutes).") % {
            "post": post.name,
            "since": formatting.datetime_text(since, prefs=STORED_TEXT),
            "minutes": _minutes(since, now),
        }
        case = do_raise_problem(
            incident_key(post.pk),
            post,
            Occurrence("outage", sentence, {"outage": outage.pk, "since": since.isoformat()}),
            lambda: _new_case(post, _("%(post)s is offline") % {"post": post.name}, sentence, Priority.HIGH),
            source=outage,
            source_display=_("Outage of %(post)s") % {"post": post.name},
        )
    outage.case = case
    outage.save(update_fields=["case", "last_updated"])
    audit_live(
        LiveAuditEvent.OUTAGE_OPENED,
        post,
        acting_user=None,
        obj=outage,
        new={"since": since.isoformat(), "case": case.reference if case else None},
    )
    push("live.outage", post.pk, outage=outage.pk, state="open", case=case.pk if case else None)
    return outage


def _end_outage(post: Organization, outage: Outage, now: datetime) -> Outage:
    outage.ended_at = now
    outage.save(update_fields=["ended_at", "last_updated"])
    case = Case.objects.select_for_update().filter(pk=outage.case_id).first() if outage.case_id else None
    if case is not None:
        with override(settings.LANGUAGE_CODE):
            sentence = _("%(post)s was heard from again at %(at)s, after %(minutes)s minutes of silence.") % {
                "post": post.name,
                "at": formatting.datetime_text(now, prefs=STORED_TEXT),
                "minutes": _minutes(outage.started_at, now),
            }
        do_add_occurrence(case, Occurrence("outage_ended", sentence, {"outage": outage.pk}))
    audit_live(
        LiveAuditEvent.OUTAGE_ENDED,
        post,
        acting_user=None,
        obj=outage,
        old={"ended_at": None},
        new={"ended_at": now.isoformat()},
    )
    push("live.outage", post.pk, outage=outage.pk, state="ended", case=outage.case_id)
    return outage


@transaction.atomic
def do_raise_device_incident(event: DeviceEvent) -> Case | None:
    """Open the post's incident case for a high-severity event, or add the event to it. An event
    already in a case changes nothing (a resent event is never a second signal)."""
    if event.severity != Severity.HIGH:
        return None
    post = event.organization
    key = incident_key(post.pk)
    with override(settings.LANGUAGE_CODE):
        sentence = _("%(kind)s from %(device)s at %(post)s (%(at)s): %(text)s") % {
            "kind": event.get_kind_display(),
            "device": event.device.name or event.device.serial,
            "post": post.name,
            "at": formatting.datetime_text(event.device_time, prefs=STORED_TEXT),
            "text": event.text or "—",
        }
        case = do_raise_problem(
            key,
            post,
            Occurrence("device_event", sentence, {"event": event.pk, "uuid": str(event.uuid)}),
            lambda: _new_case(
                post,
                _("%(kind)s at %(post)s") % {"kind": event.get_kind_display(), "post": post.name},
                sentence,
                Priority.HIGH,
            ),
            source=event,
            source_display=_("%(kind)s, %(device)s")
            % {"kind": event.get_kind_display(), "device": event.device.serial},
        )
    if case is not None:
        audit_live(
            LiveAuditEvent.INCIDENT_RAISED,
            post,
            acting_user=None,
            obj=event,
            object_type="live.deviceevent",
            new={"event": str(event.uuid), "case": case.reference},
        )
    return case
