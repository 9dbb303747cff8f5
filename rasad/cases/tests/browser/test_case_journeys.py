"""The cases capability as people use it, in Persian, at desktop and phone widths: a reporter
files a challenge; the command centre's analyst filters the list (a date that does not exist
gets its translated error), triages, assigns, comments (once confidentially, with the lock badge)
and attaches a file in place (htmx), sees the board and the map; then merges two duplicates and
forwards a dossier. Every page on the way passes the journey checks (rasad.testing.journey)."""

from __future__ import annotations

import pytest

from rasad.cases.models import Attachment, Case, Comment, Dossier
from rasad.cases.testing import open_challenge
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = ["desktop", "phone"]


@pytest.mark.parametrize("width", WIDTHS)
def test_file_triage_assign_comment_attach(journey, cast: Cast, width, tmp_path):
    reporter = journey(width)
    reporter.sign_in("ali")
    reporter.go("/cases/new/")
    page = reporter.page
    page.select_option("select[name=kind]", "challenge")
    page.select_option("select[name=category]", label="تأمین انرژی (برق و گاز)")
    page.fill("input[name=title]", "قطع مکرر برق پاسگاه در شب")
    page.fill("textarea[name=description]", "ژنراتور پشتیبان سوخت کافی ندارد.")
    page.select_option("select[name=reporter_organization]", label="پاسگاه مرزی یک")
    reporter.submit("[data-testid=case-submit]")
    case = Case.objects.get()
    assert page.inner_text("[data-testid=case-status]") == "جدید"

    analyst = journey(width)
    analyst.sign_in("alice")
    analyst.go("/cases/?opened_from=1405/13/40", status=400)
    assert "ماه ۱۳ وجود ندارد" in analyst.page.inner_text("[data-testid=filter-errors]")
    analyst.go("/cases/?q=قطع برق")
    assert "قطع مکرر برق پاسگاه در شب" in analyst.page.inner_text("[data-testid=case-table]")
    analyst.go("/cases/board/")
    analyst.go(f"/cases/{case.pk}/")
    page = analyst.page
    page.click("[data-testid=do-triage]")
    page.locator("[data-testid=case-status]", has_text="بررسی‌شده").wait_for()
    analyst.check("triaged")
    assign = page.locator("form:has([data-testid=do-assign])")
    assign.locator("select[name=assignee]").select_option(label="علی رضایی")
    page.click("[data-testid=do-assign]")
    page.locator("[data-testid=assignee]", has_text="علی رضایی").wait_for()
    analyst.check("assigned")
    page.fill("textarea[name=body]", "سوخت اضطراری تا فردا می‌رسد. @ali")
    page.click("[data-testid=comment-submit]")
    page.locator("[data-testid=comment]", has_text="سوخت اضطراری").wait_for()
    analyst.check("commented")
    comment_form = page.locator("form:has([data-testid=comment-submit])")
    comment_form.locator("textarea[name=body]").fill("نام رانندهٔ تانکر: حسین کریمی")
    comment_form.locator("label", has_text="محرمانه").click()
    page.click("[data-testid=comment-submit]")
    page.locator("[data-testid=comment][data-confidential] [data-testid=confidential-comment]").wait_for()
    assert "حسین کریمی" in page.inner_text("[data-testid=comment][data-confidential]")
    analyst.check("commented-confidentially")
    note = tmp_path / "گزارش.txt"
    note.write_text("گزارش بازدید میدانی", encoding="utf-8")
    page.set_input_files("input[name=file]", str(note))
    page.click("[data-testid=upload]")
    page.locator("[data-testid=attachments] a", has_text="گزارش").wait_for()
    analyst.check("attached")
    assert (Comment.objects.count(), Attachment.objects.count()) == (2, 1)
    assert Comment.objects.filter(confidential=True, body="").count() == 1
    analyst.go("/cases/map/")
    analyst.page.locator("[data-testid=map][data-ready=points]").wait_for()
    assert analyst.page.get_attribute("[data-testid=map]", "data-approximate-count") == "1"
    assert "در محل سازمانشان" in analyst.page.inner_text("[data-testid=placement]")


@pytest.mark.parametrize("width", WIDTHS)
def test_merge_duplicates_and_forward_a_dossier(journey, cast: Cast, width):
    kept = open_challenge(cast, cast.isfahan_post, user=cast.ali, title="کمبود سوخت ژنراتور پاسگاه")
    duplicate = open_challenge(cast, cast.isfahan_post, user=cast.ali, title="کمبود گازوئیل ژنراتور")
    analyst = journey(width)
    analyst.sign_in("alice")
    analyst.go("/cases/consolidate/")
    page = analyst.page
    page.check(f"[data-testid=select-{kept.pk}]")
    page.check(f"[data-testid=select-{duplicate.pk}]")
    page.check(f"[data-testid=keep-{kept.pk}]")
    analyst.submit("[data-testid=merge]")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", kept.pk)

    page.check(f"[data-testid=select-{kept.pk}]")
    page.select_option("select[name=from_organization]", str(cast.isfahan.pk))
    page.select_option("select[name=to_organization]", str(cast.national.pk))
    page.fill("input[name=title]", "چالش‌های سوخت پاسگاه‌های اصفهان")
    page.fill("textarea[name=summary]", "کمبود سوخت ژنراتورها در پاسگاه‌های مرزی.")
    analyst.submit("[data-testid=forward]")
    dossier = Dossier.objects.get()
    assert list(dossier.cases.all()) == [kept]

    coordinator = journey(width)
    coordinator.sign_in("nadia")
    coordinator.go(f"/cases/dossiers/{dossier.pk}/")
    assert "چالش‌های سوخت پاسگاه‌های اصفهان" in coordinator.page.inner_text("main")


@pytest.mark.parametrize("width", WIDTHS)
def test_administrator_keeps_the_working_calendar(journey, cast: Cast, width):
    admin = journey(width)
    admin.sign_in("root")  # an administrator: sets up two-factor sign-in first
    admin.go("/cases/calendar/?year=1406")
    page = admin.page
    # 1406 has no rows: Nowruz comes from its rule, lunar holidays are estimates.
    assert page.locator("[data-testid=holidays] tr[data-source=rule]").count() == 10
    assert page.locator("[data-testid=holidays] tr[data-source=estimate]").count() >= 15
    admin.go("/cases/calendar/holidays/new/")
    page.fill("input[name=date]", "۱۴۰۶/۰۲/۱۹")
    page.fill("input[name=name_fa]", "تعطیلی به سبب آلودگی هوا")
    admin.submit("[data-testid=save]")
    assert page.locator("[data-testid=holidays]", has_text="تعطیلی به سبب آلودگی هوا").count() == 1
    admin.go("/cases/sla/")
    assert page.get_attribute("[data-testid=lunar-years] tr[data-year='1407']", "data-entered") == "0"
