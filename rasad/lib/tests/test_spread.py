"""Kept connections spread over the server's workers: each counts its own on the port, shares the
count, and closes what it holds beyond its share (rasad.lib.spread)."""

from __future__ import annotations

import os
import socket

import pytest

from rasad.lib.spread import Spread, Table, create_table, established_on


@pytest.fixture
def table_descriptor():
    descriptor = create_table()
    yield descriptor
    os.close(descriptor)


def test_a_worker_counts_its_established_connections_on_the_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        accepted = [listener.accept()[0] for _ in clients]
        try:
            descriptors = len(os.listdir("/proc/self/fd"))
            # The accepted three; neither the listener nor the clients (their local port is another).
            assert established_on(port) == 3
            # Every descriptor it looked at through a duplicate, sockets or not, closed again (the
            # first version left the others' open, four times a second, until the worker had none).
            assert len(os.listdir("/proc/self/fd")) == descriptors
            accepted[0].close()
            assert established_on(port) == 2
        finally:
            for each in clients + accepted:
                each.close()


def test_the_worker_beyond_its_share_closes_that_many_responses_and_no_more(table_descriptor):
    # Two workers' views of one table (two slots of this process).
    busy, quiet = Table(table_descriptor, 2), Table(table_descriptor, 2)
    busy.excess(21)
    assert quiet.excess(11) == 0  # 11 of 32
    seen = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    def start_response(status, headers, exc_info=None):
        seen.append(dict(headers).get("Connection"))

    gate = Spread(app, busy, port=0, start=False)
    gate.budget = busy.excess(21)  # 21 of 32: five beyond the share of 16
    assert gate.budget == 5
    for _ in range(7):
        gate({"SERVER_PROTOCOL": "HTTP/1.1"}, start_response)
    assert seen == ["close"] * 5 + [None] * 2
    # Once even, nothing closes; nor does a protocol without keep-alive by header.
    assert quiet.excess(16) == 0 and busy.excess(16) == 0
    gate.budget = 1
    gate({"SERVER_PROTOCOL": "HTTP/2"}, start_response)
    assert seen[-1] is None
