"""Live push fan-out inside one process: how long the hub takes to bring one event to every open
stream, and what an idle stream costs in memory.

    python -m bench.live_push --clients 5000 --events 20 --runs 3

One asyncio loop holds ``--clients`` streams (``rasad.lib.push.AsyncClient``, each read by a
task as ``/live/stream/`` reads it); a separate thread calls ``Hub.dispatch`` as the Redis
listener does, one event every ``--interval`` seconds. Latency is from ``dispatch`` to the
moment each stream's task has the event, over every delivery.

The limit, measured in the same run, is the same fan-out with nothing but a bare
``asyncio.Event`` per task, woken with ``call_soon_threadsafe`` (the least a thread-to-loop
fan-out can cost): the ratio says what the hub's filters and queues add. Memory per idle stream
is what ``tracemalloc`` sees for one more client and its reading task (Python objects only: the
socket and the ASGI server's own per-connection state come on top). Medians of ``--runs`` runs,
with the load average beside them.

Not measured here: commit-to-browser latency over HTTP with 5,000 real connections, and the
same across two nodes through Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")
django.setup()

from rasad.lib.push import AsyncClient, Hub  # noqa: E402

INTERVAL = [0.5]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _admits(organization: int) -> Callable[[dict[str, object]], bool]:
    """A stream's filter, as ``rasad.live.audience`` makes it: its organization among the event's."""
    return lambda event: organization in event["organization_ids"]  # type: ignore[operator]


async def _hub_run(clients: int, events: int) -> list[float]:
    hub = Hub()
    hub._started = True  # no bus: this thread dispatches by hand
    latencies: list[float] = []
    sent: dict[int, float] = {}
    streams = []
    for n in range(clients):
        organization = n % 50
        client = AsyncClient(_admits(organization), limit=256)
        hub.register(client)
        streams.append(client)
    done = asyncio.Event()
    remaining = [clients * events]

    async def reader(client: AsyncClient) -> None:
        while remaining[0] > 0:
            for event in await client.wait():
                latencies.append(time.perf_counter() - sent[event["payload"]["id"]])
                remaining[0] -= 1
                if remaining[0] == 0:
                    done.set()

    tasks = [asyncio.create_task(reader(c)) for c in streams]
    await asyncio.sleep(0.2)

    def publisher() -> None:
        for n in range(events):
            sent[n] = time.perf_counter()
            hub.dispatch({"kind": "live.event", "payload": {"id": n}, "organization_ids": list(range(50))})
            time.sleep(INTERVAL[0])

    threading.Thread(target=publisher).start()
    await asyncio.wait_for(done.wait(), 120)
    for task in tasks:
        task.cancel()
    return latencies


async def _floor_run(clients: int, events: int) -> list[float]:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    flags = [asyncio.Event() for _ in range(clients)]
    sent: list[float] = []
    done = asyncio.Event()
    remaining = [clients * events]

    async def reader(flag: asyncio.Event) -> None:
        seen = 0
        while seen < events:
            await flag.wait()
            flag.clear()
            latencies.append(time.perf_counter() - sent[-1])
            seen += 1
            remaining[0] -= 1
            if remaining[0] == 0:
                done.set()

    tasks = [asyncio.create_task(reader(f)) for f in flags]
    await asyncio.sleep(0.2)

    def publisher() -> None:
        for _ in range(events):
            sent.append(time.perf_counter())
            for flag in flags:
                loop.call_soon_threadsafe(flag.set)
            time.sleep(INTERVAL[0])

    threading.Thread(target=publisher).start()
    await asyncio.wait_for(done.wait(), 120)
    for task in tasks:
        task.cancel()
    return latencies


async def _memory(clients: int) -> float:
    hub = Hub()
    hub._started = True
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    streams = [AsyncClient(lambda e: True, limit=256) for _ in range(clients)]
    for client in streams:
        hub.register(client)
    tasks = [asyncio.create_task(client.wait()) for client in streams]
    await asyncio.sleep(0.1)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    used = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    for task in tasks:
        task.cancel()
    return used / clients


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--interval", type=float, default=0.5, help="Seconds between events.")
    args = parser.parse_args()
    INTERVAL[0] = args.interval
    hub_p50, hub_p99, floor_p50, floor_p99, loads = [], [], [], [], []
    for _ in range(args.runs):
        loads.append(os.getloadavg()[0])
        hub = asyncio.run(_hub_run(args.clients, args.events))
        floor = asyncio.run(_floor_run(args.clients, args.events))
        hub_p50.append(percentile(hub, 0.5))
        hub_p99.append(percentile(hub, 0.99))
        floor_p50.append(percentile(floor, 0.5))
        floor_p99.append(percentile(floor, 0.99))
    per_client = asyncio.run(_memory(args.clients))
    m = statistics.median
    print(
        f"live push, {args.clients} streams, {args.events} events {args.interval} s apart "
        f"x {args.runs} runs, load {m(loads):.1f}"
    )
    print(f"  hub   p50 {m(hub_p50) * 1000:.1f} ms, p99 {m(hub_p99) * 1000:.1f} ms")
    print(f"  floor p50 {m(floor_p50) * 1000:.1f} ms, p99 {m(floor_p99) * 1000:.1f} ms (bare asyncio.Event)")
    print(f"  ratio hub/floor p50 {m(hub_p50) / m(floor_p50):.2f}, p99 {m(hub_p99) / m(floor_p99):.2f}")
    print(f"  memory per idle stream {per_client / 1024:.1f} KiB (goal <= 50 KB; Python objects only)")


if __name__ == "__main__":
    main()
