"""Regression tests for leaks around the core pages and actions: each failed before its fix."""

from __future__ import annotations

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.actions.people import do_add_membership, do_grant_role
from rasad.core.models import Role
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


def test_people_list_hides_memberships_in_organizations_the_viewer_cannot_see(cast: Cast):
    # Ali is also a member of Kerman's post; Alice (Isfahan) lists him, but not that membership.
    do_add_membership(cast.ali, cast.kerman_post, acting_user=cast.root, title="مشاور")
    html = signed_in_client(cast.alice).get("/people/?q=ali").content.decode()
    assert cast.ali.display_name in html
    assert cast.kerman_post.name not in html and "مشاور" not in html
    assert cast.kerman_post.name in signed_in_client(cast.nadia).get("/people/?q=ali").content.decode()


def test_a_taken_code_of_a_hidden_organization_is_answered_neutrally(cast: Cast):
    do_grant_role(
        cast.alice, Role.objects.get(slug="administrator"), acting_user=None, organization=cast.isfahan
    )
    client = signed_in_client(cast.alice)

    def create(code: str) -> str:
        data = {"code": code, "name": "واحد تازه", "kind": "site", "parent": cast.isfahan.pk}
        return client.post("/organizations/new/?lang=en", data).content.decode()

    hidden = create("KER-P1")  # Kerman's post: Alice may not see it
    assert "is already in use; choose another." in hidden
    assert "organization already has" not in hidden and cast.kerman_post.name not in hidden


def test_the_action_gives_the_same_words_for_visible_and_hidden_codes(cast: Cast):
    import pytest
    from django.core.exceptions import ValidationError

    def message(code: str) -> str:
        with pytest.raises(ValidationError) as error:
            do_create_organization(
                OrganizationValues(code=code, name="واحد", kind="site", parent=cast.isfahan),
                acting_user=cast.root,
            )
        return error.value.message_dict["code"][0].replace(code, "<code>")

    assert message("KER-P1") == message("ISF-P1")
    assert "سازمان" not in message("KER-P1")
