"""The crisis room: a crisis shared by the headquarters and its member agencies, its timeline
written by people and by Rasad (statements issued, receipts acknowledged and answered, rumours),
the rumour log, and the closing report whose figures match the timeline; another province sees
none of it; bad input refused naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rasad.conftest import client_for
from rasad.core.models import City, Organization, User
from rasad.media.actions import (
    ResponseValues,
    RumourValues,
    StatementValues,
    do_acknowledge,
    do_add_timeline_entry,
    do_answer_rumour,
    do_assign_rumour,
    do_close_crisis,
    do_log_rumour,
    do_respond,
    do_save_statement,
)
from rasad.media.figures import AgencyFigures, agency_figures, rank
from rasad.media.models import Recipient, Rumour, TimelineEntry
from rasad.media.testing import approved, ensure_member, issue, make_crisis
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db
CRISES = "/api/v1/media-crises/"
RUMOURS = "/api/v1/media-rumours/"


def _crisis_statement(crisis, agencies, *, hours=2, now=None):
    statement = do_save_statement(
        StatementValues(
            crisis.organization, "statement", "تکذیب قطع سراسری برق", "برق قطع سراسری نمی‌شود.", crisis=crisis
        ),
        acting_user=None,
    )
    return issue(approved(statement), agencies, hours=hours, now=now)


def test_the_hq_opens_a_crisis_with_places_and_every_member_sees_it(
    cast: Cast, agencies: list[Organization], officers: list[User], coordinator: User
):
    for agency in agencies:
        ensure_member(cast.isfahan, agency)
    city = City.objects.filter(province=cast.isfahan.province).order_by("-population").first()
    assert city is not None
    response = client_for(coordinator).post(
        CRISES,
        {
            "organization": "ISF-CC",
            "title": "شایعه خاموشی سراسری",
            "severity": "critical",
            "places": [city.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    for officer in officers:
        seen = client_for(officer).get(f"{CRISES}{pk}/timeline/").json()
        assert [row["kind"] for row in seen] == ["event"]
    assert client_for(cast.bob).get(f"{CRISES}{pk}/").status_code == 404
    assert client_for(cast.bob).get(CRISES).json()["results"] == []


def test_statements_answers_and_rumours_of_a_crisis_are_on_its_timeline(
    cast: Cast, agencies: list[Organization], officers: list[User]
):
    crisis = make_crisis(cast.isfahan)
    for agency in agencies[:2]:
        ensure_member(cast.isfahan, agency)
    statement = _crisis_statement(crisis, agencies[:2])
    receipt = statement.recipients.get(agency=agencies[0])
    do_acknowledge(receipt, acting_user=officers[0])
    do_respond(
        receipt,
        ResponseValues("published", channel="website", evidence_url="https://a.example/1"),
        acting_user=officers[0],
    )
    rumour = do_log_rumour(
        RumourValues(
            cast.isfahan, "همه شهر سه روز بی‌برق می‌ماند", "کانال تلگرامی محلی", crisis=crisis, reach=20000
        ),
        acting_user=None,
    )
    rumour = do_assign_rumour(rumour, agencies[1], acting_user=None)
    do_answer_rumour(rumour, "شرکت توزیع در گفت‌وگوی زنده تکذیب کرد.", acting_user=officers[1])
    do_add_timeline_entry(
        crisis, "decision", "سخنگوی واحد: مدیرعامل توزیع برق", organization=cast.isfahan, acting_user=None
    )
    kinds = list(
        TimelineEntry.objects.filter(crisis=crisis).order_by("moment", "pk").values_list("kind", flat=True)
    )
    assert kinds == ["event", "statement", "response", "response", "rumour", "rumour", "decision"]
    page = signed_in_client(officers[1]).get(f"/media/crises/{crisis.pk}/").content.decode()
    assert "سخنگوی واحد" in page and "data-crisis-timeline" in page


def test_an_agency_writes_on_the_timeline_for_itself_only(
    cast: Cast, agencies: list[Organization], officers: list[User]
):
    crisis = make_crisis(cast.isfahan)
    ensure_member(cast.isfahan, agencies[0])
    client = client_for(officers[0])
    done = client.post(
        f"{CRISES}{crisis.pk}/entries/",
        {"kind": "event", "text": "تیم روابط عمومی مستقر شد", "organization": agencies[0].code},
        format="json",
    )
    assert done.status_code == 201, done.json()
    with assert_nothing_changed("media.timelineentry"):
        refused = client.post(
            f"{CRISES}{crisis.pk}/entries/",
            {"kind": "event", "text": "—", "organization": agencies[1].code},
            format="json",
        )
    assert refused.status_code == 400  # ISF-AG2 is not the officer's to see: an unknown code
    assert list(refused.json()["error"]["fields"]) == ["organization"]


def test_a_closed_crisis_refuses_new_entries_naming_the_crisis(cast: Cast):
    crisis = do_close_crisis(make_crisis(cast.isfahan), "پایان", acting_user=None)
    with assert_nothing_changed("media.timelineentry"):
        response = client_for(cast.alice).post(
            f"{CRISES}{crisis.pk}/entries/",
            {"kind": "event", "text": "دیر", "organization": "ISF-CC"},
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["crisis"]


def test_closing_needs_a_summary(cast: Cast):
    crisis = make_crisis(cast.isfahan)
    with assert_nothing_changed("media.crisis"):
        response = client_for(cast.root).post(
            f"{CRISES}{crisis.pk}/close/", {"closing_summary": " "}, format="json"
        )
    assert response.status_code == 400


def test_the_closing_report_matches_the_timeline(
    cast: Cast, agencies: list[Organization], officers: list[User]
):
    start = timezone.now() - timedelta(hours=10)
    crisis = make_crisis(cast.isfahan)
    for agency in agencies[:3]:
        ensure_member(cast.isfahan, agency)
    statement = _crisis_statement(crisis, agencies[:3], hours=2, now=start)
    receipts = {r.agency_id: r for r in statement.recipients.all()}
    # Agency 1: acknowledged after 30 minutes, published after 1 hour (on time).
    do_acknowledge(receipts[agencies[0].pk], acting_user=officers[0], now=start + timedelta(minutes=30))
    do_respond(
        receipts[agencies[0].pk],
        ResponseValues("published", channel="website", evidence_url="https://a.example"),
        acting_user=officers[0],
        now=start + timedelta(hours=1),
    )
    # Agency 2: acknowledged after 2 hours, answered after 5 (late).
    do_acknowledge(receipts[agencies[1].pk], acting_user=officers[1], now=start + timedelta(hours=2))
    do_respond(
        receipts[agencies[1].pk],
        ResponseValues("declined", reason="مرجع دیگری پاسخ می‌دهد"),
        acting_user=officers[1],
        now=start + timedelta(hours=5),
    )
    # Agency 3: never acknowledged.
    do_close_crisis(crisis, "شایعه مهار شد.", acting_user=None)
    report = {row["agency"]: row for row in client_for(cast.alice).get(f"{CRISES}{crisis.pk}/report/").json()}
    assert report[agencies[0].code]["ack_hours"] == 0.5 and report[agencies[0].code]["response_hours"] == 1.0
    assert report[agencies[1].code]["ack_hours"] == 2.0 and report[agencies[1].code]["response_hours"] == 5.0
    assert (report[agencies[2].code]["ack_hours"], report[agencies[2].code]["late_open"]) == (None, 1)
    assert [report[a.code]["rank"] for a in agencies[:3]] == [1, 2, 3]
    # The same figures read from the timeline's own entries:
    entries = TimelineEntry.objects.filter(crisis=crisis, kind="response").select_related("recipient")
    from_timeline: dict[str, list[float]] = {}
    for entry in entries:
        hours = round((entry.moment - start).total_seconds() / 3600, 2)
        from_timeline.setdefault(entry.recipient.agency.code, []).append(hours)
    assert from_timeline == {agencies[0].code: [0.5, 1.0], agencies[1].code: [2.0, 5.0]}
    page = signed_in_client(cast.alice).get(f"/media/crises/{crisis.pk}/report/").content.decode()
    assert "شایعه مهار شد." in page and 'data-agency="ISF-AG1"' in page


def test_agencies_are_ranked_by_the_shared_ranking_method_ties_sharing_the_better_rank():
    """Two agencies alike in everything share rank 1; the one that owed an answer and never
    acknowledged nor answered scores 0 on every criterion (its +∞ hours are the slowest) and is
    third, as methods.md §2.2's percentile_scores and competition_ranks give."""
    alike = [
        AgencyFigures(
            Organization(name=name), due=1, on_time=1, ack_hours_list=[1.0], response_hours_list=[2.0]
        )
        for name in ("الف", "ب")
    ]
    silent = AgencyFigures(Organization(name="ج"), due=1, late_open=1)
    rank([*alike, silent])
    assert [(row.rank, round(row.score or 0, 9)) for row in (*alike, silent)] == [
        (1, 50.0),
        (1, 50.0),
        (3, 0.0),
    ]


def test_a_rumour_is_answered_by_its_agency_and_not_by_another(
    cast: Cast, agencies: list[Organization], officers: list[User]
):
    for agency in agencies[:2]:
        ensure_member(cast.isfahan, agency)
    rumour = do_log_rumour(RumourValues(cast.isfahan, "آب شهر آلوده است", "گروه محله"), acting_user=None)
    rumour = do_assign_rumour(rumour, agencies[0], acting_user=None)
    with assert_nothing_changed("media.rumour"):
        assert (
            client_for(officers[1])
            .post(f"{RUMOURS}{rumour.pk}/answer/", {"response": "—"}, format="json")
            .status_code
            == 404
        )
    done = client_for(officers[0]).post(
        f"{RUMOURS}{rumour.pk}/answer/", {"response": "آزمایش آب سالم بودن را نشان داد."}, format="json"
    )
    assert (done.status_code, done.json()["state"]) == (200, "answered")


def test_a_rumour_needs_a_claim_and_where_it_was_seen(cast: Cast):
    with assert_nothing_changed("media.rumour"):
        response = client_for(cast.alice).post(
            RUMOURS, {"organization": "ISF-CC", "claim": " ", "seen_where": " "}, format="json"
        )
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == ["claim", "seen_where"]


def test_a_rumour_cannot_go_to_an_agency_that_is_not_a_member(cast: Cast, agencies: list[Organization]):
    rumour = do_log_rumour(RumourValues(cast.isfahan, "شایعه", "پیام‌رسان"), acting_user=None)
    with assert_nothing_changed("media.rumour"):
        response = client_for(cast.alice).post(
            f"{RUMOURS}{rumour.pk}/assign/", {"agency": agencies[0].code}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["agency"]


def test_figures_count_withdrawn_receipts_out(cast: Cast):
    crisis = make_crisis(cast.isfahan)
    statement = _crisis_statement(crisis, [cast.isfahan_post])
    Recipient.objects.filter(statement=statement).update(state="withdrawn")
    assert agency_figures(Recipient.objects.all(), Rumour.objects.none(), now=timezone.now()) == []


def test_the_figures_page_ranks_the_agencies_of_the_period_and_refuses_a_bad_period(
    cast: Cast, agencies: list[Organization], officers: list[User]
):
    start = timezone.now() - timedelta(hours=6)
    statement = issue(
        approved(
            do_save_statement(
                StatementValues(cast.isfahan, "statement", "پیام دوره", "متن"), acting_user=None
            )
        ),
        agencies[:2],
        hours=2,
        now=start,
    )
    receipt = statement.recipients.get(agency=agencies[0])
    do_acknowledge(receipt, acting_user=officers[0], now=start + timedelta(minutes=10))
    do_respond(
        receipt,
        ResponseValues("published", channel="website", evidence_url="https://a.example"),
        acting_user=officers[0],
        now=start + timedelta(hours=1),
    )
    rows = client_for(cast.alice).get("/api/v1/media-recipients/figures/").json()
    assert [(row["agency"], row["rank"], row["met_share"]) for row in rows] == [
        (agencies[0].code, 1, 1.0),
        (agencies[1].code, 2, 0.0),
    ]
    assert client_for(cast.bob).get("/api/v1/media-recipients/figures/").json() == []
    page = signed_in_client(cast.alice).get("/media/figures/")
    assert page.status_code == 200 and 'data-agency="ISF-AG1"' in page.content.decode()
    bad = signed_in_client(cast.alice).get("/media/figures/?period=1405-13")
    assert bad.status_code == 400
    refused = client_for(cast.alice).get("/api/v1/media-recipients/figures/?period=blue")
    assert (refused.status_code, list(refused.json()["error"]["fields"])) == (400, ["period"])


def test_rasad_s_lines_on_the_timeline_read_in_each_reader_s_language_calendar_and_digits(
    cast: Cast, agencies: list[Organization], officers: list[User]
):
    """Session 24 wrote them once, in Persian, for every reader: an English reader read «اتاق
    بحران گشوده شد ... ۲ دستگاه ... ۱۴۰۵». One timeline, read by an agency's officer in Persian,
    then in English with the Gregorian calendar, on the page and in the API; a person's line as
    it was written."""
    from rasad.lib import display, formatting

    crisis = make_crisis(cast.isfahan, title="خاموشی")
    for agency in agencies[:2]:
        ensure_member(cast.isfahan, agency)
    statement = _crisis_statement(crisis, agencies[:2])
    do_add_timeline_entry(crisis, "decision", "سخنگوی واحد", organization=cast.isfahan, acting_user=None)
    reader = officers[0]
    page = signed_in_client(reader).get(f"/media/crises/{crisis.pk}/timeline/").content.decode()
    assert "اتاق بحران گشوده شد: خاموشی (شدت: زیاد)." in page and "(نسخه ۱) به ۲ دستگاه ابلاغ شد" in page
    User.objects.filter(pk=reader.pk).update(language="en", persian_digits=False, calendar="gregorian")
    reader.refresh_from_db()
    with display.speaking(reader, "en"):
        due = formatting.datetime_text(statement.recipients.first().due_at)
    issued = f"“{statement.title}” (version 1) was issued to 2 agencies; respond by {due}."
    page = signed_in_client(reader).get(f"/media/crises/{crisis.pk}/timeline/").content.decode()
    assert "The crisis room was opened: خاموشی (severity: High)." in page and issued in page
    lines = signed_in_client(reader).get(f"{CRISES}{crisis.pk}/timeline/").json()
    assert [line["text"] for line in lines if line["kind"] in ("statement", "decision")] == [
        issued,
        "سخنگوی واحد",
    ]
