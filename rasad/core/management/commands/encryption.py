from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasad.lib import encryption


class Command(BaseCommand):
    help = (
        "Encryption at rest of what is marked confidential. 'new-key ID' prints a key for "
        "RASAD_ENCRYPTION_KEYS; 'status' counts the values and files under each key; 'rotate' "
        "re-wraps everything under the current (first) key, after which older keys may be removed. "
        "See docs/security.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["new-key", "status", "rotate"])
        parser.add_argument("key_id", nargs="?", help="For new-key: a short name, such as 2026a.")

    def handle(self, *args: Any, **options: Any) -> None:
        media = Path(settings.MEDIA_ROOT)
        try:
            if options["operation"] == "new-key":
                if not options["key_id"]:
                    raise CommandError("new-key needs a key id, such as 2026a")
                self.stdout.write(encryption.new_key_line(options["key_id"]))
            elif options["operation"] == "status":
                ring = encryption.keyring()
                current = ring.current if ring else "(none configured)"
                self.stdout.write(f"current key: {current}")
                for key_id, count in sorted(encryption.inventory(media).items()):
                    self.stdout.write(f"  {key_id}: {count} value(s) and file(s)")
            else:
                count = encryption.rotate(media)
                self.stdout.write(self.style.SUCCESS(f"rotate OK: {count} value(s) and file(s) re-wrapped."))
        except encryption.EncryptionError as error:
            raise CommandError(str(error)) from None
