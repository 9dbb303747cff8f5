"""The database going away and coming back, against the real server (``rasad serve``) and a
PostgreSQL cluster of this test's own, stopped and started under load.

While PostgreSQL is away every API call answers 503 in the JSON error shape and pages answer the
static "temporarily unavailable" page, each within the issue's 2 s, requests caught in flight by
the stop included; once it is back, service resumes within 5 s. Each probe's status and latency
are recorded, and the figures printed (``-s``) are those quoted in ``docs/operations.md``.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from rasad.testing import database
from rasad.testing.ports import free_port
from rasad.testing.postgres import Cluster, throwaway_cluster

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# Issue 9's bounds: an answer within 2 s while the database is away, service back within 5 s of
# its return. Measured at load 8-14 on the shared two-core machine (docs/operations.md), answers
# take 0.02 s and service is back 0.2-0.9 s after PostgreSQL: a request held by anything but the
# database (it was a worker's first request importing the views, rasad.lib.warmup) fails them.
MAX_ANSWER_SECONDS = 2.0
MAX_RECOVERY_SECONDS = 5.0
# Longer than the answer bound, so that a request held for the outage's length fails it.
OUTAGE_SECONDS = 4.0
PROBE_PAUSE = 0.05

SETUP = """
from django.contrib.sessions.backends.db import SessionStore
from rasad.core.actions.people import do_create_user
from rasad.core.actions.tokens import do_create_api_token
user = do_create_user(username="prober", password="a-long-enough-password", acting_user=None)
_, secret = do_create_api_token(user, acting_user=user, name="probe")
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print("PROBE", secret, session.session_key)
"""


@dataclass
class Probe:
    kind: str
    started: float
    seconds: float
    status: int
    content_type: str
    body: bytes


@dataclass
class Server:
    port: int
    token: str
    session: str
    probes: list[Probe] = field(default_factory=list)

    def get(self, kind: str) -> Probe:
        path, headers = (
            ("/api/v1/organizations/", {"Authorization": f"Bearer {self.token}"})
            if kind == "api"
            else ("/", {"Cookie": f"sessionid={self.session}"})
        )
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            status, content_type = response.status, response.getheader("Content-Type", "")
        except OSError:
            status, content_type, body = 0, "", b""
        finally:
            connection.close()
        probe = Probe(kind, started, time.monotonic() - started, status, content_type, body)
        self.probes.append(probe)
        return probe


def _rasad(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "rasad.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return result.stdout


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Cluster]:
    """A cluster with a migrated template database: each server copies it. Migrating costs half
    a minute of processor time, so the template is loaded from a dump of the suite's migrated
    template when the test command made one (rasad/testing/database.py), and migrated otherwise."""
    with django_db_blocker.unblock():
        suite_template = database.template()
        made = suite_template is not None and suite_template.exists()
    with throwaway_cluster() as cluster:
        if made:
            assert suite_template is not None
            dump = cluster.directory / "template.sql"  # readable by the cluster's user
            suite_template.dump(dump)
            cluster.load(dump, "rasad_template")
        else:
            cluster.create_database("rasad_template")
            env = {**os.environ, "DATABASE_URL": cluster.url("rasad_template"), "REDIS_URL": ""}
            env["RASAD_DATA_DIR"] = str(tmp_path_factory.mktemp("outage-migrate"))
            _rasad(env, "migrate", "--verbosity", "0")
        yield cluster


@pytest.fixture(scope="module", params=["pool", "no-pool"])
def server(
    request: pytest.FixtureRequest, cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("outage-data")
    database = f"rasad_{request.param.replace('-', '_')}"
    cluster.psql(f'CREATE DATABASE "{database}" TEMPLATE rasad_template')
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url(database),
        "RASAD_DB_POOL": "true" if request.param == "pool" else "false",
        "RASAD_DATA_DIR": str(data),
        "REDIS_URL": "",
        "RASAD_EVENT_BUS": "local",
    }
    line = next(line for line in _rasad(env, "shell", "-c", SETUP).splitlines() if line.startswith("PROBE "))
    _, token, session = line.split()
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rasad.cli",
            "serve",
            "--no-migrate",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(port=port, token=token, session=session)
    try:
        # Each worker loads the whole application before it accepts a connection (rasad.wsgi).
        deadline = time.monotonic() + 120
        while server.get("api").status != 200:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        server.probes.clear()
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def _probing(server: Server, stop: threading.Event) -> threading.Thread:
    """Probe the API and a page, each kind in two threads of its own, so that requests are in
    flight at any moment, the stop's included."""

    def loop(kind: str) -> None:
        while not stop.is_set():
            server.get(kind)
            time.sleep(PROBE_PAUSE)

    threads = [threading.Thread(target=loop, args=(kind,), daemon=True) for kind in ("api", "page") * 2]
    for thread in threads:
        thread.start()

    def join_all() -> None:
        for thread in threads:
            thread.join()

    joiner = threading.Thread(target=join_all, daemon=True)
    joiner.start()
    return joiner


def _settle(server: Server, since: float) -> None:
    """Wait until the service has answered 200 to both kinds of probe for two seconds after
    ``since`` (the database's return), or until the recovery bound has passed and a bit more:
    the assertions then judge what was seen. (A fixed wait of the whole bound cost 22 s a test.)"""
    deadline = since + MAX_RECOVERY_SECONDS + 2
    while time.monotonic() < deadline:
        recent = [p for p in list(server.probes) if p.started > since]
        failing = [p.started for p in recent if p.status != 200]
        healthy_since = max(failing, default=since)
        if {p.kind for p in recent if p.started > healthy_since} == {"api", "page"} and (
            time.monotonic() - healthy_since >= 2
        ):
            return
        time.sleep(0.1)


def _in_flight(probes: list[Probe], since: float, until: float) -> list[Probe]:
    """The probes that were waiting for their answer at some moment between ``since`` and
    ``until`` (asked before the database stopped and answered after included)."""
    return [p for p in probes if p.started < until and p.started + p.seconds > since]


def _assert_every_failure_is_a_proper_503(probes: list[Probe], away: list[Probe]) -> None:
    """Every answer is a 200 or a proper 503, and those ``away`` (in flight while the database
    was) came within the bound."""
    for probe in away:
        assert probe.seconds <= MAX_ANSWER_SECONDS, (
            f"{probe.kind} took {probe.seconds:.2f} s ({probe.status}) while the database was away"
        )
    for probe in probes:
        assert probe.status in (200, 503), f"{probe.kind} answered {probe.status}: {_text(probe.body)}"
        if probe.status != 503:
            continue
        if probe.kind == "api":
            assert probe.content_type == "application/json"
            error = json.loads(probe.body)["error"]
            assert error["code"] == "unavailable"
            assert error["request_id"]
        else:
            assert probe.content_type.startswith("text/html")
            assert b"Rasad is temporarily unavailable" in probe.body


def _text(body: bytes) -> str:
    """What a page says, without its markup (for failure messages)."""
    return " ".join(re.sub(r"<[^>]+>", " ", body.decode(errors="replace")).split())[:600]


def _report(name: str, figures: dict[str, float]) -> None:
    load = os.getloadavg()[0]
    text = ", ".join(f"{key} {value:.2f} s" for key, value in figures.items())
    print(f"\n{name}: {text} (load average {load:.2f})")


def test_an_outage_answers_503_at_once_and_service_resumes_within_seconds(
    server: Server, cluster: Cluster
) -> None:
    stop = threading.Event()
    thread = _probing(server, stop)
    time.sleep(1)
    stopping = time.monotonic()
    cluster.stop("fast")
    stopped = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    # PostgreSQL accepts connections a little before ``pg_ctl start -w`` notices it is ready and
    # returns, so a probe that succeeds just before ``back`` is not an answer during the outage:
    # "away" ends when the start begins.
    starting = time.monotonic()
    cluster.start()
    back = time.monotonic()
    _settle(server, back)
    stop.set()
    thread.join(timeout=30)

    probes = list(server.probes)
    away = _in_flight(probes, stopping, starting)
    _assert_every_failure_is_a_proper_503(probes, away)
    # The probes asked once the database had stopped: each answered 503 unless the database was
    # back by the time it was answered.
    started = [p for p in probes if stopped < p.started < starting]
    during = [p for p in started if p.started + p.seconds < starting]
    answered = [(p.kind, round(p.started - stopped, 2), p.status) for p in during if p.status != 503]
    assert {p.kind for p in started} == {"api", "page"}, "no probe of a kind in the outage: " + ", ".join(
        f"{p.kind} at {p.started - stopped:+.2f} s took {p.seconds:.2f} s ({p.status})" for p in probes[-40:]
    )
    assert not answered, f"the server answered while the database was away: {answered}"
    failures_after = [p for p in probes if p.started >= back and p.status != 200]
    resumed = max((p.started + p.seconds for p in failures_after), default=back) - back
    assert resumed <= MAX_RECOVERY_SECONDS
    assert any(p.status == 200 for p in probes if p.started > back + resumed)
    _report(
        f"outage of {back - stopped:.1f} s ({len(probes)} probes)",
        {
            "slowest 503": max((p.seconds for p in during), default=0.0),
            "slowest answer in the outage": max(p.seconds for p in away),
            "median 503": sorted(p.seconds for p in during)[len(during) // 2] if during else 0.0,
            "service resumed after the server's return": resumed,
        },
    )


def test_a_restart_costs_only_seconds_of_errors(server: Server, cluster: Cluster) -> None:
    server.probes.clear()
    stop = threading.Event()
    thread = _probing(server, stop)
    time.sleep(1)
    stopping = time.monotonic()
    cluster.stop("fast")
    cluster.start()
    back = time.monotonic()
    _settle(server, back)
    stop.set()
    thread.join(timeout=30)

    probes = list(server.probes)
    _assert_every_failure_is_a_proper_503(probes, _in_flight(probes, stopping, back))
    errors = [p for p in probes if p.status != 200]
    window = (max(p.started + p.seconds for p in errors) - min(p.started for p in errors)) if errors else 0.0
    assert window < MAX_RECOVERY_SECONDS
    assert probes[-1].status == 200
    _report(f"restart ({len(probes)} probes, {len(errors)} answered 503)", {"errors lasted": window})
