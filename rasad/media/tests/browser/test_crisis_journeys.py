"""The crisis room in the browser, in Persian, at desktop and phone widths: the headquarters'
secretary opens a crisis with its places, writes a decision on the timeline and logs a rumour
for a member agency; the agency's officer, with the room open, sees the timeline and the room's
statements change by themselves (the live stream), answers the rumour and writes on the
timeline; the secretary closes the room and reads the report. And every media page of the demo
passes the whole-site checks (Persian digits, no English left, no sideways scroll at 360 px)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import City, Role, User
from rasad.media.actions import StatementValues, do_add_timeline_entry, do_save_statement
from rasad.media.models import Crisis, Rumour
from rasad.media.testing import approved, ensure_member, issue
from rasad.testing.browser import ARTIFACTS, screenshot
from rasad.testing.cast import Cast
from rasad.testing.crawl import route_of, site_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRETARY_PASSWORD = "secretary-" * 2


def _secretary(cast: Cast) -> User:
    secretary = do_create_user(
        "isf.media",
        acting_user=None,
        password=SECRETARY_PASSWORD,
        display_name="پیمان فلاحی",
        organization=cast.isfahan,
        validate=False,
    )
    do_grant_role(
        secretary, Role.objects.get(slug="coordinator"), acting_user=None, organization=cast.isfahan
    )
    return secretary


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_crisis_room_from_opening_to_the_report(journey: Any, cast: Cast, width: str):
    _secretary(cast)
    ensure_member(cast.isfahan, cast.isfahan_post)
    city = (
        City.objects.filter(province=cast.isfahan.province)
        .exclude(name_fa="")
        .order_by("-population")
        .first()
    )
    assert city is not None
    hq = journey(width)
    hq.sign_in("isf.media", SECRETARY_PASSWORD)
    hq.go("/media/crises/")
    hq.click("[data-testid=new-crisis]")
    page = hq.page
    # Bad input first: no title; the form comes back naming the field, nothing is opened.
    page.check("input[name=severity][value=critical]")
    hq.submit("[data-testid=submit]")
    assert page.locator("[data-field-error=title]").count() == 1
    assert Crisis.objects.count() == 0
    page.fill("input[name=title]", "شایعهٔ آلودگی آب شرب")
    page.check(f"input[name=places][value='{city.pk}']")
    hq.submit("[data-testid=submit]")
    crisis = Crisis.objects.get(title="شایعهٔ آلودگی آب شرب")
    assert page.inner_text("[data-testid=crisis-title]") == crisis.title
    assert city.name_fa in page.inner_text("[data-testid=places]")
    page.wait_for_selector("[data-rasad-map][data-ready=points]")
    page.check("input[name=kind][value=decision]")
    page.fill("textarea[name=text]", "سخنگوی واحد: مدیرعامل آب و فاضلاب استان")
    hq.submit("[data-testid=entry-submit]")
    assert "سخنگوی واحد" in page.inner_text("[data-testid=timeline]")
    hq.click("[data-testid=crisis-rumour]")
    page.fill("textarea[name=claim]", "آب شرب شهر آلوده است و نباید نوشید.")
    page.fill("input[name=seen_where]", "گروه‌های پیام‌رسان محله")
    page.fill("input[name=reach]", "۲۵۰۰۰")
    hq.submit("[data-testid=submit]")
    page.select_option("select[name=agency]", str(cast.isfahan_post.pk))
    hq.submit("[data-testid=assign-submit]")
    rumour = Rumour.objects.get(crisis=crisis)
    assert (rumour.reach, rumour.state, rumour.agency) == (25000, "assigned", cast.isfahan_post)
    screenshot(page, f"media-crisis-rumour-{width}")

    # The agency's officer, with the room open, sees what the headquarters writes appear by itself.
    agency = journey(width)
    agency.sign_in("ali")
    agency.go(f"/media/crises/{crisis.pk}/")
    agency.page.wait_for_selector("[data-crisis-timeline][data-live=on]")
    do_add_timeline_entry(
        crisis, "event", "آزمایشگاه آب: نمونه‌ها سالم است", organization=cast.isfahan, acting_user=None
    )
    agency.page.wait_for_selector(
        "[data-testid=timeline] li:first-child:has-text('نمونه‌ها سالم است')", timeout=10_000
    )
    # A statement of the crisis issued to the agency joins the room's statements by itself too.
    statement = do_save_statement(
        StatementValues(cast.isfahan, "statement", "اطلاعیهٔ آب و فاضلاب", "آب شرب سالم است.", crisis=crisis),
        acting_user=None,
    )
    issue(approved(statement), [cast.isfahan_post], hours=2)
    agency.page.wait_for_selector(
        f"[data-testid=crisis-statements] a[href='/media/statements/{statement.pk}/']", timeout=10_000
    )
    agency.check("pushed")
    # The issue's pushes may still be swapping the room's parts: a click landing on a part being
    # replaced is dropped (a phone's narrow room showed it under load).
    agency.page.wait_for_selector("[data-crisis-timeline]:not([data-fetching])", state="attached")
    agency.click(f"[data-testid=crisis-rumours] a[href='/media/rumours/{rumour.pk}/']")
    agency.page.fill("textarea[name=response]", "نتیجهٔ آزمایش آب در وبگاه شرکت منتشر شد.")
    agency.submit("[data-testid=answer-submit]")
    assert "وبگاه شرکت" in agency.page.inner_text("[data-testid=rumour-response]")

    hq.go(f"/media/crises/{crisis.pk}/")
    hq.click("[data-testid=crisis-close]")
    page.fill("textarea[name=closing_summary]", "شایعه در دو ساعت مهار شد.")
    hq.submit("[data-testid=submit]")
    assert "شایعه در دو ساعت مهار شد." in page.inner_text("[data-testid=closing-summary]")
    assert page.inner_text("[data-testid=report-rumours]") == "۱ از ۱"
    screenshot(page, f"media-crisis-report-{width}")


def _force_cookie(person: Any, client: Client, settings: Any) -> None:
    person.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": person.base_url,
            }
        ]
    )


@pytest.mark.usefixtures("whole_demo")
def test_every_media_page_of_the_demo_passes_the_checks(journey: Any, settings: Any):
    """The whole-site checks (rasad/web/tests/browser/test_whole_site.py) over the media pages the
    headquarters' secretary, an agency's officer and the national coordinator reach from the
    board, at desktop width and at 360 px."""
    problems: list[str] = []
    for username in ("kerman-media.coordinator", "kerman-water.pr", "national.coordinator"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        pages = [p for p in site_pages(client, "/media/") if (route_of(p) or "").startswith("media:")]
        assert len(pages) > 5, (username, pages)
        for width in ("desktop", "narrow"):
            person = journey(width, strict=False)
            _force_cookie(person, client, settings)
            for path in pages:
                person.go(path)
            problems += [f"{username}: {problem}" for problem in person.problems]
    report = ARTIFACTS / "media-pages.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
