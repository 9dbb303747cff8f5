"""Admission control for a threaded WSGI server: answer "busy" at once instead of queueing.

A worker process runs at most ``limit`` requests at a time (Python holds one core per process;
more requests at once only lengthen each one). A request that finds every place taken waits at
most ``timeout`` seconds, in a queue of at most ``queue`` requests; past either, it gets the
``busy`` answer (503 with ``Retry-After``) immediately. Under overload, clients learn within a
second that they should retry, and every request that was admitted is served at its normal speed,
so nothing acknowledged is lost and nobody waits for minutes.

The gate knows nothing of Rasad: the answer it sends is built by the ``busy`` callable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
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
        self.waiting = 0
        self.refused = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.exempt and str(environ.get("PATH_INFO", "")).startswith(self.exempt):
            return self.app(environ, start_response)
        if not self._places.acquire(blocking=False) and not self._wait():
            return self._refuse(environ, start_response)
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._places.release()
            raise
        return _Released(result, self._places.release)

    def _wait(self) -> bool:
        with self._lock:
            if self.waiting >= self.queue:
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
