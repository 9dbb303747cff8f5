"""Demo live operations on top of the core demo world (``rasad.core.demo``): the Isfahan border
command and control centre in Khur (ISF-BCC) and its five posts in the eastern desert (Jandaq,
Mesr, Bayazeh, Chupanan, Farrokhi), each with the devices the governor's plan names: cameras,
a thermal camera for the night, ground sensors over the open ground, a radio, a solar power unit
and a satellite terminal.

The last hour is replayed through the same actions agents use: heartbeats every interval,
a few sensor alarms and observation reports, and the Farrokhi post losing power and falling
silent forty minutes ago, so that its devices are offline, the command view shows it red, and
its outage has opened an incident case for the command centre (high-severity alarms at the
other posts open or join their posts' incident cases the same way).
``rasad live-simulate`` keeps the posts sending afterwards. Idempotent: a second run changes
nothing."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any, TextIO

from django.utils import timezone

from rasad.core.models import Organization, User
from rasad.live.actions import (
    DeviceValues,
    do_ingest_batch,
    do_issue_credential,
    do_register_device,
    parse_batch,
)
from rasad.live.models import AgentCredential, Device
from rasad.live.tasks import sweep

POSTS = ("ISF-BP1", "ISF-BP2", "ISF-BP3", "ISF-BP4", "ISF-BP5")
SILENT_POST = "ISF-BP5"
# (kind, serial suffix, name, heartbeat interval in seconds)
DEVICES = (
    ("camera", "CAM1", "دوربین برج دیده‌بانی", 60),
    ("thermal_camera", "TH1", "دوربین حرارتی شب", 60),
    ("ground_sensor", "GS1", "حسگر زمینی جادهٔ خاکی", 120),
    ("ground_sensor", "GS2", "حسگر زمینی آبراههٔ شمالی", 120),
    ("radio", "RD1", "بی‌سیم پاسگاه", 300),
    ("solar_power", "PV1", "واحد برق خورشیدی", 300),
    ("satellite_terminal", "SAT1", "پایانهٔ ماهواره‌ای", 120),
)
OBSERVATIONS = (
    ("ground_sensor", "sensor_alarm", "medium", "حرکت در محدودهٔ حسگر؛ گشت برای بررسی اعزام شد."),
    ("camera", "observation", "low", "تردد یک خودروی وانت در جادهٔ خاکی؛ مدارک بررسی و ثبت شد."),
    ("thermal_camera", "sensor_alarm", "high", "ردپای حرارتی سه نفر در ۴ کیلومتری شرق پاسگاه."),
    ("solar_power", "power_loss", "high", "قطع برق واحد خورشیدی؛ باتری پشتیبان فعال شد."),
)
ADMIN = "admin"


def demo_serial(post: Organization, suffix: str) -> str:
    return f"{post.code}-{suffix}"


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    posts = list(Organization.objects.filter(code__in=POSTS).order_by("code"))
    if not posts:
        return {}
    if not Device.objects.filter(organization__in=posts).exists():
        admin = User.objects.get(username=ADMIN)
        now = timezone.now()
        credentials = {}
        for post in posts:
            for kind, suffix, name, interval in DEVICES:
                do_register_device(
                    DeviceValues(post, kind, demo_serial(post, suffix), name, interval), acting_user=admin
                )
            credentials[post.code] = do_issue_credential(post, "رایانهٔ رلهٔ پاسگاه", acting_user=admin)[0]
        _replay(posts, credentials, now)
        sweep(now)
    summary = {
        "devices": Device.objects.filter(organization__in=posts).count(),
        "offline": Device.objects.filter(organization__in=posts, status="offline").count(),
    }
    if stdout is not None:
        stdout.write(
            f"live operations: {summary['devices']} devices at 5 posts ({summary['offline']} offline)\n"
        )
    return summary


def _replay(posts: list[Organization], credentials: dict[str, AgentCredential], now: datetime) -> None:
    """The last hour, minute by minute, as the agents would have sent it."""
    rng = random.Random(1404)
    sequences: dict[str, int] = {}
    start = now - timedelta(minutes=60)
    for minute in range(0, 61, 2):
        moment = start + timedelta(minutes=minute)
        for post in posts:
            if post.code == SILENT_POST and moment > now - timedelta(minutes=40):
                continue
            body = heartbeats_for(post, moment, rng)
            if minute in (14, 30, 46):
                kind, event_kind, severity, text = OBSERVATIONS[(minute // 16 + posts.index(post)) % 3]
                body["events"].append(_event(post, kind, event_kind, severity, text, moment, sequences))
            if post.code == SILENT_POST and minute == 18:
                kind, event_kind, severity, text = OBSERVATIONS[3]
                body["events"].append(_event(post, kind, event_kind, severity, text, moment, sequences))
            do_ingest_batch(credentials[post.code], parse_batch(body, moment), now=moment)
        sweep(moment)  # the periodic sweep, as it ran during that hour


def heartbeats_for(post: Organization, moment: datetime, rng: random.Random) -> dict[str, Any]:
    beats = [
        {
            "id": str(uuid.uuid4()),
            "device": demo_serial(post, suffix),
            "time": moment.isoformat(),
            "battery": round(rng.uniform(55, 100), 1),
            "link": round(rng.uniform(35, 95), 1),
            "temperature": round(rng.uniform(18, 41), 1),
            "storage": round(rng.uniform(2_000, 60_000)),
        }
        for _kind, suffix, _name, _interval in DEVICES
    ]
    return {"sent_at": moment.isoformat(), "heartbeats": beats, "events": []}


def _event(
    post: Organization,
    kind: str,
    event_kind: str,
    severity: str,
    text: str,
    moment: datetime,
    sequences: dict[str, int],
) -> dict[str, Any]:
    suffix = next(s for k, s, _n, _i in DEVICES if k == kind)
    serial = demo_serial(post, suffix)
    sequences[serial] = sequences.get(serial, 0) + 1
    return {
        "id": str(uuid.uuid4()),
        "device": serial,
        "time": moment.isoformat(),
        "sequence": sequences[serial],
        "kind": event_kind,
        "severity": severity,
        "text": text,
    }
