"""The rules every generic scoped view (``rasad.web.generic``) applies, shown on core's pages, and
the structural rule that view modules hold no scoping of their own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.test import Client

from rasad.core.actions.people import do_grant_role
from rasad.core.models import Grant, Role
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


@pytest.fixture
def isfahan_admin(cast: Cast):
    do_grant_role(
        cast.alice, Role.objects.get(slug="administrator"), acting_user=None, organization=cast.isfahan
    )
    return cast.alice


def test_signed_out_visitors_are_sent_to_sign_in(cast: Cast):
    response = Client().get(f"/organizations/{cast.isfahan.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(("name", "status"), [("charlie", 404), ("alice", 404), ("ali", 404), ("root", 200)])
def test_a_create_form_is_offered_only_to_who_may_create_somewhere(cast: Cast, name: str, status: int):
    # Analysts and reporters hold no core.add_organization anywhere.
    user = cast.root if name == "root" else cast.everyone[name]
    assert signed_in_client(user).get("/organizations/new/").status_code == status


def test_a_form_that_creates_under_an_object_needs_add_there(cast: Cast, isfahan_admin):
    client = signed_in_client(isfahan_admin)
    assert client.get(f"/organizations/{cast.isfahan_post.pk}/grants/new/").status_code == 200
    assert client.get(f"/organizations/{cast.kerman.pk}/grants/new/").status_code == 404
    # Nadia sees Isfahan but holds no core.add_grant: the page is refused like a missing one.
    assert (
        signed_in_client(cast.nadia).get(f"/organizations/{cast.isfahan.pk}/grants/new/").status_code == 404
    )


def test_a_refusal_reads_exactly_like_a_missing_object(cast: Cast, isfahan_admin):
    client = signed_in_client(isfahan_admin)
    hidden = client.get(f"/organizations/{cast.kerman.pk}/edit/")
    missing = client.get("/organizations/999999/edit/")
    assert hidden.status_code == missing.status_code == 404
    assert _without_csrf(hidden.content) == _without_csrf(missing.content)


def _without_csrf(html: bytes) -> str:
    """The page less its CSRF tokens, which differ on every response."""
    import re

    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"', "", html.decode())


def test_a_post_refused_by_scope_changes_nothing(cast: Cast):
    from rasad.testing.api import assert_nothing_changed

    grant = Grant.objects.get(user=cast.alice)
    client = signed_in_client(cast.bob)
    with assert_nothing_changed("core.grant"):
        response = client.post(f"/grants/{grant.pk}/revoke/")
    assert response.status_code == 404


def test_an_action_view_without_a_confirmation_page_answers_get_with_405(cast: Cast):
    grant = Grant.objects.get(user=cast.alice)
    assert signed_in_client(cast.root).get(f"/grants/{grant.pk}/revoke/").status_code == 405


def test_api_tokens_are_their_owners_only(cast: Cast):
    from rasad.core.actions.tokens import do_create_api_token

    token, _secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="alice")
    assert signed_in_client(cast.bob).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "alice" not in signed_in_client(cast.bob).get("/account/tokens/").content.decode()


# ---------------------------------------------------------------------------------------------
# No view module applies scope by hand: it names a model and a verb, and the generic views do it.
# ---------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
# Calls that apply or compute scope; a view module reaches them only through rasad.web.generic.
SCOPING_CALLS = {
    "visible_to",
    "access_object",
    "access_organization_by_id",
    "organization_scope",
    "scope_for_permission",
    "organizations_for",
    "holds_anywhere",
    "users_who_can",
    "visible_events",
}
PORTED = ["core", "indicators", "cases", "web", "intake", "comms", "jobs", "reports"]


def _view_modules():
    for app in PORTED:
        base = ROOT / app
        yield from sorted(base.glob("views.py"))
        yield from sorted(base.glob("views/*.py"))


def _scoping_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            on_self = isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "self"
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in SCOPING_CALLS and not on_self:
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {name}()")
        if isinstance(node, ast.ImportFrom) and node.module in {"rasad.core.scope", "rasad.core.access"}:
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} imports {node.module}")
    return found


@pytest.mark.parametrize("path", list(_view_modules()), ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_view_modules_hold_no_hand_written_scoping(path: Path):
    assert _scoping_calls(path) == []


@pytest.mark.parametrize("path", list(_view_modules()), ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_view_modules_need_no_cast_of_request_user(path: Path):
    assert "request.user  # type: ignore" not in path.read_text()
