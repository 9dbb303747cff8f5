"""``rasad serve`` runs granian: WSGI on threads, a worker per CPU, no access log unless asked."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from rasad.core.management.commands.serve import server_argv


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
