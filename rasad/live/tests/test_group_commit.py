"""Group commit (rasad.live.group_commit): batches of several agents written in one transaction
answer as each would alone; a copy in the same group is a duplicate; a group whose transaction
fails is written again batch by batch; nothing is acknowledged before the commit."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from psycopg import pq

from rasad.core.audit_log import verify
from rasad.core.models import AuditEvent
from rasad.lib import events as bus
from rasad.lib.admission import AdmissionGate
from rasad.live import group_commit
from rasad.live.actions import ingest
from rasad.live.actions.ingest import Submission, do_ingest_batches, parse_batch
from rasad.live.audit import LiveAuditEvent
from rasad.live.choices import Status
from rasad.live.group_commit import GroupCommitter
from rasad.live.models import AgentCredential, Device, DeviceEvent, Heartbeat
from rasad.live.testing import event_item, make_credential, make_device
from rasad.testing.cast import Cast


def _submission(credential: AgentCredential, items: list[dict[str, Any]], request_id: str = "") -> Submission:
    now = timezone.now()
    return Submission(
        credential,
        parse_batch({"events": items}, now, digest=uuid.uuid4().hex * 2),
        now,
        request_id=request_id or uuid.uuid4().hex,
        ip="192.0.2.7",
    )


@pytest.fixture
def agents(cast: Cast) -> list[tuple[Device, AgentCredential]]:
    """Two field posts (Isfahan's and Kerman's), a device and an agent credential at each."""
    made = []
    for post, serial in ((cast.isfahan_post, "GC-ISF"), (cast.kerman_post, "GC-KER")):
        device = make_device(cast, post, serial=serial)
        credential, _secret = make_credential(cast, post)
        made.append((device, credential))
    return made


def _busy(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    return "503 Service Unavailable", [("Retry-After", "1")], b"busy"


def _batch_audits() -> list[dict[str, Any]]:
    return [
        {"organization": e.organization_id, "request_id": e.request_id, **json.loads(e.body)["new"]}
        for e in AuditEvent.objects.filter(event_type=LiveAuditEvent.BATCH_RECEIVED).order_by("pk")
    ]


def test_batches_of_one_group_are_answered_and_audited_each_as_its_own(
    agents: list[tuple[Device, AgentCredential]],
):
    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    first = _submission(isfahan_agent, [event_item(isfahan, 1)], request_id="req-isfahan")
    second = _submission(
        kerman_agent, [event_item(kerman, 1), event_item(kerman, 2)], request_id="req-kerman"
    )
    with CaptureQueriesContext(connection) as queries:
        results = do_ingest_batches([first, second])
    assert [[o.result.value for o in r.events] for r in results] == [["created"], ["created", "created"]]
    ids = [o.stream_id for r in results for o in r.events if o.stream_id is not None]
    assert len(ids) == 3
    assert sorted(ids) == sorted(DeviceEvent.objects.values_list("pk", flat=True))
    # Each batch's audit event is in its own post's chain, with its own request and items.
    assert _batch_audits() == [
        {
            "organization": isfahan.organization_id,
            "request_id": "req-isfahan",
            "credential": isfahan_agent.pk,
            "heartbeats": 0,
            "events": [str(i.uuid) for i in first.batch.events],  # type: ignore[union-attr]
            "sha256": first.batch.digest,
        },
        {
            "organization": kerman.organization_id,
            "request_id": "req-kerman",
            "credential": kerman_agent.pk,
            "heartbeats": 0,
            "events": [str(i.uuid) for i in second.batch.events],  # type: ignore[union-attr]
            "sha256": second.batch.digest,
        },
    ]
    assert DeviceEvent.objects.get(pk=ids[0]).device_id == isfahan.pk
    assert Device.objects.get(pk=kerman.pk).last_sequence == 2
    # The group's statements, not each batch's: credentials checked once, devices locked once,
    # recorded ids and sequences read once, events inserted once, devices updated once; then an
    # audit event per batch (SQLite appends one in four statements), and the credentials' last
    # use once.
    live = [
        f"{q['sql'].split()[0]} {match.group(1)}"
        for q in queries.captured_queries
        if (match := re.search(r'(?:FROM|INTO|UPDATE) "(live_[a-z]+)"', q["sql"]))
    ]
    assert live == [
        "SELECT live_agentcredential",
        "SELECT live_device",
        "SELECT live_deviceevent",
        "INSERT live_deviceevent",
        "UPDATE live_device",
        "UPDATE live_agentcredential",
    ]
    # On PostgreSQL the two posts' audit events are appended by one statement (record_many);
    # SQLite appends each on its own. Either way the trail verifies.
    appends = [
        q for q in queries.captured_queries if "INSERT INTO" in q["sql"] and "core_auditevent" in q["sql"]
    ]
    assert len(appends) == (1 if connection.vendor == "postgresql" else 2)
    assert list(verify()) == []


def test_two_batches_of_one_post_in_a_group_are_each_audited_in_its_chain(
    agents: list[tuple[Device, AgentCredential]],
):
    """The first audit event of each post is appended with the others'; a second one of the same
    post after them, alone (two in one statement would take the same chain head)."""
    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    submissions = [
        _submission(isfahan_agent, [event_item(isfahan, 1)], request_id="isf-1"),
        _submission(kerman_agent, [event_item(kerman, 1)], request_id="ker-1"),
        _submission(isfahan_agent, [event_item(isfahan, 2)], request_id="isf-2"),
    ]
    results = do_ingest_batches(submissions)
    assert [r.events[0].result.value for r in results] == ["created"] * 3
    assert sorted((a["organization"], a["request_id"]) for a in _batch_audits()) == sorted(
        [
            (isfahan.organization_id, "isf-1"),
            (isfahan.organization_id, "isf-2"),
            (kerman.organization_id, "ker-1"),
        ]
    )
    events = AuditEvent.objects.filter(event_type=LiveAuditEvent.BATCH_RECEIVED)
    assert len({(e.chain, e.sequence) for e in events}) == 3
    assert list(verify()) == []


def test_the_groups_rows_are_inserted_as_the_orm_would_insert_them(
    agents: list[tuple[Device, AgentCredential]],
):
    """``_insert`` (by hand, one array per column on PostgreSQL) stores what ``bulk_create``
    would, for an agent's event, a status event (JSON data, no sequence) and a heartbeat."""
    (isfahan, _agent), _kerman = agents
    moment = timezone.now().replace(microsecond=654321)

    def rows() -> tuple[list[DeviceEvent], list[Heartbeat]]:
        events = [
            DeviceEvent(
                uuid=uuid.uuid4(), organization_id=isfahan.organization_id, device=isfahan,
                kind="sensor_alarm", severity="high", text="حرکت «نزدیک» حسگر", sequence=2**40,
                device_time=moment - timedelta(seconds=2), received_at=moment, clock_skew_seconds=-1.25,
                content_hash="a" * 64,
            ),
            DeviceEvent(
                uuid=uuid.uuid4(), organization_id=isfahan.organization_id, device=isfahan,
                kind="status_changed", severity="low", device_time=moment, received_at=moment,
                data={"old": "unknown", "new": "online", "list": [1, None, "x"]}, content_hash="",
            ),
        ]  # fmt: skip
        beats = [
            Heartbeat(
                id=uuid.uuid4(), organization_id=isfahan.organization_id, device=isfahan,
                device_time=moment, received_at=moment, battery_percent=50.5, link_quality=None,
                temperature_c=-3.0, free_storage_mb=None, content_hash="b" * 64,
            )
        ]  # fmt: skip
        return events, beats

    def stored(model: Any, keys: list[Any], key: str) -> list[dict[str, Any]]:
        skip = {"id", "uuid"}
        found = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": keys})}
        return [
            {
                f.attname: getattr(found[k], f.attname)
                for f in model._meta.concrete_fields
                if f.attname not in skip
            }
            for k in keys
        ]

    by_hand_events, by_hand_beats = rows()
    with CaptureQueriesContext(connection) as queries:
        ingest._insert(by_hand_events)()
        ingest._insert(by_hand_beats)()
    assert len(queries) == 2
    assert all(e.pk is not None and not e._state.adding for e in by_hand_events)
    assert {e.uuid: e.pk for e in by_hand_events} == dict(
        DeviceEvent.objects.filter(uuid__in=[e.uuid for e in by_hand_events]).values_list("uuid", "pk")
    )
    by_hand = (
        stored(DeviceEvent, [e.uuid for e in by_hand_events], "uuid"),
        stored(Heartbeat, [b.id for b in by_hand_beats], "id"),
    )
    DeviceEvent.objects.all().delete()  # the same sequence again, by the ORM
    by_orm_events, by_orm_beats = rows()
    DeviceEvent.objects.bulk_create(by_orm_events)
    Heartbeat.objects.bulk_create(by_orm_beats)
    assert by_hand == (
        stored(DeviceEvent, [e.uuid for e in by_orm_events], "uuid"),
        stored(Heartbeat, [b.id for b in by_orm_beats], "id"),
    )


def test_a_group_is_written_in_post_order_and_answered_in_its_own(
    agents: list[tuple[Device, AgentCredential]],
):
    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    assert isfahan.organization_id < kerman.organization_id
    results = do_ingest_batches(
        [
            _submission(kerman_agent, [event_item(kerman, 1), event_item(kerman, 2)]),
            _submission(isfahan_agent, [event_item(isfahan, 1)]),
        ]
    )
    assert [len(r.events) for r in results] == [2, 1]
    by_device = dict(DeviceEvent.objects.values_list("pk", "device_id"))
    assert [by_device[o.stream_id] for r in results for o in r.events if o.stream_id] == [
        kerman.pk,
        kerman.pk,
        isfahan.pk,
    ]
    # Written in post order: Isfahan's event first, then Kerman's, and their audit events too.
    assert min(by_device, key=lambda pk: pk) == results[1].events[0].stream_id
    assert [a["organization"] for a in _batch_audits()] == [isfahan.organization_id, kerman.organization_id]


def test_a_copy_of_an_event_in_the_same_group_is_a_duplicate_with_the_first_ones_acknowledgment(
    agents: list[tuple[Device, AgentCredential]],
):
    (isfahan, agent), _kerman = agents
    item = event_item(isfahan, 7)
    results = do_ingest_batches([_submission(agent, [item]), _submission(agent, [item])])
    first, copy = results[0].events[0], results[1].events[0]
    assert (first.result.value, copy.result.value) == ("created", "duplicate")
    assert copy.stream_id == first.stream_id == DeviceEvent.objects.get(uuid=item["id"]).pk
    assert DeviceEvent.objects.count() == 1
    # The copy wrote nothing: one audit event, the first batch's.
    assert [a["events"] for a in _batch_audits()] == [[item["id"]]]


def test_a_sequence_taken_earlier_in_the_same_group_is_a_conflict(
    agents: list[tuple[Device, AgentCredential]],
):
    (isfahan, agent), _kerman = agents
    results = do_ingest_batches(
        [_submission(agent, [event_item(isfahan, 3)]), _submission(agent, [event_item(isfahan, 3)])]
    )
    assert [r.events[0].result.value for r in results] == ["created", "conflict"]
    assert results[1].events[0].code == "sequence_taken"


def test_a_bad_item_in_one_batch_leaves_the_others_of_the_group_written(
    agents: list[tuple[Device, AgentCredential]],
):
    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    # Kerman's agent names Isfahan's device: unknown at its post, refused; the rest stand.
    results = do_ingest_batches(
        [
            _submission(isfahan_agent, [event_item(isfahan, 1)]),
            _submission(kerman_agent, [event_item(isfahan, 2), event_item(kerman, 1)]),
        ]
    )
    assert [[o.result.value for o in r.events] for r in results] == [["created"], ["refused", "created"]]
    assert results[1].events[0].code == "unknown_device"
    assert sorted(DeviceEvent.objects.values_list("device_id", "sequence")) == sorted(
        [(isfahan.pk, 1), (kerman.pk, 1)]
    )


class _Boom(Exception):
    pass


def _failing_for(post_id: int) -> Any:
    """``do_ingest_batches`` whose transaction fails, after writing and before its commit,
    whenever its group holds ``post_id``'s batch."""
    real = do_ingest_batches

    @transaction.atomic
    def write(submissions: list[Submission]) -> Any:
        results = real(submissions)
        if any(s.credential.organization_id == post_id for s in submissions):
            raise _Boom("the transaction failed")
        return results

    return write


def _group(committer: GroupCommitter, submissions: list[Submission]) -> list[Any]:
    """Write ``submissions`` as one group of ``committer`` (as if they had arrived at once)."""
    tickets = [group_commit._Ticket(s) for s in submissions]
    committer._waiting = tickets
    committer._leading = True
    committer._lead(tickets[0])
    return [t.error or t.result for t in tickets]


def test_a_group_whose_transaction_fails_is_written_again_batch_by_batch(
    agents: list[tuple[Device, AgentCredential]], monkeypatch: pytest.MonkeyPatch
):
    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    monkeypatch.setattr(group_commit, "do_ingest_batches", _failing_for(kerman.organization_id))
    good, bad = (
        _submission(isfahan_agent, [event_item(isfahan, 1)]),
        _submission(kerman_agent, [event_item(kerman, 1)]),
    )
    committer = GroupCommitter()
    answers = _group(committer, [good, bad])
    # Isfahan's batch got its own true answer; Kerman's its own error, and nothing of it stayed.
    assert [o.result.value for o in answers[0].events] == ["created"]
    assert isinstance(answers[1], _Boom)
    assert list(DeviceEvent.objects.values_list("device_id", flat=True)) == [isfahan.pk]
    assert [a["organization"] for a in _batch_audits()] == [isfahan.organization_id]
    assert (committer.groups, committer.batches) == (1, 2)
    assert committer._leading is False


def test_nothing_is_acknowledged_pushed_or_kept_when_the_commit_does_not_happen(
    agents: list[tuple[Device, AgentCredential]],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
):
    (isfahan, agent), _kerman = agents
    monkeypatch.setattr(group_commit, "do_ingest_batches", _failing_for(isfahan.organization_id))
    committer = GroupCommitter()
    pushed: list[Any] = []
    unsubscribe = bus.subscribe_local(pushed.append)
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(_Boom):
            committer.submit(_submission(agent, [event_item(isfahan, 1)]))
    finally:
        unsubscribe()
    assert DeviceEvent.objects.count() == 0
    assert _batch_audits() == []
    assert pushed == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_single_events_share_commits_and_each_is_recorded_once(cast: Cast):
    """Eight agents post at once through one committer: fewer transactions than batches, every
    event recorded once with its own acknowledgment and its own audit event."""
    agents = []
    for number in range(8):
        post = cast.isfahan_post if number % 2 else cast.kerman_post
        device = make_device(cast, post, serial=f"GC-{number}")
        credential, _secret = make_credential(cast, post)
        agents.append((device, credential))
    committer = GroupCommitter()
    real = do_ingest_batches
    first_group_started = threading.Event()
    others_waiting = threading.Event()

    def slow_first_group(submissions: list[Submission]) -> Any:
        if not first_group_started.is_set():
            first_group_started.set()
            others_waiting.wait(10)  # the other seven queue behind the first group meanwhile
        return real(submissions)

    group_commit_module: Any = group_commit
    original = group_commit_module.do_ingest_batches
    group_commit_module.do_ingest_batches = slow_first_group
    answers: dict[int, Any] = {}
    items = [event_item(device, 1) for device, _credential in agents]

    def agent(number: int) -> None:
        try:
            _device, credential = agents[number]
            answers[number] = committer.submit(_submission(credential, [items[number]]))
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=agent, args=(0,))]
        threads[0].start()
        assert first_group_started.wait(10)
        threads += [threading.Thread(target=agent, args=(n,)) for n in range(1, 8)]
        for thread in threads[1:]:
            thread.start()
        while len(committer._waiting) < 7:
            threading.Event().wait(0.01)
        others_waiting.set()
        for thread in threads:
            thread.join(30)
    finally:
        group_commit_module.do_ingest_batches = original
    assert (committer.groups, committer.batches) == (2, 8)
    assert sorted(answers) == list(range(8))
    assert all([o.result.value for o in answers[n].events] == ["created"] for n in range(8))
    stored = dict(DeviceEvent.objects.values_list("uuid", "pk"))
    assert {str(u): pk for u, pk in stored.items()} == {
        items[n]["id"]: answers[n].events[0].stream_id for n in range(8)
    }
    assert sorted(a["events"][0] for a in _batch_audits()) == sorted(i["id"] for i in items)


def test_waiting_for_the_groups_commit_gives_the_admission_place_to_the_next_request(
    monkeypatch: pytest.MonkeyPatch,
):
    """Behind a gate of two places and a queue of two: while the first batch's transaction is
    being written (its leader holds a place), the next two requests are admitted one after the
    other through the second place (each gives it up while it waits for its group); the queue is
    then full, so the fourth keeps the place while it waits, and a fifth is answered 503 at once.
    The three are written together in the next group; nothing admitted is lost."""
    committer = GroupCommitter()
    writing = threading.Event()
    finish = threading.Event()
    groups: list[list[str]] = []

    def write(submissions: list[Any]) -> list[str]:
        groups.append(list(submissions))
        writing.set()
        finish.wait(10)
        return [f"answer {s}" for s in submissions]

    monkeypatch.setattr(group_commit, "do_ingest_batches", write)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        answer = committer.submit(environ["batch"])
        start_response("200 OK", [])
        return [str(answer).encode()]

    gate = AdmissionGate(app, limit=2, queue=2, timeout=5.0, busy=_busy)
    answers: dict[str, bytes] = {}

    def request(batch: str) -> None:
        seen: dict[str, str] = {}
        result = gate({"PATH_INFO": "/api/v1/live/ingest/", "batch": batch}, lambda s, h: seen.update(s=s))
        answers[batch] = seen["s"].encode() + b" " + b"".join(result)

    first = threading.Thread(target=request, args=("b0",))
    first.start()
    assert writing.wait(10)
    others = [threading.Thread(target=request, args=(f"b{n}",)) for n in (1, 2, 3)]
    for thread in others:
        thread.start()
    # Each waiting request gave its place to the next: all three are in line for the next group
    # while the first (the leader) still holds its place.
    deadline = time.monotonic() + 10
    while len(committer._waiting) < 3 and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert len(committer._waiting) == 3
    assert (gate.aside, gate.waiting) == (2, 0)
    request("b4")  # both places held, the queue full of requests waiting aside: refused at once
    assert answers["b4"] == b"503 Service Unavailable busy"
    finish.set()
    for thread in [first, *others]:
        thread.join(10)
    assert [sorted(group) for group in groups] == [["b0"], ["b1", "b2", "b3"]]
    assert answers == {
        **{f"b{n}": f"200 OK answer b{n}".encode() for n in range(4)},
        "b4": b"503 Service Unavailable busy",
    }
    assert (gate.aside, gate.waiting, gate.refused) == (0, 0, 1)
    # Every place is back (a place given up while waiting is not given back a second time).
    assert gate.free == gate.limit


def test_the_devices_of_a_group_are_saved_in_one_statement_as_the_orm_would_save_them(
    agents: list[tuple[Device, AgentCredential]],
):
    """``_save_devices`` (written by hand) stores what ``bulk_update`` would: every field of
    ``DEVICE_FIELDS``, values and NULLs, on both devices, and nothing of a device not given."""
    (isfahan, _a), (kerman, _k) = agents
    untouched = {f: getattr(kerman, f) for f in ingest.DEVICE_FIELDS}
    moment = timezone.now().replace(microsecond=123456)
    isfahan.last_heartbeat_at, isfahan.last_device_time = moment, moment - timedelta(seconds=3)
    isfahan.battery_percent, isfahan.link_quality, isfahan.temperature_c = 87.5, None, -4.25
    isfahan.free_storage_mb, isfahan.clock_skew_seconds, isfahan.last_sequence = 1024.0, -1.5, 2**40
    isfahan.status, isfahan.status_since = Status.ONLINE, moment
    with CaptureQueriesContext(connection) as queries:
        ingest._save_devices([isfahan])()
    assert len(queries) == 1
    stored = Device.objects.get(pk=isfahan.pk)
    assert {f: getattr(stored, f) for f in ingest.DEVICE_FIELDS} == {
        f: getattr(isfahan, f) for f in ingest.DEVICE_FIELDS
    }
    # Two at once, one of them back to NULLs; the same as the ORM's bulk_update writes.
    kerman.battery_percent, kerman.last_sequence, kerman.status = 12.0, 7, Status.OFFLINE
    isfahan.last_heartbeat_at = isfahan.battery_percent = isfahan.status_since = None
    with CaptureQueriesContext(connection) as queries:
        ingest._save_devices([isfahan, kerman])()
    assert len(queries) == 1
    by_hand = {d.pk: {f: getattr(d, f) for f in ingest.DEVICE_FIELDS} for d in Device.objects.all()}
    Device.objects.filter(pk=kerman.pk).update(**untouched)
    Device.objects.bulk_update([isfahan, kerman], ingest.DEVICE_FIELDS)
    by_orm = {d.pk: {f: getattr(d, f) for f in ingest.DEVICE_FIELDS} for d in Device.objects.all()}
    assert by_hand == by_orm
    assert by_hand[kerman.pk]["last_sequence"] == 7 and by_hand[isfahan.pk]["battery_percent"] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_groups_statements_share_round_trips_on_postgresql(agents: list[tuple[Device, AgentCredential]]):
    """BEGIN, the credentials' check, the devices' lock and the read go together, then the
    inserts, the devices' update and the audit append together, then COMMIT: 3 exchanges with
    the server for the group's 6 statements, BEGIN and COMMIT (rasad.lib.prepared.pipelined);
    the answers and the rows are a group's."""
    (isfahan, isfahan_agent), (kerman, kerman_agent) = agents
    # A first group brings the devices online and notes the credentials' use (statements of
    # their own, once); the second is what every group costs.
    do_ingest_batches([_submission(a, [event_item(d, 1)]) for d, a in agents])
    submissions = [
        _submission(isfahan_agent, [event_item(isfahan, 2)]),
        _submission(kerman_agent, [event_item(kerman, 2)]),
    ]
    connection.ensure_connection()
    raw: Any = connection.connection
    exchanges = []  # what psycopg waited on the server for: a statement outside a pipeline, or a
    real_wait = raw.wait  # pipeline's fetch, its end (sync), a commit

    def counted(generator: Any, *args: Any, **kwargs: Any) -> Any:
        name = getattr(generator, "__qualname__", "").rpartition(".")[2]
        queued = name == "_execute_gen" and raw.pgconn.pipeline_status != pq.PipelineStatus.OFF
        if name in {"_execute_gen", "_fetch_gen", "_sync_gen", "_exit_gen", "_commit_gen"} and not queued:
            exchanges.append(name)
        return real_wait(generator, *args, **kwargs)

    raw.wait = counted
    try:
        with CaptureQueriesContext(connection) as queries:
            answers = do_ingest_batches(submissions)
    finally:
        del raw.wait
    statements = [q["sql"] for q in queries.captured_queries]
    assert (statements[0], statements[-1], len(statements)) == ("BEGIN", "COMMIT", 8)
    assert exchanges == ["_fetch_gen", "_exit_gen", "_commit_gen"]
    assert [[o.result.value for o in a.events] for a in answers] == [["created"], ["created"]]
    stored = dict(DeviceEvent.objects.filter(sequence=2).values_list("uuid", "pk"))
    assert set(stored.values()) == {a.events[0].stream_id for a in answers}
    assert Device.objects.get(pk=isfahan.pk).last_sequence == 2
    assert sorted(a["organization"] for a in _batch_audits()) == sorted(
        [isfahan.organization_id, kerman.organization_id] * 2
    )
    assert list(verify()) == []
