from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Organization, Role


class Command(BaseCommand):
    help = (
        "Create a user, optionally a member of an organization with a role over it "
        "(or a platform administrator)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="Read from the prompt when omitted.")
        parser.add_argument("--name", default="", help="Display name.")
        parser.add_argument("--email", default="")
        parser.add_argument("--organization", help="Organization code to join.")
        parser.add_argument("--role", help="Role slug to grant over --organization (with its subtree).")
        parser.add_argument("--superuser", action="store_true", help="Platform administrator.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(code=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization with code {options['organization']!r}.")
        role = None
        if options["role"]:
            role = Role.objects.filter(slug=options["role"]).first()
            if role is None or organization is None:
                raise CommandError("--role needs an existing role slug and --organization.")
        try:
            user = do_create_user(
                options["username"],
                acting_user=None,
                password=password,
                display_name=options["name"],
                email=options["email"],
                organization=organization,
                is_superuser=options["superuser"],
            )
            if role is not None:
                do_grant_role(user, role, acting_user=None, organization=organization)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.username}."))
