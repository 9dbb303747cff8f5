"""Group commit of agents' batches (docs/live.md, "How single events are committed").

Agents at many posts each send a batch of one event, all at once. Written one transaction each,
every request pays its own round trips and its own commit. Here the requests a worker process
holds at the same moment share one transaction: the first to arrive (the leader) takes every
batch waiting at that moment, writes them together (``do_ingest_batches``) on its own database
connection, commits once, and hands each waiting request its own answer. Requests arriving
meanwhile wait for the next group, led by the first of them. There is no timer: a request alone
is written at once, and the group grows only with the load. A request waiting for its group
gives its place in the worker's admission gate to the next request (``waiting_outside``): the
gate bounds the requests using the CPU, and a group can hold every batch the worker has.

The rules hold as for a batch written alone:

* acknowledged only after commit: a request's answer exists only once the group's transaction
  has committed; a process that dies before the commit acknowledged nothing;
* one bad batch does not take the others down: a batch is checked (``parse_batch``) before it
  joins a group, and if the group's transaction fails, each of its batches is written again
  alone, so that each gets its own true answer (and the failing one its own error);
* exactly once, in order per device: the group's transaction locks its devices and reads what
  is recorded like a single batch's; a copy of an event in the same group is a duplicate;
* each batch has its audit event, with its own request's id and address;
* a credential revoked since its request found it fails the group's first statement
  (``do_ingest_batches`` checks every credential under lock), and so each batch is written
  alone: that one is refused (401), the others are recorded.

The group's pushes are handed over together to the process's publishing thread
(``rasad.lib.events``, which every write's pushes go through), before the lead passes, so they
reach Redis in the order of the groups' commits: no request waits for that round trip, not even
the leader's, and the groups committed while one publish was on its way go together in the
next. A push is sent after its event's commit; if the process dies between the two, the push
is lost and the event is not (it is in the table, which a stream reads when it reconnects), as
when Redis is away.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from rasad.lib.admission import waiting_outside
from rasad.lib.events import published_together
from rasad.live.actions.ingest import BatchResult, Submission, do_ingest_batches

logger = logging.getLogger(__name__)


@dataclass
class _Ticket:
    submission: Submission
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    result: BatchResult | None = None
    error: BaseException | None = None


class GroupCommitter:
    """Collects the batches waiting in this process and writes each group in one transaction."""

    def __init__(self, max_group: int = 64) -> None:
        self.max_group = max_group
        self._lock = threading.Lock()
        self._waiting: list[_Ticket] = []
        self._leading = False
        self.groups = 0  # how many transactions, and how many batches they held (for the benchmark)
        self.batches = 0

    def submit(self, submission: Submission) -> BatchResult:
        """Write ``submission`` (alone or with others) and return its answer once committed."""
        ticket = _Ticket(submission)
        with self._lock:
            self._waiting.append(ticket)
            if not self._leading:
                self._leading = ticket.lead = True
        if not ticket.lead:
            # Waiting holds no CPU: the request's admission place goes to the next request,
            # which may join this group or the next (docs/live.md).
            with waiting_outside():
                ticket.done.wait()
        if ticket.lead:
            self._lead(ticket)
        if ticket.error is not None:
            raise ticket.error
        assert ticket.result is not None
        return ticket.result

    def _lead(self, own: _Ticket) -> None:
        """Write one group, the leader's own batch with it; then pass the lead to a waiting one."""
        with self._lock:
            group, self._waiting = self._waiting[: self.max_group], self._waiting[self.max_group :]
        try:
            self._write(group)
        finally:
            with self._lock:
                successor = self._waiting[0] if self._waiting else None
                if successor is None:
                    self._leading = False
                else:
                    successor.lead = True
            for ticket in group:
                ticket.done.set()
            if successor is not None:
                successor.done.set()
        assert own in group

    def _write(self, group: list[_Ticket]) -> None:
        self.groups += 1
        self.batches += len(group)
        try:
            # The group's pushes are handed to the process's publisher together, to go to Redis
            # in one round trip, and before the lead passes: in the order of the groups' commits.
            with published_together():
                results = do_ingest_batches([t.submission for t in group])
        except BaseException as error:
            if len(group) == 1:
                group[0].error = error
                return
            logger.warning("a group of %d batches failed (%r); writing each alone", len(group), error)
            for ticket in group:
                try:
                    ticket.result = do_ingest_batches([ticket.submission])[0]
                except BaseException as alone:
                    ticket.error = alone
            return
        for ticket, result in zip(group, results, strict=True):
            ticket.result = result


committer = GroupCommitter()
"""This process's committer: every ingest request of the process goes through it."""
