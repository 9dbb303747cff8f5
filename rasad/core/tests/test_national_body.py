"""The national-body mark: an explicit flag on the organization, set only by a platform
administrator, audited; it, and not a top-level position in the tree, lets the holders of a grant
there keep the national indicator catalogue."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from rasad.core.access import ObjectNotFound
from rasad.core.actions.organizations import OrganizationValues, do_create_organization, do_set_national_body
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.audit import CoreAuditEvent
from rasad.core.models import AuditEvent, Organization, Role
from rasad.indicators.actions import IndicatorValues, do_save_indicator
from rasad.indicators.models import Indicator, Unit
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


def _indicator(code: str) -> IndicatorValues:
    return IndicatorValues(
        code=code,
        name="شاخص استانی",
        unit=Unit.objects.get(code="GJ"),
        direction="lower_is_better",
        category="energy",
    )


@pytest.fixture
def provincial_admin(cast: Cast):
    """A province set up as a top-level organization (a separate deployment's tree), with its own
    administrator over its whole subtree: before the flag, this counted as a national body."""
    province = do_create_organization(
        OrganizationValues(code="FARS", name="استانداری فارس", kind="governorate"), acting_user=cast.root
    )
    user = do_create_user("farsadmin", acting_user=None, password=None, display_name="مدیر فارس")
    do_grant_role(user, Role.objects.get(slug="administrator"), acting_user=None, organization=province)
    return user


def test_a_top_level_administrator_does_not_keep_the_national_catalogue(cast: Cast, provincial_admin):
    """The leak of issue 8: holding a top-level subtree let a provincial administrator edit the
    national catalogue (this test failed before the flag)."""
    with pytest.raises(PermissionDenied):
        do_save_indicator(_indicator("FARS_KPI"), acting_user=provincial_admin)
    assert not Indicator.objects.filter(code="FARS_KPI").exists()
    assert not Indicator.objects.visible_to(provincial_admin, "change").exists()


def test_the_flagged_national_body_keeps_the_catalogue(cast: Cast):
    assert cast.national.is_national_body
    do_save_indicator(_indicator("NAT_KPI"), acting_user=cast.nadia)
    assert Indicator.objects.filter(code="NAT_KPI").exists()
    do_set_national_body(cast.national, False, acting_user=cast.root)
    with pytest.raises(PermissionDenied):
        do_save_indicator(_indicator("NAT_KPI2"), acting_user=cast.nadia)


def test_only_a_platform_administrator_sets_the_flag_and_it_is_audited(cast: Cast, provincial_admin):
    for user in (cast.nadia, cast.alice, provincial_admin):
        with assert_nothing_changed("core.organization"), pytest.raises(ObjectNotFound):
            do_set_national_body(cast.isfahan, True, acting_user=user)
    do_set_national_body(cast.isfahan, True, acting_user=cast.root)
    assert Organization.objects.get(pk=cast.isfahan.pk).is_national_body
    event = AuditEvent.objects.filter(event_type=CoreAuditEvent.NATIONAL_BODY_CHANGED).latest("pk")
    assert (event.object_id, event.old, event.new) == (
        str(cast.isfahan.pk),
        {"is_national_body": False},
        {"is_national_body": True},
    )
    # Setting it again changes and records nothing.
    count = AuditEvent.objects.count()
    do_set_national_body(cast.isfahan, True, acting_user=cast.root)
    assert AuditEvent.objects.count() == count


def test_the_page_sets_it_for_root_and_reads_like_missing_to_others(cast: Cast):
    url = f"/organizations/{cast.isfahan.pk}/national-body/"
    nadia = signed_in_client(cast.nadia)
    with assert_nothing_changed("core.organization"):
        refused = nadia.post(url, {"value": "1"})
    assert refused.status_code == 404
    response = signed_in_client(cast.root).post(url, {"value": "1"})
    assert response.status_code == 302
    assert Organization.objects.get(pk=cast.isfahan.pk).is_national_body
    page = signed_in_client(cast.root).get(f"/organizations/{cast.isfahan.pk}/")
    assert 'data-testid="org-national-body-toggle"' in page.content.decode()
    assert 'data-testid="org-national-body-toggle"' not in (
        signed_in_client(cast.alice).get(f"/organizations/{cast.isfahan.pk}/").content.decode()
    )


def test_the_api_shows_the_flag_and_does_not_let_anyone_change_it(cast: Cast):
    from rasad.conftest import client_for

    client = client_for(cast.root)
    url = f"/api/v1/organizations/{cast.isfahan.pk}/"
    assert client.get(url).json()["is_national_body"] is False
    client.patch(url, {"is_national_body": True}, format="json")
    assert not Organization.objects.get(pk=cast.isfahan.pk).is_national_body
