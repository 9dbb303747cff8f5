"""The pages: data entry, import with its error report, dashboards and their JSON feeds."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

from django.test import Client

from rasad.indicators.actions import do_approve_period, do_submit_period
from rasad.indicators.models import Indicator, Observation
from rasad.indicators.testing import make_baseline, make_scorecard, record
from rasad.jobs.testing import exported
from rasad.lib import display, formatting
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_bytes, xlsx_rows, xlsx_workbook

FA = display.DisplayPreferences()


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_entry_form_shows_only_assigned_indicators(assigned: Cast):
    html = (
        client(assigned.ali).get(f"/indicators/report/{assigned.isfahan_post.pk}/1402-01/").content.decode()
    )
    assert 'data-testid="value-ELEC_CONS"' in html
    assert 'data-testid="value-SPILLS"' not in html


def test_entry_form_saves_and_submits(assigned: Cast):
    response = client(assigned.ali).post(
        f"/indicators/report/{assigned.isfahan_post.pk}/1402-01/",
        {"value_ELEC_CONS": "۱۲۰٫۵", "value_ORE_MILLED": "40", "submit": "1"},
    )
    assert response.status_code == 302
    assert sorted(Observation.objects.values_list("indicator__code", "value", "status")) == [
        ("ELEC_CONS", 120.5, "submitted"),
        ("ORE_MILLED", 40.0, "submitted"),
    ]


def test_a_negative_consumption_is_refused_beside_its_field_naming_it(assigned: Cast):
    """A consumption is never below zero (its minimum in the catalogue): the form says so beside
    the field, in Persian with Persian digits, and stores nothing of the batch."""
    response = client(assigned.ali).post(
        f"/indicators/report/{assigned.isfahan_post.pk}/1402-01/",
        {"value_ELEC_CONS": "-۵۰", "value_ORE_MILLED": "40"},
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 400
    page = response.content.decode()
    error = f"{formatting.number(-50, prefs=FA)} منفی است؛ این مقدار هرگز کمتر از صفر نیست."
    summary = page.split('data-testid="entry-errors"')[1].split("</ul>")[0]
    assert Indicator.objects.get(code="ELEC_CONS").name in summary and error in summary
    assert f'<div class="invalid-feedback d-block">{error}</div>' in page
    assert not Observation.objects.exists()


def test_a_net_figure_without_a_minimum_may_be_negative(assigned: Cast):
    Indicator.objects.filter(code="ELEC_CONS").update(minimum=None)
    response = client(assigned.ali).post(
        f"/indicators/report/{assigned.isfahan_post.pk}/1402-01/", {"value_ELEC_CONS": "-50"}
    )
    assert response.status_code == 302
    assert Observation.objects.get().value == -50.0


def test_entry_form_out_of_scope_is_404(assigned: Cast):
    assert (
        client(assigned.ali).get(f"/indicators/report/{assigned.kerman_post.pk}/1402-01/").status_code == 404
    )


def test_import_page_reports_row_errors(assigned: Cast):
    buffer = io.BytesIO(
        xlsx_bytes(
            [["organization", "indicator", "period", "value"], ["ISF-P1", "ELEC_CONS", "1402-01", "abc"]]
        )
    )
    buffer.name = "data.xlsx"
    html = client(assigned.ali).post("/indicators/import/", {"file": buffer}).content.decode()
    assert 'data-testid="import-errors"' in html
    assert not Observation.objects.exists()


def test_import_template_downloads(assigned: Cast):
    response = client(assigned.ali).get("/indicators/import/template.xlsx")
    assert response.status_code == 200
    # Its sheets are named in Persian and read right to left, like every workbook Rasad writes.
    workbook = xlsx_workbook(response.content)
    assert workbook.sheetnames == ["مقادیر گزارش‌شده", "راهنما"]
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)
    assert xlsx_rows(response.content)[0] == (
        "organization",
        "indicator",
        "period",
        "value",
        "unit",
        "comment",
    )


def test_an_import_template_is_named_for_its_reader_as_an_export_is(assigned: Cast):
    # «الگوی ورود مقادیر گزارش‌شده ۱۴۰۵-۰۹-۱۵ ۱۰-۲۰.xlsx» in filename*, after an ASCII stand-in:
    # its kind and the same Jalali moment in Latin digits; in English for an English reader.
    browser = client(assigned.ali)

    def names(fmt: str, language: str) -> tuple[str, str]:
        response = browser.get(f"/indicators/import/template.{fmt}", {"lang": language})
        found = re.fullmatch(
            r"attachment; filename=\"(.+)\"; filename\*=UTF-8''(.+)", response["Content-Disposition"]
        )
        assert found is not None, response["Content-Disposition"]
        return found[1], unquote(found[2])

    for fmt in ("xlsx", "csv"):
        plain, named = names(fmt, "fa")
        assert re.fullmatch(rf"indicators-template-14\d\d-\d\d-\d\d-\d\d-\d\d\.{fmt}", plain), plain
        stamp = "۱۴[۰-۹]{2}-[۰-۹]{2}-[۰-۹]{2} [۰-۹]{2}-[۰-۹]{2}"
        assert re.fullmatch(rf"الگوی ورود مقادیر گزارش‌شده {stamp}\.{fmt}", named), named
    plain, named = names("xlsx", "en")
    assert re.fullmatch(r"Import template — Reported values 14\d\d-\d\d-\d\d \d\d-\d\d\.xlsx", named), named


def test_excel_export_has_jalali_and_iso_dates(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    browser = client(assigned.alice)
    old = browser.get("/indicators/observations/", {"export": "xlsx", "year": "1402"})
    assert (old.status_code, old["Location"]) == (302, "/files/new/observations.xlsx?year=1402")
    content = exported(browser, "observations", "xlsx", {"year": "1402"})
    # Row 1: labels; row 2: the keys; then the data, dates in the reader's calendar plus ISO.
    _, keys, values = xlsx_rows(content)
    row = dict(zip(keys, values, strict=True))
    assert (row["period_start"], row["period_start_iso"], row["value"]) == ("۱۴۰۲/۰۱/۰۱", "2023-03-21", 100)


def test_series_feed_and_choropleth_move_at_once(assigned: Cast):
    c = client(assigned.alice)
    url = f"/indicators/organizations/{assigned.isfahan.pk}/series.json"
    before = c.get(url, {"indicator": "ELEC_CONS", "months": "120"}).json()
    assert set(before["values"]) == {None}
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    record(assigned.isfahan_post, "ORE_MILLED", "1402-01", 50.0, user=assigned.ali)
    after = c.get(url, {"indicator": "ELEC_CONS", "months": "120"}).json()
    assert 100.0 in after["values"]
    intensity = c.get(url, {"indicator": "ELEC_INTENSITY", "months": "120"}).json()
    assert 2.0 in intensity["values"]
    choropleth = c.get("/indicators/choropleth.json", {"indicator": "ELEC_CONS", "year": "1402"}).json()
    assert choropleth["values"] == {"10": 100.0}
    # Bob sees only Kerman: nothing of Isfahan, not even in the provincial totals.
    assert (
        client(assigned.bob)
        .get("/indicators/choropleth.json", {"indicator": "ELEC_CONS", "year": "1402"})
        .json()["values"]
        == {}
    )


def test_dashboard_feed_query_count(assigned: Cast, django_assert_max_num_queries):
    for month in range(1, 13):
        record(assigned.isfahan_post, "ELEC_CONS", f"1402-{month:02d}", 100.0 + month, user=assigned.ali)
    c = client(assigned.alice)
    url = f"/indicators/organizations/{assigned.isfahan.pk}/series.json"
    c.get(url, {"indicator": "ENERGY_INTENSITY"})
    with django_assert_max_num_queries(14):
        c.get(url, {"indicator": "ENERGY_INTENSITY", "months": "120"})
    with django_assert_max_num_queries(14):
        c.get("/indicators/choropleth.json", {"indicator": "ENERGY_INTENSITY", "year": "1402"})


def test_pages_render(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    baseline = make_baseline(assigned, assigned.isfahan_post)
    scorecard = make_scorecard(assigned, assigned.isfahan)
    c = client(assigned.alice)
    for url in [
        "/indicators/",
        f"/indicators/organizations/{assigned.isfahan_post.pk}/",
        "/indicators/report/",
        "/indicators/import/",
        "/indicators/observations/",
        "/indicators/catalogue/",
        "/indicators/baselines/",
        f"/indicators/baselines/{baseline.pk}/",
        "/indicators/scorecards/",
        f"/indicators/scorecards/{scorecard.pk}/",
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
    assert (
        'data-testid="baseline-not-valid"' in c.get(f"/indicators/baselines/{baseline.pk}/").content.decode()
    )


def test_approve_and_reopen_buttons(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    url = f"/indicators/report/{assigned.isfahan_post.pk}/1402-01/"
    assert 'data-testid="approve"' in client(assigned.alice).get(url).content.decode()
    assert 'data-testid="approve"' not in client(assigned.ali).get(url).content.decode()
    client(assigned.alice).post(url + "approve/")
    assert Observation.objects.get().status == "approved"
    do_approve_period  # noqa: B018 - imported for readers: the page calls it


def test_a_year_that_is_not_one_is_said_and_the_default_year_shown(assigned: Cast):
    """``?year=abc`` was a server error; now the page says so and shows the last month's year."""
    c = client(assigned.alice)
    for bad in ("abc", "99999999999999999999", "-5", "۱۲"):
        response = c.get("/indicators/", {"year": bad})
        assert response.status_code == 200, bad
        page = response.content.decode()
        assert "یک سال نیست" in page, bad
        assert c.get("/indicators/choropleth.json", {"year": bad}).status_code == 404
    # A year in Persian digits is a year.
    response = c.get("/indicators/", {"year": "۱۴۰۲"})
    assert response.status_code == 200 and "یک سال نیست" not in response.content.decode()
    assert c.get("/indicators/choropleth.json", {"indicator": "ELEC_CONS", "year": "۱۴۰۲"}).status_code == 200


def test_an_organization_owing_no_report_says_so_instead_of_an_empty_completeness_table(cast: Cast):
    """Kerman has no indicator assigned (the plain cast): a sentence, not three headings over
    no row."""
    from rasad.testing.web import signed_in_client

    page = signed_in_client(cast.nadia).get(f"/indicators/organizations/{cast.kerman.pk}/").content.decode()
    assert 'data-testid="completeness"' not in page
    assert "گزارشی از خود این سازمان انتظار نمی‌رود: هیچ شاخصی به آن تخصیص داده نشده است." in page
