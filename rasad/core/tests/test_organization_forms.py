"""Organization pages: create, edit, move and close through forms; bad input next to its field."""

from __future__ import annotations

import datetime

from django.test import Client

from rasad.core.models import AuditEvent, Organization, OrganizationParentHistory
from rasad.core.tests.conftest import verified_client
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

NEW = "/organizations/new/"


def form(parent: Organization, **values: object) -> dict[str, object]:
    return {"code": "ISF-P2", "name": "پاسگاه مرزی دو", "kind": "field_post", "parent": parent.pk, **values}


def field_errors(response) -> set[str]:
    import re

    return set(re.findall(r'data-field-error="([a-z_]+)"', response.content.decode()))


def test_parent_choices_are_only_where_the_user_may_add(cast: Cast, admin_client):
    import re

    html = admin_client.get(NEW).content.decode()
    match = re.search(r'<select name="parent".*?</select>', html, re.S)
    assert match is not None
    select = match.group(0)
    assert re.findall(r'value="(\d+)"', select) == [str(cast.isfahan.pk), str(cast.isfahan_post.pk)]


def test_create_redirects_to_the_new_organization(cast: Cast, admin_client):
    response = admin_client.post(
        NEW, form(cast.isfahan, latitude="33.6", longitude="54.9", opened_on="۱۴۰۳/۰۱/۱۵")
    )
    created = Organization.objects.get(code="ISF-P2")
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{created.pk}/"
    assert created.province is not None
    assert (created.parent_id, created.province.code, created.opened_on) == (
        cast.isfahan.pk,
        "10",
        datetime.date(2024, 4, 3),
    )


def test_create_under_another_province_is_refused_at_the_parent_field(cast: Cast, admin_client):
    with assert_nothing_changed("core.organization"):
        response = admin_client.post(NEW, form(cast.kerman))
    assert response.status_code == 200
    assert field_errors(response) == {"parent"}


def test_action_errors_are_shown_next_to_their_fields(cast: Cast, admin_client):
    with assert_nothing_changed("core.organization"):
        response = admin_client.post(NEW, form(cast.isfahan, code="ISF-P1", latitude="41", longitude="29"))
    assert field_errors(response) == {"code", "latitude"}


def test_a_bad_jalali_date_is_shown_next_to_its_field(cast: Cast, admin_client):
    with assert_nothing_changed("core.organization"):
        response = admin_client.post(NEW, form(cast.isfahan, opened_on="1403/13/01"))
    assert field_errors(response) == {"opened_on"}


def test_users_who_may_not_add_get_404(cast: Cast):
    client = Client()
    client.force_login(cast.alice)
    assert client.get(NEW).status_code == 404
    assert client.get("/organizations/import/").status_code == 404


def current_values(organization: Organization, user) -> dict[str, object]:
    """What the edit page posts back when nothing is touched."""
    from rasad.core.forms import OrganizationForm

    initial = OrganizationForm(user=user, instance=organization).initial
    return {key: ("" if value is None else value) for key, value in initial.items()}


def test_edit_saves_through_the_action(cast: Cast, admin_client, isfahan_admin):
    url = f"/organizations/{cast.isfahan_post.pk}/edit/"
    values = current_values(cast.isfahan_post, isfahan_admin)
    response = admin_client.post(url, {**values, "name": "پاسگاه مرزي يک", "sector_tags": "مرزی، امنیتی"})
    assert response.status_code == 302
    post = Organization.objects.get(pk=cast.isfahan_post.pk)
    assert (post.name, post.sector_tags) == ("پاسگاه مرزی یک", ["امنیتی", "مرزی"])
    event = AuditEvent.objects.filter(event_type=102, object_id=str(post.pk)).get()
    assert event.new == {"sector_tags": ["امنیتی", "مرزی"]}


def test_edit_out_of_scope_is_404(cast: Cast, admin_client):
    with assert_nothing_changed("core.organization"):
        assert admin_client.get(f"/organizations/{cast.kerman_post.pk}/edit/").status_code == 404
        assert (
            admin_client.post(f"/organizations/{cast.kerman_post.pk}/edit/", form(cast.kerman)).status_code
            == 404
        )


def test_edit_with_duplicate_code_names_the_code_field(cast: Cast, admin_client):
    with assert_nothing_changed("core.organization"):
        response = admin_client.post(
            f"/organizations/{cast.isfahan_post.pk}/edit/", form(cast.isfahan, code="ISF-CC")
        )
    assert field_errors(response) == {"code"}


def test_move_keeps_parent_history(cast: Cast, admin_client):
    admin_client.post(NEW, form(cast.isfahan, code="ISF-P2"))
    new_parent = Organization.objects.get(code="ISF-P2")
    response = admin_client.post(f"/organizations/{cast.isfahan_post.pk}/move/", {"parent": new_parent.pk})
    assert response.status_code == 302
    moved = Organization.objects.get(pk=cast.isfahan_post.pk)
    assert (moved.parent_id, moved.depth, moved.path) == (
        new_parent.pk,
        3,
        f"{new_parent.path}{moved.pk:08d}/",
    )
    history = list(
        OrganizationParentHistory.objects.filter(organization=moved)
        .order_by("valid_from")
        .values_list("parent_id", flat=True)
    )
    assert history == [cast.isfahan.pk, new_parent.pk]
    assert AuditEvent.objects.filter(event_type=103, object_id=str(moved.pk)).count() == 1


def test_move_out_of_scope_is_refused_at_the_parent_field(cast: Cast, admin_client):
    with assert_nothing_changed("core.organization", "core.organizationparenthistory"):
        response = admin_client.post(
            f"/organizations/{cast.isfahan_post.pk}/move/", {"parent": cast.kerman.pk}
        )
    assert response.status_code == 200
    assert field_errors(response) == {"parent"}


def test_edit_to_a_new_parent_moves_too(cast: Cast):
    client = verified_client(cast.root)
    response = client.post(
        f"/organizations/{cast.isfahan_post.pk}/edit/",
        form(cast.kerman, code="ISF-P1", name="پاسگاه مرزی یک"),
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=cast.isfahan_post.pk).parent_id == cast.kerman.pk
    assert AuditEvent.objects.filter(event_type=103, object_id=str(cast.isfahan_post.pk)).count() == 1


def test_close_sets_the_date_and_is_audited(cast: Cast, admin_client):
    response = admin_client.post(f"/organizations/{cast.isfahan_post.pk}/close/", {"closed_on": "1404/01/10"})
    assert response.status_code == 302
    closed = Organization.objects.get(pk=cast.isfahan_post.pk)
    assert closed.closed_on == datetime.date(2025, 3, 30)
    event = AuditEvent.objects.get(event_type=104)
    assert (event.object_id, event.new) == (str(closed.pk), {"closed_on": "2025-03-30"})


def test_closing_with_active_children_is_refused(cast: Cast, admin_client):
    with assert_nothing_changed("core.organization"):
        response = admin_client.post(f"/organizations/{cast.isfahan.pk}/close/", {"closed_on": "1404/01/10"})
    assert field_errors(response) == {"closed_on"}


def test_detail_shows_edit_buttons_only_to_those_who_may_change(cast: Cast, admin_client):
    url = f"/organizations/{cast.isfahan_post.pk}/"
    assert 'data-testid="org-edit"' in admin_client.get(url).content.decode()
    assert 'data-testid="org-move"' in admin_client.get(url).content.decode()
    reporter = Client()
    reporter.force_login(cast.ali)
    html = reporter.get(url).content.decode()
    assert 'data-testid="org-edit"' not in html
    assert 'data-testid="org-move"' not in html


def test_tree_search_matches_spelling_variants(cast: Cast):
    client = Client()
    client.force_login(cast.nadia)
    for query in ["كرمان", "کرمان", "فرماندهي"]:
        html = client.get("/organizations/", {"q": query}).content.decode()
        assert ">KER-CC<" in html, query
        assert ">ISF-P1<" not in html, query
