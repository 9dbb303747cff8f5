"""The people export is the names import: downloaded as it is, in either format (the label row,
then the key row), and read back, it finds every person and changes no name
(docs/exports-and-background-work.md, "What an exported file looks like")."""

from __future__ import annotations

import pytest

from rasad.core.importers import PeopleImporter
from rasad.core.models import User
from rasad.jobs.testing import exported
from rasad.testing.cast import Cast
from rasad.testing.tabular import csv_records, xlsx_rows
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_people_export_re_imports_unchanged(cast: Cast):
    client = signed_in_client(cast.root)
    workbook = exported(client, "people", "xlsx")
    text = exported(client, "people", "csv")
    labels, keys, *_ = xlsx_rows(workbook)
    assert (labels[0], keys[0]) == ("نام کاربری", "username")
    assert len(csv_records(text)) == User.objects.count()
    names = dict(User.objects.values_list("username", "display_name"))
    for name, content in (("people.xlsx", workbook), ("people.csv", text)):
        report = PeopleImporter(acting_user=cast.root).run(content, file_name=name)
        assert report.errors == [], (name, report.errors)
        assert report.row_count == User.objects.count()
    assert dict(User.objects.values_list("username", "display_name")) == names
