"""Progress: the same reporting reaches a tqdm bar in a command and nothing elsewhere."""

from __future__ import annotations

import io

from rasad.lib.progress import Progress, cli_bar, reporting_to, track


class Sink:
    def __init__(self) -> None:
        self.seen: list[tuple[int, int | None, str]] = []

    def update(self, done: int, total: int | None, note: str) -> None:
        self.seen.append((done, total, note))


def test_track_reports_every_n_items_and_the_end():
    sink = Sink()
    with reporting_to(sink):
        assert list(track(range(5), note="rows", every=2)) == [0, 1, 2, 3, 4]
    assert sink.seen == [(0, 5, "rows"), (2, 5, "rows"), (4, 5, "rows"), (5, 5, "rows")]


def test_nothing_listens_outside_a_task_or_command():
    progress = Progress(3)
    progress.advance()
    assert progress.done == 1


def test_a_command_draws_a_bar():
    stream = io.StringIO()
    with cli_bar("import", stream=stream, enabled=True):
        for _ in track(range(1000), note="rows", every=100):
            pass
    assert "1000/1000" in stream.getvalue()
    assert "100%" in stream.getvalue()
