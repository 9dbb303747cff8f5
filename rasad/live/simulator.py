"""The demo's field posts, alive: every post sends heartbeats on its devices' intervals, now and
then an event, and one post at a time loses its link for a few minutes and comes back with its
backlog (store and forward: the queued heartbeats and events arrive late, with their own times).
Runs in-process through the same actions as the ingest endpoint (``rasad live-simulate``)."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from rasad.live.actions import do_ingest_batch, parse_batch
from rasad.live.demo import DEVICES, OBSERVATIONS, POSTS, demo_serial, heartbeats_for
from rasad.live.models import AgentCredential, Device, DeviceEvent
from rasad.live.tasks import sweep


@dataclass
class PostAgent:
    credential: AgentCredential
    down_until: datetime | None = None
    backlog: list[dict[str, Any]] = field(default_factory=list)


def _next_sequence(serial: str, post_id: int) -> int:
    device = Device.objects.get(organization_id=post_id, serial=serial)
    last = DeviceEvent.objects.filter(device=device, sequence__isnull=False).order_by("-sequence").first()
    return max(device.last_sequence, last.sequence if last and last.sequence else 0) + 1


class Simulator:
    def __init__(self, *, seed: int = 1404, outage_minutes: float = 4.0) -> None:
        self.rng = random.Random(seed)
        self.outage = timedelta(minutes=outage_minutes)
        self.agents: dict[str, PostAgent] = {}
        for code in POSTS:
            credential = (
                AgentCredential.objects.select_related("organization")
                .filter(organization__code=code, revoked_at__isnull=True)
                .first()
            )
            if credential is not None:
                self.agents[code] = PostAgent(credential)

    def tick(self, now: datetime) -> int:
        """One round: every reachable post sends; returns how many items were sent."""
        sent = 0
        if not any(a.down_until for a in self.agents.values()) and self.rng.random() < 0.08:
            victim = self.rng.choice(sorted(self.agents))
            self.agents[victim].down_until = now + self.outage
        for agent in self.agents.values():
            post = agent.credential.organization
            body = heartbeats_for(post, now, self.rng)
            if self.rng.random() < 0.12:
                kind, event_kind, severity, text = self.rng.choice(OBSERVATIONS[:3])
                suffix = next(s for k, s, _n, _i in DEVICES if k == kind)
                serial = demo_serial(post, suffix)
                queued = sum(1 for b in agent.backlog for e in b["events"] if e["device"] == serial)
                body["events"].append(
                    {
                        "id": str(uuid.uuid4()),
                        "device": serial,
                        "time": now.isoformat(),
                        "sequence": _next_sequence(serial, post.pk) + queued,
                        "kind": event_kind,
                        "severity": severity,
                        "text": text,
                    }
                )
            if agent.down_until is not None and now < agent.down_until:
                agent.backlog.append(body)  # the link is down: the agent keeps it
                continue
            agent.down_until = None
            for queued_body in [*agent.backlog, body]:
                queued_body["sent_at"] = now.isoformat()
                do_ingest_batch(agent.credential, parse_batch(queued_body, now), now=now)
                sent += len(queued_body["heartbeats"]) + len(queued_body["events"])
            agent.backlog.clear()
        sweep(now)
        return sent

    def run(self, *, every: float, rounds: int | None, log: Callable[[str], None]) -> None:
        count = 0
        while rounds is None or count < rounds:
            now = timezone.now()
            sent = self.tick(now)
            down = [c for c, a in self.agents.items() if a.down_until]
            log(f"{now:%H:%M:%S} sent {sent} items; without link: {', '.join(down) or 'none'}")
            count += 1
            if rounds is None or count < rounds:
                time.sleep(every)
