"""Review 19: pushes handed to the process's publishing thread are sent before a server worker
exits. granian's workers are ``multiprocessing`` children started by fork, which end with
``os._exit``: the ``atexit`` handlers never run there (only the threads' shutdown and
multiprocessing's own finalizers), so a publisher that stops itself from ``atexit`` left what was
queued unsent (the thread is a daemon)."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest


def _worker(path: str) -> None:
    """A worker that hands two groups' pushes over, Redis slow to take them, and returns."""
    from rasad.lib import events

    def slow(messages: list[str]) -> None:
        time.sleep(0.3)
        with open(path, "a", encoding="utf-8") as sent:
            sent.write(",".join(messages) + "\n")

    setattr(events, "_send", slow)  # noqa: B010
    publisher = events._publisher  # the process's one publisher (rasad.lib.events)
    publisher.hand(["first"])
    publisher.hand(["second"])


def test_what_a_worker_queued_is_sent_before_it_exits(tmp_path: Path):
    path = tmp_path / "sent.txt"
    worker = multiprocessing.get_context("fork").Process(target=_worker, args=(str(path),))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    assert path.exists(), "nothing was sent before the worker exited"
    assert path.read_text(encoding="utf-8").replace("\n", ",").strip(",").split(",") == ["first", "second"]


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork in a threaded test process
