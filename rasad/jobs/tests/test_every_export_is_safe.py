"""No export can be turned against its reader (issue 9): every registered export kind, in every
format, over the whole demo whose people-written text has been replaced by a spreadsheet formula
with a control character in it, writes the formula as inert text and drops the control character.

The module's demo (``module_demo``: on PostgreSQL a copy of the run's, loaded once per run,
rasad/testing/demo.py) has its human text (titles, names, descriptions, notes, comments, bodies,
summaries) rewritten in place, so that a list an app adds later is taken in without being named
here; a kind that needs parameters (a report, a period's figures) must be given them in
``_params``, or the test fails naming it; a kind the demo gives no rows fails too. PostgreSQL
only: the demo takes tens of seconds to load, and the files do not depend on the database.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import ProgrammingError, models, transaction
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from rasad.jobs.exports import do_request_export, export_dir, export_kinds
from rasad.jobs.models import ExportFile, ExportStatus
from rasad.jobs.testing import run_queued
from rasad.lib.jalali import JalaliPeriod
from rasad.lib.tabular import Limits, read_rows
from rasad.testing.tabular import xlsx_cells

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.usefixtures("module_demo"),
]

FORMULA = '=HYPERLINK("http://x","y")'
# Fields people write; codes, choices, e-mail addresses and periods keep their form (the exports
# read them as keys).
HUMAN_TEXT = {
    "title",
    "name",
    "description",
    "note",
    "notes",
    "comment",
    "body",
    "summary",
    "text",
    "details",
    "display_name",
    "reason",
    "legal_basis",
    "lead_signatory_name",
}
# Lists with no column of people's text: their files are still checked, and must still be built.
NO_TEXT: set[str] = set()


def _poison_human_text() -> int:
    """Rewrite every row's human text as the formula, a bell and the row's key (unique fields stay
    unique). Returns the number of fields rewritten."""
    rewritten = 0
    for model in apps.get_models():
        if not model.__module__.startswith("rasad.") or model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if field.name not in HUMAN_TEXT or not isinstance(field, models.CharField | models.TextField):
                continue
            if field.choices or isinstance(field, models.EmailField | models.URLField | models.SlugField):
                continue
            if field.max_length is not None and field.max_length < len(FORMULA) + 12:
                continue
            value = Concat(models.Value(FORMULA + "\x07"), Cast("pk", output_field=models.CharField()))
            try:
                with transaction.atomic():
                    model._default_manager.all().update(**{field.name: value})
            except ProgrammingError:
                # The audit trail: the application's role may not rewrite it (rasad/conftest.py);
                # its export shows what the events say, people's text among it, and is checked too.
                continue
            rewritten += 1
    return rewritten


def _params(kind_name: str) -> dict[str, list[str]]:
    from rasad.core.models import Organization
    from rasad.indicators.models import Baseline

    national = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    holding = Organization.objects.get(code="IMIDRO")  # the mines report monthly
    assert national is not None
    this_month = JalaliPeriod.containing(timezone.localdate(), "month")
    month, last_month = this_month.key, this_month.previous().key
    known: dict[str, dict[str, list[str]]] = {
        "media-figures": {"period": [month]},
        "report-indicators-monthly": {"organization": [str(holding.pk)], "period": [last_month]},
        "training-compliance": {},
        "assessment-compliance": {},
        "report-case-status": {"organization": [str(national.pk)], "period": [month]},
        "report-baseline": {
            "baseline": [str(Baseline.objects.order_by("pk").values_list("pk", flat=True)[0])]
        },
    }
    kind = export_kinds()[kind_name]
    if kind.validate is None:
        return {}
    assert kind_name in known, f"the export {kind_name!r} needs parameters: give them in PARAMS here"
    return known[kind_name]


def _texts_of(export: ExportFile) -> list[Any]:
    path = export_dir() / Path(str(export.file.name)).name
    content = path.read_bytes()
    if export.file_format == "xlsx":
        cells = list(xlsx_cells(content))
        assert not [c for c in cells if c.data_type == "f"], f"{export.kind}: a cell is a live formula"
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA):
                assert cell.data_type == "s" and cell.quotePrefix, f"{export.kind}: {cell.coordinate}"
        # Our own reader, as an import would read the file back: the same text.
        assert len(list(read_rows(content, "x.xlsx", Limits()))) > 0
        return [c.value for c in cells]
    if export.file_format == "csv":
        text = content.decode("utf-8-sig")
        values = [value for row in csv.reader(io.StringIO(text)) for value in row]
        assert not [v for v in values if v.startswith(("=", "+", "@"))], f"{export.kind}: a formula"
        return values
    assert content.startswith(b"%PDF"), export.kind
    return []


def test_every_export_writes_people_s_text_as_inert_text():
    from rasad.core.models import User

    assert _poison_human_text() > 20
    root = User.objects.filter(is_superuser=True).order_by("pk").first()
    assert root is not None
    # The audit trail cannot be rewritten: a new event names an object by its text as it is now.
    from rasad.core.audit import CoreAuditEvent
    from rasad.core.audit_log import record
    from rasad.core.models import Organization

    renamed = Organization.objects.order_by("pk").first()
    assert renamed is not None
    renamed.name = f"{FORMULA} {renamed.pk}"  # a control character is refused on the way in
    record(CoreAuditEvent.ORGANIZATION_CHANGED, actor=root, obj=renamed, organization=renamed)
    checked = []
    for kind in sorted(export_kinds().values(), key=lambda k: k.name):
        for file_format in kind.formats:
            export = do_request_export(kind.name, file_format, _params(kind.name), acting_user=root)
            run_queued()
            export.refresh_from_db()
            assert export.status == ExportStatus.READY, (kind.name, file_format, export.error)
            values = _texts_of(export)
            assert not [v for v in values if isinstance(v, str) and "\x07" in v], (kind.name, file_format)
            assert export.row_count, f"{kind.name} ({file_format}): the demo gives it no rows"
            if file_format != "pdf" and kind.name not in NO_TEXT:
                inert = [v for v in values if isinstance(v, str) and FORMULA in v]
                assert inert, f"{kind.name} ({file_format}): no people's text in {export.row_count} rows"
            checked.append((kind.name, file_format, export.row_count))
    assert {name for name, *_ in checked} == set(export_kinds()), checked
