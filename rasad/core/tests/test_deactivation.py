"""A person who has left is deactivated: no sign-in, no session, no API token, no place in any list
of assignees or recipients; memberships and grants stay, and taking them back restores access."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from rasad.conftest import client_for
from rasad.core.access import ObjectNotFound
from rasad.core.actions.people import do_set_user_active
from rasad.core.actions.tokens import do_create_api_token
from rasad.core.audit import CoreAuditEvent
from rasad.core.models import ApiToken, AuditEvent, Grant, Organization, User
from rasad.core.scope import users_who_can
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import PASSWORD, Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def _sign_in(username: str) -> int:
    client = Client()
    return client.post(
        "/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    ).status_code


def test_a_deactivated_person_is_out_everywhere_and_comes_back_with_the_same_grants(cast: Cast):
    session = signed_in_client(cast.alice)
    assert session.get(reverse("core:organization-list")).status_code == 200
    token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="sync")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get("/api/v1/users/me/").status_code == 200
    assert cast.alice in users_who_can("cases.change_case", cast.isfahan)
    grants = set(Grant.objects.filter(user=cast.alice).values_list("pk", flat=True))

    do_set_user_active(cast.alice, False, acting_user=cast.root)

    # The open session ends at its next request; the token is revoked; sign-in is refused.
    assert session.get(reverse("core:organization-list")).status_code == 302
    assert bearer.get("/api/v1/users/me/").status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert _sign_in("alice") == 200  # the sign-in page again, with its error
    assert cast.alice not in users_who_can("cases.change_case", cast.isfahan)
    assert set(Grant.objects.filter(user=cast.alice).values_list("pk", flat=True)) == grants
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.USER_DEACTIVATED)
    assert (event.actor_id, event.object_id) == (cast.root.pk, str(cast.alice.pk))
    assert event.new == {"is_active": False, "api_tokens_revoked": 1}

    do_set_user_active(User.objects.get(pk=cast.alice.pk), True, acting_user=cast.root)
    assert _sign_in("alice") == 302
    assert cast.alice in users_who_can("cases.change_case", cast.isfahan)
    assert bearer.get("/api/v1/users/me/").status_code == 401  # a revoked token stays revoked
    assert AuditEvent.objects.filter(event_type=CoreAuditEvent.USER_REACTIVATED).count() == 1


def test_who_may_deactivate_whom(cast: Cast):
    with pytest.raises(ValidationError) as own:
        do_set_user_active(cast.root, False, acting_user=cast.root)
    assert "user" in own.value.message_dict
    with pytest.raises(ObjectNotFound):  # an analyst changes no people
        do_set_user_active(cast.ali, False, acting_user=cast.nadia)
    with pytest.raises(ValidationError) as twice:
        do_set_user_active(cast.ali, True, acting_user=cast.root)
    assert list(twice.value.message_dict) == ["user"]
    assert User.objects.filter(is_active=False).count() == 0
    assert not AuditEvent.objects.filter(
        event_type__in=[CoreAuditEvent.USER_DEACTIVATED, CoreAuditEvent.USER_REACTIVATED]
    ).exists()


def test_an_administrator_over_a_subtree_deactivates_its_people_but_no_platform_administrator(cast: Cast):
    from rasad.core.actions.people import do_grant_role
    from rasad.core.models import Role

    admin = User.objects.create(username="isf-admin", display_name="مدیر اصفهان")
    do_grant_role(admin, Role.objects.get(slug="administrator"), acting_user=None, organization=cast.isfahan)
    do_set_user_active(cast.ali, False, acting_user=admin)
    assert not User.objects.get(pk=cast.ali.pk).is_active
    with pytest.raises(ObjectNotFound):  # Kerman's people are not Isfahan's administrator's
        do_set_user_active(cast.bahram, False, acting_user=admin)
    cast.root.memberships.create(organization=cast.isfahan)
    with pytest.raises(ValidationError):
        do_set_user_active(cast.root, False, acting_user=admin)
    assert User.objects.get(pk=cast.root.pk).is_active


def test_from_the_people_list_and_the_api(cast: Cast):
    root = signed_in_client(cast.root)
    people = root.get(reverse("core:people-list")).content.decode()
    assert reverse("core:user-deactivate", args=[cast.alice.pk]) in people
    assert reverse("core:user-deactivate", args=[cast.root.pk]) not in people  # never oneself
    assert (
        'data-testid="deactivate"'
        not in signed_in_client(cast.alice).get(reverse("core:people-list")).content.decode()
    )

    assert root.post(reverse("core:user-deactivate", args=[cast.alice.pk])).status_code == 302
    page = root.get(reverse("core:people-list")).content.decode()
    assert 'data-testid="deactivated"' in page
    assert reverse("core:user-reactivate", args=[cast.alice.pk]) in page
    assert root.post(reverse("core:user-reactivate", args=[cast.alice.pk])).status_code == 302
    assert User.objects.get(pk=cast.alice.pk).is_active

    # The API: out of scope reads as missing and changes nothing; a second deactivation is a 400
    # that names the field.
    with assert_nothing_changed("core.user"):
        refused = client_for(cast.nadia).post(f"/api/v1/users/{cast.ali.pk}/deactivate/")
    missing = client_for(cast.nadia).post("/api/v1/users/2000000000/deactivate/")
    assert refused.status_code == 404
    assert error_without_request_id(refused) == error_without_request_id(missing)
    done = client_for(cast.root).post(f"/api/v1/users/{cast.ali.pk}/deactivate/")
    assert done.status_code == 200 and done.json()["is_active"] is False
    again = client_for(cast.root).post(f"/api/v1/users/{cast.ali.pk}/deactivate/")
    assert again.status_code == 400
    assert list(again.json()["error"]["fields"]) == ["user"]
    back = client_for(cast.root).post(f"/api/v1/users/{cast.ali.pk}/reactivate/")
    assert back.status_code == 200 and back.json()["is_active"] is True
    assert Organization.objects.filter(pk=cast.isfahan.pk).exists()
