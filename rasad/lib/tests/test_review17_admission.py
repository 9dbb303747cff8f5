"""Adversarial checks of the admission gate (session 17 review): the queue's bound is exact at
every moment, however requests arrive, step aside and come back."""

from __future__ import annotations

import random
import threading
from typing import Any

from rasad.lib.admission import AdmissionGate, waiting_outside
from rasad.lib.tests.test_admission import _busy, call


class CheckingLock:
    """The gate's lock, checking the queue's bound each time it is let go (every change of the
    counts is made holding it): the largest queue seen, and how many of those exceeded it."""

    def __init__(self, gate: AdmissionGate) -> None:
        self.gate = gate
        self.inner = threading.Lock()
        self.largest = 0

    def __enter__(self) -> Any:
        self.inner.acquire()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.largest = max(self.largest, self.gate.waiting + self.gate.aside)
        self.inner.release()

    def acquire(self, *args: Any, **kwargs: Any) -> bool:
        return self.inner.acquire(*args, **kwargs)

    def release(self) -> None:
        self.__exit__()


def _checked(gate: AdmissionGate) -> CheckingLock:
    lock = CheckingLock(gate)
    gate._lock = lock  # type: ignore[assignment]
    return lock


def test_a_request_stepping_aside_for_a_waiting_one_never_grows_the_queue():
    """Two places, a queue of one: both places are taken and a third request waits (the queue is
    full). The first request steps aside: the waiting one takes its place and leaves the queue as
    the first enters it, so the queue holds one at every moment; the second cannot step aside."""
    entered = threading.Event()
    hold = threading.Event()
    started = threading.Barrier(3)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        name = environ["PATH_INFO"]
        if name in {"/first", "/second"}:
            started.wait(10)
            hold.wait(10)
            with waiting_outside():
                entered.set()
                hold.wait(10)
        start_response("200 OK", [])
        return [b"ok"]

    gate = AdmissionGate(app, limit=2, queue=1, timeout=10, busy=_busy)
    lock = _checked(gate)
    statuses: dict[str, str] = {}
    threads = [
        threading.Thread(target=lambda path=path: statuses.__setitem__(path, call(gate, path)[0]))
        for path in ("/first", "/second")
    ]
    for thread in threads:
        thread.start()
    started.wait(10)  # both hold their places
    third = threading.Thread(target=lambda: statuses.__setitem__("/third", call(gate, "/third")[0]))
    third.start()
    while gate.waiting == 0:
        threading.Event().wait(0.001)
    hold.set()
    for thread in [*threads, third]:
        thread.join(10)
    assert statuses == {"/first": "200 OK", "/second": "200 OK", "/third": "200 OK"}
    assert lock.largest <= 1
    assert (gate.waiting, gate.aside, gate.refused) == (0, 0, 0)


def test_many_threads_never_exceed_the_queue():
    """Forty requests on three places and a queue of four, each stepping aside or not at random,
    for a random while: the queue never holds more than four, every request is answered, and the
    gate ends empty with its three places free."""
    rng = random.Random(17)
    plans = [(rng.random() < 0.6, rng.random() / 200) for _ in range(40)]

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        aside, seconds = plans[int(environ["PATH_INFO"][1:])]
        if aside:
            with waiting_outside():
                threading.Event().wait(seconds)
        threading.Event().wait(seconds / 4)
        start_response("200 OK", [])
        return [b"ok"]

    gate = AdmissionGate(app, limit=3, queue=4, timeout=0.02, busy=_busy)
    lock = _checked(gate)
    statuses: list[str] = []
    threads = [
        threading.Thread(target=lambda number=number: statuses.append(call(gate, f"/{number}")[0]))
        for number in range(len(plans))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(statuses) == len(plans)
    assert lock.largest <= 4
    assert statuses.count("200 OK") + gate.refused == len(plans)
    assert (gate.waiting, gate.aside) == (0, 0)
    assert [call(gate, "/0")[0] for _ in range(3)] == ["200 OK"] * 3
