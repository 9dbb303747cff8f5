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
    return {
        label: serializers.serialize("json", apps.get_model(label).objects.order_by("pk"))
        for label in [*model_labels, "core.auditevent"]
    }


@contextlib.contextmanager
def assert_nothing_changed(*model_labels: str) -> Iterator[None]:
    published: list[Any] = []
    unsubscribe = events.subscribe_local(published.append)
    before = _snapshot(list(model_labels))
    try:
        yield
    finally:
        unsubscribe()
    after = _snapshot(list(model_labels))
    audit_before = before.pop("core.auditevent")
    audit_after = after.pop("core.auditevent")
    assert before == after, "a denied request changed data"
    # A denial may add exactly its own ACCESS_DENIED row, never anything else.
    import json

    added = json.loads(audit_after)[len(json.loads(audit_before)) :]
    assert all(row["fields"]["event_type"] == 140 for row in added), added
    assert published == [], "a denied request pushed an event"


def error_without_request_id(response: Any) -> Any:
    """An error response's JSON body without its ``request_id``, which differs on every request:
    two refusals that must read alike (out of scope, missing) are compared with this."""
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"].pop("request_id", None)
    return body
