"""Reports to PDF (WeasyPrint: HarfBuzz shaping, RTL, Vazirmatn embedded) and to Excel
(``rasad.lib.tabular``: one sheet per table, numbers kept as numbers)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from rasad.lib.tabular import Sheet, write_xlsx
from rasad.reports.definitions import ReportData

FONT_DIR = Path(settings.BASE_DIR) / "web" / "static" / "vendor" / "vazirmatn" / "fonts"


def to_html(report: ReportData) -> str:
    return render_to_string(
        "reports/pdf/report.html",
        {
            "report": report,
            "font_regular": (FONT_DIR / "Vazirmatn-Regular.woff2").as_uri(),
            "font_bold": (FONT_DIR / "Vazirmatn-Bold.woff2").as_uri(),
        },
    )


def write_pdf(report: ReportData, target: IO[bytes]) -> None:
    from weasyprint import HTML

    # Only the vendored fonts are fetched (file: URLs); no network access is possible.
    HTML(string=to_html(report), base_url=str(FONT_DIR)).write_pdf(target)


def write_excel(report: ReportData, target: IO[bytes]) -> None:
    sheets: list[Sheet] = []
    summary: list[list[object]] = [
        [report.title],
        [report.subtitle],
        [_("Prepared at"), report.generated_at],
        [],
    ]
    for section in report.sections:
        for figure in section.figures:
            summary.append([section.title, figure.label, figure.value, figure.note])
        for note in section.notes:
            summary.append([section.title, note])
    sheets.append(Sheet(_("Summary"), summary, widths=(24, 30, 20, 30)))
    for section in report.sections:
        for table in section.tables:
            sheets.append(Sheet(table.title, table.raw, labels=table.header, keys=table.keys))
    write_xlsx(target, sheets)
