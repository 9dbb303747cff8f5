"""Two real nodes on one machine (two databases, two ports, the real ``rasad serve`` and
``rasad comms worker`` processes): Isfahan's border command centre on node A, South Khorasan's
command centre on node B. What issue 18 calls done: a signed, encrypted message and its read
receipt travel between them; the plaintext is nowhere in either database or log; a tampered
envelope is refused; a node that was down receives its backlog in order, once; and killing
either node with SIGKILL during delivery loses and duplicates nothing."""

from __future__ import annotations

import base64
import json
import random
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rasad.comms.tests.nodes import Node, pin_each_other, wait_for

ISF, SKH = "ISF-BCC", "SKH-CC"


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nodes(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[tuple[Node, Node]]:
    root = tmp_path_factory.mktemp("federation")
    a, b = Node("a", root), Node("b", root)
    with django_db_blocker.unblock():
        a.create_database_from_suite()  # a copy of the suite's migrated database
    b.create_database_from(a)
    try:
        a.script(f"set_up({ISF!r}, 'مرکز فرماندهی و کنترل مرزی استان اصفهان', 'Isfahan', 33.779, 55.078)")
        b.script(
            f"set_up({SKH!r}, 'مرکز فرماندهی و کنترل استان خراسان جنوبی', 'South Khorasan', 32.866, 59.221)"
        )
        a.start_server()
        b.start_server()
        pin_each_other(a, ISF, b, SKH)
        yield a, b
    finally:
        a.stop()
        b.stop()
        a.drop_database()
        b.drop_database()


def _logs_and_files(node: Node) -> list[Path]:
    return [path for path in node.dir.rglob("*") if path.is_file() and path.name != "decrypted-views.txt"]


def test_message_and_read_receipt_travel_and_plaintext_is_nowhere(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    marker = f"MARKER-{uuid.uuid4().hex}"
    [msg_id] = a.script(f"send({ISF!r}, [{SKH!r}], 'تردد مرزی {marker}', 'متن {marker}')")
    a.rasad("comms", "deliver")
    # Received, then the recipient opens it: the decrypted view, and a signed read receipt back
    # to A (calls on one node between two commands share a process: each costs seconds to start).
    received, opened = b.scripts(f"received({SKH!r})", f"read_all({SKH!r})")
    assert received[-1] == msg_id
    assert opened[-1]["text"] == f"متن {marker}"
    b.rasad("comms", "deliver")
    receipts, received_on_a, found_on_a = a.scripts(
        f"receipts({ISF!r})", f"read_all({ISF!r})", f"search({marker!r})"
    )
    assert ["receipt.read", msg_id, SKH] in receipts
    assert received_on_a == []  # nothing received on A
    # Nowhere in either database (every text and binary column) nor any log or data file.
    assert found_on_a == []
    assert b.script(f"search({marker!r})") == []
    for node in (a, b):
        for path in _logs_and_files(node):
            assert marker.encode() not in path.read_bytes(), path
    # Only the decrypted view the recipient asked for shows it.
    assert marker in (b.dir / "decrypted-views.txt").read_text(encoding="utf-8")


def _post(node: Node, raw: bytes) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(  # noqa: S310
        node.url + "comms/federation/v1/inbox",
        data=raw,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_tampered_envelope_is_refused_by_the_peer(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    [msg_id] = a.script(f"send({ISF!r}, [{SKH!r}], 'سالم', 'متن')")
    envelope = json.loads(base64.b64decode(a.script(f"raw_envelope({msg_id!r})")))
    body = bytearray(base64.urlsafe_b64decode(envelope["body"] + "=="))
    body[-3] ^= 0x40
    envelope["body"] = base64.urlsafe_b64encode(bytes(body)).decode().rstrip("=")
    before = b.script("counts()")
    status, answer = _post(b, json.dumps(envelope).encode())
    assert status == 422
    assert answer["error"]["code"] == "body"  # type: ignore[index]
    assert b.script("counts()") == before
    # The genuine envelope still goes through afterwards.
    a.rasad("comms", "deliver")
    assert b.script(f"received({SKH!r})")[-1] == msg_id


def test_node_down_for_a_while_receives_its_backlog_in_order_once(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    b.kill("server")
    sent = a.script(f"send({ISF!r}, [{SKH!r}], 'پیام صف', 'متن', count=20)")
    a.rasad("comms", "deliver")  # B is down: the first delivery fails and holds the queue
    assert a.script("outbox()")["pending"] >= 20
    b.start_server()
    a.start_worker()
    try:
        wait_for(lambda: a.pending() == 0, what="the backlog to drain")
    finally:
        a.kill("worker")
    received = b.script(f"received({SKH!r})")
    assert received[-20:] == sent
    assert len(received) == len(set(received))


# On PostgreSQL only, the database of every production node: the test kills processes six times
# and takes about 100 s a run, and CI's time is spent where the product runs. The SQLite nodes still
# exchange messages, refuse tampering and receive a backlog (the tests above). What is not tested
# here is a SIGKILL of a SQLite node: its delivery code is the same, and SQLite (WAL,
# synchronous=FULL, rasad/settings.py) keeps every committed transaction.
@pytest.mark.postgres
def test_kill_9_of_either_node_during_delivery_loses_and_duplicates_nothing(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    before = b.script(f"received({SKH!r})")
    sent = a.script(f"send({ISF!r}, [{SKH!r}], 'زیر بار', 'متن', count=60)")
    a.start_worker(interval=0.05)
    rng = random.Random(18)
    try:
        for round_ in range(6):
            time.sleep(rng.uniform(0.2, 1.0))
            if round_ % 2 == 0:
                b.kill("server")  # the receiving node dies mid-push
                time.sleep(rng.uniform(0.1, 0.5))
                b.start_server()
            else:
                a.kill("worker")  # the sending node's delivery process dies mid-push
                a.start_worker(interval=0.05)
        wait_for(lambda: a.pending() == 0, timeout=300, what="the outbox to drain")
    finally:
        a.kill("worker")
    received = b.script(f"received({SKH!r})")
    new = received[len(before) :]
    assert new == sent  # everything, in order
    assert len(received) == len(set(received))  # once
    counts = b.script("counts()")
    assert counts["messages"] == len(received)
