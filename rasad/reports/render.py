"""Reports to PDF (WeasyPrint: HarfBuzz shaping, RTL, Vazirmatn embedded) and to Excel
(``rasad.lib.tabular``: one sheet per table, numbers kept as numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from rasad.lib.persian import TextParseError, parse_number
from rasad.lib.tabular import Quantity, Sheet, write_xlsx
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
    """The report as a workbook a Persian reader reads as the PDF: a summary sheet, then a sheet
    per table. Numbers stay numbers (the tabular module shows them in the reader's digits); every
    other cell is the text the PDF shows (a level's name, «بله», a month by name), not its key."""
    sheets: list[Sheet] = []
    summary: list[list[object]] = [
        [report.title],
        [report.subtitle],
        [_("Prepared at"), report.generated_at],
        [],
    ]
    for section in report.sections:
        for figure in section.figures:
            amount = figure.amount if figure.amount is not None else _figure_value(figure.value)
            summary.append([section.title, figure.label, amount, figure.note])
        for note in section.notes:
            summary.append([section.title, note])
    sheets.append(Sheet(_("Summary"), summary, widths=(24, 30, 20, 30)))
    for section in report.sections:
        for table in section.tables:
            rows = [_excel_row(raw, shown) for raw, shown in zip(table.raw, table.rows, strict=False)]
            sheets.append(Sheet(table.title, rows, labels=table.header, keys=table.keys))
    write_xlsx(target, sheets)


def _excel_row(raw: Sequence[Any], shown: Sequence[str]) -> list[Any]:
    if len(raw) != len(shown):
        return list(raw)
    return [_excel_cell(value, text) for value, text in zip(raw, shown, strict=True)]


def _excel_cell(value: Any, text: str) -> Any:
    if value is None:
        return None
    if isinstance(value, int | float | Decimal | Quantity) and not isinstance(value, bool):
        return value
    return text


def _figure_value(text: str) -> Any:
    """A figure that is a number alone («۱۲», «۰٫۹۸۸») as a number; any other without an
    ``amount`` («۲ از ۳», «—») as the text the PDF shows."""
    try:
        number = parse_number(text)
    except TextParseError:
        return text
    return int(number) if number == number.to_integral_value() else float(number)
