"""How the test command's two pytest-xdist workers share a run: each is kept a few tests ahead,
in collection order, and a module's consecutive tests go to one worker together
(``pytest_xdist_make_scheduler`` in rasad/conftest.py, for ``--dist load``, the default of ``-n``).

pytest-xdist's own ``load`` hands out chunks counted in tests: a worker whose queue runs low gets
up to a quarter of what is left. Tests are not alike (the authorization table's take a tenth of a
second, the fault tests at the end of the transactional ones tens of seconds each), so one chunk
of a few hundred quick tests and every slow transactional test kept one worker busy for minutes
after the other had finished: 3.7 of the PostgreSQL run's 15.6 minutes and 1.4 of SQLite's 7.6 in
session 17's CI (rasad/testing/timeline.py). Here a worker gets more only when it has fewer than
``AHEAD`` tests left, so the two end within about one test of each other.

What the order guarantees is kept: each worker runs its tests in collection order, so no test
the database run orders ahead of the transactional ones (whose clean-up empties every table)
runs after one of them in the same worker, and the ``slow`` tests, first in the run, start
first. A run of one module's tests (at most ``RUN``) is sent as one piece, so that a module
fixture that starts processes or a cluster (the two nodes, the outage test's servers) is built
by one worker, not by both."""

from __future__ import annotations

from xdist.scheduler import LoadScheduling
from xdist.workermanage import WorkerController

# The test running, the next one (a worker starts a test only when it knows the next, to tear
# down what the next does not share) and one more, so that a worker does not wait for the
# controller's answer between two quick tests.
AHEAD = 3
# At most this many consecutive tests of one module are sent together: the four of each module
# whose fixture starts processes (the two nodes; the outage test's cluster and servers), while a
# long module (the authorization table: a thousand tests) is shared by both workers, and a run
# near the end is short. Simulated on session 17's CI timelines (each test's time replayed in
# the run's order), 1, 2, 4 or 8 leave the same idle tail within a test's time; xdist's `load`
# left 3.75 minutes (PostgreSQL), 1.43 (SQLite) and 0.03 (browser).
RUN = 4


class ModuleRuns(LoadScheduling):  # type: ignore[misc]  # pytest-xdist ships no types
    """``--dist load`` with a short queue per worker and a module's consecutive tests together."""

    collection: list[str] | None  # every worker's collection, once they all agree
    pending: list[int]  # indexes into the collection not yet sent, in order
    node2pending: dict[WorkerController, list[int]]  # sent to each worker and not yet run

    def schedule(self) -> None:
        assert self.collection_is_completed
        if self.collection is None:
            if not self._check_nodes_have_same_collection():
                self.log("**Different tests collected, aborting run**")
                return
            collection: list[str] = next(iter(self.node2collection.values()))
            self.collection = collection
            self.pending[:] = range(len(collection))
        for node in self.nodes:
            self.check_schedule(node)

    def check_schedule(self, node: WorkerController, duration: float = 0) -> None:
        if node.shutting_down:
            return
        if not self.pending:
            node.shutdown()  # the worker runs what it holds, then stops
            return
        while self.pending and len(self.node2pending[node]) < AHEAD:
            self._send_tests(node, self._next_run())

    def _next_run(self) -> int:
        """How many of the next pending tests are consecutive tests of one module (at most
        ``RUN``). Tests given back by a worker that crashed are at the end, out of order: each
        of them is a run of its own."""
        collection = self.collection
        assert collection is not None
        first = self.pending[0]
        module = collection[first].split("::", 1)[0]
        count = 1
        while (
            count < min(RUN, len(self.pending))
            and self.pending[count] == first + count
            and collection[first + count].split("::", 1)[0] == module
        ):
            count += 1
        return count
