"""Progress of long work, reported the same way wherever the work runs.

Long loops (an import, a rebuild, an export, an audit verification) report through ``track`` or
``Progress``; who listens depends on where the code runs: a background task records it for the
page that polls it (``rasad.jobs``), a ``rasad`` command draws a tqdm bar (``cli_bar``), and
anywhere else nothing listens and reporting costs nearly nothing.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator, Sized
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class ProgressSink(Protocol):
    """Receives progress: how much is done, of how much (None when unknown), and the stage."""

    def update(self, done: int, total: int | None, note: str) -> None: ...


_sink: ContextVar[ProgressSink | None] = ContextVar("rasad_progress_sink", default=None)


class Progress:
    """A counter that forwards to the current sink. ``advance`` is cheap enough to call per row."""

    def __init__(self, total: int | None = None, note: str = "") -> None:
        self.done = 0
        self.total = total
        self.note = note
        self._sink = _sink.get()
        self._report()

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._report()

    def set_total(self, total: int | None) -> None:
        self.total = total
        self._report()

    def stage(self, note: str, *, total: int | None = None, done: int = 0) -> None:
        """Start a new stage (e.g. "writing the file") with its own count."""
        self.note, self.total, self.done = note, total, done
        self._report()

    def _report(self) -> None:
        if self._sink is not None:
            self._sink.update(self.done, self.total, self.note)


def track(items: Iterable[T], *, total: int | None = None, note: str = "", every: int = 1) -> Iterator[T]:
    """Yield ``items`` while reporting how many have passed (every ``every`` items)."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    progress = Progress(total, note)
    pending = 0
    for item in items:
        yield item
        pending += 1
        if pending >= every:
            progress.advance(pending)
            pending = 0
    if pending:
        progress.advance(pending)


@contextlib.contextmanager
def reporting_to(sink: ProgressSink | None) -> Iterator[None]:
    """Send the progress reported inside the block to ``sink``."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


class _TqdmSink:
    def __init__(self, description: str, stream: object) -> None:
        from tqdm import tqdm

        target: Any = stream
        self.bar = tqdm(desc=description, unit="", file=target, dynamic_ncols=True, mininterval=0.2)
        self.note = ""

    def update(self, done: int, total: int | None, note: str) -> None:
        if note != self.note:
            self.note = note
            self.bar.set_description_str(note)
        if total != self.bar.total:
            self.bar.total = total
            self.bar.refresh()
        self.bar.n = done
        self.bar.update(0)

    def close(self) -> None:
        self.bar.close()


@contextlib.contextmanager
def cli_bar(
    description: str = "", *, stream: object | None = None, enabled: bool | None = None
) -> Iterator[None]:
    """Draw a progress bar on standard error for the work done inside the block (a ``rasad``
    command wraps its long step in this). Off when standard error is not a terminal, unless
    ``enabled`` says otherwise."""
    target = stream if stream is not None else sys.stderr
    if enabled is None:
        enabled = bool(getattr(target, "isatty", lambda: False)())
    if not enabled:
        yield
        return
    sink = _TqdmSink(description, target)
    try:
        with reporting_to(sink):
            yield
    finally:
        sink.close()
