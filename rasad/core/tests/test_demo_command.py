"""``rasad demo``'s printout: the logins, their shared password, where to start and the address,
on the run's whole demo (``module_demo``: on PostgreSQL a copy of the run's demo template, so no
test here loads the demo again; docs/development/testing.md). That a first load creates every
organization, group and person, and a second nothing, is rasad/core/tests/test_demo.py's."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from rasad.core.demo import DEMO_PASSWORD, summarize_demo
from rasad.core.management.commands.demo import Command
from rasad.core.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("module_demo")]


def test_run_again_it_says_nothing_changed_and_prints_every_login_password_and_address():
    out = StringIO()

    call_command("demo", stdout=out)

    printed = out.getvalue()
    assert "nothing changed" in printed and "Demo loaded" not in printed
    assert DEMO_PASSWORD in printed
    assert "http://127.0.0.1:8000/" in printed
    assert "TOTP" in printed
    assert "Start here:" in printed and "national.coordinator" in printed
    coordinator = User.objects.get(username="isfahan-cc.coordinator")
    assert coordinator.display_name in printed
    assert "مرکز فرماندهی و کنترل مرزی استان اصفهان" in printed


def test_a_first_load_says_how_much_it_loaded():
    summary = summarize_demo(created=True)
    out = StringIO()

    Command(stdout=out).print_summary(summary)

    first = out.getvalue().splitlines()[0]
    assert first == (
        f"Demo loaded: {summary.organizations} organizations, {summary.working_groups} working groups, "
        f"{summary.users} people, {summary.grants} grants."
    )
