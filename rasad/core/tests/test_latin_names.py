"""A person's name in Latin letters: set by the person (preferences, ``users/me``), by an
administrator who may change them (the person's form, a names import), carried by the people
export and the API, and used by English pages. Persian letters in it are refused, naming it.

Cast: Alice is an analyst over Isfahan (``isfahan_admin`` makes her its administrator too), Ali a
reporter there, Bahram a reporter in Kerman (outside Alice's scope), Root a platform administrator.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rasad.conftest import client_for
from rasad.core.access import ObjectNotFound
from rasad.core.actions.people import clean_latin_name, do_change_user_names
from rasad.core.audit import CoreAuditEvent
from rasad.core.exports import people_columns, visible_people
from rasad.core.importers import PeopleImporter, people_template
from rasad.core.models import AuditEvent, User
from rasad.lib import display, formatting
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_bytes, xlsx_rows
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db

# Pages are Persian unless the reader chose English; so are the messages.
PERSIAN_LETTERS_MESSAGE = "«نام به حروف لاتین» را با حروف انگلیسی بنویسید؛ نام فارسی در «نام نمایشی» می‌آید."


def _fresh(user: User) -> User:
    fresh: User = User.objects.get(pk=user.pk)
    return fresh


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Ali   Rezaei ", "Ali Rezaei"),
        # A ZWNJ or a right-to-left mark a Persian keyboard leaves in is invisible: it goes.
        ("Ali\u200cReza\u200f Karimi", "AliReza Karimi"),
        ("Zoë O'Brien-Müller", "Zoë O'Brien-Müller"),
        ("", ""),
    ],
)
def test_a_latin_name_is_stored_normalized(typed, stored):
    assert clean_latin_name(typed) == stored


@pytest.mark.parametrize("typed", ["علی رضایی", "Ali رضایی", "Ali ۲"])
def test_persian_letters_or_digits_are_refused_naming_the_field(typed):
    with pytest.raises(ValidationError) as refused:
        clean_latin_name(typed)
    assert refused.value.message_dict == {"latin_name": [PERSIAN_LETTERS_MESSAGE]}


def test_a_person_sets_their_own_latin_name_and_it_is_audited_and_searchable(cast: Cast):
    saved = do_change_user_names(cast.ali, acting_user=cast.ali, latin_name=" Ali  Ahmadi ")
    assert _fresh(cast.ali).latin_name == saved.latin_name == "Ali Ahmadi"
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.USER_NAMES_CHANGED)
    assert (event.actor_id, event.object_id) == (cast.ali.pk, str(cast.ali.pk))
    assert (event.old, event.new) == ({"latin_name": ""}, {"latin_name": "Ali Ahmadi"})
    assert list(User.objects.filter(search_text__contains="ahmadi")) == [cast.ali]
    # The same name again changes nothing and writes nothing.
    do_change_user_names(cast.ali, acting_user=cast.ali, latin_name="Ali Ahmadi")
    assert AuditEvent.objects.filter(event_type=CoreAuditEvent.USER_NAMES_CHANGED).count() == 1


def test_who_may_change_whose_names(cast: Cast, isfahan_admin: User):
    do_change_user_names(
        cast.ali, acting_user=isfahan_admin, display_name="علي احمدي", latin_name="Ali Ahmadi"
    )
    ali = _fresh(cast.ali)
    assert (ali.display_name, ali.latin_name) == ("علی احمدی", "Ali Ahmadi")  # «ي» normalized
    with pytest.raises(ObjectNotFound):  # Kerman's people are not Isfahan's administrator's
        do_change_user_names(cast.bahram, acting_user=isfahan_admin, latin_name="Bahram")
    with pytest.raises(ObjectNotFound):  # an analyst changes no people
        do_change_user_names(cast.ali, acting_user=cast.nadia, latin_name="Ali")
    cast.root.memberships.create(organization=cast.isfahan)
    with pytest.raises(ValidationError) as superuser:
        do_change_user_names(cast.root, acting_user=isfahan_admin, latin_name="Root")
    assert list(superuser.value.message_dict) == ["user"]
    assert (_fresh(cast.bahram).latin_name, _fresh(cast.root).latin_name) == ("", "")


def test_english_pages_call_a_person_by_their_latin_name(cast: Cast):
    do_change_user_names(cast.ali, acting_user=cast.ali, latin_name="Ali Ahmadi")
    ali = _fresh(cast.ali)
    english = display.DisplayPreferences(language="en", calendar="gregorian", persian_digits=False)
    persian = display.DisplayPreferences(language="fa", calendar="jalali", persian_digits=True)
    assert formatting.person_name(ali, prefs=english) == "Ali Ahmadi"
    assert formatting.person_name(ali, prefs=persian) == ali.display_name
    client = signed_in_client(ali)
    client.post(
        reverse("web:preferences"), {"language": "en", "calendar": "gregorian", "latin_name": "Ali Ahmadi"}
    )
    assert (
        '<h1 class="h4 mb-0" data-testid="welcome">Welcome, Ali Ahmadi</h1>'
        in client.get("/").content.decode()
    )


def test_the_preferences_page_saves_the_latin_name_or_refuses_persian_letters_saving_nothing(cast: Cast):
    client = signed_in_client(cast.ali)
    page = client.get(reverse("web:preferences")).content.decode()
    assert 'name="latin_name"' in page and 'dir="ltr"' in page
    refused = client.post(
        reverse("web:preferences"), {"language": "en", "calendar": "jalali", "latin_name": "علی احمدی"}
    )
    assert refused.status_code == 200
    assert 'data-field-error="latin_name"' in refused.content.decode()
    assert (_fresh(cast.ali).latin_name, _fresh(cast.ali).language) == ("", "fa")
    saved = client.post(
        reverse("web:preferences"),
        {"language": "fa", "calendar": "jalali", "persian_digits": "on", "latin_name": "Ali Ahmadi"},
    )
    assert saved.status_code == 302
    assert _fresh(cast.ali).latin_name == "Ali Ahmadi"


def test_the_administrators_form_changes_a_persons_names(cast: Cast, admin_client):
    url = reverse("core:user-edit", args=[cast.ali.pk])
    people = admin_client.get(reverse("core:people-list")).content.decode()
    assert url in people
    assert 'name="latin_name"' in admin_client.get(url).content.decode()
    refused = admin_client.post(url, {"display_name": "علی احمدی", "latin_name": "علی"})
    assert 'data-field-error="latin_name"' in refused.content.decode()
    assert _fresh(cast.ali).latin_name == ""
    saved = admin_client.post(url, {"display_name": "علی احمدی", "latin_name": "Ali Ahmadi"})
    assert saved.status_code == 302
    assert (_fresh(cast.ali).display_name, _fresh(cast.ali).latin_name) == ("علی احمدی", "Ali Ahmadi")
    assert (
        'data-testid="latin-name">Ali Ahmadi<'
        in admin_client.get(reverse("core:people-list")).content.decode()
    )
    # Outside the administrator's scope the form is not found, and nothing changes.
    bahram = reverse("core:user-edit", args=[cast.bahram.pk])
    with assert_nothing_changed():
        assert admin_client.get(bahram).status_code == 404
        assert admin_client.post(bahram, {"display_name": "x", "latin_name": "X"}).status_code == 404


def test_users_me_reads_and_writes_the_latin_name(cast: Cast):
    api = client_for(cast.ali)
    patched = api.patch("/api/v1/users/me/", {"latin_name": "Ali Ahmadi"}, content_type="application/json")
    assert patched.status_code == 200
    assert patched.json()["latin_name"] == "Ali Ahmadi"
    refused = api.patch(
        "/api/v1/users/me/", {"latin_name": "علی", "language": "en"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert _fresh(cast.ali).language == "fa"  # a refused name saves nothing
    # Others in scope read it in the people list.
    listed = client_for(cast.alice).get("/api/v1/users/", {"q": "ahmadi"}).json()["results"]
    assert [(row["username"], row["latin_name"]) for row in listed] == [("ali", "Ali Ahmadi")]


def _workbook(rows: list[list[str]]) -> SimpleUploadedFile:
    header = ["username", "display_name", "latin_name", "email"]
    return SimpleUploadedFile("people.xlsx", xlsx_bytes([header, *rows]))


def test_the_people_export_carries_the_latin_name_and_reads_back_as_a_names_import(cast: Cast, isfahan_admin):
    do_change_user_names(cast.ali, acting_user=cast.ali, latin_name="Ali Ahmadi")
    columns = people_columns()
    assert [column.key for column in columns][:3] == ["username", "display_name", "latin_name"]
    rows = {
        person.username: [column.value(person) for column in columns[:3]]
        for person in visible_people(isfahan_admin, {})
    }
    assert rows["ali"] == ["ali", cast.ali.display_name, "Ali Ahmadi"]
    assert "bahram" not in rows
    keys = list(xlsx_rows(people_template())[1])
    assert keys == ["username", "display_name", "latin_name"]


def test_a_names_import_reports_every_bad_row_and_changes_nothing(cast: Cast, isfahan_admin):
    upload = _workbook(
        [
            ["ali", "", "Ali Ahmadi", "ali@example.org"],
            ["alice", "", "آلیس", ""],  # row 3: Persian letters
            ["bahram", "", "Bahram", ""],  # row 4: outside the importer's scope, as if unknown
            ["nobody", "", "Nobody", ""],  # row 5: unknown
            ["ali", "", "Ali", ""],  # row 6: twice
        ]
    )
    with assert_nothing_changed():
        report = PeopleImporter(acting_user=isfahan_admin).run(upload.read(), file_name="people.xlsx")
    assert [(e.row, e.column, e.message) for e in report.sorted_errors()] == [
        (3, "latin_name", PERSIAN_LETTERS_MESSAGE),
        (4, "username", "هیچ‌یک از افرادی که اجازهٔ ویرایششان را دارید نام کاربری «bahram» ندارد."),
        (5, "username", "هیچ‌یک از افرادی که اجازهٔ ویرایششان را دارید نام کاربری «nobody» ندارد."),
        (6, "username", "نام کاربری «ali» در ردیف ۲ هم آمده است."),
    ]
    assert not report.applied


def test_a_valid_names_import_is_applied_with_an_event_for_the_file(cast: Cast, isfahan_admin, admin_client):
    upload = _workbook([["ali", "", "Ali Ahmadi", ""], ["alice", "آلیس", "", ""]])
    response = admin_client.post(reverse("core:people-import"), {"file": upload})
    assert response.status_code == 302
    assert (_fresh(cast.ali).latin_name, _fresh(cast.ali).display_name) == (
        "Ali Ahmadi",
        cast.ali.display_name,
    )
    assert (_fresh(cast.alice).display_name, _fresh(cast.alice).latin_name) == ("آلیس", "")
    batch = AuditEvent.objects.get(event_type=CoreAuditEvent.USER_NAMES_IMPORTED)
    assert (batch.new["rows"], batch.new["changed"], batch.new["file"]) == (2, 2, "people.xlsx")
    assert AuditEvent.objects.filter(event_type=CoreAuditEvent.USER_NAMES_CHANGED).count() == 2


def test_the_names_import_is_refused_to_those_who_change_no_people(cast: Cast):
    client = signed_in_client(cast.nadia)
    assert client.get(reverse("core:people-import")).status_code == 404
    assert client.get(reverse("core:people-import-template")).status_code == 404
    assert 'data-testid="people-import"' not in client.get(reverse("core:people-list")).content.decode()


def test_every_demo_person_has_a_name_in_latin_letters():
    from rasad.core.demo import LATIN_NAMES, PEOPLE, SUPERUSER_USERNAME

    assert set(LATIN_NAMES) == {SUPERUSER_USERNAME, *(person.username for person in PEOPLE)}
    assert all(clean_latin_name(name) == name and name for name in LATIN_NAMES.values())
