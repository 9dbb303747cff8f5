"""The questions ``rasad.core.scope`` answers besides "which rows": who may act on an
organization, which organizations a user may act for, where their subtrees start. Each is
checked against hand-derived expectations, and ``users_who_can`` (grants asked "who covers this
organization?") against ``organization_scope`` (grants asked "what does this user cover?")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rasad.cases.models import Case
from rasad.core.actions.people import do_create_user, do_create_working_group, do_grant_role
from rasad.core.models import Grant, Organization, Role
from rasad.core.scope import (
    clear_scope_cache,
    holds_anywhere,
    organization_scope,
    organizations_for,
    subtree_roots,
    users_who_can,
)
from rasad.indicators.models import Observation
from rasad.testing.cast import Cast


def names(users) -> set[str]:
    return {user.username for user in users}


def test_users_who_can_change_cases_of_the_isfahan_post(cast: Cast):
    # Nadia (national analyst), Alice (Isfahan analyst) and Ali (Isfahan reporter) hold
    # cases.change_case over the Isfahan subtree; Root has no grant, Charlie none at all.
    assert names(users_who_can(Case, cast.isfahan_post, "change")) == {"nadia", "alice", "ali"}


def test_users_who_can_assign_cases_in_kerman(cast: Cast):
    # Reporters may not assign: only the analysts over Kerman.
    assert names(users_who_can(Case, cast.kerman, "assign")) == {"nadia", "bob"}


def test_an_expired_grant_counts_for_nobody(cast: Cast):
    ehsan = do_create_user("ehsan", acting_user=None, password=None)
    grant = do_grant_role(ehsan, Role.objects.get(slug="analyst"), acting_user=None, organization=cast.kerman)
    assert "ehsan" in names(users_who_can(Case, cast.kerman_post, "change"))
    Grant.objects.filter(pk=grant.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert "ehsan" not in names(users_who_can(Case, cast.kerman_post, "change"))
    # The cast's Erfan, whose analyst grant over Isfahan has expired, is nobody's candidate.
    assert "erfan" not in names(users_who_can(Case, cast.isfahan, "change"))


def test_a_disabled_grant_or_an_inactive_user_counts_for_nobody(cast: Cast):
    Grant.objects.filter(user=cast.bob).update(is_enabled=False)
    assert names(users_who_can(Case, cast.kerman, "assign")) == {"nadia"}
    Grant.objects.filter(user=cast.bob).update(is_enabled=True)
    type(cast.nadia).objects.filter(pk=cast.nadia.pk).update(is_active=False)
    assert names(users_who_can(Case, cast.kerman, "assign")) == {"bob"}


def _group_member(cast: Cast, *, group_subtree: bool, grant_subtree: bool):
    group = do_create_working_group(
        f"WG-{group_subtree}-{grant_subtree}",
        "کارگروه مشترک",
        acting_user=None,
        owner=cast.national,
        organizations=[cast.isfahan, cast.kerman],
        include_descendants=group_subtree,
    )
    wali = do_create_user(f"wali-{group_subtree}-{grant_subtree}", acting_user=None, password=None)
    do_grant_role(
        wali,
        Role.objects.get(slug="analyst"),
        acting_user=None,
        working_group=group,
        include_descendants=grant_subtree,
    )
    return wali


@pytest.mark.parametrize(
    ("group_subtree", "grant_subtree", "reaches_posts"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_a_working_group_reaches_members_subtrees_only_when_group_and_grant_both_say_so(
    cast: Cast, group_subtree: bool, grant_subtree: bool, reaches_posts: bool
):
    wali = _group_member(cast, group_subtree=group_subtree, grant_subtree=grant_subtree)
    assert wali.username in names(users_who_can(Case, cast.isfahan, "change"))
    assert wali.username in names(users_who_can(Case, cast.kerman, "change"))
    assert (wali.username in names(users_who_can(Case, cast.isfahan_post, "change"))) is reaches_posts
    assert wali.username not in names(users_who_can(Case, cast.national, "change"))
    expected = {"ISF-CC", "KER-CC"} | ({"ISF-P1", "KER-P1"} if reaches_posts else set())
    assert set(organizations_for(wali, Case, "change").values_list("code", flat=True)) == expected


PERMISSIONS = [
    (Case, "view"),
    (Case, "change"),
    (Case, "assign"),
    (Observation, "add"),
    (Observation, "approve"),
    (Organization, "change"),
]


def test_users_who_can_agrees_with_organization_scope_everywhere(cast: Cast):
    """The two directions of the same grants give the same answer for every user, organization
    and permission (a working-group member and an expired grant included)."""
    member = _group_member(cast, group_subtree=True, grant_subtree=False)
    people = [*cast.everyone.values(), member]
    for model, action in PERMISSIONS:
        for organization in Organization.objects.all():
            who = names(users_who_can(model, organization, action))
            for person in people:
                clear_scope_cache(person)
                holds = organization_scope(person, model, action).contains(organization)
                assert (person.username in who) is holds, (person.username, organization.code, action)


def test_organizations_for_is_what_a_reporter_may_report_for(cast: Cast):
    # Ali may add observations for the Isfahan command centre and its post, and nothing else.
    assert list(organizations_for(cast.ali, Observation, "add").values_list("code", flat=True)) == [
        "ISF-CC",
        "ISF-P1",
    ]
    assert not organizations_for(cast.charlie, Observation, "add").exists()


def test_organizations_for_leaves_closed_organizations_out_unless_asked(cast: Cast):
    Organization.objects.filter(pk=cast.isfahan_post.pk).update(closed_on=timezone.localdate())
    assert list(organizations_for(cast.ali, Observation, "add").values_list("code", flat=True)) == ["ISF-CC"]
    assert set(
        organizations_for(cast.ali, Observation, "add", include_closed=True).values_list("code", flat=True)
    ) == {"ISF-CC", "ISF-P1"}


def test_holds_anywhere(cast: Cast):
    assert holds_anywhere(cast.ali, Observation, "add")
    assert holds_anywhere(cast.ali, "indicators.add_observation")
    assert not holds_anywhere(cast.ali, Observation, "approve")
    assert not holds_anywhere(cast.charlie, Observation, "view")
    assert holds_anywhere(cast.root, Observation, "approve")


def test_subtree_roots(cast: Cast):
    assert set(subtree_roots(cast.alice, Observation).values_list("code", flat=True)) == {"ISF-CC"}
    assert set(subtree_roots(cast.nadia, Observation).values_list("code", flat=True)) == {"NAT"}
    assert set(subtree_roots(cast.root, Observation).values_list("code", flat=True)) == {"NAT"}
    assert not subtree_roots(cast.charlie, Observation).exists()


def test_a_grant_without_its_subtree_is_no_subtree_root(cast: Cast):
    dina = do_create_user("dina", acting_user=None, password=None)
    do_grant_role(
        dina,
        Role.objects.get(slug="viewer"),
        acting_user=None,
        organization=cast.kerman,
        include_descendants=False,
    )
    assert not subtree_roots(dina, Observation).exists()
    assert not organization_scope(dina, Observation, "view").covers_subtree(cast.kerman)
    assert organization_scope(dina, Observation, "view").contains(cast.kerman)
