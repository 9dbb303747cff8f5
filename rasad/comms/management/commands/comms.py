"""``rasad comms ...``: operating centre-to-centre messages from the console.

rasad comms generate-key                      a new operator key (base64) for RASAD_COMMS_KEY_FILE
rasad comms set-up ISF-BCC                    keys for a command centre hosted here
rasad comms fingerprint ISF-BCC               the fingerprint to read over the phone
rasad comms bundle ISF-BCC                    the public bundle (JSON) to hand to a peer
rasad comms add-peer ISF-BCC --url URL --code SKH-CC    register a peer from its node
rasad comms add-peer ISF-BCC --file bundle.json         ... or from a bundle file
rasad comms confirm-peer ISF-BCC SKH-CC --digits "..."  confirm its fingerprint
rasad comms rotate ISF-BCC | revoke ISF-BCC KID --reason "..."
rasad comms rotate-identity ISF-BCC           a new identity key, vouched for by the old one
rasad comms deliver                           push the outbox once (``rasad worker`` does it in
                                              the background, and rotates keys when due)
rasad comms status                            outbox and peers at a glance
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rasad.comms import tasks
from rasad.comms.actions import (
    do_confirm_peer,
    do_register_peer,
    do_revoke_key,
    do_rotate_identity,
    do_rotate_keys,
    do_set_up_centre,
    published_bundle,
)
from rasad.comms.choices import DeliveryStatus
from rasad.comms.crypto import fingerprint, generate_key_text
from rasad.comms.delivery import fetch_bundle
from rasad.comms.errors import Refusal
from rasad.comms.models import Centre, Delivery, Peer
from rasad.core.models import Organization


def _local(code: str) -> Centre:
    centre: Centre | None = Centre.objects.filter(code=code, is_local=True).first()
    if centre is None:
        raise CommandError(f"{code} is not a centre set up on this node (rasad comms set-up {code})")
    return centre


class Command(BaseCommand):
    help = "Operate centre-to-centre messages: keys, peers, the outbox. See docs/comms.md."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate-key", help="print a new operator key")
        for name in ("set-up", "fingerprint", "bundle", "rotate", "rotate-identity"):
            sub.add_parser(name).add_argument("centre")
        add = sub.add_parser("add-peer", help="register a peer centre for a local centre")
        add.add_argument("centre")
        add.add_argument("--url", help="the peer node's base URL")
        add.add_argument("--code", help="the peer centre's code on that node")
        add.add_argument("--file", help="a bundle JSON file instead of --url/--code")
        confirm = sub.add_parser("confirm-peer", help="confirm a peer's fingerprint read over the phone")
        confirm.add_argument("centre")
        confirm.add_argument("peer")
        confirm.add_argument("--digits", required=True)
        revoke = sub.add_parser("revoke")
        revoke.add_argument("centre")
        revoke.add_argument("kid")
        revoke.add_argument("--reason", required=True)
        deliver = sub.add_parser("deliver")
        deliver.add_argument(
            "--now", action="store_true", help="try every waiting delivery now (the peer is back)"
        )
        sub.add_parser("status")
        sub.add_parser("demo-second-node", help="demo: load South Khorasan's centre (node B)")
        link = sub.add_parser("demo-link", help="demo: on node A, the joint border group with node B")
        link.add_argument("peer", nargs="?", default="SKH-CC")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "do_" + action.replace("-", "_"))(options)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
            ) from None
        except Refusal as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message} {refusal.detail}") from None

    def do_generate_key(self, options: dict[str, Any]) -> None:
        self.stdout.write(generate_key_text())

    def do_set_up(self, options: dict[str, Any]) -> None:
        organization = Organization.objects.filter(code=options["centre"]).first()
        if organization is None:
            raise CommandError(f"no organization with the code {options['centre']}")
        centre = do_set_up_centre(organization, acting_user=None)
        self._print_fingerprint(centre)

    def _print_fingerprint(self, centre: Centre) -> None:
        print_ = fingerprint(bytes(centre.identity_key))
        self.stdout.write(f"{centre.code}  {centre.name}")
        self.stdout.write(f"  digits: {print_.digits}")
        self.stdout.write(f"  words:  {' '.join(print_.words)}")

    def do_fingerprint(self, options: dict[str, Any]) -> None:
        centre = Centre.objects.filter(code=options["centre"]).first()
        if centre is None:
            raise CommandError(f"no centre {options['centre']} known here")
        self._print_fingerprint(centre)

    def do_bundle(self, options: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(published_bundle(_local(options["centre"])), ensure_ascii=False))

    def do_add_peer(self, options: dict[str, Any]) -> None:
        centre = _local(options["centre"])
        if options["file"]:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        elif options["url"] and options["code"]:
            url = options["url"] if options["url"].endswith("/") else options["url"] + "/"
            data = fetch_bundle(url, options["code"])
        else:
            raise CommandError("give --file, or --url and --code")
        peer = do_register_peer(centre, data, acting_user=None)
        self.stdout.write(f"registered {peer.centre.code} for {centre.code}: {peer.get_status_display()}")
        self._print_fingerprint(peer.centre)

    def do_confirm_peer(self, options: dict[str, Any]) -> None:
        peer = Peer.objects.filter(
            local_centre=_local(options["centre"]), centre__code=options["peer"]
        ).first()
        if peer is None:
            raise CommandError(f"{options['peer']} is not a peer of {options['centre']}")
        peer = do_confirm_peer(peer, fingerprint_digits=options["digits"], acting_user=None)
        self.stdout.write(f"{peer.centre.code}: {peer.get_status_display()}")

    def do_rotate(self, options: dict[str, Any]) -> None:
        do_rotate_keys(_local(options["centre"]), acting_user=None)
        self.stdout.write("rotated")

    def do_rotate_identity(self, options: dict[str, Any]) -> None:
        centre = do_rotate_identity(_local(options["centre"]), acting_user=None)
        self.stdout.write("new identity key; every peer must confirm this fingerprint again:")
        self._print_fingerprint(centre)

    def do_revoke(self, options: dict[str, Any]) -> None:
        key = do_revoke_key(
            _local(options["centre"]), options["kid"], reason=options["reason"], acting_user=None
        )
        self.stdout.write(f"revoked {key.kid}")

    def do_deliver(self, options: dict[str, Any]) -> None:
        if options["now"]:
            Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())
        report = tasks.deliver_outbox_now()
        self.stdout.write(f"delivered {report.delivered}, refused {report.refused}, waiting {report.waiting}")

    def do_demo_second_node(self, options: dict[str, Any]) -> None:
        from rasad.comms.demo import load_second_node

        load_second_node(stdout=options.get("stdout") or sys.stdout)

    def do_demo_link(self, options: dict[str, Any]) -> None:
        from rasad.comms.demo import link_second_node

        link_second_node(options["peer"], stdout=options.get("stdout") or sys.stdout)

    def do_status(self, options: dict[str, Any]) -> None:
        for centre in Centre.objects.filter(is_local=True):
            self._print_fingerprint(centre)
            for peer in Peer.objects.filter(local_centre=centre).select_related("centre"):
                self.stdout.write(
                    f"  {centre.code} peer {peer.centre.code} ({peer.centre.node_url}): {peer.status}"
                )
        pending = Delivery.objects.filter(status=DeliveryStatus.PENDING)
        self.stdout.write(
            f"outbox: {pending.count()} pending, "
            f"{Delivery.objects.filter(status=DeliveryStatus.REFUSED).count()} refused"
        )
