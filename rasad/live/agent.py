"""The reference post agent: queues heartbeats and events in a local SQLite file and sends them to
Rasad when the link is up (docs/live.md, "The reference agent").

    python -m rasad.live.agent --queue /var/lib/rasad-agent/queue.sqlite3 event ISF-BP1-GS1 \\
        --kind sensor_alarm --severity high --text "حرکت در محدودهٔ حسگر"
    python -m rasad.live.agent --queue ... heartbeat ISF-BP1-CAM1 --battery 87 --link 64
    RASAD_AGENT_SECRET=rpa_... python -m rasad.live.agent --queue ... run --url https://rasad.example

* Everything is written to the queue first (WAL, ``synchronous=FULL``: a power cut after the
  command returns loses nothing). An item gets its id (a UUIDv7) and, for an event, the device's
  next sequence number when it is queued, in the same transaction; both travel unchanged however
  often it is sent.
* ``run`` sends the due items in batches, oldest first, and deletes an item only after the server
  answered ``created`` or ``duplicate`` for it. Killed at any moment, it loses nothing (the item is
  still queued) and duplicates nothing (the server answers the resent item ``duplicate``).
* A ``conflict`` or ``refused`` item is parked with the server's code and message, and never sent
  again (``parked`` lists them). A network error, a timeout, a 5xx or a 429 keeps the batch and
  retries it after an exponential backoff with full jitter (capped); a 413 halves the batch size.
  A 401 (credential revoked) stops the agent: nothing is deleted.

Standard library only: the agent runs on a post's small computer without Django.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sqlite3
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('heartbeat', 'event')),
    body TEXT NOT NULL,
    parked INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS items_due ON items (parked, next_at, created);
CREATE TABLE IF NOT EXISTS sequences (device TEXT PRIMARY KEY, last INTEGER NOT NULL);
"""
BACKOFF_BASE = 1.0
BACKOFF_CAP = 300.0


def uuid7() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits; sorts by time."""
    millis = time.time_ns() // 1_000_000
    value = (millis & ((1 << 48) - 1)) << 80 | secrets.randbits(80)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return uuid.UUID(int=value)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Queue:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def _add(self, kind: str, body: dict[str, Any]) -> str:
        self.db.execute(
            "INSERT INTO items (id, kind, body, created) VALUES (?, ?, ?, ?)",
            (body["id"], kind, json.dumps(body, ensure_ascii=False), time.time()),
        )
        return str(body["id"])

    def heartbeat(self, device: str, **readings: float | None) -> str:
        body: dict[str, Any] = {"id": str(uuid7()), "device": device, "time": now_iso()}
        body.update({k: v for k, v in readings.items() if v is not None})
        return self._add("heartbeat", body)

    def event(self, device: str, kind: str, severity: str = "low", text: str = "") -> str:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute("SELECT last FROM sequences WHERE device = ?", (device,)).fetchone()
            sequence = (row[0] if row else 0) + 1
            self.db.execute(
                "INSERT INTO sequences (device, last) VALUES (?, ?) "
                "ON CONFLICT (device) DO UPDATE SET last = excluded.last",
                (device, sequence),
            )
            body = {
                "id": str(uuid7()),
                "device": device,
                "time": now_iso(),
                "sequence": sequence,
                "kind": kind,
                "severity": severity,
                "text": text,
            }
            item = self._add("event", body)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return item

    def due(self, limit: int) -> list[tuple[str, str, dict[str, Any], int]]:
        rows = self.db.execute(
            "SELECT id, kind, body, attempts FROM items WHERE parked = 0 AND next_at <= ? "
            "ORDER BY created LIMIT ?",
            (time.time(), limit),
        ).fetchall()
        return [(row[0], row[1], json.loads(row[2]), row[3]) for row in rows]

    def delete(self, ids: list[str]) -> None:
        self.db.executemany("DELETE FROM items WHERE id = ?", [(i,) for i in ids])

    def park(self, item_id: str, error: str) -> None:
        self.db.execute("UPDATE items SET parked = 1, error = ? WHERE id = ?", (error, item_id))

    def later(self, ids: list[str], attempts: int) -> float:
        delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempts))
        self.db.executemany(
            "UPDATE items SET attempts = attempts + 1, next_at = ? WHERE id = ?",
            [(time.time() + delay, i) for i in ids],
        )
        return delay

    def counts(self) -> dict[str, int]:
        pending, parked = self.db.execute(
            "SELECT COALESCE(SUM(parked = 0), 0), COALESCE(SUM(parked = 1), 0) FROM items"
        ).fetchone()
        return {"pending": int(pending), "parked": int(parked)}

    def parked(self) -> list[tuple[str, str]]:
        return [
            (r[0], r[1])
            for r in self.db.execute("SELECT id, error FROM items WHERE parked = 1 ORDER BY created")
        ]


class Stop(Exception):
    """The server refused the credential: sending again cannot help."""


@dataclass
class Agent:
    queue: Queue
    url: str
    secret: str
    batch_size: int = 100
    timeout: float = 30.0

    def send_once(self) -> int:
        """Send one batch of due items; returns how many were settled (deleted or parked)."""
        items = self.queue.due(self.batch_size)
        if not items:
            return 0
        body = {
            "sent_at": now_iso(),
            "heartbeats": [b for _i, kind, b, _a in items if kind == "heartbeat"],
            "events": [b for _i, kind, b, _a in items if kind == "event"],
        }
        ids = [i for i, _k, _b, _a in items]
        attempts = max(a for _i, _k, _b, a in items)
        request = urllib.request.Request(  # noqa: S310 (the operator's configured URL)
            self.url.rstrip("/") + "/api/v1/live/ingest/",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Authorization": f"Bearer {self.secret}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code == 401:
                raise Stop(error.read().decode(errors="replace")) from error
            if error.code == 413 and self.batch_size > 1:
                self.batch_size = max(1, self.batch_size // 2)
                return 0
            if error.code in (400, 413):  # the server cannot read this batch as it is: park it
                message = error.read().decode(errors="replace")[:500]
                for item_id in ids:
                    self.queue.park(item_id, f"http {error.code}: {message}")
                return len(ids)
            self.queue.later(ids, attempts)  # 429, 5xx: the server is busy or down
            return 0
        except (OSError, TimeoutError, ValueError):
            self.queue.later(ids, attempts)  # no link, timeout, a cut answer
            return 0
        settled = 0
        for result in [*answer.get("heartbeats", []), *answer.get("events", [])]:
            if result.get("result") in ("created", "duplicate"):
                self.queue.delete([result["id"]])
                settled += 1
            elif result.get("result") in ("conflict", "refused"):
                self.queue.park(result["id"], f"{result.get('code', '')}: {result.get('message', '')}")
                settled += 1
        return settled

    def run(self, *, idle: float = 2.0, rounds: int | None = None) -> None:
        done = 0
        while rounds is None or done < rounds:
            if self.send_once() == 0:
                time.sleep(idle)
            done += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rasad.live.agent", description=__doc__.split("\n\n")[0])
    parser.add_argument("--queue", type=Path, required=True, help="The queue file (SQLite).")
    commands = parser.add_subparsers(dest="command", required=True)
    beat = commands.add_parser("heartbeat", help="Queue a heartbeat of a device.")
    beat.add_argument("device")
    for name in ("battery", "link", "temperature", "storage"):
        beat.add_argument(f"--{name}", type=float)
    event = commands.add_parser("event", help="Queue an event of a device.")
    event.add_argument("device")
    event.add_argument(
        "--kind", required=True, choices=["sensor_alarm", "tamper", "power_loss", "observation"]
    )
    event.add_argument("--severity", default="low", choices=["low", "medium", "high"])
    event.add_argument("--text", default="")
    run = commands.add_parser("run", help="Send the queue to Rasad, for ever (or --rounds).")
    run.add_argument("--url", required=True)
    run.add_argument("--rounds", type=int)
    run.add_argument("--batch", type=int, default=100)
    commands.add_parser("status", help="How many items wait, and the parked ones.")
    args = parser.parse_args(argv)
    queue = Queue(args.queue)
    if args.command == "heartbeat":
        print(
            queue.heartbeat(
                args.device,
                battery=args.battery,
                link=args.link,
                temperature=args.temperature,
                storage=args.storage,
            )
        )
    elif args.command == "event":
        print(queue.event(args.device, args.kind, args.severity, args.text))
    elif args.command == "run":
        secret = os.environ.get("RASAD_AGENT_SECRET", "")
        if not secret:
            print("Set RASAD_AGENT_SECRET to the post's agent credential.", file=sys.stderr)
            return 2
        try:
            Agent(queue, args.url, secret, batch_size=args.batch).run(rounds=args.rounds)
        except Stop as stop:
            print(f"The server refused the credential; nothing was deleted. {stop}", file=sys.stderr)
            return 3
    else:
        print(json.dumps(queue.counts()))
        for item_id, error in queue.parked():
            print(f"parked {item_id}: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
