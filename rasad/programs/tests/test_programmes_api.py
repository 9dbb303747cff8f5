"""The programmes API as a client uses it: a coordinator creates a memorandum with its parties,
builds its axes and objectives, sets the weights, adds action items and activates it; every bad
request answers 400 with the field named, and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.conftest import client_for
from rasad.programs.models import ActionItem, Axis, Objective, Programme, ProgrammeAttachment
from rasad.programs.testing import make_programme, make_structure, person
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import streamed

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(cast: Cast) -> Any:
    return person(cast, "isf.coordinator", cast.isfahan, "coordinator")


def _payload(cast: Cast, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    payload: dict[str, Any] = {
        "kind": "memorandum",
        "title": "تفاهم‌نامه همکاری در آموزش مدیریت محیط زیست",
        "reference_number": "۱۴۰۴/۳۱۲",
        "organization": "ISF-CC",
        "parties": [
            {"organization": "ISF-CC", "signatory_name": "سعید رحیمی", "signatory_title": "فرمانده"},
            {"organization": "ISF-P1", "signatory_name": "حسین قاسمی", "signatory_title": "رئیس پاسگاه"},
        ],
        "signed_on": today.isoformat(),
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=700)).isoformat(),
        "legal_basis": ["بندهای ۱۲ تا ۱۴ سیاست‌های کلی نظام در حوزه محیط زیست"],
    }
    payload.update(overrides)
    return payload


def _error_fields(response: Any) -> set[str]:
    assert response.status_code == 400, response.content
    return set(response.json()["error"]["fields"])


def test_a_coordinator_builds_and_activates_a_programme(cast: Cast, coordinator: Any):
    client = client_for(coordinator)
    created = client.post("/api/v1/programmes/", _payload(cast), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert [(p["organization"], p["is_lead"]) for p in body["parties"]] == [
        ("ISF-CC", True),
        ("ISF-P1", False),
    ]
    programme_id = body["id"]
    axes = [
        client.post(
            "/api/v1/programme-axes/",
            {"programme": programme_id, "title": title, "weight": weight},
            format="json",
        )
        for title, weight in (("مشاوره", 30), ("آموزش", 50), ("تحقیق", 20))
    ]
    assert [a.status_code for a in axes] == [201, 201, 201]
    training = axes[1].json()["id"]
    objective = client.post(
        "/api/v1/programme-objectives/",
        {"axis": training, "title": "دوره‌های ISO 14001", "weight": 100},
        format="json",
    )
    assert objective.status_code == 201, objective.content
    for axis in (axes[0], axes[2]):
        response = client.post(
            "/api/v1/programme-objectives/",
            {"axis": axis.json()["id"], "title": "هدف", "weight": 100},
            format="json",
        )
        assert response.status_code == 201
    item = client.post(
        "/api/v1/programme-action-items/",
        {
            "objective": objective.json()["id"],
            "party": "ISF-P1",
            "title": "برگزاری کارگاه سیستم مدیریت زیست‌محیطی",
            "deadline": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "category": "environment",
            "weight": 2,
        },
        format="json",
    )
    assert item.status_code == 201, item.content
    assert (item.json()["party"], item.json()["case_status"], item.json()["state"]) == (
        "ISF-P1",
        "new",
        "open",
    )
    activated = client.post(
        f"/api/v1/programmes/{programme_id}/transition/", {"step": "activate"}, format="json"
    )
    assert activated.status_code == 200, activated.content
    assert activated.json()["status"] == "active"
    assert client.get(f"/api/v1/programmes/{programme_id}/allowed-steps/").json() == [
        "suspend",
        "complete",
        "terminate",
        "expire",
    ]
    progress = client.get(f"/api/v1/programmes/{programme_id}/progress/").json()
    assert progress["percent"] == 0.0
    assert progress["weights_complete"] is True
    assert progress["burn_up"][0]["planned"] == 0.0


def test_a_party_the_user_may_not_see_is_named(cast: Cast, coordinator: Any):
    parties = [
        {"organization": "ISF-CC", "signatory_name": "الف", "signatory_title": "ب"},
        {"organization": "KER-CC", "signatory_name": "ج", "signatory_title": "د"},
    ]
    with assert_nothing_changed("programs.programme", "programs.party"):
        response = client_for(coordinator).post(
            "/api/v1/programmes/", _payload(cast, parties=parties), format="json"
        )
    assert _error_fields(response) == {"parties.1.organization"}


def test_an_end_before_the_start_is_named(cast: Cast, coordinator: Any):
    today = timezone.localdate()
    with assert_nothing_changed("programs.programme", "programs.party"):
        response = client_for(coordinator).post(
            "/api/v1/programmes/",
            _payload(cast, ends_on=(today - timedelta(days=3)).isoformat()),
            format="json",
        )
    assert _error_fields(response) == {"ends_on"}


def test_weights_that_do_not_sum_to_100_are_named(cast: Cast, coordinator: Any):
    programme = make_programme(cast, cast.isfahan, parties=[cast.isfahan_post], user=coordinator)
    objective = make_structure(cast, programme, user=coordinator)
    second = Objective.objects.create(programme=programme, axis=objective.axis, title="دوم", weight=0)
    client = client_for(coordinator)
    with assert_nothing_changed("programs.objective"):
        response = client.post(
            f"/api/v1/programme-axes/{objective.axis_id}/objective-weights/",
            {"weights": {str(objective.pk): 70, str(second.pk): 20}},
            format="json",
        )
    assert _error_fields(response) == {"weights"}
    assert "۹۰" in response.json()["error"]["fields"]["weights"][0]
    ok = client.post(
        f"/api/v1/programme-axes/{objective.axis_id}/objective-weights/",
        {"weights": {str(objective.pk): 70, str(second.pk): 30}},
        format="json",
    )
    assert ok.status_code == 200
    assert list(
        Objective.objects.filter(axis=objective.axis).order_by("pk").values_list("weight", flat=True)
    ) == [70, 30]


def test_an_action_item_for_a_non_party_is_named(cast: Cast, coordinator: Any):
    programme = make_programme(cast, cast.isfahan, parties=[cast.isfahan_post], user=coordinator)
    objective = make_structure(cast, programme, user=coordinator)
    other = make_programme(cast, cast.national, parties=[cast.isfahan])
    del other
    with assert_nothing_changed("programs.actionitem", "cases.case"):
        response = client_for(cast.root).post(
            "/api/v1/programme-action-items/",
            {
                "objective": objective.pk,
                "party": "KER-P1",
                "title": "اقدام",
                "deadline": (timezone.localdate() + timedelta(days=9)).isoformat(),
                "category": "other",
            },
            format="json",
        )
    assert _error_fields(response) == {"party"}


def test_a_status_change_not_allowed_is_named(cast: Cast, coordinator: Any):
    programme = make_programme(cast, cast.isfahan, parties=[cast.isfahan_post], user=coordinator)
    with assert_nothing_changed("programs.programme"):
        response = client_for(coordinator).post(
            f"/api/v1/programmes/{programme.pk}/transition/", {"step": "complete"}, format="json"
        )
    assert _error_fields(response) == {"step"}
    programme.refresh_from_db()
    assert programme.status == "draft"


def test_the_signed_scan_is_attached_and_a_disguised_file_refused(
    cast: Cast, coordinator: Any, settings: Any, tmp_path: Any
):
    programme = make_programme(cast, cast.isfahan, parties=[cast.isfahan_post], user=coordinator)
    client = client_for(coordinator)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.7 signed", content_type="application/pdf")
    response = client.post(
        f"/api/v1/programmes/{programme.pk}/attachments/",
        {"file": scan, "description": "نسخه امضاشده"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    download = client.get(response.json()["download"])
    assert download.status_code == 200
    assert streamed(download) == b"%PDF-1.7 signed"
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with assert_nothing_changed("programs.programmeattachment"):
        refused = client.post(
            f"/api/v1/programmes/{programme.pk}/attachments/", {"file": fake}, format="multipart"
        )
    assert _error_fields(refused) == {"file"}
    assert ProgrammeAttachment.objects.count() == 1
    # Bob (Kerman) may not download Isfahan's scan.
    attachment = ProgrammeAttachment.objects.get()
    assert (
        client_for(cast.bob).get(f"/api/v1/programme-attachments/{attachment.pk}/download/").status_code
        == 404
    )


def test_an_axis_with_objectives_is_not_deleted(cast: Cast, coordinator: Any):
    objective = make_structure(
        cast,
        make_programme(cast, cast.isfahan, parties=[cast.isfahan_post], user=coordinator),
        user=coordinator,
    )
    response = client_for(coordinator).delete(f"/api/v1/programme-axes/{objective.axis_id}/")
    assert _error_fields(response) == {"axis"}
    assert Axis.objects.filter(pk=objective.axis_id).exists()


def test_lists_filter_by_kind_party_province_and_status(cast: Cast):
    make_programme(cast, cast.isfahan, kind="roadmap", title="نقشه راه اصفهان")
    make_programme(cast, cast.kerman, parties=[cast.kerman_post], title="تفاهم‌نامه کرمان")
    client = client_for(cast.root)

    def titles(**query: Any) -> set[str]:
        return {row["title"] for row in client.get("/api/v1/programmes/", query).json()["results"]}

    assert titles(kind="roadmap") == {"نقشه راه اصفهان"}
    assert titles(party="KER-P1") == {"تفاهم‌نامه کرمان"}
    assert titles(province="08") == {"تفاهم‌نامه کرمان"}  # Kerman's province code
    assert titles(status="draft") == {"نقشه راه اصفهان", "تفاهم‌نامه کرمان"}
    assert titles(q="نقشه راه") == {"نقشه راه اصفهان"}
    assert client.get("/api/v1/programmes/", {"status": "nonsense"}).status_code == 400
    assert not ActionItem.objects.exists()
    assert Programme.objects.count() == 2
