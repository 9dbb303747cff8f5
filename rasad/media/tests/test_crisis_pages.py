"""The crisis room, the rumour log and the figures as people use them in the browser's pages: two
headquarters (Isfahan's and Kerman's) that never see each other's crises, rumours or agencies;
forms that refuse bad input naming the field in Persian with nothing written; and the figures'
Excel file read back with an independent reader."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from rasad.core.models import City, Organization, User
from rasad.jobs.testing import exported
from rasad.lib import display, formatting
from rasad.lib.jalali import JalaliPeriod, local_date
from rasad.media.actions import (
    ResponseValues,
    RumourValues,
    StatementValues,
    do_acknowledge,
    do_assign_rumour,
    do_close_crisis,
    do_log_rumour,
    do_respond,
    do_save_statement,
)
from rasad.media.models import Crisis, Rumour, TimelineEntry
from rasad.media.testing import approved, ensure_member, issue, make_crisis
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db
PERSIAN = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def field_errors(html: str) -> dict[str, str]:
    """Each field's error as the page shows it under the field."""
    return dict(re.findall(r'data-field-error="([^"]+)">([^<]*)<', html))


def assert_persian(message: str, *typed: str) -> None:
    """Persian, with no Latin letter beyond what the person typed (quoted back)."""
    rest = message
    for value in typed:
        rest = rest.replace(value, "")
    assert PERSIAN.search(message) and not LATIN.search(rest), message


def _rumour(organization: Organization, claim: str, agency: Organization | None = None) -> Rumour:
    rumour = do_log_rumour(RumourValues(organization, claim, "کانال محلی", reach=3000), acting_user=None)
    return do_assign_rumour(rumour, agency, acting_user=None) if agency is not None else rumour


FA = display.DisplayPreferences(language="fa", persian_digits=True)


def test_a_crisis_closed_the_day_it_opened_gives_that_day_once_in_the_list(cast: Cast, coordinator: User):
    # «۱۴۰۵/۰۹/۰۸ ۱۳:۱۰ – ۱۴۰۵/۰۹/۰۸ ۱۹:۱۰» gave the same day twice, with a dash (session 25).
    crisis = make_crisis(cast.isfahan, title="شایعهٔ خاموشی")
    closed_at = crisis.opened_at  # the same moment: the test never crosses a midnight
    do_close_crisis(crisis, "شایعه مهار شد.", acting_user=None, now=closed_at)
    listed = signed_in_client(coordinator).get("/media/crises/").content.decode()
    opened = formatting.datetime_text(crisis.opened_at, prefs=FA)
    closed = formatting.datetime_text(closed_at, prefs=FA).split()[-1]
    assert f"{opened} تا {closed}" in listed


def test_each_headquarters_sees_only_its_own_crisis_room_and_rumours(cast: Cast):
    isfahan = make_crisis(cast.isfahan, title="بحران آب اصفهان")
    kerman = make_crisis(cast.kerman, title="بحران برق کرمان")
    isf_rumour = _rumour(cast.isfahan, "شایعهٔ آلودگی آب اصفهان", cast.isfahan_post)
    ker_rumour = _rumour(cast.kerman, "شایعهٔ خاموشی کرمان", cast.kerman_post)
    for user, own, other, own_claim, other_claim in (
        (cast.alice, isfahan, kerman, isf_rumour.claim, ker_rumour.claim),
        (cast.bob, kerman, isfahan, ker_rumour.claim, isf_rumour.claim),
    ):
        client = signed_in_client(user)
        listed = client.get("/media/crises/").content.decode()
        assert own.title in listed and other.title not in listed
        rumours = client.get("/media/rumours/").content.decode()
        assert own_claim in rumours and other_claim not in rumours
        assert client.get(f"/media/crises/{own.pk}/").status_code == 200
        for path in ("", "timeline/", "report/", "places.geojson", "entries/new/", "close/"):
            assert client.get(f"/media/crises/{other.pk}/{path}").status_code == 404, path
        other_rumour = ker_rumour if user == cast.alice else isf_rumour
        for path in ("", "assign/", "answer/"):
            assert client.get(f"/media/rumours/{other_rumour.pk}/{path}").status_code == 404, path
    # A reporter of the Isfahan member agency reads its headquarters' crisis room, not Kerman's.
    reporter = signed_in_client(cast.ali)
    assert reporter.get(f"/media/crises/{isfahan.pk}/").status_code == 200
    assert reporter.get(f"/media/crises/{kerman.pk}/").status_code == 404


def test_the_crisis_room_page_shows_the_places_timeline_statements_and_rumours(cast: Cast, coordinator: User):
    city = City.objects.filter(province=cast.isfahan.province).order_by("-population").first()
    assert city is not None
    crisis = make_crisis(cast.isfahan, title="سیلاب جنوب استان", places=[city])
    statement = do_save_statement(
        StatementValues(cast.isfahan, "statement", "اطلاعیهٔ سیلاب", "از رودخانه دور بمانید.", crisis=crisis),
        acting_user=None,
    )
    issue(approved(statement), [cast.isfahan_post], hours=2)
    _rumour(cast.isfahan, "سد شکسته است", cast.isfahan_post)
    Rumour.objects.filter(claim="سد شکسته است").update(crisis=crisis)
    page = signed_in_client(coordinator).get(f"/media/crises/{crisis.pk}/").content.decode()
    assert city.name_fa in page
    assert "اطلاعیهٔ سیلاب" in page and "سد شکسته است" in page
    assert 'data-testid="entry-form"' in page and 'data-testid="crisis-close"' in page
    points = signed_in_client(coordinator).get(f"/media/crises/{crisis.pk}/places.geojson").json()
    assert len(points["features"]) == 1
    # The map's legend names the colour its places are drawn in: the severity's, as its badge says
    # (it read «در محل خود» beside a red dot while the point was orange).
    rows = re.search(r'data-legend-rows="([^"]*)"', page)
    assert rows is not None
    (legend,) = json.loads(html.unescape(rows.group(1)))
    assert legend == {
        "colour": points["features"][0]["properties"]["colour"],
        "label": "شدت: زیاد",  # make_crisis opens a crisis of high severity
    }
    # The crisis's opening and the statement's issue are on its timeline.
    kinds = set(TimelineEntry.objects.filter(crisis=crisis).values_list("kind", flat=True))
    assert kinds == {"event", "statement"}


def test_opening_a_crisis_refuses_bad_input_naming_the_fields_in_persian(cast: Cast, coordinator: User):
    client = signed_in_client(coordinator)
    with assert_nothing_changed("media.crisis"):
        response = client.post(
            "/media/crises/new/",
            {"organization": cast.isfahan.pk, "title": "  ", "severity": "apocalyptic"},
        )
    errors = field_errors(response.content.decode())
    assert sorted(errors) == ["severity", "title"]
    for message in errors.values():
        assert_persian(message, "apocalyptic")
    with assert_nothing_changed("media.crisis"):
        response = client.post(
            "/media/crises/new/",
            {"organization": cast.kerman.pk, "title": "بحران", "severity": "high"},
        )
    assert sorted(field_errors(response.content.decode())) == ["organization"]
    done = client.post(
        "/media/crises/new/",
        {"organization": cast.isfahan.pk, "title": "شایعهٔ تعطیلی مدارس", "severity": "moderate"},
    )
    crisis = Crisis.objects.get(title="شایعهٔ تعطیلی مدارس")
    assert (done.status_code, done["Location"]) == (302, f"/media/crises/{crisis.pk}/")


def test_the_timeline_and_closing_forms_refuse_empty_text_in_persian(cast: Cast, coordinator: User):
    crisis = make_crisis(cast.isfahan)
    client = signed_in_client(coordinator)
    with assert_nothing_changed("media.timelineentry"):
        refused = client.post(
            f"/media/crises/{crisis.pk}/entries/new/",
            {"kind": "decision", "text": " ", "organization": cast.isfahan.pk},
        )
    assert refused.status_code == 400
    errors = field_errors(refused.content.decode())
    assert list(errors) == ["text"]
    assert_persian(errors["text"])
    added = client.post(
        f"/media/crises/{crisis.pk}/entries/new/",
        {"kind": "decision", "text": "سخنگوی واحد: استاندار", "organization": cast.isfahan.pk},
    )
    assert added.status_code == 302
    assert TimelineEntry.objects.filter(crisis=crisis, kind="decision").count() == 1
    with assert_nothing_changed("media.crisis"):
        refused = client.post(f"/media/crises/{crisis.pk}/close/", {"closing_summary": ""})
    assert list(field_errors(refused.content.decode())) == ["closing_summary"]
    closed = client.post(f"/media/crises/{crisis.pk}/close/", {"closing_summary": "شایعه مهار شد."})
    assert (closed.status_code, closed["Location"]) == (302, f"/media/crises/{crisis.pk}/report/")
    report = client.get(f"/media/crises/{crisis.pk}/report/").content.decode()
    assert "شایعه مهار شد." in report
    # Closed: no more forms on its page; a late entry is refused naming the crisis.
    page = client.get(f"/media/crises/{crisis.pk}/").content.decode()
    assert 'data-testid="entry-form"' not in page and 'data-testid="crisis-close"' not in page


def test_logging_assigning_and_answering_a_rumour_on_its_pages(cast: Cast, coordinator: User):
    ensure_member(cast.isfahan, cast.isfahan_post)
    client = signed_in_client(coordinator)
    with assert_nothing_changed("media.rumour"):
        refused = client.post(
            "/media/rumours/new/",
            {"organization": cast.isfahan.pk, "claim": "", "seen_where": "", "reach": "-5"},
        )
    errors = field_errors(refused.content.decode())
    assert sorted(errors) == ["claim", "reach", "seen_where"]
    for message in errors.values():
        assert_persian(message)
    done = client.post(
        "/media/rumours/new/",
        {
            "organization": cast.isfahan.pk,
            "claim": "نان سهمیه‌بندی می‌شود",
            "seen_where": "گروه پیام‌رسان محله",
            "reach": "۱۲۰۰۰",
        },
    )
    rumour = Rumour.objects.get(claim="نان سهمیه‌بندی می‌شود")
    assert (done.status_code, rumour.reach) == (302, 12000)
    with assert_nothing_changed("media.rumour"):
        refused = client.post(f"/media/rumours/{rumour.pk}/assign/", {"agency": cast.kerman_post.pk})
    assert refused.status_code == 400
    assert list(field_errors(refused.content.decode())) == ["agency"]
    assert (
        client.post(f"/media/rumours/{rumour.pk}/assign/", {"agency": cast.isfahan_post.pk}).status_code
        == 302
    )
    # The agency's reporter answers it from the rumour's page; Kerman's reporter cannot reach it.
    assert signed_in_client(cast.bahram).get(f"/media/rumours/{rumour.pk}/answer/").status_code == 404
    reporter = signed_in_client(cast.ali)
    assert 'name="response"' in reporter.get(f"/media/rumours/{rumour.pk}/").content.decode()
    with assert_nothing_changed("media.rumour"):
        refused = reporter.post(f"/media/rumours/{rumour.pk}/answer/", {"response": " "})
    assert list(field_errors(refused.content.decode())) == ["response"]
    assert (
        reporter.post(
            f"/media/rumours/{rumour.pk}/answer/", {"response": "نانوایی‌ها طبق روال کار می‌کنند."}
        ).status_code
        == 302
    )
    rumour.refresh_from_db()
    assert (rumour.state, rumour.answered_by) == ("answered", cast.ali)
    # The log says it is answered («پاسخ داده شد»), not «زمان پاسخ» (when, which it read).
    log = client.get("/media/rumours/").content.decode()
    assert 'data-testid="rumour-state">پاسخ داده شد</span>' in log


def test_the_figures_export_reads_back_as_the_page_shows(
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
    do_acknowledge(receipt, acting_user=officers[0], now=start + timedelta(minutes=30))
    do_respond(
        receipt,
        ResponseValues("published", channel="website", evidence_url="https://a.example"),
        acting_user=officers[0],
        now=start + timedelta(hours=1),
    )
    # Kerman's statement, answered by no one, is not in Isfahan's file.
    issue(
        approved(
            do_save_statement(
                StatementValues(cast.kerman, "statement", "پیام کرمان", "متن"), acting_user=None
            )
        ),
        [cast.kerman_post],
        hours=2,
        now=start,
    )
    period = JalaliPeriod.containing(local_date(timezone.now()), "month").key
    rows = xlsx_rows(exported(signed_in_client(cast.alice), "media-figures", "xlsx", {"period": period}))
    labels, keys, *values = rows
    assert labels[:3] == ("رتبه", "دستگاه", "کد دستگاه")
    by_code = {row[keys.index("agency_code")]: dict(zip(keys, row, strict=True)) for row in values}
    assert sorted(by_code) == [agencies[0].code, agencies[1].code]
    first = by_code[agencies[0].code]
    assert (first["rank"], first["ack_hours"], first["response_hours"], first["on_time"]) == (1, 0.5, 1, 1)
    assert (by_code[agencies[1].code]["rank"], by_code[agencies[1].code]["on_time"]) == (2, 0)
    page = signed_in_client(cast.alice).get(f"/media/figures/?period={period}").content.decode()
    assert f'data-agency="{agencies[0].code}"' in page and cast.kerman_post.code not in page
    kerman_rows = xlsx_rows(exported(signed_in_client(cast.bob), "media-figures", "xlsx", {"period": period}))
    assert [row[2] for row in kerman_rows[2:]] == [cast.kerman_post.code]


def test_the_figures_export_refuses_a_bad_period_naming_it(cast: Cast):
    response = signed_in_client(cast.alice).get("/files/new/media-figures.xlsx?period=1405-99")
    assert response.status_code == 400
    assert "1405-99" in response.content.decode() or "۱۴۰۵-۹۹" in response.content.decode()


def test_the_live_stream_carries_a_crisis_to_its_members_only(cast: Cast):
    """``media.crisis`` events go to those who see the crisis: the headquarters' people and its
    member agencies' (rasad/live/audience.py's registered topics), never the other province."""
    from rasad.live.audience import audience_of, forget_audiences
    from rasad.media.actions.crisis import member_ids

    forget_audiences()
    isfahan = make_crisis(cast.isfahan)
    kerman = make_crisis(cast.kerman)
    events = {
        crisis.pk: {
            "kind": "media.crisis",
            "organization_ids": [crisis.organization_id, *member_ids(crisis.organization_id)],
        }
        for crisis in (isfahan, kerman)
    }
    for user, own, other in ((cast.ali, isfahan, kerman), (cast.bahram, kerman, isfahan)):
        audience = audience_of(user.pk, fresh=True)
        assert audience.admits(events[own.pk]) and not audience.admits(events[other.pk])
    assert not audience_of(cast.charlie.pk, fresh=True).admits(events[isfahan.pk])
    assert audience_of(cast.nadia.pk, fresh=True).admits(events[kerman.pk])
