"""``/api/v1/users/me/``: who am I, and my display preferences."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rasad.conftest import client_for
from rasad.core.actions.people import do_grant_role
from rasad.core.api.serializers import MeSerializer, me_representation
from rasad.core.models import AuditEvent, Grant, Role, User
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

ME = "/api/v1/users/me/"


def test_me_describes_the_signed_in_person(cast: Cast):
    body = client_for(cast.ali).get(ME).json()
    assert (body["username"], body["language"], body["calendar"], body["persian_digits"]) == (
        "ali",
        "fa",
        "jalali",
        True,
    )
    assert body["memberships"] == [{"organization": "ISF-CC", "title": "", "is_primary": True}]
    assert [(g["role"], g["organization"]) for g in body["grants"]] == [("reporter", "ISF-CC")]
    assert body["requires_two_factor"] is False


def test_me_works_without_any_grant(cast: Cast):
    response = client_for(cast.charlie).get(ME)
    assert (response.status_code, response.json()["username"], response.json()["grants"]) == (
        200,
        "charlie",
        [],
    )


def test_patch_changes_preferences_through_the_action(cast: Cast):
    response = client_for(cast.alice).patch(
        ME, {"calendar": "gregorian", "persian_digits": False}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["calendar"], response.json()["persian_digits"]) == ("gregorian", False)
    alice = User.objects.get(pk=cast.alice.pk)
    assert (alice.calendar, alice.persian_digits, alice.language) == ("gregorian", False, "fa")
    event = AuditEvent.objects.get(event_type=112)
    assert event.new == {"language": "fa", "calendar": "gregorian", "persian_digits": False}


def test_patch_with_a_bad_value_names_the_field(cast: Cast):
    with assert_nothing_changed("core.user"):
        response = client_for(cast.alice).patch(ME, {"calendar": "mayan"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["calendar"]


def test_identity_fields_are_read_only(cast: Cast):
    client_for(cast.alice).patch(ME, {"username": "mallory", "is_superuser": True}, format="json")
    alice = User.objects.get(pk=cast.alice.pk)
    assert (alice.username, alice.is_superuser) == ("alice", False)


def test_anonymous_is_refused(api, cast: Cast):
    assert api.get(ME).status_code == 401


def test_the_answer_is_what_the_serializer_says_for_everyone(cast: Cast):
    # ``me`` answers without MeSerializer (it is hot); the schema and content are the serializer's.
    # Erfan's grant has expired, Wali's is through a working group; Alice also gets a disabled
    # administrator grant (listed nowhere, but it still asks for two-factor) and one that expires.
    administrator = do_grant_role(
        cast.alice, Role.objects.get(slug="administrator"), acting_user=None, organization=cast.isfahan
    )
    # No action disables a grant (revoking deletes it): a disabled one comes from the admin site.
    Grant.objects.filter(pk=administrator.pk).update(is_enabled=False)
    do_grant_role(
        cast.alice,
        Role.objects.get(slug="viewer"),
        acting_user=None,
        organization=cast.kerman,
        include_descendants=False,
        expires=timezone.now() + timedelta(days=3),
    )
    for user in [*cast.everyone.values(), cast.root]:
        fresh = User.objects.get(pk=user.pk)
        assert me_representation(fresh) == dict(MeSerializer(fresh).data), user.username
    alice = client_for(cast.alice).get(ME).json()
    assert (alice["requires_two_factor"], [g["role"] for g in alice["grants"]]) == (
        True,
        ["analyst", "viewer"],
    )
