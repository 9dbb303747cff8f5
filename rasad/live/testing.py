"""Matrix factories for the live API's models (see rasad.testing.factories), and helpers the live
tests share. A matrix record is made at a field post under the given organization (the post
itself when it is one), so that exactly the people who see that organization's subtree see it."""

from __future__ import annotations

import asyncio
import itertools
import threading
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from rasad.cases.choices import OPEN_STATUSES
from rasad.cases.models import Case
from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization
from rasad.lib.persian import to_persian_digits
from rasad.live.actions import (
    DeviceValues,
    do_ingest_batch,
    do_issue_credential,
    do_register_device,
    incident_key,
    parse_batch,
)
from rasad.live.actions.ingest import BatchResult
from rasad.live.models import AgentCredential, Device, DeviceEvent, Outage
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)


def field_post(cast: Cast, organization: Organization) -> Organization:
    """``organization`` if it is a field post, else its first field post (made if it has none)."""
    if organization.kind == OrganizationKind.FIELD_POST:
        return organization
    found: Organization | None = (
        organization.children.filter(kind=OrganizationKind.FIELD_POST).order_by("pk").first()
    )
    if found is not None:
        return found
    return do_create_organization(
        OrganizationValues(
            code=f"{organization.code}-FP{next(_sequence)}",
            name=f"پاسگاه آزمایشی {to_persian_digits(str(next(_sequence)))}",
            name_en="Test post",
            kind=OrganizationKind.FIELD_POST,
            parent=organization,
            latitude=33.0,
            longitude=54.0,
        ),
        acting_user=cast.root,
    )


def make_device(cast: Cast, organization: Organization, **values: Any) -> Device:
    return do_register_device(
        DeviceValues(
            organization=field_post(cast, organization),
            kind=values.pop("kind", "ground_sensor"),
            serial=values.pop("serial", f"GS-{next(_sequence):05d}"),
            name=values.pop("name", ""),
            heartbeat_interval=values.pop("heartbeat_interval", 60),
        ),
        acting_user=cast.root,
    )


def make_credential(cast: Cast, organization: Organization) -> tuple[AgentCredential, str]:
    return do_issue_credential(
        field_post(cast, organization),
        f"رله {to_persian_digits(str(next(_sequence)))}",
        acting_user=cast.root,
    )


def send(credential: AgentCredential, body: dict[str, Any], now: datetime | None = None) -> BatchResult:
    """What the ingest endpoint does with ``body``, without HTTP."""
    moment = now or timezone.now()
    return do_ingest_batch(credential, parse_batch(body, moment), now=moment)


def event_item(device: Device, sequence: int, **values: Any) -> dict[str, Any]:
    return {
        "id": str(values.pop("id", uuid.uuid4())),
        "device": device.serial,
        "time": values.pop("time", timezone.now().isoformat()),
        "sequence": sequence,
        "kind": values.pop("kind", "sensor_alarm"),
        "severity": values.pop("severity", "medium"),
        "text": values.pop("text", "حرکت در محدوده حسگر"),
        **values,
    }


def heartbeat_item(device: Device, **values: Any) -> dict[str, Any]:
    return {
        "id": str(values.pop("id", uuid.uuid4())),
        "device": device.serial,
        "time": values.pop("time", timezone.now().isoformat()),
        "battery": values.pop("battery", 90),
        "link": values.pop("link", 70),
        "temperature": values.pop("temperature", 31.5),
        "storage": values.pop("storage", 1200),
        **values,
    }


def make_incident(cast: Cast, organization: Organization, text: str = "بریدن حصار مرزی") -> Case:
    """The open incident case of the field post under ``organization``, opened (or joined) by a
    high-severity tamper event its agent sends."""
    device = make_device(cast, organization)
    credential, _secret = make_credential(cast, organization)
    send(credential, {"events": [event_item(device, 1, kind="tamper", severity="high", text=text)]})
    case: Case = Case.objects.filter(
        source_key=incident_key(device.organization_id), status__in=OPEN_STATUSES
    ).latest("opened_at", "pk")
    return case


@register(
    "live.device",
    create_payload=lambda cast, org: {
        "organization": field_post(cast, org).code,
        "kind": "camera",
        "serial": f"CAM-{next(_sequence):05d}",
        "heartbeat_interval": 60,
    },
)
def matrix_device(cast: Cast, organization: Organization) -> Device:
    return make_device(cast, organization)


@register("live.deviceevent")
def matrix_event(cast: Cast, organization: Organization) -> DeviceEvent:
    device = make_device(cast, organization)
    credential, _secret = make_credential(cast, organization)
    send(credential, {"events": [event_item(device, 1)]})
    event: DeviceEvent = DeviceEvent.objects.filter(device=device, kind="sensor_alarm").get()
    return event


@register("live.outage")
def matrix_outage(cast: Cast, organization: Organization) -> Outage:
    """A post silent long enough to open an outage (and its incident case), through the sweep."""
    from rasad.live.tasks import sweep

    device = make_device(cast, organization)
    credential, _secret = make_credential(cast, organization)
    send(credential, {"heartbeats": [heartbeat_item(device)]})
    silent = device.heartbeat_interval * settings.RASAD_LIVE_OFFLINE_INTERVALS + 1
    offline_at = timezone.now() + timedelta(seconds=silent)
    sweep(offline_at)
    sweep(offline_at + timedelta(minutes=settings.RASAD_LIVE_OUTAGE_MINUTES + 1))
    outage: Outage = Outage.objects.filter(organization=device.organization).latest("started_at")
    return outage


@register(
    "live.agentcredential",
    create_payload=lambda cast, org: {"organization": field_post(cast, org).code, "name": "رله پاسگاه"},
)
def matrix_credential(cast: Cast, organization: Organization) -> AgentCredential:
    return make_credential(cast, organization)[0]


def in_a_loop_of_its_own(scenario: Callable[[], Coroutine[Any, Any, Any]], timeout: float = 120) -> Any:
    """Run the coroutine ``scenario()`` on a thread with an event loop of its own and give its
    result (or raise its exception here). Not on the test's thread: the browser tests' Playwright
    keeps a loop running there when they share a process with the test."""
    result: list[Any] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(asyncio.run(scenario()))
        except BaseException as error:  # handed to the test's thread
            failure.append(error)

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    runner.join(timeout)
    if failure:
        raise failure[0]
    assert result, f"the scenario did not end within {timeout} s"
    return result[0]
