"""The organizations endpoint: the authorization matrix, writes through actions, and bad input."""

from __future__ import annotations

import pytest

from rasad.conftest import client_for
from rasad.core.models import AuditEvent, Organization
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast

LIST = "/api/v1/organizations/"


def detail(org):
    return f"{LIST}{org.pk}/"


def test_anonymous_is_refused(api, cast: Cast):
    with assert_nothing_changed("core.organization"):
        assert api.get(LIST).status_code == 401
        assert api.post(LIST, {"code": "X", "name": "x", "kind": "company"}).status_code == 401


@pytest.mark.parametrize(
    ("name", "expected"),
    [("nadia", 5), ("alice", 2), ("bob", 2), ("charlie", 0)],
)
def test_list_is_scoped(cast: Cast, name, expected):
    response = client_for(cast.everyone[name]).get(LIST)
    assert response.status_code == 200
    assert response.json()["count"] == expected


@pytest.mark.parametrize("name", ["alice", "ali", "charlie"])
def test_out_of_scope_detail_is_404_like_a_missing_one(cast: Cast, name):
    client = client_for(cast.everyone[name])
    out_of_scope = client.get(detail(cast.kerman))
    missing = client.get(f"{LIST}999999/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert error_without_request_id(out_of_scope) == error_without_request_id(missing)


def test_out_of_scope_read_is_audited(cast: Cast):
    client_for(cast.alice).get(detail(cast.kerman))
    event = AuditEvent.objects.filter(event_type=140).get()
    assert (event.actor_id, event.object_id, event.extra) == (
        cast.alice.pk,
        str(cast.kerman.pk),
        {"action": "view"},
    )


def test_in_scope_detail_shows_the_fields(cast: Cast):
    body = client_for(cast.alice).get(detail(cast.isfahan_post)).json()
    assert body["code"] == "ISF-P1"
    assert body["parent"] == "ISF-CC"
    assert body["province"] == "10"
    assert body["display"] == "پاسگاه مرزی یک"
    assert body["url"].endswith(detail(cast.isfahan_post))


@pytest.mark.parametrize("name", ["alice", "ali", "bob", "charlie"])
def test_out_of_scope_or_unprivileged_update_changes_nothing(cast: Cast, name):
    client = client_for(cast.everyone[name])
    with assert_nothing_changed("core.organization"):
        response = client.patch(detail(cast.kerman_post), {"name": "ربوده"})
    assert response.status_code == 404 if name != "bob" else response.status_code in (404, 403)


def test_admin_creates_under_scope(cast: Cast):
    from rasad.core.actions.people import do_grant_role
    from rasad.core.models import Role

    do_grant_role(
        cast.alice, Role.objects.get(slug="administrator"), acting_user=None, organization=cast.isfahan
    )
    response = client_for(cast.alice).post(
        LIST,
        {
            "code": "ISF-P2",
            "name": "پاسگاه مرزی دو",
            "kind": "field_post",
            "parent": "ISF-CC",
            "latitude": 33.6,
            "longitude": 54.9,
            "sector_tags": ["مرزی"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = Organization.objects.get(code="ISF-P2")
    assert created.province is not None
    assert (created.parent_id, created.province.code, created.depth) == (cast.isfahan.pk, "10", 2)
    assert AuditEvent.objects.filter(event_type=101, object_id=str(created.pk)).count() == 1


def test_admin_cannot_create_under_another_province(cast: Cast):
    from rasad.core.actions.people import do_grant_role
    from rasad.core.models import Role

    do_grant_role(
        cast.alice, Role.objects.get(slug="administrator"), acting_user=None, organization=cast.isfahan
    )
    with assert_nothing_changed("core.organization"):
        response = client_for(cast.alice).post(
            LIST, {"code": "KER-P9", "name": "نفوذی", "kind": "field_post", "parent": "KER-CC"}, format="json"
        )
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"province": "99"}, "province", "99"),
        ({"latitude": 41.0, "longitude": 29.0}, "latitude", "outside Iran"),
        ({"latitude": 30.28, "longitude": 57.08, "province": "10"}, "province", "another province"),
        ({"latitude": 33.0}, "latitude", "both"),
        ({"kind": "spaceship"}, "kind", "spaceship"),
        ({"code": "ISF-CC"}, "code", "ISF-CC"),
        ({"opened_on": "2025-01-02", "closed_on": "2024-01-01"}, "closed_on", "before"),
    ],
)
def test_bad_input_names_the_field(cast: Cast, payload, field, fragment):
    client = client_for(cast.root)
    body = {"code": "NEW-1", "name": "تازه", "kind": "company", "parent": "NAT", **payload}
    with assert_nothing_changed("core.organization"):
        response = client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"], error
    assert fragment in " ".join(error["fields"][field])


def test_cycle_is_refused(cast: Cast):
    with assert_nothing_changed("core.organization"):
        response = client_for(cast.root).patch(detail(cast.national), {"parent": "ISF-P1"}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]


def test_errors_are_translated_to_persian_by_default(cast: Cast):
    response = client_for(cast.root).post(LIST, {"code": "", "name": "", "kind": "company"}, format="json")
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in message), message


def test_persian_search_matches_spelling_variants(cast: Cast):
    client = client_for(cast.nadia)
    for query in ["كرمان", "کرمان", "فرماندهي"]:
        codes = {row["code"] for row in client.get(LIST, {"q": query}).json()["results"]}
        assert "KER-CC" in codes, query


def test_list_query_count_is_constant(cast: Cast, django_assert_max_num_queries):
    client = client_for(cast.nadia)
    client.get(LIST)
    with django_assert_max_num_queries(8):
        client.get(LIST)
