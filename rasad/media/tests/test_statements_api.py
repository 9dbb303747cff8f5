"""The media API through the eyes of its users: the headquarters issues talking points to five
agencies, each acknowledges and answers from its own inbox; another province sees none of it;
bad input is refused naming the field, and nothing is partly written."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.cases.calendar import current_calendar
from rasad.cases.sla import add_working_time
from rasad.conftest import client_for
from rasad.core.models import AuditEvent, Organization, User
from rasad.media.actions import do_add_member_agency, do_set_member_active
from rasad.media.audit import MediaAuditEvent
from rasad.media.models import Recipient, Statement
from rasad.media.testing import agency_of, approved, ensure_member, issue, issued_statement, make_statement
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client, streamed

pytestmark = pytest.mark.django_db

STATEMENTS = "/api/v1/media-statements/"
RECIPIENTS = "/api/v1/media-recipients/"


def _members(hq: Organization, agencies: list[Organization]) -> None:
    for agency in agencies:
        ensure_member(hq, agency)


def test_the_hq_issues_talking_points_to_five_agencies_and_each_answers(
    cast: Cast, agencies: list[Organization], officers: list[User], coordinator: User
):
    _members(cast.isfahan, agencies)
    hq = client_for(coordinator)
    draft = hq.post(
        STATEMENTS,
        {
            "organization": "ISF-CC",
            "kind": "talking_points",
            "title": "محورهای پیام خاموشی‌های ساعت اوج",
            "body": "۱. خاموشی‌ها برنامه‌ریزی‌شده است.\n\n۲. جدول در سایت شرکت توزیع است.",
        },
        format="json",
    )
    assert draft.status_code == 201, draft.json()
    pk = draft.json()["id"]
    assert hq.post(f"{STATEMENTS}{pk}/submit/").json()["state"] == "review"
    assert hq.post(f"{STATEMENTS}{pk}/approve/").json()["state"] == "approved"
    issued = hq.post(
        f"{STATEMENTS}{pk}/issue/",
        {"agencies": [a.code for a in agencies], "deadline_basis": "clock", "deadline_hours": 6},
        format="json",
    )
    assert issued.status_code == 200, issued.json()
    assert issued.json()["state"] == "issued"
    for officer, agency in zip(officers, agencies, strict=True):
        inbox = client_for(officer).get(RECIPIENTS).json()["results"]
        assert [(row["statement"], row["agency"], row["state"]) for row in inbox] == [
            (pk, agency.code, "sent")
        ]
        rid = inbox[0]["id"]
        assert client_for(officer).post(f"{RECIPIENTS}{rid}/acknowledge/").json()["state"] == "acknowledged"
        answer = client_for(officer).post(
            f"{RECIPIENTS}{rid}/respond/",
            {
                "outcome": "published",
                "channel": "website",
                "evidence_url": f"https://{agency.code.lower()}.example/news/1",
            },
            format="json",
        )
        assert answer.status_code == 200, answer.json()
        assert (answer.json()["state"], answer.json()["is_late"]) == ("published", False)
    board = hq.get(f"{RECIPIENTS}?statement_id={pk}").json()["results"]
    assert sorted(row["state"] for row in board) == ["published"] * 5
    assert AuditEvent.objects.filter(event_type=MediaAuditEvent.RESPONDED).count() == 5


def test_an_agency_that_left_rejoins_on_the_same_row(cast: Cast):
    agency = agency_of(cast.isfahan)
    member = ensure_member(cast.isfahan, agency)
    do_set_member_active(member, False, acting_user=None)
    again = do_add_member_agency(cast.isfahan, agency, acting_user=None, joined_on=date(2024, 10, 1))
    again.refresh_from_db()
    assert (again.pk, again.is_active, again.joined_on) == (member.pk, True, date(2024, 10, 1))


def test_another_province_sees_nothing_of_isfahans_media_work(cast: Cast):
    statement = issued_statement(cast.isfahan, user=cast.root)
    recipient = statement.recipients.get()
    bob, bahram = client_for(cast.bob), client_for(cast.bahram)
    assert bob.get(STATEMENTS).json()["results"] == []
    assert bahram.get(RECIPIENTS).json()["results"] == []
    assert bob.get(f"{STATEMENTS}{statement.pk}/").status_code == 404
    with assert_nothing_changed("media.recipient"):
        assert bahram.post(f"{RECIPIENTS}{recipient.pk}/acknowledge/").status_code == 404


def test_an_agency_sees_what_was_issued_to_it_never_a_draft(cast: Cast):
    draft = make_statement(cast.isfahan, title="پیش‌نویس محرمانه")
    issued = issued_statement(cast.kerman, [cast.kerman_post])
    seen = {row["id"] for row in client_for(cast.bahram).get(STATEMENTS).json()["results"]}
    assert seen == {issued.pk}
    assert draft.pk not in {row["id"] for row in client_for(cast.bob).get(STATEMENTS).json()["results"]}


def test_issuing_an_unapproved_statement_is_refused_naming_the_state(cast: Cast):
    statement = make_statement(cast.isfahan)
    ensure_member(cast.isfahan, cast.isfahan_post)
    with assert_nothing_changed("media.statement", "media.recipient"):
        response = client_for(cast.root).post(
            f"{STATEMENTS}{statement.pk}/issue/",
            {"agencies": ["ISF-P1"], "deadline_basis": "clock", "deadline_hours": 4},
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["state"]


def test_a_deadline_in_the_past_is_refused_naming_the_field(cast: Cast):
    statement = approved(make_statement(cast.isfahan))
    ensure_member(cast.isfahan, cast.isfahan_post)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    with assert_nothing_changed("media.statement", "media.recipient"):
        response = client_for(cast.root).post(
            f"{STATEMENTS}{statement.pk}/issue/",
            {"agencies": ["ISF-P1"], "deadline_basis": "fixed", "due_at": past},
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["due_at"]


def test_issuing_to_an_agency_that_is_not_a_member_is_refused(cast: Cast):
    statement = approved(make_statement(cast.isfahan))
    with assert_nothing_changed("media.statement", "media.recipient"):
        response = client_for(cast.root).post(
            f"{STATEMENTS}{statement.pk}/issue/",
            {"agencies": ["ISF-P1"], "deadline_basis": "working", "deadline_hours": 8},
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["agencies"]


def test_a_working_hours_deadline_is_counted_on_the_working_calendar(cast: Cast):
    statement = approved(make_statement(cast.isfahan))
    now = datetime.fromisoformat("2026-12-03T10:00:00+03:30")  # a Thursday morning in Tehran
    issued = issue(statement, [cast.isfahan_post], basis="working", hours=8, now=now)
    expected = add_working_time(current_calendar(), now, timedelta(hours=8))
    assert issued.due_at == expected
    assert issued.due_at > now + timedelta(hours=8)  # the weekend does not count
    assert issued.recipients.get().due_at == expected


def test_a_response_from_an_agency_that_was_not_addressed_is_refused(
    cast: Cast, agencies: list[Organization], officers: list[User]
):
    statement = issued_statement(cast.isfahan, agencies[:1])
    recipient = statement.recipients.get()
    outsider = client_for(officers[1])  # the second agency was not addressed
    with assert_nothing_changed("media.recipient"):
        response = outsider.post(
            f"{RECIPIENTS}{recipient.pk}/respond/",
            {"outcome": "declined", "reason": "ربطی به ما ندارد"},
            format="json",
        )
    assert response.status_code == 404
    assert outsider.get(RECIPIENTS).json()["results"] == []


def test_answering_before_acknowledging_is_refused(cast: Cast):
    recipient = issued_statement(cast.isfahan, user=cast.root).recipients.get()
    with assert_nothing_changed("media.recipient"):
        response = client_for(cast.ali).post(
            f"{RECIPIENTS}{recipient.pk}/respond/", {"outcome": "declined", "reason": "—"}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["state"]


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        ("tool.exe", b"MZ\x90\x00", "evidence_file"),
        ("shot.png", b"not a png at all", "evidence_file"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "evidence_file"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_stored(cast: Cast, name: str, content: bytes, field: str):
    recipient = issued_statement(cast.isfahan, user=cast.root).recipients.get()
    client = client_for(cast.ali)
    client.post(f"{RECIPIENTS}{recipient.pk}/acknowledge/")
    with assert_nothing_changed("media.recipient"):
        response = client.post(
            f"{RECIPIENTS}{recipient.pk}/respond/",
            {
                "outcome": "published",
                "channel": "social_media",
                "evidence_file": SimpleUploadedFile(name, content),
            },
            format="multipart",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    recipient.refresh_from_db()
    assert (recipient.state, recipient.evidence_file.name) == ("acknowledged", "")


def test_published_needs_a_channel_and_evidence(cast: Cast):
    recipient = issued_statement(cast.isfahan, user=cast.root).recipients.get()
    client = client_for(cast.ali)
    client.post(f"{RECIPIENTS}{recipient.pk}/acknowledge/")
    response = client.post(f"{RECIPIENTS}{recipient.pk}/respond/", {"outcome": "published"}, format="json")
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == ["channel", "evidence_url"]


def test_an_evidence_file_is_kept_and_served_to_the_hq(cast: Cast):
    recipient = issued_statement(cast.isfahan, user=cast.root).recipients.get()
    client = client_for(cast.ali)
    client.post(f"{RECIPIENTS}{recipient.pk}/acknowledge/")
    shot = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\nimage", content_type="image/png")
    answer = client.post(
        f"{RECIPIENTS}{recipient.pk}/respond/",
        {"outcome": "published", "channel": "social_media", "evidence_file": shot},
        format="multipart",
    )
    assert answer.status_code == 200, answer.json()
    download = signed_in_client(cast.alice).get(answer.json()["evidence_download"])
    body = streamed(download)
    assert (download.status_code, body) == (200, b"\x89PNG\r\n\x1a\nimage")


def test_editing_an_issued_statement_is_refused_and_a_new_version_keeps_both(cast: Cast):
    statement = issued_statement(cast.isfahan, user=cast.root)
    old = statement.recipients.get()
    client = client_for(cast.root)
    with assert_nothing_changed("media.statement"):
        refused = client.patch(f"{STATEMENTS}{statement.pk}/", {"title": "عنوان تازه"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["state"]
    revised = client.post(f"{STATEMENTS}{statement.pk}/revise/")
    assert revised.status_code == 201
    new = revised.json()
    assert (new["version"], new["previous"], new["state"]) == (2, statement.pk, "draft")
    assert (
        client.patch(f"{STATEMENTS}{new['id']}/", {"title": "عنوان تازه"}, format="json").status_code == 200
    )
    version_two = Statement.objects.get(pk=new["id"])
    issue(approved(version_two), [cast.isfahan_post])
    statement.refresh_from_db()
    old.refresh_from_db()
    assert (statement.state, statement.title, old.state) == ("superseded", statement.title, "withdrawn")
    assert Statement.objects.filter(organization=cast.isfahan).count() == 2
    assert Recipient.objects.filter(agency=cast.isfahan_post).count() == 2


def test_an_analyst_drafts_but_may_not_approve(cast: Cast):
    statement = make_statement(cast.isfahan)
    client = client_for(cast.alice)
    assert client.post(f"{STATEMENTS}{statement.pk}/submit/").json()["state"] == "review"
    with assert_nothing_changed("media.statement"):
        assert client.post(f"{STATEMENTS}{statement.pk}/approve/").status_code == 404


def test_the_matrix_agency_is_the_first_child(cast: Cast):
    assert agency_of(cast.isfahan) == cast.isfahan_post
