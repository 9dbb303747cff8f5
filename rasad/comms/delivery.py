"""The outbox: pushing envelopes and key bundles to peer nodes over HTTPS, with store-and-forward.

``deliver_due`` is the one function the background task (or ``rasad comms worker``) calls. For
each peer node it pushes pending deliveries strictly in the order they were written and stops at
the first one that cannot get through, so a node that was down receives its backlog in order.
A delivery is marked delivered only after the peer acknowledged it; the peer stores each message
id once and answers "duplicate" to a repeat, so a push interrupted at any point (either node
killed) is simply pushed again, and nothing is lost or doubled.

Two workers never push the same delivery at once: a worker first *claims* it with a conditional
update (``claimed_until``), which works the same on SQLite and PostgreSQL; a claim left by a
killed worker runs out after the push timeout.
"""

from __future__ import annotations

import json
import logging
import random
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rasad.comms import errors
from rasad.comms.audit import CommsAuditEvent, audit_comms
from rasad.comms.choices import DeliveryKind, DeliveryStatus
from rasad.comms.models import Delivery

logger = logging.getLogger(__name__)

INBOX_PATH = "comms/federation/v1/inbox"
BUNDLES_PATH = "comms/federation/v1/bundles"
USER_AGENT = "Rasad-comms/1"
# Refusals that end when the peer's administrator acts (confirming our new identity key): the
# envelope waits, in order, rather than being given up.
RETRIED_CODES = frozenset({errors.PEER_KEY_CHANGED})


class Transport(Protocol):
    def post(self, url: str, body: bytes) -> tuple[int, bytes]:
        """POST ``body`` as JSON; return (status, response body). Raises OSError when the peer
        cannot be reached."""

    def get(self, url: str) -> tuple[int, bytes]: ...


class HttpTransport:
    """urllib over HTTPS, verifying the peer's certificate (system CAs, or RASAD_COMMS_CA_FILE
    on a closed network)."""

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout or settings.COMMS_PUSH_TIMEOUT_SECONDS
        self.context = ssl.create_default_context(cafile=settings.COMMS_CA_FILE or None)

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as response:  # noqa: S310 (https or allowed http only)
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())

    def post(self, url: str, body: bytes) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        return self._open(request)

    def get(self, url: str) -> tuple[int, bytes]:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        return self._open(request)


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... capped at RASAD_COMMS_RETRY_MAX_SECONDS, with ±20 % jitter so that
    many nodes coming back at once do not push in lock-step."""
    seconds = min(5 * 2 ** max(attempts - 1, 0), settings.COMMS_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


@dataclass
class Report:
    delivered: int = 0
    refused: int = 0
    waiting: int = 0
    nodes: list[str] = field(default_factory=list)
    # When the earliest delivery still waiting for a peer may be tried again.
    retry_at: datetime | None = None


def _claim(delivery_id: int, now: datetime) -> bool:
    lease = now + timedelta(seconds=settings.COMMS_PUSH_TIMEOUT_SECONDS + 10)
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=lease)
    )
    return claimed == 1


def _push(delivery: Delivery, transport: Transport) -> tuple[str, str, str]:
    """Push one delivery; returns (outcome, code, detail) with outcome delivered/refused/retry."""
    if delivery.kind == DeliveryKind.BUNDLE:
        url, body = delivery.node_url + BUNDLES_PATH, json.dumps(delivery.bundle).encode()
    else:
        assert delivery.envelope is not None
        url, body = delivery.node_url + INBOX_PATH, bytes(delivery.envelope.raw)
    try:
        status, response = transport.post(url, body)
    except (OSError, ValueError) as error:
        return "retry", errors.UNREACHABLE, str(error)[:300]
    try:
        payload: Any = json.loads(response.decode("utf-8")) if response else {}
    except (UnicodeDecodeError, ValueError):
        payload = {}
    if 200 <= status < 300:
        refused = payload.get("refused") if isinstance(payload, dict) else None
        if refused:
            detail = "; ".join(f"{code}: {item.get('code')}" for code, item in sorted(refused.items()))
            return "delivered", "partly_refused", detail[:500]
        return "delivered", "", ""
    error_body = payload.get("error", {}) if isinstance(payload, dict) else {}
    code = str(error_body.get("code", "")) if isinstance(error_body, dict) else ""
    detail = str(error_body.get("detail", "")) if isinstance(error_body, dict) else ""
    if status in (408, 425, 429) or status >= 500 or not code or code in RETRIED_CODES:
        return "retry", code or errors.SERVER_ERROR, (detail or f"HTTP {status}")[:300]
    return "refused", code, detail[:500]


def _finish(delivery: Delivery, outcome: str, code: str, detail: str, now: datetime) -> None:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("sender", "envelope")
            .get(pk=delivery.pk)
        )
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.claimed_until = None
        delivery.last_error_code = code
        delivery.last_error = detail
        if outcome == "delivered":
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
        elif outcome == "refused":
            delivery.status = DeliveryStatus.REFUSED
            audit_comms(
                CommsAuditEvent.DELIVERY_REFUSED,
                delivery.sender,
                acting_user=None,
                obj=delivery,
                new={
                    "node": delivery.node_url,
                    "centres": delivery.centres,
                    "msg_id": str(delivery.envelope.msg_id) if delivery.envelope else "",
                    "code": code,
                    "detail": detail[:200],
                },
            )
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save()


def deliver_due(
    *, now: datetime | None = None, transport: Transport | None = None, limit: int = 1000
) -> Report:
    """Push what is due, node by node, in order. Safe to run in several processes at once."""
    transport = transport or HttpTransport()
    report = Report()
    moment = now or timezone.now()
    nodes = Delivery.objects.due(moment).values_list("node_url", flat=True).distinct().order_by("node_url")
    for node_url in list(nodes):
        report.nodes.append(node_url)
        while report.delivered + report.refused < limit:
            head = (
                Delivery.objects.filter(node_url=node_url, status=DeliveryStatus.PENDING)
                .select_related("envelope")
                .order_by("id")
                .first()
            )
            if head is None:
                break
            if head.next_attempt_at > moment or not _claim(head.pk, moment):
                # Waiting for its retry time, or another worker is pushing it: later ones wait
                # behind it so that the node receives everything in order.
                report.waiting += 1
                break
            outcome, code, detail = _push(head, transport)
            _finish(head, outcome, code, detail, timezone.now() if now is None else moment)
            if outcome == "delivered":
                report.delivered += 1
            elif outcome == "refused":
                report.refused += 1
                logger.warning("peer %s refused delivery %s: %s %s", node_url, head.pk, code, detail)
            else:
                report.waiting += 1
                logger.info("peer %s unreachable (%s); retrying later", node_url, detail)
                break
    retry = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__gt=moment)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    report.retry_at = retry
    return report


def fetch_bundle(node_url: str, centre_code: str, transport: Transport | None = None) -> Any:
    """Read a centre's public bundle from its node (to register it as a peer)."""
    transport = transport or HttpTransport()
    url = f"{node_url}comms/federation/v1/centres/{centre_code}/bundle"
    try:
        status, body = transport.get(url)
    except (OSError, ValueError) as error:
        raise errors.Refusal(errors.UNREACHABLE, str(error)[:300]) from None
    if status != 200:
        raise errors.Refusal(
            errors.UNKNOWN_SENDER if status == 404 else errors.SERVER_ERROR, f"HTTP {status}"
        )
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise errors.Refusal("bundle", "the node did not answer with a bundle") from None
