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
        self._places = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.waiting = 0  # for a place
        self.aside = 0  # admitted, and waiting for work done elsewhere (``waiting_outside``)
        self.refused = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.exempt and str(environ.get("PATH_INFO", "")).startswith(self.exempt):
            return self.app(environ, start_response)
        if not self._places.acquire(blocking=False) and not self._wait():
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

    def _wait(self) -> bool:
        with self._lock:
            if self.waiting + self.aside >= self.queue:
                return False
            self.waiting += 1
        try:
            return self._places.acquire(timeout=self.timeout)
        finally:
            with self._lock:
                self.waiting -= 1

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
            held, self.held = self.held, False
        if held:
            self.gate._places.release()

    def step_aside(self) -> bool:
        """Give the place back and count in the queue, if it has room; whether it was done."""
        gate = self.gate
        with gate._lock:
            # A request waiting for a place takes this one (the queue's count does not change);
            # otherwise the queue must have room.
            if not self.held or (gate.waiting == 0 and gate.aside >= gate.queue):
                return False
            self.held = False
            gate.aside += 1
        gate._places.release()
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
