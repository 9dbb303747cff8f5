"""Where each pytest-xdist worker's time went: a pytest plugin (``-p rasad.testing.timeline``)
that writes, for every test, its start and end (wall clock) and the processor time its worker
process spent on it (user + system, ``os.times``), one JSON line per test in
``<RASAD_TIMELINE>-<worker>.jsonl``. The test command enables it for each run and prints, after
the counts, how long each worker was busy and how long one waited for the other at the end: on a
two-core machine that idle tail is time the run wastes (docs/development/testing.md)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

_out: list[IO[str]] = []


def _file() -> IO[str] | None:
    prefix = os.environ.get("RASAD_TIMELINE", "")
    if not prefix:
        return None
    if not _out:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _out.append(Path(f"{prefix}-{worker}.jsonl").open("a", encoding="utf-8", buffering=1))  # noqa: SIM115
    return _out[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, None]:
    started, cpu = time.time(), os.times()
    yield
    out = _file()
    if out is not None:
        spent = os.times()
        seconds = spent.user - cpu.user + spent.system - cpu.system
        row = {"test": item.nodeid, "start": started, "end": time.time(), "cpu": seconds}
        out.write(json.dumps(row) + "\n")


def summary(prefix: str) -> Iterator[str]:
    """Lines describing the workers of the run whose files start with ``prefix``: tests, busy
    wall time and processor time of each, and the idle tail (from the first worker's last test to
    the run's end)."""
    workers: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(Path(prefix).parent.glob(f"{Path(prefix).name}-*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        if rows:
            workers[path.stem.rsplit("-", 1)[-1]] = rows
    if not workers:
        return
    start = min(row["start"] for rows in workers.values() for row in rows)
    ends = {name: max(row["end"] for row in rows) for name, rows in workers.items()}
    for name, rows in workers.items():
        busy = sum(row["end"] - row["start"] for row in rows)
        cpu = sum(row["cpu"] for row in rows)
        yield (
            f"{name}: {len(rows)} tests, busy {busy / 60:.1f} min, processor {cpu / 60:.1f} min, "
            f"finished at {(ends[name] - start) / 60:.1f} min"
        )
    if len(ends) > 1:
        yield f"idle tail: {(max(ends.values()) - min(ends.values())) / 60:.1f} min"
