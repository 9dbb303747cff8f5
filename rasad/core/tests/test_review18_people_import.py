"""A names import finds a person by their username as it is written before reading its digits
as Latin ones: a username with Persian digits (nothing refuses one: ``rasad createuser`` takes
it) is exported as it is and must read back as that person, not as nobody, nor as another
person whose username has the same digits in Latin (whose names the import would then change).
A username is read as written, among the people the importer may change (review 21).

Cast: Alice, administrator over Isfahan (``isfahan_admin``), imports; two people at the Isfahan
post are «ali۱» and «ali1»."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from rasad.core.actions.people import do_create_user
from rasad.core.importers import ImportReport, PeopleImporter
from rasad.core.models import User
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(importer: User, rows: list[list[str]]) -> ImportReport:
    upload = SimpleUploadedFile(
        "people.xlsx", xlsx_bytes([["username", "display_name", "latin_name"], *rows])
    )
    return PeopleImporter(acting_user=importer).run(upload.read(), file_name="people.xlsx")


def test_a_username_with_persian_digits_reads_back_as_that_person(cast: Cast, isfahan_admin: User):
    persian = do_create_user("ali۱", acting_user=None, password=None, organization=cast.isfahan_post)
    latin = do_create_user("ali1", acting_user=None, password=None, organization=cast.isfahan_post)
    report = _import(isfahan_admin, [["ali۱", "", "First Ali"]])
    assert report.sorted_errors() == []
    assert User.objects.get(pk=persian.pk).latin_name == "First Ali"
    assert User.objects.get(pk=latin.pk).latin_name == ""


def test_persian_digits_typed_for_a_latin_username_name_it_in_the_refusal(cast: Cast, isfahan_admin: User):
    """Review 21: read as «ali2» only when nobody had «ali۲», the row was an oracle for accounts
    out of reach (below); it is refused, and the message names the username to write."""
    latin = do_create_user("ali2", acting_user=None, password=None, organization=cast.isfahan_post)
    with translation.override("en"):
        report = _import(isfahan_admin, [["ali۲", "", "Second Ali"]])
    assert [error.message for error in report.sorted_errors()] == [
        "Nobody you may change has the username “ali۲”; did you mean “ali2”?"
    ]
    assert User.objects.get(pk=latin.pk).latin_name == ""


def test_a_username_someone_out_of_reach_has_is_not_read_as_another(cast: Cast, isfahan_admin: User):
    """Review 19: a username written with Persian digits is that username when somebody has it,
    whether or not the importer may see them; read against the people the importer may change
    only, Isfahan's administrator's row «ali۳» changed «ali3» while «ali۳» (of Kerman, out of her
    reach) exists: the same file changed another person than the one it names."""
    other = do_create_user("ali۳", acting_user=None, password=None, organization=cast.kerman_post)
    latin = do_create_user("ali3", acting_user=None, password=None, organization=cast.isfahan_post)
    report = _import(isfahan_admin, [["ali۳", "", "Third Ali"]])
    assert [error.column for error in report.sorted_errors()] == ["username"]
    assert User.objects.get(pk=latin.pk).latin_name == ""
    assert User.objects.get(pk=other.pk).latin_name == ""


@pytest.mark.parametrize("rows", [[["bob۵", "", "Bob"]], [["bob۵", "", "Bob"], ["bob5", "", "Bob"]]])
def test_a_username_out_of_reach_answers_as_one_nobody_has(
    cast: Cast, isfahan_admin: User, rows: list[list[str]]
):
    """Review 20: the import's answer about people the importer may not change is the same
    whether or not somebody has the username. The username was named as it was read («bob۵»
    when somebody anywhere has it, «bob5», its digits read as Latin, when nobody has), and two
    rows «bob۵» and «bob5» were one username twice only when nobody has «bob۵»: Isfahan's
    administrator could learn, by any username written with Persian digits, whether an account
    out of her reach has it."""
    with translation.override("en"):
        nobody = _import(isfahan_admin, rows).sorted_errors()
        do_create_user("bob۵", acting_user=None, password=None, organization=cast.kerman_post)
        somebody = _import(isfahan_admin, rows).sorted_errors()
    assert somebody == nobody
    assert [error.message for error in nobody] == [
        f"Nobody you may change has the username “{row[0]}”." for row in rows
    ]


def test_a_row_is_answered_alike_whether_or_not_someone_out_of_reach_has_its_username(
    cast: Cast, isfahan_admin: User
):
    """Review 21: review 20 left one answer that depended on an account out of the importer's
    reach. A row «bob۶», when Alice may change «bob6», changed «bob6»'s names if nobody had
    «bob۶» and was refused if an account of Kerman had it: by any username she may change, written
    with Persian digits, Alice could learn whether an account out of her reach has that spelling.
    The row is now read against the people she may change only, as written."""
    latin = do_create_user("bob6", acting_user=None, password=None, organization=cast.isfahan_post)
    with translation.override("en"):
        nobody = _import(isfahan_admin, [["bob۶", "", "Bob"]]).sorted_errors()
        changed_when_nobody = User.objects.get(pk=latin.pk).latin_name
        do_create_user("bob۶", acting_user=None, password=None, organization=cast.kerman_post)
        somebody = _import(isfahan_admin, [["bob۶", "", "Bob"]]).sorted_errors()
    assert somebody == nobody
    assert changed_when_nobody == User.objects.get(pk=latin.pk).latin_name == ""
