"""A PDF with a text layer, made at test time the way Rasad makes its own PDFs (WeasyPrint,
Vazirmatn, right to left), read back in reading order: Persian digits not turned around, the
lam-alef ligature not turned around, a Gregorian date and a Latin code in their places; the
proposals that come out of it are those of the pasted text. A PDF without text gets the plain
"no text layer" message, translated, and nothing is stored."""

from __future__ import annotations

from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.conftest import client_for
from rasad.intake.reading import _read_pdf, visual_to_logical
from rasad.intake.tests.test_intake_api import DOCUMENTS, IMIDRO_REPORT, INTAKE_TABLES, proposals_of
from rasad.reports.render import FONT_DIR
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast


def _pdf(body: str) -> bytes:
    """A one-page A4 PDF of ``body`` (HTML), right to left, in the vendored Vazirmatn."""
    from weasyprint import HTML

    font = (FONT_DIR / "Vazirmatn-Regular.woff2").as_uri()
    html = (
        '<html dir="rtl" lang="fa"><head><style>'
        f"@font-face {{ font-family: Vazirmatn; src: url({font}); }}"
        "body { font-family: Vazirmatn; font-size: 11pt; }"
        f"</style></head><body>{body}</body></html>"
    )
    pdf: bytes = HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
    return pdf


def _persian_pdf(text: str) -> bytes:
    return _pdf("".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip()))


def test_a_persian_pdf_is_read_in_reading_order():
    text = _read_pdf(
        _persian_pdf(
            "روز شنبه ۱۷ آبان ۱۴۰۴ سردار غلامرضا جلالی اعلام کرد که تا ۱۵ اسفند گزارش بدهند.\n"
            + "دستگاه‌ها باید برنامهٔ خود را برای کاهش مصرف انرژی در ساختمان‌های اداری، مدارس و "
            + "بیمارستان‌ها تا پایان سال تهیه کنند و گزارش پیشرفت آن را هر ماه به استانداری بفرستند\n"
            "در جلسهٔ 2025-10-29 استاندارد ISO 14004 و عدد ۳۲۹٬۳۶۹ ریال مطرح شد.\n"
            "2025-10-29 روز جلسه بود."
        )
    )
    lines = [line for line in text.splitlines() if line]
    assert lines == [
        "روز شنبه ۱۷ آبان ۱۴۰۴ سردار غلامرضا جلالی اعلام کرد که تا ۱۵ اسفند گزارش بدهند.",
        # A paragraph wrapped over lines is one line again (the ZWNJ has no glyph: it is lost).
        "دستگاهها باید برنامهٔ خود را برای کاهش مصرف انرژی در ساختمانهای اداری، مدارس و "
        "بیمارستانها تا پایان سال تهیه کنند و گزارش پیشرفت آن را هر ماه به استانداری بفرستند",
        "در جلسهٔ 2025-10-29 استاندارد ISO 14004 و عدد ۳۲۹٬۳۶۹ ریال مطرح شد.",
        "2025-10-29 روز جلسه بود.",
    ]


def test_a_page_in_two_columns_is_read_column_by_column():
    """A bulletin set in two columns, a title above and a signature below: the right column
    first, then the left, each paragraph whole; the title first and the signature last."""
    paragraphs = [
        "استاندار کرمان خواستار گزارش دستگاه‌ها دربارهٔ مصرف برق در ساختمان‌های اداری شد.",
        "مدیرکل پدافند غیرعامل استان گفت که تمرین مشترک تا پایان آذر برگزار می‌شود.",
        "فرماندار رفسنجان تأکید کرد که گزارش پیشرفت هر ماه به استانداری فرستاده شود.",
        "رئیس سازمان صنعت، معدن و تجارت استان از برگزاری نمایشگاه معدن در اسفند خبر داد.",
    ]
    body = "".join(f"<p>{escape(p)} {escape(p)}</p>" for p in paragraphs)
    text = _read_pdf(
        _pdf(
            "<h1>خبرنامهٔ شورای اداری استان کرمان</h1>"
            f'<div style="columns: 2; column-gap: 2cm">{body}</div>'
            "<p>روابط عمومی استانداری کرمان</p>"
        )
    )
    read = [line for line in text.splitlines() if line]
    assert read[0] == "خبرنامهٔ شورای اداری استان کرمان"
    assert read[-1] == "روابط عمومی استانداری کرمان"
    # Each paragraph whole and in order (the ZWNJ has no glyph in a PDF: compared without it).
    assert [line.replace("\u200c", "") for line in read[1:-1]] == [
        f"{p} {p}".replace("\u200c", "") for p in paragraphs
    ]


def test_one_column_is_not_taken_for_two():
    from rasad.intake.reading import _in_columns

    page = "\n".join(["یک خط بلند از متن فارسی که سراسر عرض صفحه را می‌گیرد و جای خالی ندارد"] * 5)
    assert _in_columns(page) == page


@pytest.mark.parametrize(
    ("drawn", "read"),
    [
        # Persian digits and a time after Arabic letters: each number on its own.
        ("۱۶:۲۱ - ۱۴۰۳ دنفسا ۱۳", "۱۳ اسفند ۱۴۰۳ - ۱۶:۲۱"),
        # After an Arabic letter, "-" and "%" do not join digits (drawn 29-10-2025).
        ("دشر ٪۲۵ و 29-10-2025 خیرات", "تاریخ 2025-10-29 و ۲۵٪ رشد"),
        # A Latin code with its number; the full stop stays in the Persian text.
        (".دش ارجا ISO 14004 درادناتسا", "استاندارد ISO 14004 اجرا شد."),
        ("Hello world 2", "Hello world 2"),
    ],
)
def test_a_line_drawn_left_to_right_is_put_in_reading_order(drawn, read):
    assert visual_to_logical(drawn) == read


@pytest.fixture
def demo(db):
    from rasad.core.demo import load_demo
    from rasad.core.models import User

    load_demo()
    return User.objects.get(username="admin")


def test_the_imidro_report_as_a_pdf_yields_the_proposals_of_the_pasted_text(demo):
    upload = SimpleUploadedFile("imidro.pdf", _persian_pdf(IMIDRO_REPORT), content_type="application/pdf")
    response = client_for(demo).post(
        DOCUMENTS, {"organization": "IMIDRO", "file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source_kind"] == "pdf"
    # The dateline's «۱۳ اسفند ۱۴۰۳»: not «۳۱ اسفند ۳۰۴۱».
    assert body["document_date"] == "2025-03-03"
    (dateline,) = proposals_of(body, "date")
    assert (dateline["data"]["iso"], dateline["data"]["jalali"]) == ("2025-03-03", "1403/12/13")
    assert sorted(p["data"]["code"] for p in proposals_of(body, "organization")) == ["IMIDRO", "PDO"]
    # «غلامرضا جلالی»: the lam-alef ligatures read in order, not «غالمرضا جاللی».
    (person,) = proposals_of(body, "person")
    assert (person["data"]["name"], person["data"]["honorific"]) == ("غلامرضا جلالی", "سردار")
    assert person["data"]["organization_code"] == "PDO"
    directives = proposals_of(body, "directive")
    assert [d["data"]["organization_code"] for d in directives] == ["IMIDRO", "IMIDRO", "IMIDRO"]
    assert directives[0]["text"].startswith("ایمیدرو چالش")
    assert directives[0]["text"].endswith("به سازمان پدافند غیرعامل ارسال کند")
    assert "ارزآوری" in directives[1]["text"]


@pytest.mark.django_db
def test_a_pdf_without_text_gets_the_translated_no_text_message(cast: Cast):
    """An image-only page (what a scan is): a drawn box and no text."""
    scan = _pdf('<div style="width: 12cm; height: 16cm; background: #777; border: 4px solid #000"></div>')
    with assert_nothing_changed(*INTAKE_TABLES):
        response = client_for(cast.alice).post(
            DOCUMENTS,
            {"organization": cast.isfahan.code, "file": SimpleUploadedFile("scan.pdf", scan)},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="fa",
        )
    assert response.status_code == 400, response.content
    (message,) = response.json()["error"]["fields"]["file"]
    assert message.startswith("این PDF لایه متن ندارد")
