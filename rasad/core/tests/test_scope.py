"""Who sees which organizations: the cast's comments, asserted."""

from __future__ import annotations

import pytest

from rasad.core.models import Organization
from rasad.testing.cast import Cast


def codes_visible_to(user, action="view"):
    return set(Organization.objects.visible_to(user, action).values_list("code", flat=True))


ALL = {"NAT", "ISF-CC", "ISF-P1", "KER-CC", "KER-P1"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nadia", ALL),
        ("alice", {"ISF-CC", "ISF-P1"}),
        ("ali", {"ISF-CC", "ISF-P1"}),
        ("bob", {"KER-CC", "KER-P1"}),
        ("bahram", {"KER-CC", "KER-P1"}),
        ("charlie", set()),
    ],
)
def test_each_cast_member_sees_exactly_their_subtree(cast: Cast, name, expected):
    assert codes_visible_to(cast.everyone[name]) == expected


def test_superuser_sees_everything(cast: Cast):
    assert codes_visible_to(cast.root) == ALL


def test_reporter_may_not_change_organizations(cast: Cast):
    assert codes_visible_to(cast.ali, "change") == set()


def test_anonymous_sees_nothing(cast: Cast):
    from django.contrib.auth.models import AnonymousUser

    assert codes_visible_to(AnonymousUser()) == set()


def test_grant_without_descendants_covers_only_that_organization(cast: Cast):
    from rasad.core.actions.people import do_create_user, do_grant_role
    from rasad.core.models import Role

    dina = do_create_user("dina", acting_user=None, password=None)
    do_grant_role(
        dina,
        Role.objects.get(slug="viewer"),
        acting_user=None,
        organization=cast.isfahan,
        include_descendants=False,
    )
    assert codes_visible_to(dina) == {"ISF-CC"}


def test_working_group_grant_spans_organizations_outside_one_subtree(cast: Cast):
    # Wali is a viewer through the cast's working group of the two command centres.
    assert codes_visible_to(cast.wali) == {"ISF-CC", "KER-CC"}


def test_the_cast_member_with_an_expired_grant_sees_nothing(cast: Cast):
    assert codes_visible_to(cast.erfan) == set()


def test_expired_grant_gives_nothing(cast: Cast):
    from datetime import timedelta

    from django.utils import timezone

    from rasad.core.actions.people import do_create_user, do_grant_role
    from rasad.core.models import Grant, Role
    from rasad.core.scope import clear_scope_cache

    erfan = do_create_user("erfan-kerman", acting_user=None, password=None)
    grant = do_grant_role(
        erfan,
        Role.objects.get(slug="viewer"),
        acting_user=None,
        organization=cast.kerman,
        expires=timezone.now() + timedelta(minutes=5),
    )
    assert codes_visible_to(erfan) == {"KER-CC", "KER-P1"}
    # Time passes: the expiry is now behind us.
    Grant.objects.filter(pk=grant.pk).update(expires=timezone.now() - timedelta(seconds=1))
    clear_scope_cache(erfan)
    assert codes_visible_to(erfan) == set()


def test_moving_an_organization_moves_its_subtree_into_the_new_scope(cast: Cast):
    from rasad.core.actions.organizations import do_move_organization

    do_move_organization(cast.kerman_post, cast.isfahan, acting_user=cast.root)
    assert codes_visible_to(cast.alice) == {"ISF-CC", "ISF-P1", "KER-P1"}
    assert codes_visible_to(cast.bob) == {"KER-CC"}
