"""The demo world: loads once, places every point in its province, and respects scopes.

Who sees what in the demo (see docs/demo.md):
    isfahan-cc.coordinator   the Isfahan border command centre, its five posts, and the Yazd and
                             Semnan centres through the joint working group; nothing of Kerman.
    pdo.coordinator          the civil defence organization only; not IMIDRO or its companies.
    imidro.coordinator       IMIDRO, its five companies and their nine sites.
    kerman-csc.coordinator   the cyberspace council, and the media HQ and six agencies through
                             the Kerman PR/IT working group.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from rasad.core.demo import (
    DEMO_PASSWORD,
    ORGANIZATIONS,
    PEOPLE,
    WORKING_GROUPS,
    DemoSummary,
    demo_url,
    load_demo,
    summarize_demo,
)
from rasad.core.models import AuditEvent, Grant, Membership, Organization, User, WorkingGroup
from rasad.core.roles import DEFAULT_ROLES
from rasad.lib import geo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def _demo(module_transaction: None, django_db_blocker: Any) -> DemoSummary:
    """The demo, loaded once for the module's tests (each reads it inside its own savepoint,
    rolled back afterwards: rasad/conftest.py, ``module_transaction``)."""
    with django_db_blocker.unblock():
        return load_demo()


@pytest.fixture
def demo(_demo: DemoSummary, db: None) -> DemoSummary:
    return _demo


def _row_counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "grants": Grant.objects.count(),
        "working_groups": WorkingGroup.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def _visible_codes(username: str) -> set[str]:
    user = User.objects.get(username=username)
    return set(Organization.objects.visible_to(user).values_list("code", flat=True))


def test_the_printed_address_follows_port(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    assert demo_url() == "http://127.0.0.1:8123/"


def test_first_load_creates_every_organization_group_and_person(demo):
    assert demo.created is True
    assert demo.organizations == len(ORGANIZATIONS)
    assert demo.working_groups == len(WORKING_GROUPS)
    assert demo.users == len(PEOPLE) + 1  # and the platform superuser
    assert [login.username for login in demo.logins] == ["admin", *(person.username for person in PEOPLE)]


def test_loading_twice_creates_nothing_new(demo):
    before = _row_counts()

    again = load_demo()

    assert again.created is False
    assert _row_counts() == before
    assert again.logins == demo.logins


def test_every_point_lies_in_the_province_of_its_organization(demo):
    located = Organization.objects.filter(latitude__isnull=False).select_related("province")
    assert located.count() == len(ORGANIZATIONS)
    mismatches = [
        (
            organization.code,
            organization.province.code if organization.province else None,
            geo.province_code_at(organization.latitude, organization.longitude),
        )
        for organization in located
        if organization.province is None
        or organization.province.code != geo.province_code_at(organization.latitude, organization.longitude)
    ]
    assert mismatches == []


@pytest.mark.parametrize("role", [definition.slug for definition in DEFAULT_ROLES])
def test_each_role_is_held_by_at_least_two_people(demo, role):
    holders = Grant.objects.filter(role__slug=role).values("user").distinct().count()
    assert holders >= 2


def test_isfahan_command_centre_coordinator_sees_no_kerman_organization(demo):
    visible = _visible_codes("isfahan-cc.coordinator")

    assert visible == {"ISF-BCC", "ISF-BP1", "ISF-BP2", "ISF-BP3", "ISF-BP4", "ISF-BP5", "YZD-CC", "SMN-CC"}
    kerman = set(Organization.objects.filter(province__code="08").values_list("code", flat=True))
    assert "KER-GOV" in kerman
    assert visible & kerman == set()


def test_civil_defence_coordinator_does_not_see_the_mining_subtree(demo):
    visible = _visible_codes("pdo.coordinator")

    imidro = Organization.objects.get(code="IMIDRO")
    mining = set(Organization.objects.subtree_of(imidro).values_list("code", flat=True))
    assert len(mining) == 15
    assert visible == {"PDO"}
    assert visible & mining == set()


def test_imidro_coordinator_sees_the_whole_holding_and_nothing_else(demo):
    imidro = Organization.objects.get(code="IMIDRO")
    mining = set(Organization.objects.subtree_of(imidro).values_list("code", flat=True))

    assert _visible_codes("imidro.coordinator") == mining


def test_cyberspace_council_coordinator_sees_the_agencies_through_the_working_group(demo):
    assert _visible_codes("kerman-csc.coordinator") == {
        "KER-CSC",
        "KER-MHQ",
        "KER-HLT",
        "KER-EDU",
        "KER-WTR",
        "KER-PWR",
        "KER-RC",
        "KER-POL",
    }


def test_agency_officer_sees_only_their_own_agency(demo):
    assert _visible_codes("kerman-health.pr") == {"KER-HLT"}
    assert _visible_codes("kerman-health.it") == {"KER-HLT"}


def test_demo_users_sign_in_with_the_shared_password(demo):
    user = User.objects.get(username="jandaq.operator")
    assert user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser


def test_administrators_are_flagged_for_two_factor(demo):
    flagged = {login.username for login in demo.logins if login.requires_two_factor}
    assert flagged == {"admin", "imidro.admin", "isfahan.admin", "kerman.admin"}


def test_audit_trail_verifies_after_loading(demo):
    out = StringIO()

    call_command("audit", "verify", stdout=out)

    assert "audit verify OK" in out.getvalue()


def test_national_coordinator_sees_the_whole_country_without_two_factor(demo):
    coordinator = User.objects.get(username="national.coordinator")
    assert not coordinator.requires_two_factor
    assert Organization.objects.visible_to(coordinator).count() == Organization.objects.count()
    administrators = User.objects.filter(username__endswith=".admin")
    assert administrators and all(user.requires_two_factor for user in administrators)


def test_every_login_says_what_it_is_for(demo):
    summary = summarize_demo(created=False)
    assert all(login.purpose for login in summary.logins)
