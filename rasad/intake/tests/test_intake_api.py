"""The intake API: submit a document, get proposals, accept, correct and reject them; bad input
refused with a translated message naming the field, and nothing stored."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.cases.choices import CaseKind, CaseStatus
from rasad.cases.models import Case
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.intake.audit import IntakeAuditEvent
from rasad.intake.models import IntakeDocument, KnownPerson, OrganizationAlias, Proposal
from rasad.intake.testing import SAMPLE, submit
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

DOCUMENTS = "/api/v1/intake-documents/"
PROPOSALS = "/api/v1/intake-proposals/"
INTAKE_TABLES = ("intake.intakedocument", "intake.proposal", "intake.organizationalias")

# The opening of the IMIDRO seed report (shared/seeds/000_…): its dateline, headline and the two
# sentences in which the civil defence organization asks IMIDRO for its challenges.
IMIDRO_REPORT = (
    "۱۳ اسفند ۱۴۰۳ - ۱۶:۲۱\n"
    "ایمیدرو چالشهای صادرات و تامین انرژی را به سازمان پدافند غیرعامل ارسال کند\n"
    "رئیس سازمان پدافند غیرعامل:\n\n"
    "به گزارش بازار از سازمان توسعه و نوسازی معادن و صنایع معدنی (ایمیدرو)، سردار غلامرضا جلالی "
    "در نشستی با رئیس هیات عامل ایمیدرو و مدیران ارشد شرکت های معدن و صنایع معدنی پس از دریافت "
    "گزارش بخش های مختلف درباره تهدیدات و نقاط ضعف این حوزه، تاکید کرد: مشکلات مربوطه به تامین "
    "انرژی، صادرات و ارزآوری را جمع بندی و ارسال کنید تا این ستاد شرایط تسهیل آن ها را فراهم آورد.\n\n"
    "رئیس سازمان پدافند غیرعامل تاکید کرد: ایمیدرو کلیات مسائل و چالش های این حوزه را اعلام کند "
    "تا پس از پیگیری به نتایج مورد نظر دست یابیم.\n"
)


@pytest.fixture
def demo(db):
    from rasad.core.demo import load_demo
    from rasad.core.models import User

    load_demo()
    return User.objects.get(username="admin")


def proposals_of(body, field):
    return [p for p in body["proposals"] if p["field"] == field]


def test_imidro_report_yields_the_directive_for_imidro_and_accepting_opens_the_case(demo):
    client = client_for(demo)
    response = client.post(DOCUMENTS, {"organization": "IMIDRO", "text": IMIDRO_REPORT}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["document_date"] == "2025-03-03"
    (dateline,) = proposals_of(body, "date")
    assert (dateline["data"]["iso"], dateline["data"]["jalali"]) == ("2025-03-03", "1403/12/13")
    assert sorted(p["data"]["code"] for p in proposals_of(body, "organization")) == ["IMIDRO", "PDO"]
    (person,) = proposals_of(body, "person")
    assert person["data"]["name"] == "غلامرضا جلالی"
    assert person["data"]["honorific"] == "سردار"
    assert person["data"]["title"] == "رئیس سازمان پدافند غیرعامل"
    assert person["data"]["organization_code"] == "PDO"
    directives = proposals_of(body, "directive")
    assert [d["data"]["organization_code"] for d in directives] == ["IMIDRO", "IMIDRO", "IMIDRO"]
    headline = directives[0]
    assert headline["text"] == "ایمیدرو چالش‌های صادرات و تامین انرژی را به سازمان پدافند غیرعامل ارسال کند"
    currency = directives[1]
    assert "ارزآوری" in currency["text"]

    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    accepted = client.post(
        f"{DOCUMENTS}{body['id']}/accept/",
        {"proposals": [{"proposal": headline["id"], "values": {"deadline": deadline}}]},
        format="json",
    )
    assert accepted.status_code == 200, accepted.content
    proposal = Proposal.objects.get(pk=headline["id"])
    case = proposal.record
    assert isinstance(case, Case)
    assert (case.kind, case.status, case.owner_organization.code) == (
        CaseKind.DIRECTIVE,
        CaseStatus.NEW,
        "IMIDRO",
    )
    assert case.deadline == date.fromisoformat(deadline)
    assert case.source == proposal
    assert case.category.code == "energy-supply"
    start, end = proposal.spans[0]
    assert proposal.document.text[start:end] == headline["text"]
    assert headline["text"] in case.description


def test_accepting_many_is_one_request_with_one_event_per_record(demo):
    document = IntakeDocument.objects.get(
        pk=client_for(demo)
        .post(DOCUMENTS, {"organization": "IMIDRO", "text": IMIDRO_REPORT}, format="json")
        .json()["id"]
    )
    organizations = list(document.proposals.filter(field="organization"))
    person = document.proposals.get(field="person")
    before = AuditEvent.objects.filter(event_type=IntakeAuditEvent.PROPOSAL_ACCEPTED).count()
    response = client_for(demo).post(
        f"{DOCUMENTS}{document.pk}/accept/",
        {
            "proposals": [{"proposal": p.pk} for p in organizations]
            + [{"proposal": person.pk, "values": {"organization_code": "PDO"}}]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    after = AuditEvent.objects.filter(event_type=IntakeAuditEvent.PROPOSAL_ACCEPTED).count()
    assert after - before == 3
    person.refresh_from_db()
    record = person.record
    assert isinstance(record, KnownPerson)
    assert record.title == "رئیس سازمان پدافند غیرعامل"
    assert record.organization.code == "PDO"


def test_a_refused_item_rolls_the_whole_batch_back(demo):
    body = (
        client_for(demo)
        .post(DOCUMENTS, {"organization": "IMIDRO", "text": IMIDRO_REPORT}, format="json")
        .json()
    )
    organization = proposals_of(body, "organization")[0]
    directive = proposals_of(body, "directive")[0]
    with assert_nothing_changed("intake.proposal", "cases.case"):
        response = client_for(demo).post(
            f"{DOCUMENTS}{body['id']}/accept/",
            {"proposals": [{"proposal": organization["id"]}, {"proposal": directive["id"]}]},
            format="json",
        )
    assert response.status_code == 400
    assert "deadline" in response.json()["error"]["fields"]


def test_a_reviewer_who_may_not_route_to_the_owner_is_told_so(demo):
    from rasad.core.models import User

    coordinator = User.objects.get(username="pdo.coordinator")
    body = (
        client_for(coordinator)
        .post(DOCUMENTS, {"organization": "PDO", "text": IMIDRO_REPORT}, format="json")
        .json()
    )
    directive = proposals_of(body, "directive")[0]
    response = client_for(coordinator).post(
        f"{DOCUMENTS}{body['id']}/accept/",
        {"proposals": [{"proposal": directive["id"], "values": {"deadline": "2099-01-01"}}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["organization_code"]


def test_reject_marks_the_proposals(cast: Cast):
    document = submit(cast, cast.isfahan)
    ids = list(document.proposals.values_list("pk", flat=True)[:2])
    response = client_for(cast.alice).post(
        f"{DOCUMENTS}{document.pk}/reject/", {"proposals": ids}, format="json"
    )
    assert response.status_code == 200
    assert set(Proposal.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"rejected"}


def test_a_correction_becomes_an_alias_used_next_time(cast: Cast):
    text = "۱۳ اسفند ۱۴۰۳\nسازمان پدافند کشوری در استان اصفهان اعلام کرد که گزارش‌ها باید ارسال شود."
    document = submit(cast, cast.isfahan, text)
    proposal = document.proposals.get(field="organization")
    assert proposal.data["is_new"] is True
    response = client_for(cast.alice).patch(
        f"{PROPOSALS}{proposal.pk}/", {"values": {"code": cast.isfahan.code}}, format="json"
    )
    assert response.status_code == 200, response.content
    alias = OrganizationAlias.objects.get(organization=cast.isfahan)
    assert alias.alias == "سازمان پدافند کشوری"
    again = submit(cast, cast.isfahan, text).proposals.get(field="organization")
    assert (again.data["code"], again.rule) == (cast.isfahan.code, "organization.alias")


def test_another_province_sees_nothing(cast: Cast):
    document = submit(cast, cast.isfahan)
    assert client_for(cast.bob).get(f"{DOCUMENTS}{document.pk}/").status_code == 404
    proposal = document.proposals.get(field="person")
    with assert_nothing_changed(*INTAKE_TABLES):
        response = client_for(cast.bob).post(
            f"{DOCUMENTS}{document.pk}/accept/", {"proposals": [{"proposal": proposal.pk}]}, format="json"
        )
    assert response.status_code == 404
    assert client_for(cast.bob).get(DOCUMENTS).json()["results"] == []


def _docx(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_docx_upload(cast: Cast):
    upload = SimpleUploadedFile("report.docx", _docx(*SAMPLE.split("\n")))
    response = client_for(cast.alice).post(
        DOCUMENTS, {"organization": cast.isfahan.code, "file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source_kind"], body["file_name"]) == ("docx", "report.docx")
    assert proposals_of(body, "person")[0]["data"]["name"] == "غلامرضا جلالی"


def test_txt_upload_in_windows_1256(cast: Cast):
    upload = SimpleUploadedFile("report.txt", SAMPLE.replace("۱", "1").encode("cp1256", errors="replace"))
    response = client_for(cast.alice).post(
        DOCUMENTS, {"organization": cast.isfahan.code, "file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["source_kind"] == "txt"


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"text": ""}, "text", "empty"),
        ({"text": "   \n  "}, "text", "empty"),
        ({"text": "The governor asked every agency to report by Friday. " * 5}, "text", "Persian"),
        (
            {"text": "طلب المحافظ من جميع الدوائر الحكومية تقديم تقاريرها قبل نهاية الأسبوع. " * 8},
            "text",
            "Arabic",
        ),
        ({"text": "گزارش " + "الف" * 200_001}, "text", "limit"),
        ({"file": ("report.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))}, "file", "binary"),
        ({"file": ("report.docx", "این یک فایل متنی است".encode())}, "file", "zip"),
        ({"file": ("scan.pdf", _blank_pdf())}, "file", "text layer"),
        ({"file": ("broken.pdf", b"%PDF-1.4 nonsense")}, "file", "PDF"),
        ({"file": ("report.odt", b"PK\x03\x04")}, "file", ".txt, .docx or .pdf"),
        ({"file": ("big.txt", "گ".encode() * (3 * 1024 * 1024))}, "file", "limit"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(cast: Cast, payload, field, words):
    data: dict[str, object] = {"organization": cast.isfahan.code}
    multipart = "file" in payload
    if multipart:
        name, content = payload["file"]
        data["file"] = SimpleUploadedFile(name, content)
    else:
        data.update(payload)
    with assert_nothing_changed(*INTAKE_TABLES):
        response = client_for(cast.alice).post(
            DOCUMENTS, data, format="multipart" if multipart else "json", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400, response.content
    messages = response.json()["error"]["fields"][field]
    assert any(words in message for message in messages), messages


def test_bad_input_message_is_translated(cast: Cast):
    response = client_for(cast.alice).post(
        DOCUMENTS, {"organization": cast.isfahan.code, "text": ""}, format="json", HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert response.json()["error"]["fields"]["text"] == ["سند خالی است."]


def test_a_document_with_accepted_records_cannot_be_deleted(cast: Cast):
    document = submit(cast, cast.isfahan)
    organization = document.proposals.filter(field="place")[0]
    client_for(cast.root).post(
        f"{DOCUMENTS}{document.pk}/accept/", {"proposals": [{"proposal": organization.pk}]}, format="json"
    )
    response = client_for(cast.root).delete(f"{DOCUMENTS}{document.pk}/")
    assert response.status_code == 400
    assert IntakeDocument.objects.filter(pk=document.pk).exists()


def test_a_programme_action_item_needs_an_objective(cast: Cast):
    # The programmes app registers this target (rasad.programs.intake); its own tests cover the
    # accepted case.
    document = submit(cast, cast.isfahan)
    directive = document.proposals.get(field="directive")
    response = client_for(cast.root).post(
        f"{DOCUMENTS}{document.pk}/accept/",
        {"proposals": [{"proposal": directive.pk, "target": "programs.action_item"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "objective" in response.json()["error"]["fields"]
