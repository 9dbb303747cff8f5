"""Concurrent one-row writes under one top-level organization: does the audit chain make them queue?

    python -m bench.audit_chain --clients 16 --seconds 10 --runs 3

Each client is a process with its own connection and its own site (``--sites`` >= ``--clients``,
so that no two clients update one row). A write is one transaction: update the site's row, append
its audit event, re-read the site (as an action re-checks scope), then hold the transaction for
``--hold-ms`` of "Python work" before COMMIT, as a real action does between its audit event and its
commit. Three ways of appending are measured in the same run:

* ``top-level chain``: the design before issue 11 (one chain per top-level organization, its head
  row locked with ``SELECT ... FOR UPDATE`` until commit), reproduced with the same statements;
* ``sharded, many sites``: the current ``rasad.core.audit_log.record`` (chains per organization
  and shard, ``SKIP LOCKED``), clients writing to the sites of one top-level organization;
* ``sharded, one site``: the same, every client auditing into one site's chains (the worst case:
  four shards for all the clients).

While the clients run, a sampler reads ``pg_stat_activity`` every 20 ms and counts the backends
waiting on a lock, and how long the longest of them had waited. Every figure is the median of
``--runs`` runs, with the load average beside it. The denominator is the same write with no audit
event at all (``no audit``): the ratio says what the audit trail costs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
import psycopg.conninfo

# One plain connection per client process: a connection pool opened before the fork would be
# shared by every client.
os.environ["RASAD_DB_POOL"] = "false"

from django.db import connection, connections, transaction
from django.utils import timezone

from bench.common import build_fixture
from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import GENESIS, canonical, columns_of, hash_body, record
from rasad.core.models import AuditChainHead, AuditEvent, Organization


def _top_level_record(site: Organization, top_id: int) -> None:
    """The former append: lock the one head of the top-level organization until commit."""
    chain = f"bench-top:{top_id}"
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(chain=chain, sequence=0, hash=GENESIS)], ignore_conflicts=True
    )
    head = AuditChainHead.objects.select_for_update().get(chain=chain)
    event = AuditEvent(
        chain=chain,
        sequence=head.sequence + 1,
        created=timezone.now(),
        event_type=int(CoreAuditEvent.ORGANIZATION_CHANGED),
        organization_id=site.pk,
        object_type="core.organization",
        object_id=str(site.pk),
        prev_hash=head.hash,
    )
    payload = columns_of(event) | {"old": None, "new": {"bench": 1}, "extra": {}}
    event.body = canonical(payload).decode()
    event.hash = hash_body(event.prev_hash, event.body)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=head.pk).update(sequence=event.sequence, hash=event.hash)


def _sharded_record(site: Organization, top_id: int) -> None:
    record(CoreAuditEvent.ORGANIZATION_CHANGED, actor=None, organization=site, new={"bench": 1})


def _no_record(site: Organization, top_id: int) -> None:
    return None


MODES: dict[str, tuple[Callable[[Organization, int], None], bool]] = {
    "no audit": (_no_record, False),
    "top-level chain": (_top_level_record, False),
    "sharded, many sites": (_sharded_record, False),
    "sharded, one site": (_sharded_record, True),
}


def _client(args: tuple[str, list[int], int, float, float, int]) -> tuple[int, list[float]]:
    """Client ``index`` updates its own site's row (no two clients share a row), and appends the
    event to its own site's chains, or with ``one site`` to the first site's."""
    mode, site_ids, top_id, seconds, hold, index = args
    connections.close_all()
    append, one_site = MODES[mode]
    own = Organization.objects.get(pk=site_ids[index % len(site_ids)])
    audited = Organization.objects.get(pk=site_ids[0]) if one_site else own
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        with transaction.atomic():
            Organization.objects.filter(pk=own.pk).update(last_updated=timezone.now())
            append(audited, top_id)
            Organization.objects.filter(pk=own.pk).values_list("pk", flat=True).first()
            if hold:
                time.sleep(hold)
        latencies.append(time.monotonic() - started)
    connections.close_all()
    return len(latencies), latencies


@dataclass
class Sample:
    waiting_samples: int = 0
    samples: int = 0
    waiters: int = 0
    longest_ms: float = 0.0
    over_50ms: int = 0


def _sample(stop: threading.Event, result: Sample, conninfo: str) -> None:
    """Its own psycopg connection (not Django's), so that nothing is shared with the clients."""
    with psycopg.connect(conninfo, autocommit=True) as sampler:
        while not stop.is_set():
            row = sampler.execute(
                "SELECT count(*), coalesce(max(extract(epoch FROM now() - query_start)), 0) "
                "FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).fetchone()
            assert row is not None
            waiting, longest = int(row[0]), float(row[1])
            result.samples += 1
            if waiting:
                result.waiting_samples += 1
                result.waiters += waiting
                result.longest_ms = max(result.longest_ms, longest * 1000)
                result.over_50ms += int(longest * 1000 > 50)
            time.sleep(0.02)


def run_once(
    mode: str, site_ids: list[int], top_id: int, clients: int, seconds: float, hold: float
) -> dict[str, float]:
    connections.close_all()
    stop, sample = threading.Event(), Sample()
    settings = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    sampler = threading.Thread(target=_sample, args=(stop, sample, conninfo))
    context = multiprocessing.get_context("fork")
    with context.Pool(clients) as pool:
        sampler.start()
        started = time.monotonic()
        results = pool.map(
            _client, [(mode, site_ids, top_id, seconds, hold, i) for i in range(clients)], chunksize=1
        )
        elapsed = time.monotonic() - started
    stop.set()
    sampler.join()
    latencies = sorted(latency for _count, values in results for latency in values)
    writes = sum(count for count, _values in results)
    return {
        "writes_per_s": writes / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "lock_wait_share": sample.waiting_samples / max(sample.samples, 1),
        "mean_waiters": sample.waiters / max(sample.samples, 1),
        "longest_wait_ms": sample.longest_ms,
        "samples_over_50ms": sample.over_50ms,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--sites", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hold-ms", type=float, default=2.0)
    options = parser.parse_args()
    if options.sites < options.clients:
        parser.error("--sites must be at least --clients: each client writes its own site's row")
    assert connection.vendor == "postgresql", "the benchmark measures PostgreSQL row locks"
    fixture = build_fixture(options.sites)
    site_ids = [s.pk for s in fixture.sites]
    print(
        f"audit chain: {options.clients} clients, {len(site_ids)} sites under one top-level organization, "
        f"{options.seconds:.0f} s per run, {options.runs} runs, {options.hold_ms:.0f} ms held before commit"
    )
    figures: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _run in range(options.runs):
        for mode in MODES:  # interleaved, so that the machine's noise falls on every mode alike
            figures[mode].append(
                run_once(
                    mode,
                    site_ids,
                    fixture.holding.pk,
                    options.clients,
                    options.seconds,
                    options.hold_ms / 1000,
                )
            )
    base = statistics.median(f["writes_per_s"] for f in figures["no audit"])
    header = (
        f"{'mode':<22}{'writes/s':>10}{'vs no audit':>13}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'lock-wait samples':>19}{'longest wait ms':>17}{'>50 ms':>8}{'load':>7}"
    )
    print(header)
    for mode, runs in figures.items():

        def median(key: str, runs: list[dict[str, float]] = runs) -> float:
            return statistics.median(r[key] for r in runs)

        print(
            f"{mode:<22}{median('writes_per_s'):>10.0f}{median('writes_per_s') / base:>13.2f}"
            f"{median('p50_ms'):>9.1f}{median('p95_ms'):>9.1f}{median('lock_wait_share'):>18.0%} "
            f"{median('longest_wait_ms'):>16.0f}{median('samples_over_50ms'):>8.0f}{median('load'):>7.2f}"
        )


if __name__ == "__main__":
    main()
