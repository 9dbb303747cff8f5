"""Centre-to-centre messages: the cost of sealing, storing, verifying and opening, and how fast a
backlog drains to a peer node that comes back.

    python -m bench.comms [--rounds 5] [--iterations 100] [--backlog 1000]

Figures (issue 18's goals):

* **send**: encrypt + sign + store a 10 kB message for 5 recipient centres (``do_send_message``:
  seal, envelope row, sender's copy, five outbox rows, audit), p95 ≤ 20 ms. Limit: the
  cryptography alone (``seal_envelope``) on the same machine in the same run.
* **read**: verify + decrypt a stored 10 kB message (``read_message``: re-verify the stored
  envelope, unwrap the content key, decrypt), p95 ≤ 10 ms. Limit: the cryptography alone.
* **backlog**: 1,000 messages queued for a peer node, delivered over HTTP to a real second node
  (``rasad serve`` on its own database) when it comes back, in messages per second. Limit: the
  same 1,000 envelopes pushed again, which the peer answers "duplicate" (transport, parsing and
  the replay lookup only).

Each latency is measured in ``--rounds`` rounds of ``--iterations``; the report gives the median
over rounds of each round's p50 and p95, with the load average when the round ended.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench.common  # noqa: F401  (configures Django)
from bench.common import percentile
from rasad.comms.actions import Draft, accept_envelope, do_send_message, do_set_up_centre, read_message
from rasad.comms.crypto import Header, RecipientKey, open_envelope, seal_envelope, uuid7, verify_envelope
from rasad.comms.delivery import INBOX_PATH, HttpTransport, deliver_due
from rasad.comms.models import Centre, Delivery, Message
from rasad.comms.testing import RemoteCentre, local_encryption_key
from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.actions.people import do_create_user
from rasad.core.models import Organization, User

BODY = ("گزارش تردد مرزی؛ " * 600).encode()[:10_240]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} / {five:.1f} / {fifteen:.1f}"


def rounds(measure: Callable[[], float], *, rounds: int, iterations: int) -> tuple[float, float, str]:
    p50s, p95s, loads = [], [], []
    for _ in range(rounds):
        samples = [measure() for _ in range(iterations)]
        p50s.append(percentile(samples, 0.5))
        p95s.append(percentile(samples, 0.95))
        loads.append(os.getloadavg()[0])
    return (
        statistics.median(p50s),
        statistics.median(p95s),
        f"load (1 min) median {statistics.median(loads):.1f}",
    )


def ms(pair: tuple[float, float, str]) -> str:
    return f"p50 {pair[0] * 1000:.2f} ms, p95 {pair[1] * 1000:.2f} ms ({pair[2]})"


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def set_up() -> tuple[User, Centre, list[RemoteCentre], list[Centre]]:
    admin = User.objects.filter(username="bench-comms").first() or do_create_user(
        "bench-comms", acting_user=None, password=None, is_superuser=True
    )
    organization = Organization.objects.filter(code="BENCH-CC").first() or do_create_organization(
        OrganizationValues(code="BENCH-CC", name="مرکز فرماندهی محک", kind="command_centre"),
        acting_user=admin,
    )
    centre = Centre.objects.filter(organization=organization).first() or do_set_up_centre(
        organization, acting_user=admin
    )
    from rasad.comms.actions import do_confirm_peer, do_register_peer

    remotes, peers = [], []
    for number in range(5):
        remote = RemoteCentre(
            f"BENCH-P{number}", f"همتای محک {number}", f"https://peer{number}.bench.example/"
        )
        peer = do_register_peer(centre, remote.bundle().to_dict(), acting_user=admin)
        do_confirm_peer(peer, fingerprint_digits=remote.fingerprint_digits, acting_user=admin)
        remotes.append(remote)
        peers.append(peer.centre)
    return admin, centre, remotes, peers


def bench_send(
    admin: User, centre: Centre, remotes: list[RemoteCentre], peers: list[Centre], args: Any
) -> None:
    from rasad.comms import keystore

    signer = keystore.signing_pair(centre)
    keys = [RecipientKey(remote.code, remote.encryption.public_key) for remote in remotes]
    own = RecipientKey(centre.code, bytes(keystore.current_encryption_key(centre).public_key))

    def crypto() -> float:
        header = Header(str(uuid7()), str(uuid7()), centre.code, signer.kid, _now(), "message")
        return timed(lambda: seal_envelope(header, BODY, signer=signer, recipients=keys, sender_copy=own))

    def full() -> float:
        draft = Draft(sender=centre, recipients=peers, subject="محک ارسال", text=BODY.decode(errors="ignore"))
        return timed(lambda: do_send_message(draft, acting_user=admin))

    limit = rounds(crypto, rounds=args.rounds, iterations=args.iterations)
    measured = rounds(full, rounds=args.rounds, iterations=args.iterations)
    print(f"seal (crypto only, 10 kB, 5 recipients + sender copy): {ms(limit)}")
    print(
        f"send (encrypt + sign + store, 5 centres): {ms(measured)}; "
        f"goal p95 ≤ 20 ms: {'met' if measured[1] <= 0.020 else 'NOT met'}; "
        f"ratio to the crypto limit (p95): {measured[1] / limit[1]:.1f}"
    )
    Delivery.objects.filter(sender=centre).delete()


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def bench_read(admin: User, centre: Centre, remotes: list[RemoteCentre], args: Any) -> None:
    remote = remotes[0]
    count = args.iterations
    envelopes = [remote.write(centre, "محک خواندن", BODY.decode(errors="ignore")) for _ in range(count)]
    for envelope in envelopes:
        accept_envelope(envelope.to_transport())
    messages = list(
        Message.objects.filter(centre=centre, direction="in").select_related("envelope__sender")[:count]
    )
    from rasad.comms import keystore
    from rasad.comms.directory import TrustedDirectory

    wire = envelopes[0]
    # The limit: the same checks and decryption with the keys already in memory (no database).
    known = TrustedDirectory(centre).signing_key(remote.code, remote.signing.kid)
    pair = keystore.encryption_keyring(centre)(local_encryption_key(centre).kid)
    assert known is not None and pair is not None

    class InMemory:
        def signing_key(self, code: str, kid: str) -> Any:
            return known

    directory = InMemory()

    def keyring(kid: str) -> Any:
        return pair

    def crypto() -> float:
        return timed(
            lambda: open_envelope(
                verify_envelope(wire, directory=directory, now=_now()), centre=centre.code, keyring=keyring
            )
        )

    position = iter(range(10**9))

    def full() -> float:
        message = messages[next(position) % len(messages)]
        return timed(lambda: read_message(message))

    limit = rounds(crypto, rounds=args.rounds, iterations=args.iterations)
    measured = rounds(full, rounds=args.rounds, iterations=args.iterations)
    print(f"open (verify + decrypt, keys in memory): {ms(limit)}")
    print(
        f"read (verify stored envelope + decrypt): {ms(measured)}; "
        f"goal p95 ≤ 10 ms: {'met' if measured[1] <= 0.010 else 'NOT met'}; "
        f"ratio to the limit (p95): {measured[1] / limit[1]:.1f}"
    )


def bench_backlog(admin: User, args: Any) -> None:
    """A real second node: its own database, ``rasad serve`` on its own port."""
    from rasad.comms.actions import bundle_for, do_confirm_peer, do_register_peer
    from rasad.comms.tests.nodes import Node

    root = Path(tempfile.mkdtemp(prefix="rasad-bench-comms-"))
    node = Node("peer", root)
    node.env["RASAD_LOG_LEVEL"] = "WARNING"
    node.create_database_from(None)
    node.script("set_up('BENCH-B', 'مرکز محک دوم', 'Yazd', 31.9, 54.37)")
    organization = Organization.objects.get(code="BENCH-CC")
    sender = centre_of_local(organization)
    # Out of band: each side takes the other's bundle and confirms its fingerprint.
    bundle_file = root / "a.json"
    import json

    bundle_file.write_text(json.dumps(bundle_for(sender).to_dict()), encoding="utf-8")
    node.rasad("comms", "add-peer", "BENCH-B", "--file", str(bundle_file))
    from rasad.comms.crypto import fingerprint

    node.rasad(
        "comms",
        "confirm-peer",
        "BENCH-B",
        sender.code,
        "--digits",
        fingerprint(bytes(sender.identity_key)).digits,
    )
    node.start_server()
    try:
        from rasad.comms.delivery import fetch_bundle

        peer = do_register_peer(sender, fetch_bundle(node.url, "BENCH-B"), acting_user=admin)
        do_confirm_peer(peer, fingerprint_digits=node.fingerprint("BENCH-B"), acting_user=admin)
        Delivery.objects.all().delete()
        for number in range(args.backlog):
            do_send_message(
                Draft(
                    sender=sender,
                    recipients=[peer.centre],
                    subject=f"صف {number}",
                    text=BODY.decode(errors="ignore"),
                ),
                acting_user=admin,
            )
        raws = [bytes(d.envelope.raw) for d in Delivery.objects.select_related("envelope").order_by("id")]
        start = time.perf_counter()
        delivered = 0
        while delivered < args.backlog:
            report = deliver_due()
            delivered += report.delivered
            if report.delivered == 0 and report.refused == 0:
                time.sleep(0.05)
        drain = time.perf_counter() - start
        drained_load = load()
        transport = HttpTransport()
        start = time.perf_counter()
        for raw in raws:
            transport.post(node.url + INBOX_PATH, raw)
        repush = time.perf_counter() - start
        print(
            f"backlog: {args.backlog} messages delivered in order in {drain:.1f} s "
            f"= {args.backlog / drain:.0f} msg/s ({drained_load}); "
            "re-push of the same envelopes (duplicates, transport limit): "
            f"{args.backlog / repush:.0f} msg/s ({load()}); ratio {repush / drain:.2f}"
        )
        received = node.script("received('BENCH-B')")
        sent = [str(m) for m in Delivery.objects.order_by("id").values_list("envelope__msg_id", flat=True)]
        print(f"backlog order and count checked on the peer: {'ok' if received == sent else 'MISMATCH'}")
    finally:
        node.stop()
        node.drop_database()


def centre_of_local(organization: Organization) -> Centre:
    centre: Centre = Centre.objects.get(organization=organization)
    return centre


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--skip-backlog", action="store_true")
    args = parser.parse_args()
    admin, centre, remotes, peers = set_up()
    print(f"comms benchmark, {os.cpu_count()} cores, {load()}")
    bench_send(admin, centre, remotes, peers, args)
    bench_read(admin, centre, remotes, args)
    if not args.skip_backlog:
        bench_backlog(admin, args)


if __name__ == "__main__":
    main()
