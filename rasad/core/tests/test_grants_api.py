"""Grants: scoped lists, an administrator manages grants only within their subtree, no escalation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from rasad.conftest import client_for
from rasad.core.actions.people import do_grant_role
from rasad.core.models import AuditEvent, Grant, Role
from rasad.core.tests.conftest import verified_client
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

LIST = "/api/v1/grants/"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Erfan's grant over ISF-CC has expired but is still a record in scope; Wali's is over the
        # cast's working group, owned by the national body.
        ("nadia", {"nadia", "alice", "ali", "bob", "bahram", "erfan", "wali"}),
        ("alice", {"alice", "ali", "erfan"}),
        ("bob", {"bob", "bahram"}),
        ("charlie", set()),
    ],
)
def test_list_is_scoped(cast: Cast, name, expected):
    response = client_for(cast.everyone[name]).get(LIST)
    assert response.status_code == 200
    assert {row["user"] for row in response.json()["results"]} == expected


def test_isfahan_administrator_grants_within_isfahan(cast: Cast, isfahan_admin):
    response = client_for(isfahan_admin).post(
        LIST, {"user": "ali", "role": "viewer", "organization": "ISF-P1"}, format="json"
    )
    assert response.status_code == 201, response.json()
    grant = Grant.objects.get(pk=response.json()["id"])
    assert (grant.user_id, grant.role.slug, grant.organization_id) == (
        cast.ali.pk,
        "viewer",
        cast.isfahan_post.pk,
    )
    (event,) = [e for e in AuditEvent.objects.filter(event_type=120) if e.new["grant"] == grant.pk]
    assert (event.actor_id, event.organization_id) == (isfahan_admin.pk, cast.isfahan_post.pk)


def test_isfahan_administrator_cannot_grant_over_kerman(cast: Cast, isfahan_admin):
    with assert_nothing_changed("core.grant"):
        response = client_for(isfahan_admin).post(
            LIST, {"user": "alice", "role": "viewer", "organization": "KER-CC"}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["organization"]


def test_isfahan_administrator_cannot_grant_to_a_kerman_person(cast: Cast, isfahan_admin):
    with assert_nothing_changed("core.grant"):
        response = client_for(isfahan_admin).post(
            LIST, {"user": "bahram", "role": "viewer", "organization": "ISF-CC"}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["user"]


def test_a_viewer_of_kerman_without_grant_rights_gets_403(cast: Cast):
    """Nadia sees Kerman but holds ``core.add_grant`` nowhere: refused before validation."""
    with assert_nothing_changed("core.grant"):
        response = client_for(cast.nadia).post(
            LIST, {"user": "bahram", "role": "viewer", "organization": "KER-CC"}, format="json"
        )
    assert response.status_code == 403


def test_a_grantor_who_sees_but_cannot_grant_there_gets_404(cast: Cast):
    """Nadia, administrator of a small Isfahan post, sees Kerman (analyst over the nation) but
    may not grant there: the action refuses like a missing object."""
    from rasad.core.tests.conftest import make_administrator

    make_administrator(cast.nadia, cast.isfahan_post)
    with assert_nothing_changed("core.grant"):
        response = client_for(cast.nadia).post(
            LIST, {"user": "bahram", "role": "viewer", "organization": "KER-CC"}, format="json"
        )
    assert response.status_code == 404


def test_a_grantor_cannot_hand_out_more_than_they_hold(cast: Cast):
    granter = Role.objects.create(slug="granter", name="واگذارنده")
    granter.permissions.set(
        Permission.objects.filter(
            content_type__app_label="core", codename__in=["add_grant", "view_user", "view_organization"]
        )
    )
    do_grant_role(cast.alice, granter, acting_user=None, organization=cast.isfahan)
    with assert_nothing_changed("core.grant"):
        response = client_for(cast.alice).post(
            LIST, {"user": "ali", "role": "administrator", "organization": "ISF-CC"}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["role"]


def test_revoke_within_scope(cast: Cast, isfahan_admin):
    grant = Grant.objects.get(user=cast.ali)
    response = client_for(isfahan_admin).delete(f"{LIST}{grant.pk}/")
    assert response.status_code == 204
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.get(event_type=121).old == {
        "grant": grant.pk,
        "role": "reporter",
        "organization": cast.isfahan.pk,
        "working_group": None,
    }


def test_revoke_over_kerman_is_404_and_changes_nothing(cast: Cast, isfahan_admin):
    grant = Grant.objects.get(user=cast.bahram)
    with assert_nothing_changed("core.grant"):
        response = client_for(isfahan_admin).delete(f"{LIST}{grant.pk}/")
    assert response.status_code == 404


def test_analyst_cannot_revoke_even_in_scope(cast: Cast):
    grant = Grant.objects.get(user=cast.ali)
    with assert_nothing_changed("core.grant"):
        assert client_for(cast.alice).delete(f"{LIST}{grant.pk}/").status_code == 404


def test_expiry_in_the_past_is_refused(cast: Cast, isfahan_admin):
    with assert_nothing_changed("core.grant"):
        response = client_for(isfahan_admin).post(
            LIST,
            {"user": "ali", "role": "viewer", "organization": "ISF-CC", "expires": "2020-01-01T00:00:00Z"},
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["expires"]


# The UI: the people page and the grant form.


def test_people_page_lists_members_and_grants(cast: Cast):
    client = Client()
    client.force_login(cast.alice)
    html = client.get(f"/organizations/{cast.isfahan.pk}/people/").content.decode()
    assert "@alice" in html and "@ali" in html
    # Alice's, Ali's, and Erfan's expired one (still listed, so an administrator can see it).
    assert html.count("data-grant=") == 3
    assert 'data-testid="grant-role"' not in html  # an analyst may not grant


def test_grant_form_creates_a_grant(cast: Cast, isfahan_admin):
    client = verified_client(isfahan_admin)
    response = client.post(
        f"/organizations/{cast.isfahan_post.pk}/grants/new/",
        {
            "user": cast.ali.pk,
            "role": Role.objects.get(slug="viewer").pk,
            "include_descendants": "on",
            "expires": "1410/01/01",
        },
    )
    assert response.status_code == 302
    grant = Grant.objects.get(user=cast.ali, role__slug="viewer")
    assert (grant.organization_id, grant.include_descendants) == (cast.isfahan_post.pk, True)
    assert grant.expires is not None


def test_grant_form_over_kerman_is_404_for_an_isfahan_administrator(cast: Cast, isfahan_admin):
    client = verified_client(isfahan_admin)
    url = f"/organizations/{cast.kerman.pk}/grants/new/"
    with assert_nothing_changed("core.grant"):
        assert client.get(url).status_code == 404
        response = client.post(url, {"user": cast.alice.pk, "role": Role.objects.get(slug="viewer").pk})
    assert response.status_code == 404


def test_revoke_button_out_of_scope_is_404(cast: Cast, isfahan_admin):
    client = verified_client(isfahan_admin)
    grant = Grant.objects.get(user=cast.bob)
    with assert_nothing_changed("core.grant"):
        assert client.post(f"/grants/{grant.pk}/revoke/").status_code == 404
