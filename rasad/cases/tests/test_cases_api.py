"""The cases API: scope (reporter, owner, dossier), workflow steps as POST actions, bad input
naming the field, and refusals that change nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.cases.models import Attachment, Case, CaseEvent, Comment
from rasad.cases.testing import open_challenge
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast

LIST = "/api/v1/cases/"
CASE_TABLES = ("cases.case", "cases.caseevent", "cases.casepause", "cases.comment", "cases.attachment")


def detail(case: Case) -> str:
    return f"{LIST}{case.pk}/"


def transition(case: Case) -> str:
    return f"{LIST}{case.pk}/transition/"


@pytest.fixture
def isfahan_case(cast: Cast) -> Case:
    return open_challenge(cast, cast.isfahan_post, user=cast.ali, title="کمبود سوخت ژنراتور پاسگاه")


def test_reporter_files_a_challenge(cast: Cast):
    response = client_for(cast.ali).post(
        LIST,
        {
            "kind": "challenge",
            "category": "energy-supply",
            "title": "قطعي برق پاسگاه",
            "reporter_organization": "ISF-P1",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["reporter_organization"], body["owner_organization"], body["version"]) == (
        "new",
        "ISF-P1",
        "ISF-P1",
        1,
    )
    # Stored text is normalized (Arabic ي becomes Persian ی).
    assert body["title"] == "قطعی برق پاسگاه"
    assert body["reference"] == f"CH-{body['id']:06d}"
    assert AuditEvent.objects.filter(event_type=301, object_id=str(body["id"])).count() == 1


@pytest.mark.parametrize(
    ("name", "expected"), [("nadia", 1), ("alice", 1), ("ali", 1), ("bob", 0), ("bahram", 0), ("charlie", 0)]
)
def test_list_is_scoped(cast: Cast, isfahan_case: Case, name: str, expected: int):
    response = client_for(cast.everyone[name]).get(LIST)
    assert response.json()["count"] == expected


@pytest.mark.parametrize("name", ["bob", "bahram", "charlie"])
def test_out_of_scope_case_reads_like_a_missing_one(cast: Cast, isfahan_case: Case, name: str):
    client = client_for(cast.everyone[name])
    out_of_scope = client.get(detail(isfahan_case))
    missing = client.get(f"{LIST}999999/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert error_without_request_id(out_of_scope) == error_without_request_id(missing)
    for suffix in ("timeline/", "comments/", "attachments/", "allowed-actions/"):
        assert error_without_request_id(client.get(f"{detail(isfahan_case)}{suffix}")) == (
            error_without_request_id(missing)
        )


@pytest.mark.parametrize("name", ["bob", "bahram", "charlie"])
def test_out_of_scope_writes_change_nothing(cast: Cast, isfahan_case: Case, name: str):
    client = client_for(cast.everyone[name])
    with assert_nothing_changed(*CASE_TABLES):
        responses = [
            client.post(transition(isfahan_case), {"action": "triage"}, format="json"),
            client.patch(detail(isfahan_case), {"title": "ربوده"}, format="json"),
            client.post(f"{detail(isfahan_case)}comments/", {"body": "سلام"}, format="json"),
        ]
    assert [r.status_code for r in responses] == [404, 404, 404]


def test_reporter_cannot_triage_and_nothing_changes(cast: Cast, isfahan_case: Case):
    """A step the reporter may not take on a case they see is the 404 of a missing case."""
    with assert_nothing_changed(*CASE_TABLES):
        response = client_for(cast.ali).post(
            transition(isfahan_case), {"action": "triage"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        missing = client_for(cast.ali).post(
            "/api/v1/cases/2000000000/transition/",
            {"action": "triage"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 404
    assert error_without_request_id(response) == error_without_request_id(missing)


def test_a_viewer_step_or_merge_is_refused_before_the_body_is_read(cast: Cast):
    """Wali sees the command centre's cases and may take no step: an empty or a valid body alike
    is 404, like a missing case."""
    case = open_challenge(cast, cast.isfahan, user=cast.ali, title="قطع برق مرکز")
    client = client_for(cast.wali)
    assert client.get(detail(case)).status_code == 200
    with assert_nothing_changed(*CASE_TABLES):
        answers = [
            client.post(transition(case), {}, format="json"),
            client.post(transition(case), {"action": "triage"}, format="json"),
            client.post(f"{detail(case)}merge/", {}, format="json"),
        ]
    assert [a.status_code for a in answers] == [404, 404, 404]


def test_the_whole_workflow_through_the_api(cast: Cast, isfahan_case: Case):
    alice, ali = client_for(cast.alice), client_for(cast.ali)
    assert alice.get(f"{detail(isfahan_case)}allowed-actions/").json() == ["triage", "reject"]
    assert alice.post(transition(isfahan_case), {"action": "triage"}, format="json").status_code == 200
    assign = alice.post(
        transition(isfahan_case),
        {"action": "assign", "version": 2, "owner_organization": "ISF-CC", "assignee": "alice"},
        format="json",
    )
    assert assign.status_code == 200, assign.json()
    assert (assign.json()["owner_organization"], assign.json()["assignee"]) == ("ISF-CC", "alice")
    assert alice.post(transition(isfahan_case), {"action": "start"}, format="json").status_code == 200
    alice.post(transition(isfahan_case), {"action": "request_info", "note": "عکس بفرستید"}, format="json")
    assert ali.post(transition(isfahan_case), {"action": "provide_info"}, format="json").status_code == 200
    alice.post(transition(isfahan_case), {"action": "resolve", "note": "سوخت رسید"}, format="json")
    closed = ali.post(transition(isfahan_case), {"action": "verify"}, format="json")
    assert closed.json()["status"] == "closed"
    timeline = alice.get(f"{detail(isfahan_case)}timeline/").json()
    assert [(e["action"], e["to_status"], e["actor"]) for e in timeline] == [
        ("open", "new", "ali"),
        ("triage", "triaged", "alice"),
        ("assign", "assigned", "alice"),
        ("start", "in_progress", "alice"),
        ("request_info", "waiting", "alice"),
        ("provide_info", "in_progress", "ali"),
        ("resolve", "resolved", "alice"),
        ("verify", "closed", "ali"),
    ]
    audited = AuditEvent.objects.filter(object_type="cases.case", object_id=str(isfahan_case.pk))
    assert sorted(audited.values_list("event_type", flat=True)) == [301, 303, 303, 303, 303, 303, 303, 304]


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"kind": "directive", "deadline": "2020-01-01"}, "deadline", "in the past"),
        ({"kind": "directive"}, "deadline", "needs a deadline"),
        ({"kind": "incident", "latitude": 41.0, "longitude": 29.0}, "latitude", "outside Iran"),
        ({"kind": "incident"}, "latitude", "site or a point"),
        ({"kind": "risk", "likelihood": 7, "impact": 2}, "likelihood", "1 to 5"),
        ({"title": ""}, "title", "blank"),
        ({"category": "no-such"}, "category", "no-such"),
    ],
)
def test_bad_input_names_the_field(cast: Cast, payload, field, fragment):
    body = {
        "kind": "challenge",
        "category": "other",
        "title": "آزمایش",
        "reporter_organization": "ISF-P1",
        **payload,
    }
    with assert_nothing_changed(*CASE_TABLES):
        response = client_for(cast.ali).post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"], error
    assert fragment in " ".join(error["fields"][field])


def test_bad_input_is_translated_to_persian(cast: Cast):
    body = {
        "kind": "incident",
        "category": "other",
        "title": "آزمایش",
        "reporter_organization": "ISF-P1",
        "latitude": 41.0,
        "longitude": 29.0,
    }
    response = client_for(cast.ali).post(LIST, body, format="json")
    assert "خارج از مرزهای ایران" in " ".join(response.json()["error"]["fields"]["latitude"])


def test_a_past_deadline_is_named_in_the_readers_calendar_and_digits(cast: Cast):
    body = {
        "kind": "directive",
        "category": "other",
        "title": "آزمایش",
        "reporter_organization": "ISF-P1",
        "deadline": "2020-01-01",
    }
    persian = client_for(cast.ali).post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="fa")
    assert "۱۳۹۸/۱۰/۱۱" in " ".join(persian.json()["error"]["fields"]["deadline"])
    english = client_for(cast.ali).post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "2020-01-01" not in " ".join(english.json()["error"]["fields"]["deadline"])


def test_a_transition_that_is_not_allowed_names_the_action(cast: Cast, isfahan_case: Case):
    with assert_nothing_changed(*CASE_TABLES):
        response = client_for(cast.alice).post(
            transition(isfahan_case),
            {"action": "resolve", "note": "x"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "not allowed while the case is “New”" in response.json()["error"]["fields"]["action"][0]


def test_assign_needs_the_version_and_a_stale_one_is_refused(cast: Cast, isfahan_case: Case):
    client = client_for(cast.alice)
    client.post(transition(isfahan_case), {"action": "triage"}, format="json")
    missing = client.post(transition(isfahan_case), {"action": "assign", "assignee": "alice"}, format="json")
    assert "version" in missing.json()["error"]["fields"]
    with assert_nothing_changed(*CASE_TABLES):
        stale = client.post(
            transition(isfahan_case),
            {"action": "assign", "version": 1, "assignee": "alice"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert stale.status_code == 400
    assert "Someone else changed this case" in stale.json()["error"]["fields"]["version"][0]


def test_assignee_must_be_able_to_work_the_case(cast: Cast, isfahan_case: Case):
    client = client_for(cast.alice)
    client.post(transition(isfahan_case), {"action": "triage"}, format="json")
    with assert_nothing_changed(*CASE_TABLES):
        response = client.post(
            transition(isfahan_case), {"action": "assign", "version": 2, "assignee": "bob"}, format="json"
        )
    assert response.status_code == 400
    assert "assignee" in response.json()["error"]["fields"]


def test_comments_mention_only_people_who_can_see_the_case(cast: Cast, isfahan_case: Case):
    client = client_for(cast.ali)
    with assert_nothing_changed(*CASE_TABLES):
        refused = client.post(
            f"{detail(isfahan_case)}comments/",
            {"body": "@bob ببین"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert refused.status_code == 400
    assert "@bob cannot be mentioned" in refused.json()["error"]["fields"]["body"][0]
    accepted = client.post(
        f"{detail(isfahan_case)}comments/", {"body": "@alice لطفاً پیگیری کنید"}, format="json"
    )
    assert accepted.status_code == 201
    assert accepted.json()["mentions"] == ["alice"]
    notes = client_for(cast.alice).get("/api/v1/notifications/").json()["results"]
    assert [n["kind"] for n in notes] == ["mention"]
    assert client_for(cast.bob).get("/api/v1/notifications/").json()["count"] == 0


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_attachment_is_served_only_after_an_access_check(cast: Cast, isfahan_case: Case, settings):
    response = client_for(cast.ali).post(
        f"{detail(isfahan_case)}attachments/",
        {"file": _upload("report.pdf", b"%PDF-1.4 test")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    path = attachment.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert not response.json()["download"].startswith(settings.STATIC_URL)
    download = f"/api/v1/case-attachments/{attachment.pk}/download/"
    ok = client_for(cast.alice).get(download)
    assert ok.status_code == 200
    streamed: Any = ok
    assert b"".join(streamed.streaming_content) == b"%PDF-1.4 test"
    assert client_for(cast.bob).get(download).status_code == 404
    from django.test import Client

    web = Client()
    web.force_login(cast.bob)
    assert web.get(response.json()["download"]).status_code == 404
    web.force_login(cast.alice)
    assert web.get(response.json()["download"]).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "too large"),
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("fake.pdf", b"MZ\x90\x00", "does not match"),
    ],
)
def test_a_refused_upload_leaves_the_case_unchanged(
    cast: Cast, isfahan_case: Case, settings, name, content, fragment
):
    isfahan_case.refresh_from_db()
    version = isfahan_case.version
    with assert_nothing_changed(*CASE_TABLES):
        response = client_for(cast.ali).post(
            f"{detail(isfahan_case)}attachments/",
            {"file": _upload(name, content)},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert fragment in response.json()["error"]["fields"]["file"][0]
    isfahan_case.refresh_from_db()
    assert isfahan_case.version == version
    folder = settings.MEDIA_ROOT / "cases" / str(isfahan_case.pk)
    assert not folder.exists() or not any(folder.iterdir())


def test_a_dossier_shows_the_coordinator_exactly_its_cases(cast: Cast):
    from rasad.cases.actions import do_forward_dossier

    forwarded = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    kept = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    do_forward_dossier(
        cast.isfahan, cast.kerman, [forwarded], acting_user=cast.alice, title="پرونده", summary="خلاصه"
    )
    bob = client_for(cast.bob)
    assert [row["id"] for row in bob.get(LIST).json()["results"]] == [forwarded.pk]
    assert bob.get(detail(kept)).status_code == 404
    # Bob's reporter (Bahram) also sees it: the dossier is addressed to his organization's tree.
    assert client_for(cast.bahram).get(detail(forwarded)).status_code == 200
    body = bob.get(detail(forwarded)).json()
    assert (body["owner_organization"], body["status"]) == ("KER-CC", "triaged")
    dossiers = bob.get("/api/v1/dossiers/").json()["results"]
    assert [d["cases"] for d in dossiers] == [[forwarded.pk]]


def test_a_dossier_must_go_outside_the_senders_subtree(cast: Cast):
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    with assert_nothing_changed(*CASE_TABLES, "cases.dossier"):
        response = client_for(cast.nadia).post(
            "/api/v1/dossiers/",
            {
                "title": "t",
                "summary": "s",
                "from_organization": "NAT",
                "to_organization": "ISF-CC",
                "cases": [case.pk],
            },
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "outside" in response.json()["error"]["fields"]["to_organization"][0]


def test_merge_keeps_the_link_and_the_reporter_sees_progress(cast: Cast):
    primary = open_challenge(cast, cast.isfahan, user=cast.alice)
    duplicate = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    response = client_for(cast.alice).post(
        f"{detail(primary)}merge/", {"duplicates": [duplicate.pk]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = client_for(cast.ali).get(detail(duplicate)).json()
    assert (body["status"], body["merged_into"]) == ("merged", primary.pk)
    assert CaseEvent.objects.filter(case=primary, action="absorb").count() == 1


def test_categories_and_holidays_are_reference_data(cast: Cast):
    client = client_for(cast.charlie)
    codes = {row["code"] for row in client.get("/api/v1/case-categories/", {"limit": 100}).json()["results"]}
    assert {"energy-supply", "export-currency", "cyber-security", "environment", "border", "media"} <= codes
    nowruz = client.get("/api/v1/holidays/", {"date": "2026-03-21"}).json()["results"]
    assert {row["name_en"] for row in nowruz} == {"Nowruz (New Year's Day)", "Eid al-Fitr"}
    with assert_nothing_changed("cases.holiday"):
        refused = client.post("/api/v1/holidays/", {"date": "2026-05-01", "name_fa": "تعطیلی"}, format="json")
    assert refused.status_code == 403
    created = client_for(cast.root).post(
        "/api/v1/holidays/",
        {"date": "2026-05-01", "name_fa": "تعطیلی آلودگی هوا", "kind": "one_off"},
        format="json",
    )
    assert created.status_code == 201, created.json()


def test_patch_edits_through_the_action(cast: Cast, isfahan_case: Case):
    response = client_for(cast.ali).patch(
        detail(isfahan_case), {"priority": "critical", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["priority"], response.json()["version"]) == ("critical", 2)
    assert AuditEvent.objects.filter(event_type=302).count() == 1


def test_comment_rows_follow_case_scope(cast: Cast, isfahan_case: Case):
    from rasad.cases.actions import do_add_comment

    do_add_comment(isfahan_case, "یادداشت", acting_user=cast.ali)
    assert client_for(cast.alice).get("/api/v1/case-comments/").json()["count"] == 1
    assert client_for(cast.bob).get("/api/v1/case-comments/").json()["count"] == 0
    assert Comment.objects.count() == 1


def test_due_date_in_the_past_is_refused_for_directives_via_the_action(cast: Cast):
    from django.core.exceptions import ValidationError

    from rasad.cases.actions import CaseValues, do_open_case
    from rasad.cases.testing import category

    with pytest.raises(ValidationError) as error:
        do_open_case(
            CaseValues(
                kind="directive",
                category=category(),
                title="x",
                reporter_organization=cast.isfahan,
                deadline=datetime.date(2020, 1, 1),
            ),
            acting_user=cast.alice,
        )
    assert list(error.value.message_dict) == ["deadline"]


def test_a_dossier_goes_only_to_a_coordinating_organization(cast: Cast):
    """The recipients rule (issue 8): not any organization of the country, only coordinating
    ones (national bodies, governorates, councils, command centres) outside the sender's subtree.
    A field post of another province is answered like an unknown code."""
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    with assert_nothing_changed(*CASE_TABLES, "cases.dossier"):
        response = client_for(cast.alice).post(
            "/api/v1/dossiers/",
            {
                "title": "t",
                "summary": "s",
                "from_organization": "ISF-CC",
                "to_organization": "KER-P1",
                "cases": [case.pk],
            },
            format="json",
        )
    assert response.status_code == 400
    unknown = client_for(cast.alice).post(
        "/api/v1/dossiers/",
        {
            "title": "t",
            "summary": "s",
            "from_organization": "ISF-CC",
            "to_organization": "NOPE",
            "cases": [case.pk],
        },
        format="json",
    )
    (said,) = response.json()["error"]["fields"]["to_organization"]
    (unknown_said,) = unknown.json()["error"]["fields"]["to_organization"]
    assert said.replace("KER-P1", "NOPE") == unknown_said
