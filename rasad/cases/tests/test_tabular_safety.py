"""The case export neutralises formula-like titles and drops characters a workbook cannot hold."""

from __future__ import annotations

from datetime import date

from django.test import Client

from rasad.cases.models import Case
from rasad.cases.tests.test_sla_cases import _directive, tehran
from rasad.jobs.testing import exported
from rasad.testing.cast import Cast
from rasad.testing.tabular import BELL, FORMULA, assert_xlsx_safe


def test_case_export_is_safe(cast: Cast):
    first = _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5))
    second = _directive(cast, opened=tehran(2026, 5, 2, 10, 0), deadline=date(2026, 5, 6))
    Case.objects.filter(pk=first.pk).update(title=FORMULA)
    # A control character stored before the input boundary refused it.
    Case.objects.filter(pk=second.pk).update(title=BELL)
    client = Client()
    client.force_login(cast.nadia)
    assert_xlsx_safe(exported(client, "cases", "xlsx"))
