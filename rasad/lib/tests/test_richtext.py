"""People's rich text (rasad/lib/richtext.py): the small Markdown renders, nothing else does."""

from __future__ import annotations

from rasad.lib.richtext import render


def test_emphasis_lists_and_headings_render_in_persian():
    html = render("# نکات اصلی\n\n**برق** قطع *نمی‌شود*.\n\n- نکتهٔ یک\n- نکتهٔ دو\n\n1. اول\n2. دوم")
    assert "<h1>نکات اصلی</h1>" in html
    assert "<strong>برق</strong>" in html and "<em>نمی‌شود</em>" in html
    assert html.count("<li>") == 4 and "<ol>" in html


def test_html_is_shown_as_written_never_run():
    html = render('<script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:x">a</a>')
    assert "<script" not in html and "<img" not in html and "<a href" not in html
    assert "&lt;script&gt;" in html


def test_links_only_to_the_web_and_mail_and_no_picture_is_fetched():
    html = render(
        "[الف](javascript:alert(1)) [ب](data:text/html,x) [پ](https://www.ito.gov.ir) "
        "[ت](mailto:hq@example.ir) ![نقشه](https://example.com/a.png)"
    )
    assert 'href="javascript' not in html and 'href="data' not in html
    assert '<a rel="noopener noreferrer" target="_blank" href="https://www.ito.gov.ir">پ</a>' in html
    assert 'href="mailto:hq@example.ir"' in html
    assert "<img" not in html and "نقشه" in html and "example.com" not in html


def test_empty_text_is_empty():
    assert render("") == "" and render(None) == "" and render("  \n") == ""


def test_a_list_numbered_in_persian_digits_is_a_numbered_list():
    html = render("۱. قطعی برق برنامه‌ریزی‌شده است.\n۲. جدول خاموشی در سایت است.\n\nسال ۱۴۰۵. پایان")
    assert html.count("<li>") == 2 and "<ol>" in html
    assert "سال ۱۴۰۵. پایان" in html  # a number inside a line is the writer's
