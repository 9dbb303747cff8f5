"""Steps the two-node tests run *inside* a node (``rasad shell -c``): each prints one JSON line.

Kept in the tests package because only the tests drive nodes this way; operators use
``rasad comms`` and the UI."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.db import connection

from rasad.comms.actions import Draft, do_open_message, do_send_message, do_set_up_centre
from rasad.comms.choices import Direction
from rasad.comms.models import Centre, Delivery, Envelope, Message, Receipt
from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.actions.people import do_create_user
from rasad.core.models import Province, User


def out(value: Any) -> None:
    print("RESULT " + json.dumps(value, ensure_ascii=False))


def _root() -> User:
    root: User | None = User.objects.filter(username="root").first()
    if root is None:
        root = do_create_user("root", acting_user=None, password="x" * 12, is_superuser=True, validate=False)
    return root


def set_up(code: str, name: str, province: str, latitude: float, longitude: float) -> None:
    root = _root()
    organization = do_create_organization(
        OrganizationValues(
            code=code,
            name=name,
            kind="command_centre",
            province=Province.objects.get(name_en=province),
            latitude=latitude,
            longitude=longitude,
        ),
        acting_user=root,
    )
    centre = do_set_up_centre(organization, acting_user=root)
    out({"code": centre.code})


def send(sender: str, recipients: list[str], subject: str, text: str, count: int = 1) -> None:
    ids = []
    for number in range(count):
        message = do_send_message(
            Draft(
                sender=Centre.objects.get(code=sender),
                recipients=list(Centre.objects.filter(code__in=recipients)),
                subject=subject if count == 1 else f"{subject} {number}",
                text=text,
            ),
            acting_user=_root(),
        )
        ids.append(str(message.envelope.msg_id))
    out(ids)


def read_all(centre: str) -> None:
    """Open every received message of ``centre`` (sending read receipts) and print them."""
    opened = []
    for message in Message.objects.filter(centre__code=centre, direction=Direction.INCOMING).order_by("id"):
        content = do_open_message(message, acting_user=_root()).content
        opened.append(
            {"msg_id": str(message.envelope.msg_id), "subject": content.subject, "text": content.text}
        )
    out(opened)


def received(centre: str) -> None:
    """Message ids in the order this node stored them (no decryption)."""
    out(
        [
            str(msg_id)
            for msg_id in Message.objects.filter(centre__code=centre, direction=Direction.INCOMING)
            .order_by("id")
            .values_list("envelope__msg_id", flat=True)
        ]
    )


def receipts(centre: str) -> None:
    out(
        sorted(
            [receipt.kind, str(receipt.message.envelope.msg_id), receipt.centre.code]
            for receipt in Receipt.objects.filter(message__centre__code=centre).select_related(
                "message__envelope", "centre"
            )
        )
    )


def outbox() -> None:
    out(
        {
            status: Delivery.objects.filter(status=status).count()
            for status in ("pending", "delivered", "refused")
        }
    )


def raw_envelope(msg_id: str) -> None:
    envelope = Envelope.objects.get(msg_id=msg_id)
    out(base64.b64encode(bytes(envelope.raw)).decode())


def counts() -> None:
    out({"envelopes": Envelope.objects.count(), "messages": Message.objects.count()})


def search(marker: str) -> None:
    out(cells_containing(marker))


def cells_containing(marker: str) -> list[str]:
    """Every ``table.column`` of the database whose text or bytes contain ``marker``, on either
    engine (a node's, or the test database: ``test_messages``)."""
    found = []
    needle = marker.encode()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                column.name for column in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = isinstance(value, str) and marker in value
                    binary = isinstance(value, bytes | memoryview) and needle in bytes(value)
                    if text or binary:
                        found.append(f"{table}.{column}")
    return found
