from __future__ import annotations

import importlib
import importlib.util
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rasad.core.demo import START_HERE, DemoLogin, DemoSummary, load_demo

DOMAIN_DEMOS = (
    "rasad.indicators.demo",
    "rasad.cases.demo",
    "rasad.intake.demo",
    "rasad.programs.demo",
    "rasad.greenjobs.demo",
    "rasad.live.demo",
    "rasad.comms.demo",
    "rasad.training.demo",
    "rasad.media.demo",
    "rasad.assessments.demo",
)


def display_width(text: str) -> int:
    """Terminal cells taken by ``text``: joiners such as the Persian ZWNJ and combining marks
    take none, so counting characters would misalign every column after a Persian name."""
    return sum(0 if unicodedata.category(character) in {"Mn", "Me", "Cf"} else 1 for character in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def login_rows(logins: Sequence[DemoLogin]) -> list[tuple[str, ...]]:
    # Columns alternate between Latin and Persian text on purpose: a terminal that applies the
    # bidirectional algorithm would otherwise run two neighbouring Persian columns together and
    # show them in swapped order.
    header = ("Username", "Role", "Name", "What it is for", "Organization")
    rows: list[tuple[str, ...]] = [header]
    for login in logins:
        rows.append(
            (
                login.username,
                login.role + (" (TOTP)" if login.requires_two_factor else ""),
                login.display_name,
                login.purpose,
                login.organization or "—",
            )
        )
    return rows


def start_rows(logins: Sequence[DemoLogin]) -> list[tuple[str, ...]]:
    """The few logins to try first, with what to do with each."""
    by_username = {login.username: login for login in logins}
    rows: list[tuple[str, ...]] = [("Username", "Try it for", "Name")]
    for username, what in START_HERE:
        login = by_username.get(username)
        if login is not None:
            rows.append((username, what, login.display_name))
    return rows


def format_table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(display_width(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [pad(cell, widths[column]) for column, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]))
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return lines


class Command(BaseCommand):
    help = (
        "Load the demo organizations and people (once; running it again changes nothing) and print "
        "the demo logins with their shared password."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # The progress bar needs the raw stream: Django's OutputWrapper ends every write with a
        # newline, which would print one line per refresh.
        progress_stream: TextIO = options.get("stdout") or sys.stdout
        try:
            summary = load_demo(stdout=progress_stream)
        except ValidationError as error:
            raise CommandError(
                "The demo needs a database without demo usernames or organization codes: "
                + "; ".join(f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items())
            ) from None
        for module_name in DOMAIN_DEMOS:
            # Each domain app that ships demo data exposes ``<app>.demo.load_demo(stdout=...)``
            # (idempotent); the core demo above is the organizations and people they hang on.
            if importlib.util.find_spec(module_name) is not None:
                importlib.import_module(module_name).load_demo(stdout=progress_stream)
        self.print_summary(summary)

    def print_summary(self, summary: DemoSummary) -> None:
        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo loaded: {summary.organizations} organizations, {summary.working_groups} "
                    f"working groups, {summary.users} people, {summary.grants} grants."
                )
            )
        else:
            self.stdout.write(
                f"Demo data already present ({summary.organizations} organizations, {summary.users} people); "
                "nothing changed."
            )
        self.stdout.write("")
        self.stdout.write("Every demo login:")
        for line in format_table(login_rows(summary.logins)):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Start here:"))
        for line in format_table(start_rows(summary.logins)):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Password for every demo login: " + self.style.WARNING(summary.password))
        self.stdout.write(f"Open {summary.url} and sign in with any username above.")
        administrators = [login.username for login in summary.logins if login.requires_two_factor]
        if administrators:
            self.stdout.write("Logins marked (TOTP) are administrators (" + ", ".join(administrators) + "):")
            self.stdout.write(
                "  at their first sign-in they must set up two-factor sign-in: scan the QR code with an "
                "authenticator app and enter its six-digit code."
            )
        self.stdout.write(
            "Scope: an organization code covers that organization and everything under it; "
            "a WG- code covers the organizations of that working group."
        )
