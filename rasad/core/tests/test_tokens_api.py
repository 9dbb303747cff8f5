"""API tokens over the API and in "My API tokens": own tokens only, the secret shown once."""

from __future__ import annotations

from django.test import Client

from rasad.conftest import client_for
from rasad.core.actions.tokens import do_create_api_token
from rasad.core.models import ApiToken, AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

LIST = "/api/v1/api-tokens/"


def test_create_returns_the_secret_once_and_it_works(cast: Cast, api):
    response = client_for(cast.alice).post(LIST, {"name": "گزارش شبانه"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("rsd_")
    assert body["prefix"] == body["secret"][:10]
    assert (
        api.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Bearer {body['secret']}").json()["count"] == 2
    )
    listed = client_for(cast.alice).get(f"{LIST}{body['id']}/").json()
    assert "secret" not in listed
    assert AuditEvent.objects.filter(event_type=150, object_id=str(body["id"])).count() == 1


def test_list_shows_only_my_tokens(cast: Cast):
    mine, _secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="mine")
    do_create_api_token(cast.bob, acting_user=cast.bob, name="bob's")
    response = client_for(cast.alice).get(LIST)
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_someone_elses_token_is_404(cast: Cast):
    token, _secret = do_create_api_token(cast.bob, acting_user=cast.bob, name="bob's")
    client = client_for(cast.alice)
    with assert_nothing_changed("core.apitoken"):
        assert client.get(f"{LIST}{token.pk}/").status_code == 404
        assert client.post(f"{LIST}{token.pk}/revoke/").status_code == 404


def test_revoke_makes_the_token_useless(cast: Cast, api):
    token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    response = client_for(cast.alice).post(f"{LIST}{token.pk}/revoke/")
    assert response.status_code == 200
    assert (response.json()["revoked_at"] is not None, response.json()["is_usable"]) == (True, False)
    assert api.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert AuditEvent.objects.filter(event_type=151, object_id=str(token.pk)).count() == 1


def test_bad_input_names_the_field(cast: Cast):
    client = client_for(cast.alice)
    with assert_nothing_changed("core.apitoken"):
        blank = client.post(LIST, {"name": "  "}, format="json")
        past = client.post(LIST, {"name": "x", "expires": "2020-01-01T00:00:00Z"}, format="json")
    assert (blank.status_code, list(blank.json()["error"]["fields"])) == (400, ["name"])
    assert (past.status_code, list(past.json()["error"]["fields"])) == (400, ["expires"])


def test_anonymous_is_refused(api, cast: Cast):
    assert api.get(LIST).status_code == 401


def test_my_tokens_page_shows_the_secret_once(cast: Cast):
    client = Client()
    client.force_login(cast.charlie)
    response = client.post("/account/tokens/", {"name": "اسکریپت"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=cast.charlie)
    html = response.content.decode()
    assert 'data-testid="token-secret"' in html
    assert token.prefix in html
    assert 'data-testid="token-secret"' not in client.get("/account/tokens/").content.decode()


def test_my_tokens_page_revokes_only_my_tokens(cast: Cast):
    bobs, _secret = do_create_api_token(cast.bob, acting_user=cast.bob, name="bob's")
    client = Client()
    client.force_login(cast.alice)
    with assert_nothing_changed("core.apitoken"):
        assert client.post(f"/account/tokens/{bobs.pk}/revoke/").status_code == 404
    mine, _secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="mine")
    assert client.post(f"/account/tokens/{mine.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None


def test_an_administrator_session_without_two_factor_cannot_mint_a_token(cast: Cast):
    from rasad.core.tests.conftest import make_administrator

    make_administrator(cast.alice, cast.isfahan)
    client = Client()
    client.force_login(cast.alice)
    with assert_nothing_changed("core.apitoken"):
        response = client.post(LIST, {"name": "bypass"}, content_type="application/json")
    # Such a session is no authentication for the API at all.
    assert response.status_code == 401


def test_an_administrator_past_two_factor_mints_a_token(cast: Cast):
    from rasad.core.tests.conftest import make_administrator, verified_client

    make_administrator(cast.alice, cast.isfahan)
    response = verified_client(cast.alice).post(LIST, {"name": "ok"}, content_type="application/json")
    assert response.status_code == 201
