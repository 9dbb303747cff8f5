"""Reports: made by the worker as PDF (Persian shaped, RTL, Vazirmatn embedded) and Excel; the
text of the PDF is read back with pdftotext and checked for Persian words and digits."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from rasad.core.models import AuditEvent, Organization
from rasad.indicators.actions import TargetValues, do_save_target
from rasad.indicators.testing import indicator, record
from rasad.jobs.models import ExportFile, ExportStatus
from rasad.jobs.testing import run_queued
from rasad.lib.persian import to_persian_digits
from rasad.reports.audit import ReportAuditEvent
from rasad.reports.models import ReportDelivery, ReportSubscription
from rasad.reports.tasks import deliver
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_sheets, xlsx_workbook
from rasad.testing.web import signed_in_client

MARKS = dict.fromkeys(map(ord, "\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def pdf_text(path: Path | bytes) -> str:
    """The PDF's text as pdftotext reads it, without bidi and joiner marks."""
    data = path if isinstance(path, bytes) else path.read_bytes()
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return out.decode("utf-8").translate(MARKS)


def _file(export: ExportFile) -> Path:
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    path = Path(settings.MEDIA_ROOT) / str(export.file.name)
    artifacts = os.environ.get("RASAD_ARTIFACTS")
    if artifacts:  # keep the reports to look at (pdftoppm), like the browser tests' screenshots
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(artifacts) / f"report-{export.kind}.{export.file_format}")
    return path


def _request(client: Client, name: str, data: dict[str, object]) -> ExportFile:
    response = client.post(reverse("reports:form", args=[name]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ExportFile.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _reported(assigned: Cast) -> None:
    for month, value in ((5, 1200.0), (6, 1500.0), (7, 1750.5)):
        record(assigned.isfahan_post, "ELEC_CONS", f"1403-{month:02d}", value, user=assigned.ali)
    do_save_target(
        TargetValues(assigned.isfahan, indicator("ELEC_CONS"), 1403, 1600.0, 1700.0, 1900.0),
        acting_user=assigned.alice,
    )


def test_the_monthly_indicators_report_is_a_persian_pdf(assigned: Cast):
    _reported(assigned)
    export = _request(
        signed_in_client(assigned.alice),
        "indicators-monthly",
        {"organization": assigned.isfahan.pk, "period": "1403-07", "action": "pdf"},
    )
    assert run_queued() == 1
    text = pdf_text(_file(export))
    # pdftotext reads «ماهانهٔ» as «ماهانٔه» (the hamza's position); the words around it are exact.
    assert "گزارش ماهان" in text
    assert "شاخصها" in text  # «شاخص‌ها» without its ZWNJ
    assert assigned.isfahan.name.translate(MARKS) in text
    assert "مهر ۱۴۰۳" in text
    assert to_persian_digits("1,750.5").replace(",", "٬").replace(".", "٫") in text
    assert "هشدار" in text  # 1750.5 is above the warning threshold 1700 (lower is better)
    # The unit by its Persian name, in the table and the chart's title, as on the pages: not "MWh".
    unit = indicator("ELEC_CONS").unit
    assert text.count(unit.name.translate(MARKS)) >= 2 and unit.code not in text, (unit.code, text)
    assert AuditEvent.objects.filter(object_id=str(export.pk)).exists()
    # Persian digits only, and no «·» beside a number (it reads as a zero).
    assert not re.search(r"[0-9]", text), re.findall(r".{0,20}[0-9].{0,20}", text)
    assert not re.search(r"[۰-۹]\s*·|·\s*[۰-۹]", text)
    # Every page's footer says when the report was prepared, in the Jalali calendar.
    pages = text.split("\f")
    prepared = re.compile(r"تهیهشده در .*۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2}")
    assert all(prepared.search(page) for page in pages if page.strip()), pages


def test_the_same_report_as_excel(assigned: Cast):
    _reported(assigned)
    export = _request(
        signed_in_client(assigned.alice),
        "indicators-monthly",
        {"organization": assigned.isfahan.pk, "period": "1403-07", "action": "xlsx"},
    )
    run_queued()
    workbook = xlsx_workbook(_file(export).read_bytes())
    assert workbook.worksheets[0].sheet_view.rightToLeft
    figures = next(s for s in workbook.worksheets if s.title.startswith("ارقام"))
    rows = list(figures.iter_rows(values_only=True))
    assert rows[1] == (
        "indicator",
        "unit",
        "value",
        "previous",
        "change_percent",
        "year_ago",
        "target",
        "status",
    )
    electricity = next(row for row in rows[2:] if row[0] == indicator("ELEC_CONS").name)
    assert (electricity[2], electricity[3], electricity[6]) == (1750.5, 1500.0, 1600.0)
    # Text as the PDF shows it (the unit's name, the alert's level, «بله»), never a key; numbers
    # are numbers in a format that shows Persian digits.
    keys, cells = rows[1], next(r for r in figures.iter_rows(min_row=3) if r[0].value == electricity[0])
    shown = dict(zip(keys, cells, strict=True))
    assert shown["unit"].value == indicator("ELEC_CONS").unit.name
    assert shown["status"].value == "هشدار"  # 1750.5 is above the warning threshold
    # Each figure a number shown in its unit, in Persian digits, with the PDF's places: a sum or a
    # chart reads it, and the reader still sees «۱٬۷۵۰٫۵ مگاوات‌ساعت»; the change in percent.
    unit = indicator("ELEC_CONS").unit.name
    for key, value in (("value", 1750.5), ("previous", 1500), ("target", 1600)):
        assert (shown[key].data_type, shown[key].value) == ("n", value)
        assert shown[key].number_format == f'[$-3000429]#,##0.0" {unit}"', key
    assert shown["change_percent"].value == pytest.approx(16.7)
    assert shown["change_percent"].number_format == '[$-3000429]#,##0.0"٪"'


def test_requesting_a_report_records_report_requested_in_its_organizations_trail(assigned: Cast):
    export = _request(
        signed_in_client(assigned.alice),
        "indicators-monthly",
        {"organization": assigned.isfahan.pk, "period": "1403-07", "action": "xlsx"},
    )
    [event] = AuditEvent.objects.filter(event_type=ReportAuditEvent.REPORT_REQUESTED)
    assert (event.actor_id, event.organization_id, event.object_id) == (
        assigned.alice.pk,
        assigned.isfahan.pk,
        str(export.pk),
    )
    assert event.new == {
        "report": "indicators-monthly",
        "format": "xlsx",
        "params": {"organization": [str(assigned.isfahan.pk)], "period": ["1403-07"]},
    }


def test_a_report_of_an_organization_out_of_scope_is_404_and_nothing_is_queued(assigned: Cast):
    response = signed_in_client(assigned.bob).post(
        reverse("reports:form", args=["indicators-monthly"]),
        {"organization": assigned.isfahan.pk, "period": "1403-07", "action": "pdf"},
    )
    assert response.status_code == 404
    assert ExportFile.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type=ReportAuditEvent.REPORT_REQUESTED).exists()


def test_a_bad_period_is_a_translated_error(assigned: Cast):
    response = signed_in_client(assigned.alice).post(
        reverse("reports:form", args=["indicators-monthly"]),
        {"organization": assigned.isfahan.pk, "period": "1403-S2", "action": "pdf"},
    )
    assert response.status_code == 400
    assert "ماه" in response.content.decode()
    assert ExportFile.objects.count() == 0


def test_a_provincial_analyst_subscribes_and_receives_the_monthly_pdf_from_the_worker(assigned: Cast):
    _reported(assigned)
    Organization.objects.filter(pk=assigned.isfahan.pk)  # the province's command centre
    assigned.alice.email = "alice@example.ir"
    assigned.alice.save(update_fields=["email"])
    response = signed_in_client(assigned.alice).post(
        reverse("reports:form", args=["indicators-monthly"]),
        {
            "organization": assigned.isfahan.pk,
            "period": "1403-07",
            "action": "subscribe",
            "frequency": "monthly",
        },
    )
    assert response.status_code == 302
    subscription = ReportSubscription.objects.get(user=assigned.alice)
    assert AuditEvent.objects.filter(event_type=ReportAuditEvent.SUBSCRIBED).count() == 1
    # The first days of Aban 1403: October's report is due.
    assert deliver(date(2024, 10, 23)) == 1
    assert deliver(date(2024, 10, 24)) == 0  # once per period, however often the job runs
    mail.outbox.clear()
    run_queued()
    delivery = ReportDelivery.objects.get(subscription=subscription)
    assert delivery.period_key == "1403-07"
    assert delivery.export is not None
    export = delivery.export
    assert "گزارش ماهان" in pdf_text(_file(export))
    [message] = mail.outbox
    assert message.to == ["alice@example.ir"]
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf"
    assert "مهر ۱۴۰۳" in pdf_text(content)
    assert (
        reverse("jobs:export-download", args=[export.pk])
        in signed_in_client(assigned.alice).get(reverse("jobs:my-files")).content.decode()
    )


def test_a_subscription_twice_is_a_translated_error(assigned: Cast):
    client = signed_in_client(assigned.alice)
    data = {
        "organization": assigned.isfahan.pk,
        "action": "subscribe",
        "frequency": "monthly",
        "period": "1403-07",
    }
    client.post(reverse("reports:form", args=["indicators-monthly"]), data)
    response = client.post(reverse("reports:form", args=["indicators-monthly"]), data)
    assert response.status_code == 400
    assert "دریافت می‌کنید" in response.content.decode()
    assert ReportSubscription.objects.count() == 1


def test_the_case_status_report(cast: Cast):
    from rasad.cases.tasks import escalate_overdue
    from rasad.cases.tests.test_sla_cases import _directive, tehran

    _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5))
    escalate_overdue(tehran(2026, 5, 12, 9, 0))
    export = _request(
        signed_in_client(cast.nadia),
        "case-status",
        {"organization": cast.national.pk, "period": "1405-02", "action": "pdf"},
    )
    run_queued()
    text = pdf_text(_file(export))
    assert "گزارش وضعیت پرونده‌ها".translate(MARKS) in text
    assert cast.isfahan.name.translate(MARKS) in text
    # The figures, read from the same report as Excel: one directive open and overdue at the end
    # of Ordibehesht 1405, opened and escalated in it, none closed.
    export = _request(
        signed_in_client(cast.nadia),
        "case-status",
        {"organization": cast.national.pk, "period": "1405-02", "action": "xlsx"},
    )
    run_queued()
    summary, by_organization, by_category = xlsx_sheets(_file(export).read_bytes())
    figures = {row[1]: row[2] for row in summary if row[0] == "خلاصه"}
    # A figure that is a number alone is a number a spreadsheet sums (shown in Persian digits).
    assert figures == {
        "باز در پایان دوره": 1,
        "گذشته از مهلت": 1,
        "گشوده‌شده در دوره": 1,
        "بسته‌شده در دوره": 0,
        "ارجاع به سطح بالاتر در دوره": 1,
    }
    assert by_organization[2:] == [(cast.isfahan.name, 1, 1)]
    # Nothing resolved: no share on time (not a «۰٪» of nothing) and no median, «—».
    service = {row[1]: row[2] for row in summary if row[0] == "سطح خدمت"}
    assert service == {"رفع‌شده در دوره": 0, "رفع‌شده در مهلت": "—", "میانهٔ زمان رفع": "—"}
    assert [row[1:] for row in by_category[2:]] == [(1, 1)]


def _worked_example(cast: Cast):
    """METHODS §1.9: the copper concentrator, electricity against ore milled and cooling degree
    days, baseline year 1401 and reporting year 1402 (the data of test_baseline_method)."""
    from rasad.indicators.actions import (
        BaselineValues,
        IndicatorValues,
        ObservationInput,
        do_approve_period,
        do_record_observations,
        do_save_baseline,
        do_save_indicator,
        do_submit_period,
    )
    from rasad.indicators.models import Unit
    from rasad.indicators.testing import assign
    from rasad.indicators.tests import test_baseline_method as example
    from rasad.lib.jalali import JalaliPeriod

    do_save_indicator(
        IndicatorValues(
            "CDD", "درجه-روز سرمایش", Unit.objects.get(code="count"), "lower_is_better", "production"
        ),
        acting_user=None,
    )
    assign(cast.isfahan, "ELEC_CONS", "ORE_MILLED", "CDD")
    for year, energy, ore, cdd in (
        (1401, example.BASELINE_MWH, example.BASELINE_ORE_KT, example.BASELINE_CDD),
        (1402, example.REPORTING_MWH, example.REPORTING_ORE_KT, example.REPORTING_CDD),
    ):
        rows = []
        for month in range(1, 13):
            period = JalaliPeriod("month", year, month)
            for code, values in (("ELEC_CONS", energy), ("ORE_MILLED", ore), ("CDD", cdd)):
                rows.append(ObservationInput(cast.isfahan_post, indicator(code), period, values[month - 1]))
        do_record_observations(rows, acting_user=cast.ali)
        for month in range(1, 13):
            key = JalaliPeriod("month", year, month).key
            do_submit_period(cast.isfahan_post, key, acting_user=cast.ali)
            do_approve_period(cast.isfahan_post, key, acting_user=cast.alice)
    return do_save_baseline(
        BaselineValues(
            cast.isfahan_post,
            "خط مبنای کنسانتره",
            indicator("ELEC_CONS"),
            [indicator("ORE_MILLED"), indicator("CDD")],
            "1401-01",
            "1401-12",
            "1402-01",
            "1402-12",
        ),
        acting_user=cast.alice,
    )


def test_the_baseline_report_shows_the_worked_example(cast: Cast):
    baseline = _worked_example(cast)
    client = signed_in_client(cast.alice)
    export = _request(client, "baseline", {"baseline": baseline.pk, "action": "pdf"})
    run_queued()
    text = pdf_text(_file(export))
    # The published figures of METHODS §1.9 (model B), in Persian digits.
    assert "۰٫۹۳۹" in text  # R²
    assert "۲۲٫۷۰۱" in text  # β(P)
    assert "۳٫۸۸۵" in text  # β(CDD)
    assert "۱۰۰٬۰۳۶" in text  # Σ adjusted baseline, MWh
    assert "۳٬۶۳۶" in text  # avoided energy, MWh
    # Latin letters only in the standards' names of their measures; units by their Persian names
    # (docs/exports-and-background-work.md).
    assert set(re.findall("[A-Za-z]+", text)) <= {"CUSUM", "CV", "RMSE", "EnPI", "SEnPI", "R", "p"}
    assert "مگاوات" in text  # MWh by its Persian name
    for month, published in enumerate(example_adjusted(), start=1):
        assert to_persian_digits(f"{published:,}").replace(",", "٬") in text, month
    # As Excel: the energies numbers shown in the energy's unit (as the PDF, no places), the
    # improvement and the uncertainty numbers with their percent sign.
    export = _request(client, "baseline", {"baseline": baseline.pk, "action": "xlsx"})
    run_queued()
    summary = {
        row[1].value: row[2] for row in xlsx_workbook(_file(export).read_bytes()).worksheets[0].iter_rows()
    }
    adjusted, uncertainty = summary["خط مبنای تعدیل‌شده"], summary["عدم‌قطعیت صرفه‌جویی"]
    assert (adjusted.data_type, round(adjusted.value)) == ("n", 100036)
    assert adjusted.number_format == '[$-3000429]#,##0" مگاوات‌ساعت"'
    assert uncertainty.data_type == "n" and uncertainty.number_format == '[$-3000429]"±"#,##0.0"٪"'
    [actual] = list(next(xlsx_workbook(_file(export).read_bytes()).worksheets[2].iter_rows(min_row=3)))[1:2]
    assert actual.data_type == "n" and actual.number_format == adjusted.number_format


def example_adjusted() -> list[int]:
    from rasad.indicators.tests import test_baseline_method as example

    return list(example.PUBLISHED_ADJUSTED_BASELINE)


@pytest.mark.parametrize("name", ["indicators-monthly", "case-status"])
def test_a_report_someone_may_not_see_is_404(cast: Cast, name: str):
    assert signed_in_client(cast.charlie).get(reverse("reports:form", args=[name])).status_code == 404


def test_a_subscriber_who_lost_access_is_told_once_and_the_period_is_not_tried_again(assigned: Cast):
    from rasad.cases.models import Notification
    from rasad.core.actions.people import do_revoke_grant
    from rasad.core.models import Grant

    _reported(assigned)
    client = signed_in_client(assigned.alice)
    client.post(
        reverse("reports:form", args=["indicators-monthly"]),
        {
            "organization": assigned.isfahan.pk,
            "period": "1403-07",
            "action": "subscribe",
            "frequency": "monthly",
        },
    )
    subscription = ReportSubscription.objects.get(user=assigned.alice)
    for grant in Grant.objects.filter(user=assigned.alice):
        do_revoke_grant(grant, acting_user=assigned.root)
    assert deliver(date(2024, 10, 23)) == 0
    assert deliver(date(2024, 10, 24)) == 0
    [note] = Notification.objects.filter(user=assigned.alice, kind="file")
    assert "مهر ۱۴۰۳" in note.message and "اجازهٔ دیدن" in note.message
    assert note.link == reverse("reports:list")
    delivery = ReportDelivery.objects.get(subscription=subscription)
    assert (delivery.period_key, delivery.export) == ("1403-07", None)
    assert ExportFile.objects.count() == 0


def test_a_holdings_monthly_report_lists_the_indicators_assigned_to_its_members(cast: Cast):
    # The demo's IMIDRO report counted its companies' 72 reports received but said no indicator
    # was assigned: the indicators were its members' own, not assigned to the holding itself.
    from rasad.indicators.testing import assign
    from rasad.reports.definitions import build_indicators_monthly

    assign(cast.isfahan_post, "ELEC_CONS", subtree=False, since=date(2021, 3, 21))
    record(cast.isfahan_post, "ELEC_CONS", "1403-07", 1750.5, user=cast.ali)
    report = build_indicators_monthly(cast.alice, {"organization": cast.isfahan.pk, "period": "1403-07"})
    summary, figures = report.sections[0], report.sections[1].tables[0]
    assert summary.figures[0].value == to_persian_digits("1")
    [row] = figures.raw
    assert (row[0], row[2].value) == (indicator("ELEC_CONS").name, 1750.5)
    # Bob's province has no member with it: not listed there.
    kerman = build_indicators_monthly(cast.bob, {"organization": cast.kerman.pk, "period": "1403-07"})
    assert kerman.sections[1].tables[0].raw == []


def test_a_report_not_made_reads_in_its_reader_s_language_calendar_and_digits(assigned: Cast):
    """Session 24 left it written once in the subscriber's language of that morning, with the
    refusal's text: read later in the other language it stayed in the first. One notice, read by
    its subscriber in Persian, then in English with the Gregorian calendar, on the page and in
    the API."""
    from rasad.cases.models import Notification
    from rasad.core.actions.people import do_revoke_grant
    from rasad.core.models import Grant, User

    alice = assigned.alice
    ReportSubscription.objects.create(
        user=alice, report="indicators-monthly", organization=assigned.isfahan, frequency="monthly"
    )
    for grant in Grant.objects.filter(user=alice):
        do_revoke_grant(grant, acting_user=assigned.root)
    assert deliver(date(2024, 10, 23)) == 0
    [note] = Notification.objects.filter(user=alice, kind="file")
    assert note.message_id.startswith("The report “%(report)s”")
    page = signed_in_client(alice).get("/cases/notifications/").content.decode()
    assert "گزارش ماهانهٔ شاخص‌ها" in page and "مهر ۱۴۰۳" in page and "اجازهٔ دیدن" in page
    User.objects.filter(pk=alice.pk).update(language="en", persian_digits=False, calendar="gregorian")
    alice.refresh_from_db()
    english = (
        f"The report “Monthly indicators report” of {assigned.isfahan.name} for Mehr 1403 was not made: "
        "There is no such list to export, or you may not see it. End the subscription"
    )
    assert english in signed_in_client(alice).get("/cases/notifications/").content.decode()
    answer = signed_in_client(alice).get(f"/api/v1/notifications/{note.pk}/").json()
    assert answer["message"].startswith(english)


def test_a_monthly_report_of_an_organization_owing_nothing_says_dash_not_naught_percent(cast: Cast):
    """No indicator assigned: «—» for the reports received, not «۰ از ۰» over «۰٪ کامل»."""
    from rasad.reports.definitions import REPORTS

    params = {"organization": cast.kerman.pk, "period": "1405-02"}
    report = REPORTS["indicators-monthly"].build(cast.nadia, params)
    received = next(f for s in report.sections for f in s.figures if f.label == "گزارش‌های دریافت‌شده")
    assert (received.value, received.note) == ("—", "")


def test_the_catalogue_names_a_standard_as_a_persian_document_does(cast: Cast):
    """«ISO 50006» in Latin digits stood beside Persian ones (session 27): a Persian page writes
    «ایزو ۵۰۰۰۶» (docs/reference/persian-text.md, Standards named in Persian text)."""
    page = signed_in_client(cast.alice).get(reverse("reports:list")).content.decode()
    assert "بر پایهٔ استاندارد ایزو ۵۰۰۰۶." in page
    assert "ISO" not in page
