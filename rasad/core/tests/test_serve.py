"""``rasad serve`` runs granian: WSGI on threads, a worker per CPU, no access log unless asked."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from rasad.core.management.commands.serve import check_address, server_argv


def test_defaults():
    argv = server_argv({"host": "127.0.0.1", "port": 8123, "interface": "wsgi"})
    assert argv[1:3] == ["-m", "granian"]
    assert argv[argv.index("--workers") + 1] == str(os.cpu_count())
    assert "--no-access-log" in argv
    assert argv[-1] == "rasad.wsgi:application"
    # Every request the admission gate may hold is inside the application, where the gate sees
    # it: granian admits no more than its threads (its backpressure).
    threads = int(argv[argv.index("--blocking-threads") + 1])
    assert threads >= settings.ADMISSION_LIMIT + settings.ADMISSION_QUEUE
    assert int(argv[argv.index("--backpressure") + 1]) == threads


def test_access_log_and_streaming_interface_on_request():
    argv = server_argv({"access_log": True, "interface": "asgi", "workers": 3})
    assert "--access-log" in argv
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == "rasad.asgi:application"
    # Open streams are requests in progress: far more than granian's default 1,024 are admitted.
    assert int(argv[argv.index("--backpressure") + 1]) == 10_000
    # Each held connection's buffer at granian's least (an idle stream's memory).
    assert int(argv[argv.index("--http1-buffer-size") + 1]) == 8192


@pytest.fixture
def listening():
    """A server's socket as granian's workers make it (``SO_REUSEPORT`` on), listening; its port."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_a_port_another_server_listens_on_is_refused_before_anything_is_done(listening, monkeypatch):
    # Both would have bound it (port reuse), and an old and a new version answered side by side.
    def started(*args):
        raise AssertionError(f"a server was started: {args}")

    monkeypatch.setattr(os, "execv", started)  # were the refusal to regress
    with translation.override("fa"), pytest.raises(CommandError) as refused:
        # No --no-migrate: the refusal comes before the migrations (and the worker, and granian).
        call_command("serve", "--port", str(listening), "--no-worker")
    message = str(refused.value)
    assert f"127.0.0.1:{listening}" in message
    assert "سرور دیگری" in message and "--share-port" in message


def test_share_port_allows_it_and_a_free_port_passes(listening):
    check_address("127.0.0.1", listening, share=True)
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        free = spare.getsockname()[1]
    check_address("127.0.0.1", free)


# What a server worker has loaded once it has imported an entry point, before any request.
_LOADED = """
import sys
import {module}
from django.urls import get_resolver
resolver = get_resolver()
print("url_patterns" in resolver.__dict__, sorted(resolver._reverse_dict), "scipy.stats" in sys.modules)
"""


@pytest.mark.slow
@pytest.mark.parametrize("module", ["rasad.wsgi", "rasad.asgi"])
def test_a_worker_loads_every_view_before_its_first_request(module, tmp_path):
    # Loading lazily, the first requests a worker took waited 7-12 s for the views' imports on a
    # loaded machine, for the whole of a database outage (rasad.lib.warmup). No database is
    # needed: a worker started during an outage warms up too.
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "RASAD_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", _LOADED.format(module=module)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert result.stdout.split("\n")[-2] == "True ['en', 'fa'] True"
