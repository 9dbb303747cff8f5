"""Review 19: a username in a names import means the same person whoever imports it. Written
with Persian digits, it is that username when somebody has it, whether or not the importer may
see them; only a username nobody has is read with Latin digits (typed in Persian for a Latin
one). Read against the people the importer may change only, the row «ali۳» of Isfahan's
administrator changed «ali3» of Isfahan while «ali۳» (of Kerman) exists: the same file changed
another person than the one it names.

Cast: Alice, administrator over Isfahan (``isfahan_admin``), imports; «ali3» is at the Isfahan
post, «ali۳» at the Kerman post (out of her reach)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.core.actions.people import do_create_user
from rasad.core.importers import PeopleImporter
from rasad.core.models import User
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(importer: User, rows: list[list[str]]) -> object:
    upload = SimpleUploadedFile(
        "people.xlsx", xlsx_bytes([["username", "display_name", "latin_name"], *rows])
    )
    return PeopleImporter(acting_user=importer).run(upload.read(), file_name="people.xlsx")


def test_a_username_someone_out_of_reach_has_is_not_read_as_another(cast: Cast, isfahan_admin: User):
    other = do_create_user("ali۳", acting_user=None, password=None, organization=cast.kerman_post)
    latin = do_create_user("ali3", acting_user=None, password=None, organization=cast.isfahan_post)
    report = _import(isfahan_admin, [["ali۳", "", "Third Ali"]])
    assert [error.column for error in report.sorted_errors()] == ["username"]  # type: ignore[attr-defined]
    assert User.objects.get(pk=latin.pk).latin_name == ""
    assert User.objects.get(pk=other.pk).latin_name == ""
