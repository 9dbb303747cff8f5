"""Certificates: each completion carries a verification code that anyone can check on a public
page, which reveals only the person's name, the course, the date and the validity; and a PDF of
the certificate (WeasyPrint shapes the Persian text with HarfBuzz; Vazirmatn is embedded from the
vendored fonts; the QR code points at the verification page).

The codes themselves: ``rasad.training.codes``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from django.conf import settings
from django.template.loader import render_to_string

from rasad.training.codes import clean, shown
from rasad.training.models import Completion

FONT_DIR = Path(settings.BASE_DIR) / "web" / "static" / "vendor" / "vazirmatn" / "fonts"


def find(text: str) -> Completion | None:
    """The completion with this code, or ``None`` (for a code of the wrong shape too)."""
    code = clean(text)
    if code is None:
        return None
    found: Completion | None = (
        Completion.objects.filter(code=code).select_related("user", "course__organization").first()
    )
    return found


def qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=1).save(buffer)
    return buffer.getvalue().decode()


def write_pdf(completion: Completion, verify_url: str, target: IO[bytes]) -> None:
    from weasyprint import HTML

    html = render_to_string(
        "training/certificate.html",
        {
            "completion": completion,
            "code": shown(completion.code or ""),
            "verify_url": verify_url,
            "qr": qr_svg(verify_url),
            "font_regular": (FONT_DIR / "Vazirmatn-Regular.woff2").as_uri(),
            "font_bold": (FONT_DIR / "Vazirmatn-Bold.woff2").as_uri(),
        },
    )
    # Only the vendored fonts are fetched (file: URLs); no network access is possible.
    HTML(string=html, base_url=str(FONT_DIR)).write_pdf(target)
