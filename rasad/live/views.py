"""The live UI: the command view (map of field posts by status, the posts' open incidents with
their in-place steps, feed of events), a post's page (devices, recent history, agent
credentials) and the forms that register devices and issue or revoke credentials. Every page is
a generic scoped view (``rasad.web.generic``)."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.db import connection as db_connection
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.cases.actions import (
    allowed_actions,
    assignee_candidates,
    do_escalate_case_by_hand,
    do_transition_case,
    may_escalate,
)
from rasad.cases.choices import OPEN_STATUSES
from rasad.cases.models import Case
from rasad.cases.workflow import Action
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization
from rasad.lib import formatting
from rasad.lib.push import (
    KEEPALIVE,
    KEEPALIVE_SECONDS,
    REFETCH,
    RESYNC,
    PushResponse,
    ThreadClient,
    hub,
    sse,
    sse_once,
)
from rasad.live.actions import (
    INCIDENT_KEY_PREFIX,
    DeviceValues,
    do_change_device,
    do_issue_credential,
    do_register_device,
    do_retire_device,
    do_revoke_credential,
)
from rasad.live.api.views import post_rows
from rasad.live.audience import Audience, audience_of, cached_audience, latest_id, replay
from rasad.live.choices import EventKind, Severity, Status
from rasad.live.forms import ESCALATE, INCIDENT_STEPS, CredentialForm, DeviceForm, IncidentStepForm
from rasad.live.models import AgentCredential, Device, DeviceEvent, Outage
from rasad.live.status import STATUS_BADGES, STATUS_COLOURS, STATUS_RANKS
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedView,
    refusal,
)
from rasad.web.maps import points_response

logger = logging.getLogger(__name__)

FEED_LENGTH = 30
INCIDENT_LIMIT = 20  # the command view's open incidents, newest first; the case list has them all


def _labels() -> dict[str, dict[str, str]]:
    """Translated labels the page's script needs to show pushed events."""
    return {
        "kind": {k.value: str(k.label) for k in EventKind},
        "severity": {s.value: str(s.label) for s in Severity},
        "status": {s.value: str(s.label) for s in Status},
        "badge": {s.value: STATUS_BADGES[s] for s in Status},
        "colour": {s.value: STATUS_COLOURS[s] for s in Status},
        # Between the facts of one line, as templates write it ({% sep %}): never «·».
        "text": {"separator": formatting.separator()},
    }


def live_incidents() -> QuerySet[Case]:
    """The incident cases live opened for field posts (one per problem at a post:
    ``rasad.live.actions.incidents``), with what their cards show."""
    return Case.objects.filter(source_key__startswith=INCIDENT_KEY_PREFIX).select_related(
        "reporter_organization", "owner_organization", "assignee", "escalated_to"
    )


class IncidentCards:
    """What a view needs to draw incident cards: each case with the in-place steps the user may
    take on it now (``allowed_actions``: the case workflow decides, nothing here does)."""

    user: Any

    @staticmethod
    def opened_as_a_page(request: AuthenticatedRequest) -> bool:
        """Whether the browser opened a card or the incidents' list as a page of its own (an
        address typed or pasted, a reload): the command view's script and htmx fetch them
        (``Sec-Fetch-Mode`` cors or same-origin), a page is navigated to. Such a visit is sent to
        the command view, which draws them in place, rather than shown a bare fragment."""
        return request.headers.get("Sec-Fetch-Mode") == "navigate"

    def with_steps(self, cases: Any) -> list[Case]:
        cards = list(cases)
        for case in cards:
            allowed = allowed_actions(case, self.user)
            case.live_steps = [step.value for step in INCIDENT_STEPS if step in allowed]
            if may_escalate(case, self.user):
                case.live_steps.append(ESCALATE)
        return cards


class CommandView(IncidentCards, ScopedView):
    """The command centre's page: every field post the user may see on the map, coloured by
    status and clustered, the posts as a list, their open incidents (acknowledged and assigned
    in place), and the latest events."""

    model = Device
    template_name = "live/command.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        posts = post_rows(self.scoped(Organization.objects.all()), self.get_queryset())
        events = self.scoped(DeviceEvent.objects.select_related("device", "organization"))[:FEED_LENGTH]
        counts = {s.value: sum(1 for p in posts if p["status"] == s.value) for s in Status}
        incidents = self.scoped(live_incidents().filter(status__in=OPEN_STATUSES)).order_by(
            "-opened_at", "-pk"
        )
        return self.render(
            {
                "posts": posts,
                "events": events,
                "incidents": self.with_steps(incidents[:INCIDENT_LIMIT]),
                "counts": [(s, counts[s.value]) for s in Status],
                "badges": STATUS_BADGES,
                "labels": _labels(),
                "legend": json.dumps(
                    [{"colour": STATUS_COLOURS[s], "label": str(s.label)} for s in Status], ensure_ascii=False
                ),
                "last_event_id": events[0].pk if events else 0,
            }
        )


class IncidentListView(IncidentCards, ScopedView):
    """The command view's open incidents as HTML, for a page that heard of a new one (an outage,
    a high-severity event) or was told to refetch."""

    model = Case
    template_name = "live/includes/incidents.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.opened_as_a_page(request):
            return HttpResponseRedirect(reverse("live:command"))
        incidents = self.get_queryset().filter(
            source_key__startswith=INCIDENT_KEY_PREFIX, status__in=OPEN_STATUSES
        )
        incidents = incidents.select_related(
            "reporter_organization", "owner_organization", "assignee", "escalated_to"
        )
        return self.render(
            {"incidents": self.with_steps(incidents.order_by("-opened_at", "-pk")[:INCIDENT_LIMIT])}
        )


class IncidentView(IncidentCards, ScopedDetailView):
    """One post's incident case as the command view's card, and the steps taken on it in place
    (htmx): acknowledge (the workflow's triage) and assign, through the case workflow's action
    ``do_transition_case`` with its version check, timeline, audit and notifications, and
    escalate one level up (``do_escalate_case_by_hand``, with a reason). GET draws the card
    (``?assign=1``: with the assignee form; ``?escalate=1``: with the reason); POST takes the
    step and answers the card again (a page without htmx is sent back to the command view). Only
    incidents live opened are reached here; a case the user may not see, or on which they may
    take no step, is a missing object."""

    model = Case
    queryset = live_incidents()
    template_name = "live/includes/incident.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.opened_as_a_page(request):
            return HttpResponseRedirect(reverse("live:command"))
        case = self.get_object()
        return self.card(
            case, assigning=request.GET.get("assign") == "1", escalating=request.GET.get("escalate") == "1"
        )

    def card(self, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
        (case,) = self.with_steps([case])
        if extra.get("assigning") and Action.ASSIGN.value in case.live_steps:  # type: ignore[attr-defined]
            extra["form"] = IncidentStepForm(
                initial={
                    "action": Action.ASSIGN.value,
                    "version": case.version,
                    "assignee": case.assignee_id,
                },
                candidates=assignee_candidates(case.owner_organization, self.user),
            )
        else:
            extra["assigning"] = False
        if extra.get("escalating") and ESCALATE not in case.live_steps:  # type: ignore[attr-defined]
            extra["escalating"] = False
        return self.render({"case": case, **extra}, status=status)

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        case: Case = self.get_object()
        # Someone who may take no step on the case (a viewer, the post's reporter) is refused
        # like a missing case, whatever the body says.
        if not allowed_actions(case, self.user) and not may_escalate(case, self.user):
            raise refusal()
        form = IncidentStepForm(
            request.POST, candidates=assignee_candidates(case.owner_organization, self.user)
        )
        if not form.is_valid():
            return self.refused_step(case, [str(m) for errors in form.errors.values() for m in errors])
        action = form.cleaned_data["action"]
        if action == ESCALATE:
            return self.escalate(case, form.cleaned_data)
        try:
            case = do_transition_case(
                case,
                action,
                acting_user=self.user,
                expected_version=form.cleaned_data["version"],
                assignee=form.cleaned_data["assignee"] if action == Action.ASSIGN else None,
            )
        except ValidationError as error:
            return self.refused_step(case, error.messages)
        notice = (
            _("Acknowledged: the incident is now “%(status)s”.")
            if action == Action.TRIAGE
            else _("Assigned to %(name)s.")
        ) % {"status": case.get_status_display(), "name": str(case.assignee)}
        if not request.headers.get("HX-Request"):
            messages.success(request, notice)
            return HttpResponseRedirect(reverse("live:command"))
        return self.card(self.get_object(), notice=notice)

    def escalate(self, case: Case, data: dict[str, Any]) -> HttpResponseBase:
        try:
            case = do_escalate_case_by_hand(
                case, acting_user=self.user, reason=data.get("reason") or "", expected_version=data["version"]
            )
        except ValidationError as error:
            return self.refused_step(case, error.messages)
        assert case.escalated_to is not None
        notice = _("Escalated to %(organization)s.") % {"organization": case.escalated_to.name}
        if not self.request.headers.get("HX-Request"):
            messages.success(self.request, notice)
            return HttpResponseRedirect(reverse("live:command"))
        return self.card(self.get_object(), notice=notice)

    def refused_step(self, case: Case, errors: list[str]) -> HttpResponseBase:
        """The card again, as the case now stands, with why the step was not taken (400)."""
        if not self.request.headers.get("HX-Request"):
            for message in errors:
                messages.error(self.request, message)
            return HttpResponseRedirect(reverse("live:command"))
        return self.card(
            self.get_object(),
            status=400,
            errors=errors,
            assigning="assignee" in self.request.POST,
            escalating=self.request.POST.get("action") == ESCALATE,
            reason=self.request.POST.get("reason", ""),
        )


class PostPointsView(ScopedView):
    """The posts as map points (the shared map component's ``data-points``), coloured by status."""

    model = Device

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        posts = post_rows(self.scoped(Organization.objects.all()), self.get_queryset())
        return points_response(
            (
                post["latitude"],
                post["longitude"],
                {
                    "name": f"{post['name']}{formatting.separator()}{Status(post['status']).label}",
                    "url": reverse("live:post", args=[post["id"]]),
                    "colour": STATUS_COLOURS[Status(post["status"])],
                    "rank": STATUS_RANKS[Status(post["status"])],
                    "id": post["id"],
                    "status": post["status"],
                    "devices": post["devices"],
                },
            )
            for post in posts
            if post["latitude"] is not None and post["longitude"] is not None
        )


class PostDetailView(ScopedDetailView):
    """A field post: its devices with their readings, recent events, and agent credentials."""

    model = Organization
    template_name = "live/post.html"

    def get_object(self, action: str | None = None, pk: Any = None) -> Any:
        post = super().get_object(action, pk)
        if post.kind != OrganizationKind.FIELD_POST:
            raise refusal()
        return post

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        post = context["object"]
        devices = list(
            self.scoped(Device.objects.filter(organization=post)).order_by("retired_at", "kind", "serial")
        )
        events = self.scoped(DeviceEvent.objects.filter(organization=post).select_related("device"))[:50]
        credentials = self.scoped(AgentCredential.objects.filter(organization=post))
        outages = self.scoped(Outage.objects.filter(organization=post).select_related("case"))[:10]
        row = post_rows(Organization.objects.filter(pk=post.pk), self.scoped(Device.objects.all()))[0]
        return super().get_context_data(
            **context,
            post=post,
            devices=devices,
            events=events,
            credentials=credentials,
            outages=outages,
            status=Status(row["status"]),
            badges=STATUS_BADGES,
            can_add_device=self.can("add", Device(organization=post)),
            changeable=self.permitted("change", devices),
            can_issue=self.can("add", AgentCredential(organization=post)),
            revocable=self.permitted("change", list(credentials)),
        )


class DeviceCreateView(ScopedFormView):
    """Register a device at the post in the URL."""

    model = Organization
    creates = Device
    form_class = DeviceForm
    template_name = "live/form.html"
    title = gettext_lazy("Register a device")
    success_message = gettext_lazy("The device was registered.")

    def perform(self, form: DeviceForm) -> Device | None:
        data = form.cleaned_data
        result: Device | None = form.run_action(
            do_register_device,
            DeviceValues(self.object, data["kind"], data["serial"], data["name"], data["heartbeat_interval"]),
            acting_user=self.user,
        )
        return result

    def get_success_url(self, result: Device) -> str:
        return reverse("live:post", args=[result.organization_id])


class DeviceEditView(ScopedFormView):
    model = Device
    scope_action = "change"
    form_class = DeviceForm
    template_name = "live/form.html"
    title = gettext_lazy("Change a device")
    success_message = gettext_lazy("The device was saved.")

    def get_initial(self) -> dict[str, Any]:
        device = self.object
        return {
            "kind": device.kind,
            "serial": device.serial,
            "name": device.name,
            "heartbeat_interval": device.heartbeat_interval,
        }

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, post=self.object.organization)

    def perform(self, form: DeviceForm) -> Device | None:
        data = form.cleaned_data
        result: Device | None = form.run_action(
            do_change_device,
            self.object,
            DeviceValues(
                self.object.organization,
                data["kind"],
                data["serial"],
                data["name"],
                data["heartbeat_interval"],
            ),
            acting_user=self.user,
        )
        return result

    def get_success_url(self, result: Device) -> str:
        return reverse("live:post", args=[result.organization_id])


class DeviceRetireView(ScopedActionView):
    model = Device
    scope_action = "change"
    confirm_template = "live/confirm.html"
    success_message = gettext_lazy("The device was retired.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context,
            question=gettext_lazy("Retire this device?"),
            consequence=gettext_lazy(
                "It no longer counts towards the post's status, and what it sends afterwards is refused. "
                "Its history stays."
            ),
            button=gettext_lazy("Retire"),
        )

    def perform(self, obj: Device) -> Device:
        return do_retire_device(obj, acting_user=self.user)

    def get_success_url(self, obj: Device) -> str:
        return reverse("live:post", args=[obj.organization_id])


class CredentialIssueView(ScopedFormView):
    """Issue a credential for the post's agent; the secret is shown on the answer, once."""

    model = Organization
    creates = AgentCredential
    form_class = CredentialForm
    template_name = "live/form.html"
    title = gettext_lazy("Issue an agent credential")

    def perform(self, form: CredentialForm) -> tuple[AgentCredential, str] | None:
        result: tuple[AgentCredential, str] | None = form.run_action(
            do_issue_credential, self.object, form.cleaned_data["name"], acting_user=self.user
        )
        return result

    def succeeded(self, result: tuple[AgentCredential, str]) -> HttpResponseBase:
        credential, secret = result
        response: HttpResponse = self.render(
            {"credential": credential, "secret": secret, "post": self.object}
        )
        response["Cache-Control"] = "no-store"
        return response

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        if "secret" in context:
            context.setdefault("title", gettext_lazy("Agent credential issued"))
        context.setdefault("post", self.object)
        return super().get_context_data(**context)


class CredentialRevokeView(ScopedActionView):
    model = AgentCredential
    scope_action = "change"
    confirm_template = "live/confirm.html"
    success_message = gettext_lazy("The credential was revoked; the agent can no longer send with it.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context,
            question=gettext_lazy("Revoke this credential?"),
            consequence=gettext_lazy("The agent that uses it can no longer send anything, from this moment."),
            button=gettext_lazy("Revoke"),
        )

    def perform(self, obj: AgentCredential) -> AgentCredential:
        return do_revoke_credential(obj, acting_user=self.user)

    def get_success_url(self, obj: AgentCredential) -> str:
        return reverse("live:post", args=[obj.organization_id])


# ---- live push ------------------------------------------------------------------------------------

REPLAY_OVERLAP = 100  # ids committed out of order: read a little behind, the page drops repeats
SENT_REMEMBERED = 500  # the stream drops an event it sent among its last this many


class _StreamState:
    """What one stream remembers: its user, the audience it filters with, where it is; and, under
    the ASGI server, what it writes (``rasad.lib.push.StreamBody``)."""

    def __init__(self, user_id: int, last: int, *, replaying: bool = False) -> None:
        self.user_id = user_id
        self.last = last
        self.replaying = replaying
        self.audience = audience_of(user_id)
        # The ids sent lately, oldest first (a dict: an ordered set, 64 bytes while empty and a
        # lookup per event, where a deque of 500 cost 760 bytes and a scan).
        self.sent: dict[int, None] = {}

    def accepts(self, event: dict[str, Any]) -> bool:
        return self.audience.admits(event)

    def due_for_recheck(self) -> bool:
        return time.monotonic() - self.audience.computed >= settings.RASAD_LIVE_SCOPE_SECONDS

    def recheck_from_cache(self) -> bool:
        """Take the user's audience from the process's cache when another stream computed it
        lately (no query: the event loop calls this); ``False`` when it must be computed."""
        audience = cached_audience(self.user_id)
        if audience is not None:
            self.audience = audience
        return audience is not None

    def recheck(self) -> None:
        self.audience = audience_of(self.user_id)

    def catch_up(self) -> list[bytes]:
        """What happened since ``last``, from the event table (after a reconnect or a lost
        subscription), or a refetch when that is too much."""
        events, more = replay(self.user_id, max(0, self.last - REPLAY_OVERLAP))
        if more:
            self.last = latest_id()
            return [sse({}, event="refetch")]
        return [chunk for event in events if (chunk := self.frame(event))]

    async def opening(self) -> list[bytes]:
        # The request's own database connection (its thread's, used by the middleware and the
        # view) would stay checked out until the stream ends, when the ASGI handler closes it:
        # with the pool (20 connections), 20 open streams would take them all and every other
        # request would wait and fail (bench/live.py found it). Give it back before the first
        # byte; the stream's own reads take a connection and give it back each time (``_db``).
        # Thread-sensitive: this runs on the thread the request's middleware and view ran on,
        # whose connection it is (under ``rasad.asgi``, one of the few threads the streams
        # share: nothing else runs there meanwhile).
        await sync_to_async(_release_request_connection, thread_sensitive=True)()
        return [b"retry: 3000\n\n", *(await _db(self.catch_up) if self.replaying else [])]

    def render(self, batch: list[dict[str, Any]]) -> bytes | None:
        """On the event loop: the batch's frames, which the hub filtered with the audience the
        stream had then; then, when it is due, the audience is checked again for the next
        events (from the process's cache; computed on a thread by one stream of the user)."""
        if any(event is RESYNC or event is REFETCH for event in batch):
            return None  # they read the database
        chunk = b"".join(chunk for event in batch if (chunk := self.frame(event))) if batch else KEEPALIVE
        if self.due_for_recheck():
            _recheck_soon(self)
        return chunk

    async def render_slowly(self, batch: list[dict[str, Any]]) -> bytes:
        chunks: list[bytes] = []
        for event in batch:
            if event is RESYNC:
                chunks += await _db(self.catch_up)
            elif event is REFETCH:
                chunks.append(await _db(self.frame, event))
            elif chunk := self.frame(event):
                chunks.append(chunk)
        if self.due_for_recheck():
            _recheck_soon(self)
        return b"".join(chunks)

    def frame(self, event: dict[str, Any]) -> bytes | None:
        if event is REFETCH:
            self.last = max(self.last, latest_id())
            return sse({}, event="refetch")
        payload = event.get("payload", {})
        event_id = payload.get("id") if event.get("kind") == "live.event" else None
        if event_id is not None:
            if event_id in self.sent:
                return None
            self.sent[event_id] = None
            if len(self.sent) > SENT_REMEMBERED:
                del self.sent[next(iter(self.sent))]
            self.last = max(self.last, event_id)
        return sse_once(event, event_id=event_id)


def _last_event_id(request: AuthenticatedRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last") or ""
    return int(raw) if raw.isdecimal() and len(raw) < 19 else None


_thread_streams = threading.BoundedSemaphore(settings.RASAD_LIVE_THREAD_STREAMS)


class StreamView(ScopedView):
    """``/live/stream/``: the one server-sent event stream of a tab (every topic; today the live
    operations' events). Replays from ``Last-Event-ID`` (or ``?last=``) out of the event table,
    then pushes what the hub brings, filtered by the user's audience; a slow tab is told to
    refetch. Served by the ASGI server without holding a thread (``rasad.asgi`` runs its opening
    on threads the streams share, not on a thread of its own); under a threaded WSGI server
    (the embedded demo) each stream holds a thread, so at most ``RASAD_LIVE_THREAD_STREAMS``."""

    model = DeviceEvent

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        last = _last_event_id(request)
        # The stream stays open for as long as the tab: the connection used to start it (the
        # session, the audience) goes back now, not when the stream ends.
        state = _closing(
            lambda: _StreamState(
                self.user.pk, last if last is not None else latest_id(), replaying=last is not None
            )
        )
        # The request lives as long as the stream (the handler holds it until the response ends):
        # the URL resolver's record of every pattern it tried before this one (for the debug
        # 404 page only) is some 280 small lists, 18 KiB of each idle stream (bench/live.py).
        if request.resolver_match is not None:
            request.resolver_match.tried = []
        response: StreamingHttpResponse
        if isinstance(request, ASGIRequest):
            response = PushResponse(state, limit=settings.RASAD_LIVE_CLIENT_QUEUE)
        else:
            response = StreamingHttpResponse(_thread_stream(state), content_type="text/event-stream")
        response["Cache-Control"] = "no-store, no-transform"
        response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
        return response


def _thread_stream(state: _StreamState) -> Iterator[bytes]:
    if not _thread_streams.acquire(blocking=False):
        yield b"retry: 10000\n\n"  # every place is taken: the browser comes back in 10 s
        return
    client = ThreadClient(state.accepts, limit=settings.RASAD_LIVE_CLIENT_QUEUE)
    hub().register(client)
    try:
        yield b"retry: 3000\n\n"
        if state.replaying:
            yield from _closing(state.catch_up)
        while True:
            batch = client.wait(KEEPALIVE_SECONDS + 1)
            if state.due_for_recheck():
                _closing(state.recheck)
            if not batch:
                yield KEEPALIVE
            for event in batch:
                if event is RESYNC:
                    yield from _closing(state.catch_up)
                elif chunk := (_closing(state.frame, event) if event is REFETCH else state.frame(event)):
                    yield chunk
    finally:
        hub().unregister(client)
        _thread_streams.release()


def _closing(function: Any, *args: Any) -> Any:
    """Run a database read of a stream, then give the connection back: a stream waits for
    minutes between reads and must not hold a connection meanwhile."""
    try:
        return function(*args)
    finally:
        if not db_connection.in_atomic_block:  # (a test's transaction: not ours to close)
            db_connection.close()


async def _db(function: Any, *args: Any) -> Any:
    return await sync_to_async(_closing, thread_sensitive=False)(function, *args)


def _release_request_connection() -> None:
    if not db_connection.in_atomic_block:  # (a test's transaction: not ours to close)
        db_connection.close()


# Users whose audience a stream of this process is computing now (on a thread), and the other
# streams of theirs that found it under way and wait to be handed the result.
_rechecking: dict[int, list[_StreamState]] = {}
_computing: set[asyncio.Task[None]] = set()


def _recheck_soon(state: _StreamState) -> None:
    """Check a stream's audience again, on the event loop, without a thread hop per stream: the
    streams of one user share the process's cached audience, and one of them at a time computes
    it on a thread (when an event wakes thousands of streams at once, a thread hop each, to find
    the same cached value, was most of the node's time and the tail of its latency:
    bench/live.py). A stream that finds the computation under way is handed its result when it
    ends; until then its events are filtered with the audience it had, as they were while it
    waited."""
    if state.recheck_from_cache():
        return
    waiting = _rechecking.get(state.user_id)
    if waiting is not None:
        waiting.append(state)
        return
    _rechecking[state.user_id] = []
    task = asyncio.get_running_loop().create_task(_recompute(state))
    _computing.add(task)  # (the loop keeps only a weak reference to a task)
    task.add_done_callback(_computing.discard)


async def _recompute(state: _StreamState) -> None:
    try:
        await _db(state.recheck)
    except Exception:
        # Not computed (the database is away): the user's streams carry nothing until it is
        # (their old audience is due, and may include a withdrawn grant); tried again in a second.
        logger.exception("live: a stream's audience could not be computed")
        state.audience = Audience(
            state.user_id, False, False, frozenset(), time.monotonic() - settings.RASAD_LIVE_SCOPE_SECONDS + 1
        )
    finally:
        waiting = _rechecking.pop(state.user_id, [])
    for other in waiting:
        other.audience = state.audience


class FeedView(ScopedView):
    """The latest events as the feed's HTML, for a page that was told to refetch."""

    model = DeviceEvent
    template_name = "live/includes/feed.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        events = self.get_queryset().select_related("device", "organization")[:FEED_LENGTH]
        return self.render({"events": events})
