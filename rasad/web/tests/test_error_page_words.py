"""What the refusal and failure pages say in Persian: a refusal tells the person what they may not
do without accusing them (the audit trail's «دسترسی غیرمجاز» is for the attempt recorded), and a
failure is the system's («خطای سامانه»), not a «سرور» the reader knows nothing of."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils import translation

from rasad.web.errors import error_page


def _page(status: int) -> str:
    request = RequestFactory().get("/cases/")  # no user yet: the page without the frame
    with translation.override("fa"):
        return error_page(request, status).content.decode()


def test_a_refusal_says_access_is_not_allowed_without_calling_it_unauthorized():
    html = _page(403)
    assert '<h1 class="h3">دسترسی مجاز نیست</h1>' in html and "۴۰۳" in html
    assert "اجازهٔ انجام این کار را ندارید." in html
    assert "غیرمجاز" not in html


def test_a_failure_is_the_systems_error_and_says_it_was_logged():
    html = _page(500)
    assert '<h1 class="h3">خطای سامانه</h1>' in html and "۵۰۰" in html
    assert "خطایی در سامانه رخ داد. این خطا ثبت شده است." in html
