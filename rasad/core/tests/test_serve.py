"""``rasad serve`` runs granian: WSGI on threads, a worker per CPU, no access log unless asked."""

from __future__ import annotations

import os

from rasad.core.management.commands.serve import server_argv


def test_defaults():
    argv = server_argv({"host": "127.0.0.1", "port": 8123, "interface": "wsgi"})
    assert argv[1:3] == ["-m", "granian"]
    assert argv[argv.index("--workers") + 1] == str(os.cpu_count())
    assert "--no-access-log" in argv
    assert argv[-1] == "rasad.wsgi:application"
    assert int(argv[argv.index("--blocking-threads") + 1]) >= 2


def test_access_log_and_streaming_interface_on_request():
    argv = server_argv({"access_log": True, "interface": "asgi", "workers": 3})
    assert "--access-log" in argv
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == "rasad.asgi:application"
    # Open streams are requests in progress: far more than granian's default 1,024 are admitted.
    assert int(argv[argv.index("--backpressure") + 1]) == 10_000
    # Each held connection's buffer at granian's least (an idle stream's memory).
    assert int(argv[argv.index("--http1-buffer-size") + 1]) == 8192
