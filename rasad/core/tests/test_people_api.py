"""Users, memberships, roles and working groups over the API, all scoped."""

from __future__ import annotations

import pytest
from django.test import Client

from rasad.conftest import client_for
from rasad.core.models import AuditEvent, Membership, Role, WorkingGroup
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

USERS = "/api/v1/users/"
MEMBERSHIPS = "/api/v1/memberships/"
ROLES = "/api/v1/roles/"
GROUPS = "/api/v1/working-groups/"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nadia", ["ali", "alice", "bahram", "bob", "nadia"]),
        ("alice", ["ali", "alice"]),
        ("bob", ["bahram", "bob"]),
        ("charlie", []),
    ],
)
def test_users_are_those_with_a_membership_in_scope(cast: Cast, name, expected):
    response = client_for(cast.everyone[name]).get(USERS)
    assert [row["username"] for row in response.json()["results"]] == expected


def test_user_out_of_scope_is_404(cast: Cast):
    client = client_for(cast.alice)
    assert client.get(f"{USERS}{cast.bob.pk}/").status_code == 404
    assert client.get(f"{USERS}{cast.ali.pk}/").json()["memberships"] == [
        {"organization": "ISF-CC", "title": "", "is_primary": True}
    ]


def test_user_search_is_normalized(cast: Cast):
    response = client_for(cast.nadia).get(USERS, {"q": "علي"})
    assert [row["username"] for row in response.json()["results"]] == ["ali"]


def test_memberships_are_scoped(cast: Cast):
    body = client_for(cast.bob).get(MEMBERSHIPS).json()
    assert {(row["user"], row["organization"]) for row in body["results"]} == {
        ("bob", "KER-CC"),
        ("bahram", "KER-CC"),
    }


def test_administrator_adds_a_membership_in_scope_only(cast: Cast, isfahan_admin):
    client = client_for(isfahan_admin)
    response = client.post(
        MEMBERSHIPS, {"user": "ali", "organization": "ISF-P1", "title": "کارشناس"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Membership.objects.filter(user=cast.ali, organization=cast.isfahan_post).count() == 1
    with assert_nothing_changed("core.membership"):
        refused = client.post(MEMBERSHIPS, {"user": "ali", "organization": "KER-P1"}, format="json")
    assert (refused.status_code, list(refused.json()["error"]["fields"])) == (400, ["organization"])


def test_administrator_removes_a_membership(cast: Cast, isfahan_admin):
    membership = Membership.objects.get(user=cast.ali)
    assert client_for(isfahan_admin).delete(f"{MEMBERSHIPS}{membership.pk}/").status_code == 204
    assert AuditEvent.objects.filter(event_type=114, object_id=str(cast.ali.pk)).count() == 1


def test_roles_are_readable_by_anyone_with_a_grant(cast: Cast):
    body = client_for(cast.ali).get(ROLES).json()
    assert sorted(row["slug"] for row in body["results"]) == [
        "administrator",
        "analyst",
        "coordinator",
        "reporter",
        "viewer",
    ]
    reporter = next(row for row in body["results"] if row["slug"] == "reporter")
    assert "core.view_organization" in reporter["permissions"]
    assert client_for(cast.charlie).get(ROLES).json()["count"] == 0


def test_only_a_platform_administrator_changes_a_role(cast: Cast, isfahan_admin):
    role = Role.objects.get(slug="viewer")
    with assert_nothing_changed("core.role"):
        response = client_for(isfahan_admin).patch(
            f"{ROLES}{role.pk}/", {"permissions": ["core.add_grant"]}, format="json"
        )
    assert response.status_code == 404
    before = set(client_for(cast.root).get(f"{ROLES}{role.pk}/").json()["permissions"])
    assert "core.view_organization" in before
    response = client_for(cast.root).patch(
        f"{ROLES}{role.pk}/", {"permissions": sorted(before - {"core.view_organization"})}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert "core.view_organization" not in response.json()["permissions"]
    event = AuditEvent.objects.get(event_type=122)
    assert (event.old, event.new, event.chain) == (
        {"permissions": ["core.view_organization"]},
        {"permissions": []},
        "system/0",
    )


def test_unknown_permission_is_refused(cast: Cast):
    role = Role.objects.get(slug="viewer")
    with assert_nothing_changed("core.role"):
        response = client_for(cast.root).patch(
            f"{ROLES}{role.pk}/", {"permissions": ["core.fly_organization"]}, format="json"
        )
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["permissions"])


def test_working_group_create_and_change_members(cast: Cast):
    client = client_for(cast.root)
    response = client.post(
        GROUPS,
        {"code": "WG-1", "name": "کارگروه مرزی", "owner": "NAT", "organizations": ["ISF-CC"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    group = WorkingGroup.objects.get(code="WG-1")
    response = client.patch(f"{GROUPS}{group.pk}/", {"organizations": ["ISF-CC", "KER-CC"]}, format="json")
    assert response.status_code == 200
    assert sorted(response.json()["organizations"]) == ["ISF-CC", "KER-CC"]
    event = AuditEvent.objects.get(event_type=126)
    assert (event.old, event.new) == (
        {"organizations": [cast.isfahan.pk]},
        {"organizations": sorted([cast.isfahan.pk, cast.kerman.pk])},
    )


def test_working_group_cannot_reach_outside_scope(cast: Cast, isfahan_admin):
    with assert_nothing_changed("core.workinggroup"):
        response = client_for(isfahan_admin).post(
            GROUPS,
            {"code": "WG-2", "name": "نفوذ", "owner": "ISF-CC", "organizations": ["ISF-P1", "KER-P1"]},
            format="json",
        )
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["organizations"])


def test_duplicate_working_group_code_names_the_field(cast: Cast):
    client = client_for(cast.root)
    client.post(
        GROUPS, {"code": "WG-1", "name": "یک", "owner": "NAT", "organizations": ["NAT"]}, format="json"
    )
    with assert_nothing_changed("core.workinggroup"):
        response = client.post(
            GROUPS, {"code": "WG-1", "name": "دو", "owner": "NAT", "organizations": ["NAT"]}, format="json"
        )
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["code"])


def test_people_page_lists_only_people_in_scope(cast: Cast):
    client = Client()
    client.force_login(cast.bob)
    html = client.get("/people/").content.decode()
    assert ">bob<" in html and ">bahram<" in html
    assert ">alice<" not in html
