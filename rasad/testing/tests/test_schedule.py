"""The test command's distribution of tests between its two workers (rasad/testing/schedule.py),
driven with stand-in workers on a simulated clock: the order each worker runs its tests in, the
modules kept together, and both workers finishing together when slow tests come last."""

from __future__ import annotations

import heapq
from types import SimpleNamespace
from typing import Any

from rasad.testing.schedule import AHEAD, RUN, ModuleRuns


class Worker:
    """What the scheduler sees of a pytest-xdist worker: the tests sent to it, in order."""

    def __init__(self, name: str) -> None:
        self.gateway = SimpleNamespace(id=name)
        self.shutting_down = False
        self.received: list[int] = []

    def send_runtest_some(self, indices: list[int]) -> None:
        self.received.extend(indices)

    def shutdown(self) -> None:
        self.shutting_down = True


def _config() -> Any:
    options = {"tx": ["2*popen"], "maxschedchunk": None}
    return SimpleNamespace(getvalue=options.__getitem__, getoption=options.__getitem__, hook=None)


def _run(collection: list[str], seconds: dict[str, float]) -> tuple[list[Worker], list[float], int]:
    """Run ``collection`` on two stand-in workers, each test taking ``seconds`` of its module (a
    tenth of a second otherwise). A worker starts a test once it knows the next or is told to stop,
    as pytest-xdist's do. Returns the workers, when each finished, and the most tests a worker held."""
    scheduler = ModuleRuns(_config(), log=SimpleNamespace(loadsched=lambda *args: None))
    workers = [Worker("gw0"), Worker("gw1")]
    for worker in workers:
        scheduler.add_node(worker)
    for worker in workers:
        scheduler.add_node_collection(worker, collection)
    scheduler.schedule()
    done = [0, 0]  # how many of its received tests each worker has run
    running: list[tuple[float, int]] = []
    finished = [0.0, 0.0]
    most = 0

    def start(k: int, now: float) -> None:
        worker, left = workers[k], len(workers[k].received) - done[k]
        if left >= 2 or (left == 1 and worker.shutting_down):
            test = collection[worker.received[done[k]]]
            heapq.heappush(running, (now + seconds.get(test.split("::")[0], 0.1), k))

    for k in range(2):
        start(k, 0.0)
    while running:
        now, k = heapq.heappop(running)
        most = max(most, len(scheduler.node2pending[workers[k]]))
        scheduler.mark_test_complete(workers[k], workers[k].received[done[k]])
        done[k] += 1
        finished[k] = now
        for j in range(2):
            if not any(waiting == j for _, waiting in running):
                start(j, now)
    assert done == [len(worker.received) for worker in workers]
    return workers, finished, most


def _module(name: str, tests: int) -> list[str]:
    return [f"rasad/x/tests/{name}.py::test_{i}" for i in range(tests)]


def test_every_test_runs_once_and_each_worker_runs_its_tests_in_collection_order():
    collection = [*_module("test_a", 300), *_module("test_b", 7), *_module("test_c", 50)]
    workers, _, most = _run(collection, {})
    assert sorted(workers[0].received + workers[1].received) == list(range(len(collection)))
    for worker in workers:
        assert worker.received == sorted(worker.received)
        assert worker.received  # both share the run
    assert most <= AHEAD - 1 + RUN


def test_a_short_modules_tests_go_to_one_worker_and_a_long_one_is_shared():
    collection = [*_module("test_nodes", 4), *_module("test_outage", 4), *_module("test_table", 400)]
    workers, _, _ = _run(collection, {"rasad/x/tests/test_nodes.py": 2, "rasad/x/tests/test_outage.py": 1})
    for name in ("test_nodes", "test_outage"):
        holders = [w for w in workers if any(f"/{name}.py" in collection[i] for i in w.received)]
        assert len(holders) == 1, name
    assert all(any("/test_table.py" in collection[i] for i in w.received) for w in workers)


def test_slow_tests_at_the_end_of_the_run_are_shared_and_both_workers_finish_together():
    """As in the PostgreSQL run: a thousand quick tests, then the fault tests (transactional,
    so after every other database test), tens of seconds each. pytest-xdist's own ``load`` gave
    them all, behind hundreds of quick tests, to one worker (here: 415 s against 75 s)."""
    slow = {f"rasad/x/tests/test_fault_{i}.py": 30.0 for i in range(6)}
    collection = [*_module("test_table", 1000)]
    for i in range(6):
        collection += _module(f"test_fault_{i}", 2)
    collection += _module("test_quick", 300)  # the tests that need no database, last
    _, finished, _ = _run(collection, slow)
    assert abs(finished[0] - finished[1]) <= 2 * 30.0  # one slow module: two of its tests
    assert max(finished) <= (1000 * 0.1 + 12 * 30.0 + 300 * 0.1) / 2 + 2 * 30.0
