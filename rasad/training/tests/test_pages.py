"""The training pages as people use them: the calendar, an event's page, enrolling, the
attendance check boxes, my learning, compliance; and the other province's people refused."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.models import Completion, Enrolment
from rasad.training.testing import hold, make_course, make_event, make_member, make_requirement

pytestmark = pytest.mark.django_db


def test_the_calendar_shows_this_months_events_in_jalali(cast: Cast):
    event = make_event(
        cast.isfahan, title="کارگاه سواد رسانه‌ای", starts_at=timezone.now() + timedelta(hours=2)
    )
    page = signed_in_client(cast.ali).get("/training/").content.decode()
    month = JalaliPeriod.containing(timezone.localdate(event.starts_at), "month")
    assert month.label() in page
    assert f'href="/training/events/{event.pk}/"' in page
    assert "کارگاه سواد رسانه‌ای" not in signed_in_client(cast.bob).get("/training/").content.decode()


def test_a_person_enrols_from_the_event_page(cast: Cast):
    event = make_event(cast.isfahan, capacity=1)
    client = signed_in_client(cast.ali)
    page = client.get(f"/training/events/{event.pk}/").content.decode()
    assert 'data-testid="enrol"' in page
    assert client.post(f"/training/events/{event.pk}/enrol/").status_code == 302
    assert Enrolment.objects.get(event=event).user == cast.ali
    page = client.get(f"/training/events/{event.pk}/").content.decode()
    assert 'data-testid="my-status"' in page
    # The other province's reporter cannot open the event, nor enrol in it.
    bahram = signed_in_client(cast.bahram)
    assert bahram.get(f"/training/events/{event.pk}/").status_code == 404
    assert bahram.post(f"/training/events/{event.pk}/enrol/").status_code == 404


def test_the_organizer_ticks_attendance(cast: Cast):
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    event = make_event(cast.isfahan, starts_at=timezone.now() - timedelta(hours=1))
    from rasad.training.actions import do_enrol

    ali = do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    other = do_enrol(
        event, make_member("p2", cast.isfahan), acting_user=None, now=event.starts_at - timedelta(days=1)
    )
    client = signed_in_client(organizer)
    url = f"/training/events/{event.pk}/attendance/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"attended": [ali.pk], f"score-{ali.pk}": "صد"})
    assert bad.status_code == 400
    assert not Completion.objects.exists()
    response = client.post(url, {"attended": [ali.pk], f"score-{ali.pk}": "۸۸"})
    assert response.status_code == 302
    ali.refresh_from_db()
    other.refresh_from_db()
    assert (ali.attended, ali.score, other.attended) == (True, Decimal(88), False)
    # A whole score is shown whole («۸۸», not the stored «۸۸٫۰۰»), on the event and in my learning.
    event_page = client.get(f"/training/events/{event.pk}/").content.decode()
    learning = signed_in_client(cast.ali).get("/training/mine/").content.decode()
    assert "۸۸" in event_page and "۸۸٫۰۰" not in event_page
    assert "۸۸" in learning and "۸۸٫۰۰" not in learning
    # Alice sees the event but is not its organizer.
    assert signed_in_client(cast.alice).get(url).status_code == 404


def test_my_learning_tells_a_new_officer_of_the_requirement(cast: Cast):
    course = make_course(cast.isfahan, title="سواد رسانه‌ای")
    make_requirement(cast.isfahan, [course], within_months=6)
    hold(cast.ali, cast.isfahan)
    make_event(cast.isfahan, course=course)
    client = signed_in_client(cast.ali)
    home = client.get("/").content.decode()
    assert "/training/mine/" in home
    page = client.get("/training/mine/").content.decode()
    assert 'data-state="due"' in page
    assert 'data-testid="upcoming-event"' in page


def test_compliance_page_lists_each_province_alone(cast: Cast):
    course = make_course(cast.national)
    make_requirement(cast.national, [course], within_months=1)
    hold(make_member("isf", cast.isfahan), cast.isfahan, since=timezone.localdate() - timedelta(days=60))
    hold(make_member("ker", cast.kerman), cast.kerman, since=timezone.localdate() - timedelta(days=60))
    alice = signed_in_client(cast.alice).get("/training/compliance/").content.decode()
    assert 'data-organization="ISF-CC"' in alice
    assert 'data-organization="KER-CC"' not in alice
    bob = signed_in_client(cast.bob).get("/training/compliance/").content.decode()
    assert 'data-organization="KER-CC"' in bob
    assert 'data-organization="ISF-CC"' not in bob
    assert alice.count('data-state="overdue"') == 1


def test_forms_are_refused_to_those_who_may_use_them_nowhere(cast: Cast):
    for url in ("/training/events/new/", "/training/courses/new/", "/training/requirements/new/"):
        assert signed_in_client(cast.alice).get(url).status_code == 404, url
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    client = signed_in_client(coordinator)
    for url in ("/training/events/new/", "/training/courses/new/", "/training/requirements/new/"):
        assert client.get(url).status_code == 200, url


def test_the_empty_time_fields_show_an_example_marked_as_one(cast: Cast):
    """«مثلاً ۰۹:۳۰» in the placeholder colour of a styled control, not «۰۹:۰۰» that reads like a
    time already entered."""
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    page = signed_in_client(coordinator).get("/training/events/new/").content.decode()
    for name in ("starts", "ends"):
        (control,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert 'placeholder="مثلاً ۰۹:۳۰"' in control
        assert "value=" not in control
        assert re.search(r'class="[^"]*\bform-control\b', control), control


def test_an_event_form_with_bad_input_names_the_problem(cast: Cast):
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    client = signed_in_client(coordinator)
    response = client.post(
        "/training/events/new/",
        {
            "kind": "workshop",
            "title": "کارگاه",
            "organization": cast.isfahan.pk,
            "audience": cast.isfahan.pk,
            "day": "۱۴۰۵/۰۱/۱۰",
            "starts": "۱۰:۰۰",
            "ends": "۲۵:۰۰",
        },
    )
    assert response.status_code == 200
    assert "ساعت را به صورت ساعت:دقیقه بنویسید" in response.content.decode()
    response = client.post(
        "/training/events/new/",
        {
            "kind": "workshop",
            "title": "کارگاه",
            "organization": cast.isfahan.pk,
            "audience": cast.isfahan.pk,
            "day": "۱۴۰۵/۰۱/۱۰",
            "starts": "۱۰:۰۰",
            "ends": "۰۹:۰۰",
        },
    )
    assert "پایان رویداد باید پس از آغاز آن باشد" in response.content.decode()
    ok = client.post(
        "/training/events/new/",
        {
            "kind": "workshop",
            "title": "کارگاه",
            "organization": cast.isfahan.pk,
            "audience": cast.isfahan.pk,
            "day": "۱۴۰۵/۰۱/۱۰",
            "starts": "۱۰:۰۰",
            "ends": "۱۲:۳۰",
            "capacity": "۲۰",
        },
    )
    assert ok.status_code == 302


def test_the_place_of_an_event_is_set_on_its_form_kept_on_edit_and_shown_on_a_map(cast: Cast):
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    client = signed_in_client(coordinator)
    values = {
        "kind": "workshop",
        "title": "کارگاه سواد رسانه‌ای",
        "organization": cast.isfahan.pk,
        "audience": cast.isfahan.pk,
        "day": "۱۴۰۵/۰۱/۱۰",
        "starts": "۱۰:۰۰",
        "ends": "۱۲:۳۰",
        "place": "تالار استانداری",
    }
    refused = client.post("/training/events/new/", {**values, "latitude": "۳۲٫۶۵"})
    assert refused.status_code == 200
    assert "عرض و طول جغرافیایی را یا هر دو وارد کنید یا هیچ‌کدام را." in refused.content.decode()
    created = client.post("/training/events/new/", {**values, "latitude": "۳۲٫۶۵۴", "longitude": "51.668"})
    assert created.status_code == 302, created.content.decode()[:1500]
    event_url = created["Location"]
    from rasad.training.models import Event

    event = Event.objects.get(title="کارگاه سواد رسانه‌ای")
    assert (event.latitude, event.longitude) == (32.654, 51.668)
    page = client.get(event_url).content.decode()
    assert 'data-testid="event-map"' in page
    points = client.get(f"/training/events/{event.pk}/place.json").json()
    assert points["features"][0]["geometry"]["coordinates"] == [51.668, 32.654]
    # Editing what the event says keeps its place (the form carries it).
    edit = client.get(f"/training/events/{event.pk}/edit/")
    data = {name: value for name, value in edit.context["form"].initial.items() if value is not None}
    data.update(day="۱۴۰۵/۰۱/۱۰", starts="۱۰:۰۰", ends="۱۳:۰۰", title="کارگاه سواد رسانه‌ای")
    assert client.post(f"/training/events/{event.pk}/edit/", data).status_code == 302
    event.refresh_from_db()
    assert (event.latitude, event.longitude) == (32.654, 51.668)
    # An event without a place has no map and an empty place feed.
    other = make_event(cast.isfahan)
    assert 'data-testid="event-map"' not in client.get(f"/training/events/{other.pk}/").content.decode()
    assert client.get(f"/training/events/{other.pk}/place.json").json()["features"] == []
