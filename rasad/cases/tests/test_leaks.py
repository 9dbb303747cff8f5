"""Regression tests for the leaks an independent probe found around the cases API and UI. Each
failed before its fix."""

from __future__ import annotations

import pytest

from rasad.cases.actions import do_add_comment, do_transition_case
from rasad.cases.choices import NotificationKind
from rasad.cases.models import Case, Notification
from rasad.cases.testing import open_challenge
from rasad.conftest import client_for
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

CASE_TABLES = ("cases.case", "cases.caseevent", "cases.comment", "cases.notification")


@pytest.fixture
def triaged(cast: Cast) -> Case:
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    return do_transition_case(case, "triage", acting_user=cast.alice)


def _assign(cast: Cast, case: Case, username: str):
    return client_for(cast.alice).post(
        f"/api/v1/cases/{case.pk}/transition/",
        {"action": "assign", "version": case.version, "assignee": username},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_assignee_field_does_not_reveal_who_is_behind_a_username_elsewhere(cast: Cast, triaged: Case):
    with assert_nothing_changed(*CASE_TABLES):
        hidden = _assign(cast, triaged, "bob")
        missing = _assign(cast, triaged, "no-such-person")
    assert hidden.status_code == missing.status_code == 400
    text = hidden.content.decode()
    assert cast.bob.display_name not in text and "Kerman" not in text
    assert hidden.json()["error"]["fields"]["assignee"] == [
        message.replace("no-such-person", "bob") for message in missing.json()["error"]["fields"]["assignee"]
    ]


def test_the_platform_administrator_cannot_be_made_assignee_without_a_grant(cast: Cast, triaged: Case):
    triaged.refresh_from_db()
    response = client_for(cast.root).post(
        f"/api/v1/cases/{triaged.pk}/transition/",
        {"action": "assign", "version": triaged.version, "assignee": "root"},
        format="json",
    )
    assert response.status_code == 400
    assert "assignee" in response.json()["error"]["fields"]
    triaged.refresh_from_db()
    assert triaged.assignee_id is None


def test_the_assign_form_offers_only_people_the_viewer_may_see(cast: Cast, triaged: Case):
    html = signed_in_client(cast.alice).get(f"/cases/{triaged.pk}/").content.decode()
    assignee_select = html.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    # Nadia may work Isfahan's cases, but she is a member of the national body, which Alice does
    # not see; Alice and Ali are offered.
    assert cast.nadia.display_name not in assignee_select
    assert cast.ali.display_name in assignee_select and cast.alice.display_name in assignee_select


def test_a_watcher_rerouted_out_of_a_case_stops_receiving_its_notifications(cast: Cast, triaged: Case):
    # Nadia routes the case to Kerman and Bob works it (he becomes a watcher) ...
    case = do_transition_case(
        triaged,
        "assign",
        acting_user=cast.nadia,
        expected_version=triaged.version,
        owner_organization=cast.kerman,
        assignee=cast.bob,
    )
    assert cast.bob in case.watchers.all()
    # ... then routes it back to Isfahan: Bob no longer sees the case.
    case = do_transition_case(
        case,
        "assign",
        acting_user=cast.nadia,
        expected_version=case.version,
        owner_organization=cast.isfahan,
        assignee=cast.alice,
    )
    assert not Case.objects.visible_to(cast.bob).filter(pk=case.pk).exists()
    Notification.objects.all().delete()
    do_add_comment(case, "گزارش پیشرفت", acting_user=cast.ali)
    assert not Notification.objects.filter(user=cast.bob).exists()
    assert Notification.objects.filter(user=cast.alice, kind=NotificationKind.COMMENT).exists()


def test_a_viewer_may_read_but_commenting_through_the_api_reads_like_a_missing_case(cast: Cast):
    case = open_challenge(cast, cast.isfahan)
    client = client_for(cast.wali)
    assert client.get(f"/api/v1/cases/{case.pk}/comments/").status_code == 200
    with assert_nothing_changed(*CASE_TABLES, "cases.attachment"):
        refused = client.post(f"/api/v1/cases/{case.pk}/comments/", {"body": "سلام"}, format="json")
        missing = client.post("/api/v1/cases/999999/comments/", {"body": "سلام"}, format="json")
    assert refused.status_code == missing.status_code == 404
    assert error_without_request_id(refused) == error_without_request_id(missing)


def test_a_cases_children_are_shown_by_their_own_permission(cast: Cast):
    """A role that may read cases but not their comments, attachments or timeline sees none of
    them, on the case page and in the case's API actions alike."""
    from django.contrib.auth.models import Permission

    from rasad.core.actions.people import do_create_user, do_grant_role
    from rasad.core.models import Role

    role = Role.objects.create(slug="case-reader", name="خوانندهٔ پرونده", name_en="Case reader")
    role.permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__in=["view_case"]),
        *Permission.objects.filter(content_type__app_label="core", codename__in=["view_organization"]),
    )
    reader = do_create_user("reader", acting_user=None, password=None)
    do_grant_role(reader, role, acting_user=None, organization=cast.isfahan)
    case = open_challenge(cast, cast.isfahan)
    do_add_comment(case, "یادداشت محرمانه", acting_user=cast.alice)
    api = client_for(reader)
    for action in ("comments", "attachments", "timeline"):
        response = api.get(f"/api/v1/cases/{case.pk}/{action}/")
        assert (response.status_code, response.json()) == (200, []), action
    page = signed_in_client(reader).get(f"/cases/{case.pk}/").content.decode()
    assert "یادداشت محرمانه" not in page
    assert "یادداشت محرمانه" in signed_in_client(cast.alice).get(f"/cases/{case.pk}/").content.decode()
