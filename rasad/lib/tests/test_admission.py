"""The admission gate: a full worker answers 'busy' at once; admitted requests all complete; a
request waiting for work done elsewhere gives its place to the next."""

from __future__ import annotations

import contextlib
import threading
import time

from rasad.lib.admission import AdmissionGate, waiting_outside


def _busy(environ):
    return "503 Service Unavailable", [("Retry-After", "1")], b"busy"


class Slow:
    def __init__(self, seconds: float, release: threading.Event | None = None) -> None:
        self.seconds = seconds
        self.release = release
        self.served = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if self.release is not None:
            self.release.wait(timeout=10)
        time.sleep(self.seconds)
        with self.lock:
            self.served += 1
        start_response("200 OK", [])
        return [b"ok"]


def call(gate, path="/x"):
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    result = gate({"PATH_INFO": path}, start_response)
    body = b"".join(result)
    getattr(result, "close", lambda: None)()
    return seen["status"], seen["headers"], body


def test_overflow_is_refused_quickly_and_admitted_requests_complete():
    release = threading.Event()
    app = Slow(0.0, release)
    gate = AdmissionGate(app, limit=2, queue=1, timeout=0.05, busy=_busy)
    answers: list[tuple[str, float]] = []
    lock = threading.Lock()

    def one():
        started = time.monotonic()
        status, _headers, _body = call(gate)
        with lock:
            answers.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=one) for _ in range(10)]
    for thread in threads:
        thread.start()
    # Every refusal happens while both admitted requests are still running: nobody waits for a
    # place beyond the queue's deadline.
    deadline = time.monotonic() + 10
    while gate.refused < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gate.refused == 8 and app.served == 0
    release.set()
    for thread in threads:
        thread.join()
    served = [a for a in answers if a[0] == "200 OK"]
    refused = [a for a in answers if a[0].startswith("503")]
    assert len(served) == app.served == 2
    assert len(refused) == 8
    assert gate.refused == 8


def test_a_waiting_request_gets_the_next_free_place():
    app = Slow(0.1)
    gate = AdmissionGate(app, limit=1, queue=5, timeout=2.0, busy=_busy)
    statuses: list[str] = []
    threads = [threading.Thread(target=lambda: statuses.append(call(gate)[0])) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == ["200 OK"] * 3


def test_places_are_released_after_errors():
    def broken(environ, start_response):
        raise RuntimeError("boom")

    gate = AdmissionGate(broken, limit=1, queue=0, timeout=0.0, busy=_busy)
    for _ in range(3):
        with contextlib.suppress(RuntimeError):
            call(gate)
    gate.app = Slow(0.0)
    assert call(gate)[0] == "200 OK"


def test_exempt_paths_skip_the_gate():
    gate = AdmissionGate(Slow(0.0), limit=1, queue=0, timeout=0.0, busy=_busy, exempt=("/healthz",))
    gate.free = 0  # its one place taken
    assert call(gate, "/healthz")[0] == "200 OK"
    assert call(gate, "/api/")[0].startswith("503")


class Aside:
    """An application whose first request waits outside (``waiting_outside``) until released;
    the others answer at once."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.first = True

    def __call__(self, environ, start_response):
        if self.first:
            self.first = False
            with waiting_outside():
                self.inside.set()
                self.release.wait(timeout=10)
        start_response("200 OK", [])
        return [b"ok"]


def test_a_request_waiting_outside_gives_its_place_to_the_next_and_counts_in_the_queue():
    app = Aside()
    gate = AdmissionGate(app, limit=1, queue=1, timeout=0.0, busy=_busy)
    statuses: list[str] = []
    first = threading.Thread(target=lambda: statuses.append(call(gate)[0]))
    first.start()
    assert app.inside.wait(10)
    assert (gate.aside, gate.waiting) == (1, 0)
    assert call(gate)[0] == "200 OK"  # the place it gave up
    assert call(gate)[0] == "200 OK"
    app.release.set()
    first.join(10)
    assert statuses == ["200 OK"]
    assert (gate.aside, gate.waiting, gate.refused) == (0, 0, 0)
    # Its place was given back once, when it stepped aside (not again when it ended).
    assert gate.free == 1


def test_with_the_queue_full_a_request_keeps_its_place_while_it_waits():
    app = Aside()
    gate = AdmissionGate(app, limit=1, queue=0, timeout=0.0, busy=_busy)
    first = threading.Thread(target=lambda: call(gate))
    first.start()
    assert app.inside.wait(10)
    assert gate.aside == 0
    assert call(gate)[0].startswith("503")  # the worker is still full: answered busy at once
    app.release.set()
    first.join(10)
    assert call(gate)[0] == "200 OK"


def test_waiting_outside_a_gate_does_nothing():
    with waiting_outside():
        pass
    gate = AdmissionGate(Slow(0.0), limit=1, queue=1, timeout=0.0, busy=_busy)
    assert call(gate)[0] == "200 OK"
    with waiting_outside():  # not inside one of its requests
        assert gate.aside == 0
