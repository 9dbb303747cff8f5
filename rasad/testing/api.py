"""Generic API contract checks (NetBox ``utilities/testing/api.py`` in spirit).

``assert_nothing_changed`` snapshots whole tables, the audit trail and the event bus around a
denied request, so a refusal is shown to have changed nothing and pushed nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core import serializers

from rasad.lib import events


def _snapshot(model_labels: list[str]) -> dict[str, str]:
    """Each named table, whole; the audit trail is not among them even when named (a denial
    appends its own row to it, checked by ``_audit_mark``)."""
    from rasad.core.models import AuditEvent

    return {
        label: serializers.serialize("json", model.objects.order_by("pk"))
        for label in model_labels
        if (model := apps.get_model(label)) is not AuditEvent
    }


def _audit_mark() -> tuple[int, int]:
    """The audit trail's last id and how many rows it has up to there. Read instead of the whole
    trail: a denial may only append (its own ``ACCESS_DENIED``), and the trail grows with every
    test's set-up, so serializing it around each request cost more than the request."""
    from rasad.core.models import AuditEvent

    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last, AuditEvent.objects.filter(pk__lte=last).count()


@contextlib.contextmanager
def assert_nothing_changed(*model_labels: str) -> Iterator[None]:
    from rasad.core.audit import CoreAuditEvent
    from rasad.core.models import AuditEvent

    published: list[Any] = []
    unsubscribe = events.subscribe_local(published.append)
    before = _snapshot(list(model_labels))
    last, rows = _audit_mark()
    try:
        yield
    finally:
        unsubscribe()
    after = _snapshot(list(model_labels))
    assert before == after, "a denied request changed data"
    # A denial may add only refusal rows and removes none: its own ACCESS_DENIED and, when it is
    # the first of a new minute, the summary of the minute before (ACCESS_DENIED_REPEATED,
    # ``rasad.core.audit.record_access_denied``), which a test of many refusals meets when a
    # minute turns during it (on a loaded machine: the PostgreSQL run, session 18).
    assert AuditEvent.objects.filter(pk__lte=last).count() == rows, "a denied request removed audit rows"
    added = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk").values("event_type", "body"))
    refusals = {CoreAuditEvent.ACCESS_DENIED, CoreAuditEvent.ACCESS_DENIED_REPEATED}
    assert all(row["event_type"] in refusals for row in added), added
    assert published == [], "a denied request pushed an event"


def error_without_request_id(response: Any) -> Any:
    """An error response's JSON body without its ``request_id``, which differs on every request:
    two refusals that must read alike (out of scope, missing) are compared with this."""
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"].pop("request_id", None)
    return body
