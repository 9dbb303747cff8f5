"""Admission control for a threaded WSGI server: answer "busy" at once instead of queueing.

A worker process runs at most ``limit`` requests at a time (Python holds one core per process;
more requests at once only lengthen each one). A request that finds every place taken waits at
most ``timeout`` seconds, in a queue of at most ``queue`` requests; past either, it gets the
``busy`` answer (503 with ``Retry-After``) immediately. Under overload, clients learn within a
second that they should retry, and every request that was admitted is served at its normal speed,
so nothing acknowledged is lost and nobody waits for minutes.

A place is for a request that uses the CPU. One that only waits for work done elsewhere (an
agent's batch waiting for its group's commit, ``rasad.live.group_commit``) steps aside
(``waiting_outside``): it gives its place to the next request and counts in the queue instead,
so that a worker holds at most ``limit`` running and ``queue`` waiting, either for a place or
aside, as before. It finishes without a place (what is left is writing its answer). With the
queue full, a request does not step aside; it keeps its place and waits in it.

The gate knows nothing of Rasad: the answer it sends is built by the ``busy`` callable.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
BusyAnswer = Callable[[dict[str, Any]], tuple[str, list[tuple[str, str]], bytes]]


class AdmissionGate:
    def __init__(
        self,
        app: WSGIApp,
        *,
        limit: int,
        queue: int,
        timeout: float,
        busy: BusyAnswer,
        exempt: tuple[str, ...] = (),
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.app = app
        self.limit = limit
        self.queue = queue
        self.timeout = timeout
        self.busy = busy
        self.exempt = exempt
        # The places free, and the requests waiting for one (first come, first served), each
        # waiting on a lock of its own that the request giving a place up releases: the place
        # goes to that request directly (no other request can take it meanwhile), and it leaves
        # the queue at that moment. Every count changes under ``_lock``, so the queue holds at
        # most ``queue`` requests, waiting or aside, at every moment.
        self.free = limit
        self._waiters: deque[threading.Lock] = deque()
        self._lock = threading.Lock()
        self.aside = 0  # admitted, and waiting for work done elsewhere (``waiting_outside``)
        self.refused = 0

    @property
    def waiting(self) -> int:
        """How many requests wait for a place."""
        return len(self._waiters)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.exempt and str(environ.get("PATH_INFO", "")).startswith(self.exempt):
            return self.app(environ, start_response)
        if not self._admit():
            return self._refuse(environ, start_response)
        place = _Place(self)
        bound = _current.set(place)
        try:
            result = self.app(environ, start_response)
        except BaseException:
            place.release()
            raise
        finally:
            _current.reset(bound)
        return _Released(result, place.release)

    def _admit(self) -> bool:
        """Take a place: a free one at once, else wait for one in the queue if it has room, at
        most ``timeout`` seconds; whether a place was had."""
        with self._lock:
            if self.free:
                self.free -= 1
                return True
            if len(self._waiters) + self.aside >= self.queue:
                return False
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=self.timeout):
            return True
        with self._lock:
            try:
                self._waiters.remove(turn)
            except ValueError:
                return True  # a place was handed over between the timeout and this
        return False

    def _give_place(self) -> None:
        """Give a place back (holding ``_lock``): to the first waiting request, else to the free."""
        if self._waiters:
            self._waiters.popleft().release()
        else:
            self.free += 1

    def _refuse(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with self._lock:
            self.refused += 1
        status, headers, body = self.busy(environ)
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]


class _Place:
    """An admitted request's place; given back once, when the request steps aside or ends."""

    __slots__ = ("gate", "held")

    def __init__(self, gate: AdmissionGate) -> None:
        self.gate = gate
        self.held = True

    def release(self) -> None:
        with self.gate._lock:
            if self.held:
                self.held = False
                self.gate._give_place()

    def step_aside(self) -> bool:
        """Give the place back and count in the queue, if it has room; whether it was done."""
        gate = self.gate
        with gate._lock:
            # A request waiting for a place takes this one and leaves the queue as this one
            # enters it (the queue's count does not change); otherwise the queue must have room.
            if not self.held or (not gate._waiters and gate.aside >= gate.queue):
                return False
            self.held = False
            gate.aside += 1
            gate._give_place()
        return True

    def back(self) -> None:
        with self.gate._lock:
            self.gate.aside -= 1


_current: ContextVar[_Place | None] = ContextVar("rasad_admission_place", default=None)


@contextlib.contextmanager
def waiting_outside() -> Iterator[None]:
    """Around a wait for work done elsewhere (no CPU of the request's own): the request's place
    goes to the next request meanwhile (the module's docstring). Outside the gate (tests, the
    ASGI server, a command) it does nothing."""
    place = _current.get()
    if place is None or not place.step_aside():
        yield
        return
    try:
        yield
    finally:
        place.back()


class _Released:
    """The response iterable, releasing the gate's place once the server has sent it all (or
    closed it: the WSGI server must call ``close``; whichever comes first releases, once)."""

    def __init__(self, result: Iterable[bytes], release: Callable[[], None]) -> None:
        self._result = result
        self._release: Callable[[], None] | None = release
        self._lock = threading.Lock()

    def __iter__(self) -> Any:
        try:
            yield from self._result
        finally:
            self._done()

    def close(self) -> None:
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._done()

    def _done(self) -> None:
        with self._lock:
            release, self._release = self._release, None
        if release is not None:
            release()
