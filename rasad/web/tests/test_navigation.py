"""Navigation as data: each app's ``menu.py`` is discovered, and an entry is shown exactly when
its page opens for the user (the generic views refuse a form to whoever may use it nowhere)."""

from __future__ import annotations

import re

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Role
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.web.navigation import menu_groups


def _menu_links(html: str) -> set[str]:
    navbar = html.split('id="mainnav"', 1)[1].split("</nav>", 1)[0]
    return set(re.findall(r'href="(/[^"?]*)"', navbar))


def test_every_app_declares_its_own_entries():
    keys = [group.key for group in menu_groups()]
    assert keys == [
        "overview",
        "organizations",
        "indicators",
        "cases",
        "intake",
        "programs",
        "greenjobs",
        "training",
        "live",
        "media",
        "assessments",
        "comms",
        "reports",
        "administration",
    ]


def test_the_reporter_can_enter_data_from_the_menu(cast: Cast):
    client = signed_in_client(cast.ali)
    links = _menu_links(client.get("/").content.decode())
    assert "/indicators/report/" in links
    page = client.get("/indicators/report/").content.decode()
    organizations = re.search(r'<select name="organization".*?</select>', page, re.S)
    assert organizations is not None
    options = re.findall(r'<option value="(\d+)"', organizations.group())
    assert sorted(int(pk) for pk in options) == sorted([cast.isfahan.pk, cast.isfahan_post.pk])


def test_a_viewer_is_not_shown_forms_they_cannot_use(cast: Cast):
    vida = do_create_user("vida", acting_user=None, password=None, organization=cast.isfahan)
    do_grant_role(vida, Role.objects.get(slug="viewer"), acting_user=None, organization=cast.isfahan)
    client = signed_in_client(vida)
    home = client.get("/").content.decode()
    links = _menu_links(home)
    assert "/indicators/observations/" in links
    assert {"/indicators/report/", "/indicators/import/", "/cases/consolidate/"}.isdisjoint(links)
    # The pages behind the hidden entries are refused too.
    for url in ("/indicators/report/", "/indicators/import/", "/cases/consolidate/", "/cases/new/"):
        assert client.get(url).status_code == 404, url
    # Sub-navigation follows the same rule: no "Import" tab, no "File a case" button.
    indicators_nav = client.get("/indicators/observations/").content.decode()
    assert 'href="/indicators/import/"' not in indicators_nav
    assert 'href="/cases/new/"' not in client.get("/cases/").content.decode()


def test_the_reporter_sees_the_file_a_case_button(cast: Cast):
    assert 'href="/cases/new/"' in signed_in_client(cast.ali).get("/cases/").content.decode()


def test_someone_without_grants_sees_only_the_home_and_their_own_pages(cast: Cast):
    links = _menu_links(signed_in_client(cast.charlie).get("/").content.decode())
    own = {
        "/account/preferences/",
        "/account/password/",
        "/account/two-factor/",
        "/account/tokens/",
        "/cases/notifications/",
        "/files/",
        "/training/mine/",
    }
    assert links == {"/", *own}


def _menu_sections(html: str) -> list[str]:
    menu = html.split('data-testid="main-menu"', 1)[1].split("</ul>\n      <ul", 1)[0]
    entry = r'<li class="nav-item[^"]*">\s*<a class="nav-link[^"]*"[^>]*>(?:<i [^>]*></i> )?([^<]+)</a>'
    return [label.strip() for label in re.findall(entry, menu)]


def test_the_main_menu_shows_sections_and_a_lone_group_by_its_own_name(cast: Cast):
    # Root sees every app: four sections hold two to four apps each, one line at 1280 px.
    assert _menu_sections(signed_in_client(cast.root).get("/").content.decode()) == [
        "صفحهٔ اصلی",
        "سازمان‌ها",
        "پایش",
        "پرونده‌ها و اسناد",
        "برنامه‌ها و آموزش",
        "ارتباطات",
        "مدیریت",
    ]
    # Ali (a reporter) has no document in scope and may read none in: his "cases and documents"
    # section is the cases app alone, under its own name.
    assert "پرونده‌ها" in _menu_sections(signed_in_client(cast.ali).get("/").content.decode())


def test_an_app_menu_is_shown_only_where_the_app_has_something_for_the_person(cast: Cast):
    from rasad.media.testing import make_member

    post_org = cast.isfahan_post
    operator = do_create_user("post.operator", acting_user=None, password=None, organization=post_org)
    do_grant_role(operator, Role.objects.get(slug="reporter"), acting_user=None, organization=post_org)
    make_member(cast, cast.isfahan)  # a member agency under the command centre, not under the post
    post = _menu_links(signed_in_client(operator).get("/").content.decode())
    ali = _menu_links(signed_in_client(cast.ali).get("/").content.decode())
    assert {"/indicators/report/", "/cases/"} <= post
    # Nothing of media, green jobs, document intake or centre messages is in the post's scope.
    for menu in ("/media/", "/green/", "/intake/", "/comms/"):
        assert not any(link.startswith(menu) for link in post), menu
    # Ali's scope holds the member agency: the media menu is his.
    assert "/media/" in ali
    # Root may start any of them on an empty installation.
    root = _menu_links(signed_in_client(cast.root).get("/").content.decode())
    assert {"/media/", "/green/", "/intake/"} <= root


REFERENCE_PAGES = {
    "/cases/calendar/",
    "/cases/sla/",
    "/training/courses/",
    "/training/requirements/",
    "/assessments/instruments/",
}


def test_reference_pages_are_in_the_main_menu_of_those_who_keep_them(cast: Cast):
    ali = signed_in_client(cast.ali)
    # A reporter files cases and takes courses, but keeps no calendar, policy, catalogue or
    # instrument: the main menu leaves them out...
    assert REFERENCE_PAGES.isdisjoint(_menu_links(ali.get("/").content.decode()))
    # ... the app's own sub-navigation still leads to them, and each page opens as before.
    cases_nav = ali.get("/cases/").content.decode()
    assert 'href="/cases/calendar/"' in cases_nav
    assert 'href="/cases/sla/"' in cases_nav
    for url in REFERENCE_PAGES:
        assert ali.get(url).status_code == 200, url
    # An analyst triages cases against the working calendar and the response times.
    alice = _menu_links(signed_in_client(cast.alice).get("/").content.decode())
    assert {"/cases/calendar/", "/cases/sla/"} <= alice
    root = _menu_links(signed_in_client(cast.root).get("/").content.decode())
    assert REFERENCE_PAGES.issubset(root)
