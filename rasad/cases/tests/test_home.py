"""What the cases app puts on the home queue: cases assigned to the person, new cases to
triage, the reporter's side (answer, verify), overdue cases, unread notifications, and for
coordinators the open and overdue cases by organization; each within the person's scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from rasad.cases.actions import do_transition_case
from rasad.cases.home import provide
from rasad.cases.models import Case
from rasad.cases.testing import open_challenge
from rasad.lib import display, jalali
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    token = display.activate(display.DisplayPreferences(language="en", persian_digits=False))
    with translation.override("en"):
        yield
    display.reset(token)


def kinds(user) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for item in provide(user, jalali.today_in_tehran()).items:
        found.setdefault(item.kind, []).append(int(item.url.rstrip("/").rsplit("/", 1)[-1]))
    return found


def _assigned(cast: Cast, assignee=None) -> Case:
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali, title="کمبود سوخت ژنراتور")
    case = do_transition_case(case, "triage", acting_user=cast.alice)
    return do_transition_case(case, "assign", acting_user=cast.alice, assignee=assignee or cast.alice)


def test_a_new_case_waits_for_triage_by_its_owner(cast: Cast):
    case = open_challenge(cast, cast.isfahan, user=cast.ali)
    assert kinds(cast.alice)["cases.triage"] == [case.pk]
    assert "cases.triage" not in kinds(cast.ali)  # a reporter does not triage


def test_an_assigned_case_waits_for_its_assignee_with_its_due_date(cast: Cast):
    case = _assigned(cast)
    items = [i for i in provide(cast.alice, jalali.today_in_tehran()).items if i.kind == "cases.assigned"]
    assert [i.url for i in items] == [f"/cases/{case.pk}/"]
    assert str(items[0].title) == f"{case.reference} · کمبود سوخت ژنراتور"
    assert str(items[0].detail).startswith("Assigned to you · due ")


def test_a_resolved_case_waits_for_the_reporter_to_verify(cast: Cast):
    case = _assigned(cast)
    case = do_transition_case(case, "start", acting_user=cast.alice)
    case = do_transition_case(case, "resolve", acting_user=cast.alice, note="حل شد")
    assert kinds(cast.ali)["cases.verify"] == [case.pk]


def test_an_overdue_case_goes_to_the_overdue_section(cast: Cast):
    case = _assigned(cast)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(days=2))
    items = [i for i in provide(cast.alice, jalali.today_in_tehran()).items if i.url == f"/cases/{case.pk}/"]
    assert [(i.section, i.tone) for i in items] == [("overdue", "danger")]
    assert str(items[0].detail).endswith("2\u00a0days overdue")  # the count bound to its unit


def test_the_assignment_notification_shows_under_what_you_follow(cast: Cast):
    case = _assigned(cast, assignee=cast.ali)
    following = [i for i in provide(cast.ali, jalali.today_in_tehran()).items if i.section == "following"]
    assert [(i.kind, i.url) for i in following] == [("cases.notification", f"/cases/{case.pk}/")]


def test_another_province_sees_none_of_it(cast: Cast):
    _assigned(cast)
    assert kinds(cast.bob) == {}
    assert kinds(cast.charlie) == {}


def test_coordinators_get_cases_by_organization_and_the_map(cast: Cast):
    _assigned(cast)
    titles = [str(p.title) for p in provide(cast.alice, jalali.today_in_tehran()).panels]
    assert titles == ["Open and overdue cases by organization", "Map of open cases"]
    assert provide(cast.ali, jalali.today_in_tehran()).panels == []


def test_counts_link_to_filtered_case_lists(cast: Cast):
    _assigned(cast)
    counts = {str(c.label): (c.value, c.url) for c in provide(cast.alice, jalali.today_in_tehran()).counts}
    assert counts["Assigned to you"] == (1, f"/cases/?assignee_id={cast.alice.pk}&is_open=true")
    assert counts["Open cases"] == (1, "/cases/?is_open=true")
    assert counts["Overdue cases"] == (0, "/cases/?overdue=true")


def test_the_home_page_lists_the_case_in_persian(cast: Cast):
    case = _assigned(cast)
    client = Client()
    client.force_login(cast.alice)
    with translation.override("fa"):
        html = client.get("/").content.decode()
    assert f'href="/cases/{case.pk}/"' in html
    assert "در انتظار شما" in html
