"""The working group pages: the list the user may see, creating a group over organizations the
user may change, and changing its members. Everything goes through the people actions."""

from __future__ import annotations

import pytest
from django.test import Client

from rasad.core.actions.people import do_create_working_group
from rasad.core.audit import CoreAuditEvent
from rasad.core.models import AuditEvent, User, WorkingGroup
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast


def browser_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def group(cast: Cast) -> WorkingGroup:
    """Owned by Isfahan, with a post of each province."""
    return do_create_working_group(
        "EAST-POSTS",
        "پاسگاه‌های شرق",
        acting_user=cast.root,
        owner=cast.isfahan,
        organizations=[cast.isfahan_post, cast.kerman_post],
    )


def test_an_administrator_creates_a_working_group(cast: Cast, admin_client: Client):
    response = admin_client.post(
        "/working-groups/new/",
        {
            "code": "ISF-JOINT",
            "name": "گروه مشترك اصفهان",
            "owner": cast.isfahan.pk,
            "organizations": [cast.isfahan.pk, cast.isfahan_post.pk],
            "include_descendants": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/working-groups/"
    group = WorkingGroup.objects.get(code="ISF-JOINT")
    assert (group.name, group.owner, group.include_descendants) == ("گروه مشترک اصفهان", cast.isfahan, True)
    assert set(group.organizations.all()) == {cast.isfahan, cast.isfahan_post}
    created = AuditEvent.objects.filter(
        event_type=CoreAuditEvent.WORKING_GROUP_CREATED, object_id=str(group.pk)
    )
    assert created.count() == 1


def test_the_create_form_offers_only_organizations_in_scope(cast: Cast, admin_client: Client):
    page = admin_client.get("/working-groups/new/").content.decode()
    # Each organization is offered by name and code, the code in the reader's digits.
    assert "(ISF-P۱)" in page and "KER-P۱" not in page


def test_an_out_of_scope_member_is_a_field_error(cast: Cast, admin_client: Client):
    with assert_nothing_changed("core.workinggroup"):
        response = admin_client.post(
            "/working-groups/new/?lang=en",
            {"code": "MIXED", "name": "گروه", "owner": cast.isfahan.pk, "organizations": [cast.kerman.pk]},
        )
    assert response.status_code == 400
    assert 'data-field-error="organizations"' in response.content.decode()


def test_an_action_error_shows_next_to_its_field(cast: Cast, admin_client: Client, group: WorkingGroup):
    with assert_nothing_changed("core.workinggroup"):
        response = admin_client.post(
            "/working-groups/new/?lang=en",
            {
                "code": "EAST-POSTS",
                "name": "تکراری",
                "owner": cast.isfahan.pk,
                "organizations": [cast.isfahan.pk],
            },
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="code"' in page and "already in use" in page


def test_the_list_shows_only_groups_the_user_may_see(cast: Cast, group: WorkingGroup):
    assert "EAST-POSTS" in browser_for(cast.alice).get("/working-groups/").content.decode()
    assert "EAST-POSTS" not in browser_for(cast.bob).get("/working-groups/").content.decode()
    assert "EAST-POSTS" not in browser_for(cast.charlie).get("/working-groups/").content.decode()


def test_an_administrator_changes_members_and_keeps_those_out_of_scope(
    cast: Cast, admin_client: Client, group: WorkingGroup
):
    page = admin_client.get(f"/working-groups/{group.pk}/members/").content.decode()
    assert 'data-testid="fixed-members"' in page and cast.kerman_post.name in page
    response = admin_client.post(f"/working-groups/{group.pk}/members/", {"organizations": [cast.isfahan.pk]})
    assert response.status_code == 302
    assert set(group.organizations.all()) == {cast.isfahan, cast.kerman_post}
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.WORKING_GROUP_CHANGED)
    assert event.new == {"organizations": sorted([cast.isfahan.pk, cast.kerman_post.pk])}


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_changing_members_without_the_right_is_not_found(
    cast: Cast, group: WorkingGroup, who: str, method: str
):
    client = browser_for(getattr(cast, who))
    with assert_nothing_changed("core.workinggroup"):
        response = getattr(client, method)(
            f"/working-groups/{group.pk}/members/", {"organizations": [cast.isfahan.pk]}
        )
    assert response.status_code == 404
    assert set(group.organizations.all()) == {cast.isfahan_post, cast.kerman_post}


def test_creating_without_the_right_is_not_found(cast: Cast):
    client = browser_for(cast.alice)
    with assert_nothing_changed("core.workinggroup"):
        response = client.post(
            "/working-groups/new/",
            {"code": "X", "name": "گروه", "owner": cast.isfahan.pk, "organizations": [cast.isfahan.pk]},
        )
    assert response.status_code == 404
    assert 'data-testid="new-working-group"' not in client.get("/working-groups/").content.decode()


def test_the_list_searches_the_groups_key(cast: Cast, group: WorkingGroup, admin_client: Client):
    """The page's search is the API's (``WorkingGroupFilterSet``, ``rasad.lib.search.matching``):
    «پاسگاه‌های» is found typed with a space or joined, and a code in any case."""
    for query in ("پاسگاه های شرق", "پاسگاههاي", "east-posts"):
        page = admin_client.get("/working-groups/", {"q": query}).content.decode()
        assert "پاسگاه‌های شرق" in page, query
    assert "پاسگاه‌های شرق" not in admin_client.get("/working-groups/", {"q": "غرب"}).content.decode()
