"""The posts' open incidents on the command view, acknowledged and assigned in place (htmx):
through the case workflow's action, within each province's scope, and a step refused like a
missing incident."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from rasad.cases.audit import CaseAuditEvent
from rasad.cases.models import Case, CaseEvent
from rasad.core.models import AuditEvent
from rasad.live.testing import make_incident
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def incidents(cast: Cast) -> dict[str, Case]:
    return {
        "isf": make_incident(cast, cast.isfahan_post, text="بریدن حصار در اصفهان"),
        "ker": make_incident(cast, cast.kerman_post, text="بریدن حصار در کرمان"),
    }


def _cards(html: str) -> list[str]:
    return re.findall(r'data-testid="incident" data-case="(\d+)"', html)


def _without_csrf(response: Any) -> str:
    return re.sub(
        r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"', r"\1", response.content.decode()
    )


def test_each_province_sees_only_its_own_posts_incidents(cast: Cast, incidents: dict[str, Case]):
    isfahan = signed_in_client(cast.alice).get("/live/").content.decode()
    kerman = signed_in_client(cast.bob).get("/live/").content.decode()
    assert _cards(isfahan) == [str(incidents["isf"].pk)]
    assert _cards(kerman) == [str(incidents["ker"].pk)]
    assert incidents["ker"].title not in isfahan and incidents["isf"].title not in kerman
    # A new incident: acknowledged first («تأیید دریافت»), assigned after.
    assert 'data-testid="do-acknowledge"' in isfahan and 'data-testid="open-assign"' not in isfahan
    fragment = signed_in_client(cast.bob).get("/live/incidents/").content.decode()
    assert _cards(fragment) == [str(incidents["ker"].pk)]


def test_acknowledging_in_place_takes_the_workflows_step(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    response = signed_in_client(cast.alice).post(
        f"/live/incidents/{case.pk}/", {"action": "triage", "version": case.version}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="list-group-item live-incident')  # the card, not a page
    assert 'data-testid="incident-notice"' in html and "بررسی‌شده" in html
    assert 'data-testid="open-assign"' in html and 'data-testid="do-acknowledge"' not in html
    case.refresh_from_db()
    assert (case.status, case.version) == ("triaged", 2)
    step = CaseEvent.objects.filter(case=case, action="triage").get()
    assert step.actor == cast.alice
    audit = AuditEvent.objects.filter(
        event_type=CaseAuditEvent.CASE_TRANSITIONED, object_id=str(case.pk)
    ).get()
    assert audit.actor == cast.alice


def test_assigning_in_place_offers_only_people_who_may_work_it(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    client = signed_in_client(cast.alice)
    client.post(f"/live/incidents/{case.pk}/", {"action": "triage", "version": case.version}, headers=HTMX)
    case.refresh_from_db()
    form = client.get(f"/live/incidents/{case.pk}/?assign=1", headers=HTMX).content.decode()
    offered = set(map(int, re.findall(r'<option value="(\d+)"', form)))
    # Those who may work ISF-CC's cases, among the people Alice may see: never Kerman's.
    assert offered == {cast.alice.pk, cast.ali.pk}
    # Kerman's analyst cannot work an Isfahan incident: said on the card, nothing written.
    with assert_nothing_changed("cases.case", "cases.caseevent"):
        refused = client.post(
            f"/live/incidents/{case.pk}/",
            {"action": "assign", "version": case.version, "assignee": cast.bob.pk},
            headers=HTMX,
        )
    assert refused.status_code == 400
    assert 'data-testid="incident-error"' in refused.content.decode()
    assert 'data-testid="assign-form"' in refused.content.decode()  # the form stays open
    done = client.post(
        f"/live/incidents/{case.pk}/",
        {"action": "assign", "version": case.version, "assignee": cast.alice.pk},
        headers=HTMX,
    )
    assert done.status_code == 200
    case.refresh_from_db()
    assert (case.status, case.assignee) == ("assigned", cast.alice)
    assert str(cast.alice) in done.content.decode()


def test_a_stale_card_is_refused_with_the_case_as_it_now_stands(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    stale = case.version
    signed_in_client(cast.nadia).post(
        f"/live/incidents/{case.pk}/", {"action": "triage", "version": stale}, headers=HTMX
    )
    response = signed_in_client(cast.alice).post(
        f"/live/incidents/{case.pk}/", {"action": "triage", "version": stale}, headers=HTMX
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="incident-error"' in html
    assert 'data-status="triaged"' in html  # redrawn as it stands: ready to be assigned
    assert CaseEvent.objects.filter(case=case, action="triage").count() == 1


def test_other_steps_are_for_the_case_page(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    client = signed_in_client(cast.alice)
    with assert_nothing_changed("cases.case", "cases.caseevent"):
        response = client.post(
            f"/live/incidents/{case.pk}/", {"action": "reject", "version": case.version}, headers=HTMX
        )
    assert response.status_code == 400
    assert "پرونده" in response.content.decode()  # "open the case for other steps", in Persian


def test_another_province_is_refused_like_a_missing_incident(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    client = signed_in_client(cast.bob)
    with assert_nothing_changed("cases.case", "cases.caseevent"):
        refused = client.post(f"/live/incidents/{case.pk}/", {"action": "triage", "version": 1}, headers=HTMX)
        missing = client.post("/live/incidents/2000000000/", {"action": "triage", "version": 1}, headers=HTMX)
        seen = client.get(f"/live/incidents/{case.pk}/")
    assert refused.status_code == missing.status_code == seen.status_code == 404
    assert _without_csrf(refused) == _without_csrf(missing)


def test_the_posts_reporter_reads_the_card_but_may_take_no_step(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    client = signed_in_client(cast.ali)
    card = client.get(f"/live/incidents/{case.pk}/").content.decode()
    assert _cards(card) == [str(case.pk)] and "do-acknowledge" not in card
    with assert_nothing_changed("cases.case", "cases.caseevent"):
        refused = client.post(f"/live/incidents/{case.pk}/", {"action": "triage", "version": 1}, headers=HTMX)
    assert refused.status_code == 404


def test_a_case_live_did_not_open_is_not_reached_here(cast: Cast, incidents: dict[str, Case]):
    from rasad.cases.testing import make_case

    other = make_case(cast, cast.isfahan)
    assert signed_in_client(cast.alice).get(f"/live/incidents/{other.pk}/").status_code == 404


def test_without_htmx_the_step_returns_to_the_command_view(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    client: Client = signed_in_client(cast.alice)
    response = client.post(f"/live/incidents/{case.pk}/", {"action": "triage", "version": case.version})
    assert (response.status_code, response["Location"]) == (302, "/live/")
    page = client.get("/live/").content.decode()
    assert "تأیید دریافت شد" in page  # the flash message, in Persian
    case.refresh_from_db()
    assert case.status == "triaged"


def test_fragments_opened_as_pages_go_to_the_command_view(cast: Cast, incidents: dict[str, Case]):
    """The fragments the command view fetches, opened by the browser as pages of their own (an
    address typed, a reload), show the command view instead of a bare, unstyled fragment; the
    command view's script and htmx still get the fragment."""
    case = incidents["isf"]
    client = signed_in_client(cast.alice)
    navigated = {"Sec-Fetch-Mode": "navigate"}
    for url in ("/live/incidents/", f"/live/incidents/{case.pk}/", f"/live/incidents/{case.pk}/?assign=1"):
        response = client.get(url, headers=navigated)
        assert (response.status_code, response["Location"]) == (302, "/live/"), url
    fetched = client.get("/live/incidents/", headers={"Sec-Fetch-Mode": "cors"})
    assert _cards(fetched.content.decode()) == [str(case.pk)]
    card = client.get(f"/live/incidents/{case.pk}/", headers={**HTMX, "Sec-Fetch-Mode": "cors"})
    assert card.status_code == 200 and 'data-testid="open-escalate"' in card.content.decode()


def test_escalating_in_place_asks_why_and_sends_the_incident_up(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    client = signed_in_client(cast.alice)
    card = client.get(f"/live/incidents/{case.pk}/").content.decode()
    assert 'data-testid="open-escalate"' in card and "ارجاع به سطح بالاتر" in card
    form = client.get(f"/live/incidents/{case.pk}/?escalate=1").content.decode()
    assert 'data-testid="escalate-form"' in form and 'data-testid="escalate-reason"' in form
    # Without a reason: refused, the card keeps the form, nothing written.
    with assert_nothing_changed("cases.case", "cases.caseevent"):
        refused = client.post(
            f"/live/incidents/{case.pk}/",
            {"action": "escalate", "version": case.version, "reason": ""},
            headers=HTMX,
        )
    assert refused.status_code == 400
    assert 'data-testid="escalate-form"' in refused.content.decode()
    done = client.post(
        f"/live/incidents/{case.pk}/",
        {"action": "escalate", "version": case.version, "reason": "نیاز به نیروی کمکی"},
        headers=HTMX,
    )
    assert done.status_code == 200
    assert 'data-testid="incident-notice"' in done.content.decode()  # «به مرکز ملی پایش ارجاع شد.»
    assert 'data-testid="incident-escalated"' in done.content.decode()
    assert cast.national.name in done.content.decode()
    case.refresh_from_db()
    assert (case.escalated_to, case.escalation_level) == (cast.national, 1)
    step = CaseEvent.objects.get(case=case, action="escalate")
    assert (step.actor, step.note) == (cast.alice, "نیاز به نیروی کمکی")


def test_a_stale_escalation_keeps_what_was_typed(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    answer = signed_in_client(cast.alice).post(
        f"/live/incidents/{case.pk}/",
        {"action": "escalate", "version": case.version - 1, "reason": "متن تایپ‌شده"},
        headers=HTMX,
    )
    assert answer.status_code == 400
    assert "متن تایپ‌شده" in answer.content.decode()


def test_the_posts_reporter_is_not_offered_escalation_and_is_refused(cast: Cast, incidents: dict[str, Case]):
    case = incidents["isf"]
    client = signed_in_client(cast.ali)
    assert "open-escalate" not in client.get(f"/live/incidents/{case.pk}/").content.decode()
    with assert_nothing_changed("cases.case", "cases.caseevent"):
        refused = client.post(
            f"/live/incidents/{case.pk}/",
            {"action": "escalate", "version": case.version, "reason": "x"},
            headers=HTMX,
        )
    assert refused.status_code == 404
