"""The fixed cast every test uses. Built only through actions, like real data.

    national (NAT, national body, flagged)   Nadia: analyst over NAT and everything under it
    ├── isfahan (ISF-CC, command centre)     Alice: analyst over ISF-CC subtree
    │   └── isfahan_post (ISF-P1, field post)  Ali: reporter over ISF-CC subtree
    └── kerman (KER-CC, command centre)      Bob: analyst over KER-CC subtree
        └── kerman_post (KER-P1, field post)   Bahram: reporter over KER-CC subtree

    Charlie: signed-in user with no grants at all: sees nothing.
    Root: platform administrator (superuser): sees everything.
    Erfan: was an analyst over ISF-CC's subtree; the grant has expired: sees nothing.
    Wali: viewer through the working group "command centres" (ISF-CC and KER-CC themselves, not
          their subtrees): reads both command centres, nothing under them, changes nothing.

So Alice and Ali must never see anything of Kerman, Bob and Bahram nothing of Isfahan, and Nadia
sees both provinces.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.apps import apps as django_apps

from rasad.core.actions.organizations import (
    OrganizationValues,
    do_create_organization,
    do_set_national_body,
)
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Organization, Province, Role, User
from rasad.core.reference import load_reference_data
from rasad.core.roles import sync_default_roles

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 (test cast only)


@dataclass
class Cast:
    root: User
    national: Organization
    isfahan: Organization
    isfahan_post: Organization
    kerman: Organization
    kerman_post: Organization
    nadia: User
    alice: User
    ali: User
    bob: User
    bahram: User
    charlie: User
    erfan: User
    wali: User

    @property
    def everyone(self) -> dict[str, User]:
        return {
            "nadia": self.nadia,
            "alice": self.alice,
            "ali": self.ali,
            "bob": self.bob,
            "bahram": self.bahram,
            "charlie": self.charlie,
            "erfan": self.erfan,
            "wali": self.wali,
        }


def _province(name_en: str) -> Province:
    return Province.objects.get(name_en=name_en)


def ensure_reference_data() -> None:
    """Reload what the data migrations seeded, if it is gone: transactional tests (browser,
    concurrency) flush every table after each test, data migrations' rows included."""
    if not Province.objects.exists():
        load_reference_data()
    if django_apps.is_installed("rasad.indicators"):
        from rasad.indicators import starter
        from rasad.indicators.models import Indicator

        if not Indicator.objects.exists():
            starter.load(django_apps)
        if (
            django_apps.is_installed("rasad.greenjobs")
            and not Indicator.objects.filter(code="GREEN_ENERGY_SAVED").exists()
        ):
            from rasad.greenjobs import savings

            savings.load(django_apps)
    if django_apps.is_installed("rasad.cases"):
        from rasad.cases.models import Category

        if not Category.objects.exists():
            seed = importlib.import_module("rasad.cases.migrations.0002_reference_data")
            seed.load(django_apps, None)
    if django_apps.is_installed("rasad.assessments"):
        from rasad.assessments import starter as instruments

        instruments.ensure_loaded()


def _expired_analyst(analyst: Role, organization: Organization) -> User:
    """A grant that counted once: given with an expiry, which has since passed (the update stands
    for the time that went by; an action refuses to give a grant that is already expired)."""
    from datetime import timedelta

    from django.utils import timezone

    from rasad.core.models import Grant

    erfan = do_create_user(
        "erfan", acting_user=None, password=PASSWORD, display_name="عرفان پیشین", validate=False
    )
    grant = do_grant_role(
        erfan,
        analyst,
        acting_user=None,
        organization=organization,
        expires=timezone.now() + timedelta(days=1),
    )
    Grant.objects.filter(pk=grant.pk).update(expires=timezone.now() - timedelta(days=1))
    return erfan


def _working_group_viewer(viewer: Role, root: User, *members: Organization) -> User:
    from rasad.core.actions.people import do_create_working_group

    group = do_create_working_group(
        "CAST-CC",
        "کارگروه مراکز فرماندهی",
        acting_user=root,
        owner=members[0].parent or members[0],
        organizations=list(members),
        include_descendants=False,
    )
    wali = do_create_user(
        "wali", acting_user=None, password=PASSWORD, display_name="ولی هماهنگ", validate=False
    )
    do_grant_role(wali, viewer, acting_user=None, working_group=group, include_descendants=False)
    return wali


def build_cast() -> Cast:
    ensure_reference_data()
    root = do_create_user(
        "root",
        acting_user=None,
        password=PASSWORD,
        is_superuser=True,
        validate=False,
        display_name="مدیر سامانه",
    )
    national = do_create_organization(
        OrganizationValues(
            code="NAT",
            name="مرکز ملی پایش",
            name_en="National monitoring centre",
            kind="national_body",
            province=_province("Tehran"),
        ),
        acting_user=root,
    )
    national = do_set_national_body(national, True, acting_user=root)
    isfahan = do_create_organization(
        OrganizationValues(
            code="ISF-CC",
            name="مرکز فرماندهی استان اصفهان",
            name_en="Isfahan command centre",
            kind="command_centre",
            parent=national,
            province=_province("Isfahan"),
            latitude=32.65,
            longitude=51.67,
        ),
        acting_user=root,
    )
    isfahan_post = do_create_organization(
        OrganizationValues(
            code="ISF-P1",
            name="پاسگاه مرزی یک",
            name_en="Border post one",
            kind="field_post",
            parent=isfahan,
            latitude=33.2,
            longitude=54.4,
        ),
        acting_user=root,
    )
    kerman = do_create_organization(
        OrganizationValues(
            code="KER-CC",
            name="مرکز فرماندهی استان کرمان",
            name_en="Kerman command centre",
            kind="command_centre",
            parent=national,
            province=_province("Kerman"),
            latitude=30.28,
            longitude=57.08,
        ),
        acting_user=root,
    )
    kerman_post = do_create_organization(
        OrganizationValues(
            code="KER-P1",
            name="پاسگاه کرمان یک",
            name_en="Kerman post one",
            kind="field_post",
            parent=kerman,
            latitude=29.1,
            longitude=58.36,
        ),
        acting_user=root,
    )
    if not Role.objects.exists():
        sync_default_roles()
    roles = {role.slug: role for role in Role.objects.all()}

    def person(username: str, name: str, organization: Organization | None, role: str | None) -> User:
        user = do_create_user(
            username,
            acting_user=None,
            password=PASSWORD,
            display_name=name,
            organization=organization,
            validate=False,
        )
        if role is not None and organization is not None:
            do_grant_role(user, roles[role], acting_user=None, organization=organization)
        return user

    return Cast(
        root=root,
        erfan=_expired_analyst(roles["analyst"], isfahan),
        wali=_working_group_viewer(roles["viewer"], root, isfahan, kerman),
        national=national,
        isfahan=isfahan,
        isfahan_post=isfahan_post,
        kerman=kerman,
        kerman_post=kerman_post,
        nadia=person("nadia", "نادیا ملکی", national, "analyst"),
        alice=person("alice", "آلیس اصفهانی", isfahan, "analyst"),
        ali=person("ali", "علی رضایی", isfahan, "reporter"),
        bob=person("bob", "باب کرمانی", kerman, "analyst"),
        bahram=person("bahram", "بهرام کرمانی", kerman, "reporter"),
        charlie=person("charlie", "چارلی بیرونی", None, None),
    )


# Whom the generated authorization tests (the authorization table, rasad/web/tests/test_authz_table.py,
# and the API matrix, rasad/api/tests/test_authorization_matrix.py) ask on SQLite: one refused
# (Bob: grants in Kerman only), one scoped (Alice: Isfahan's analyst) and the administrator (Root).
# Between them every page's and endpoint's query runs on SQLite as the empty scope, a scope and no
# scope. Who may do what does not depend on the database: the whole cast asks on PostgreSQL,
# production's database, in the same CI run (docs/development/testing.md, "The three runs").
ASKED_ON_SQLITE = frozenset({"bob", "alice", "root"})


def asked(people: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``people`` the generated authorization tests ask on this test database."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return people
    return tuple(person for person in people if person in ASKED_ON_SQLITE)


def refetched(cast: Cast) -> Cast:
    """The same cast as fresh instances read from the database: nothing a test cached on an
    instance (the scope cache on a user, a changed attribute) reaches the next test."""
    from dataclasses import fields

    fresh = {}
    for item in fields(cast):
        instance = getattr(cast, item.name)
        fresh[item.name] = type(instance)._default_manager.get(pk=instance.pk)
    return Cast(**fresh)
