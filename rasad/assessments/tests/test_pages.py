"""The assessments pages as people use them: the field post answers and submits with its
evidence, an assessor from Kerman reviews, the lead records the consensus, the civil defence
coordinator finalizes; every page of another province's assessment is the 404 of a missing one,
and a bad answer comes back on the form with nothing saved."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rasad.assessments.actions import do_assign_assessor, do_launch_cycle
from rasad.assessments.models import Assessment, Evidence, Instrument, ItemScore
from rasad.assessments.testing import make_cycle, starter
from rasad.assessments.tests.test_assessment_flow import ANSWERS, EVIDENCE_ITEMS, REVIEW
from rasad.lib.tabular import XLSX_TYPE
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf")


def _sheet(content: bytes) -> list[list[Any]]:
    """The rows of a workbook's first sheet (labels, keys, then data)."""
    return [list(row) for row in xlsx_rows(content)]


def _form(answers: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for row in answers:
        data[f"answer_{row['item']}"] = row.get("answer") or row.get("value")
    return data


@pytest.fixture
def cycle(cast: Cast, civil: Any) -> Any:
    made = make_cycle(
        cast.national,
        user=civil,
        scope_kinds=["field_post"],
        opens_cases=True,
        name="ارزیابی پدافند غیرعامل ۱۴۰۴",
    )
    return do_launch_cycle(made, acting_user=civil)


def _isfahan(cycle: Any, cast: Cast) -> Assessment:
    return Assessment.objects.get(cycle=cycle, organization=cast.isfahan_post)


def test_the_whole_path_through_the_pages(cast: Cast, civil: Any, cycle: Any):
    assessment = _isfahan(cycle, cast)
    ali = signed_in_client(cast.ali)
    detail = reverse("assessments:assessment-detail", args=[assessment.pk])
    page = ali.get(detail)
    assert page.status_code == 200
    assert 'data-testid="answer"' in page.content.decode()
    answers_url = reverse("assessments:assessment-answers", args=[assessment.pk])
    assert ali.get(answers_url).status_code == 200
    data = _form(ANSWERS)
    for code in EVIDENCE_ITEMS:
        data[f"file_{code}"] = _pdf(f"{code}.pdf")
    data["submit"] = "1"
    response = ali.post(answers_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert Evidence.objects.filter(assessment=assessment).count() == len(EVIDENCE_ITEMS)

    coordinator = signed_in_client(civil)
    response = coordinator.post(
        reverse("assessments:assessment-assign", args=[assessment.pk]),
        {"reviewer": "bob", "organization": cast.kerman.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    bob = signed_in_client(cast.bob)
    review = bob.post(
        reverse("assessments:assessment-review", args=[assessment.pk]), {**_form(REVIEW), "submit": "1"}
    )
    assert review.status_code == 302, review.content.decode()[:3000]
    consensus = bob.post(reverse("assessments:assessment-consensus", args=[assessment.pk]), {"submit": "1"})
    assert consensus.status_code == 302, consensus.content.decode()[:3000]
    final = coordinator.post(reverse("assessments:assessment-finalize", args=[assessment.pk]))
    assert final.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, str(assessment.final_score)) == ("final", "91.25")
    html = ali.get(detail).content.decode()
    assert 'data-testid="finding-case"' in html
    # The score out of the instrument's points in words, not «۹۱٫۲۵ / ۱۰۰», a fraction.
    final_score = html.split('data-testid="final-score">')[1].split("</dd>")[0]
    assert re.fullmatch("<strong>۹۱٫۲۵ از [۰-۹٫]+</strong>", final_score), final_score
    cycle_page = coordinator.get(reverse("assessments:cycle-detail", args=[cycle.pk])).content.decode()
    assert "۹۱٫۲۵" in cycle_page
    workbook = coordinator.get(reverse("assessments:cycle-results", args=[cycle.pk]))
    assert workbook["Content-Type"] == XLSX_TYPE
    rows = _sheet(workbook.content)
    assert rows[1][:2] == ["organization_code", "organization"]
    finals = {row[0]: (row[5] if len(row) > 5 else None) for row in rows[2:]}
    assert finals == {"ISF-P1": 91.25, "KER-P1": None}
    # The post's own people see only their own row.
    own = _sheet(ali.get(reverse("assessments:cycle-results", args=[cycle.pk])).content)
    assert [row[0] for row in own[2:]] == ["ISF-P1"]


def test_a_bad_answer_comes_back_on_the_form_and_nothing_is_saved(cast: Cast, cycle: Any):
    assessment = _isfahan(cycle, cast)
    ali = signed_in_client(cast.ali)
    with assert_nothing_changed("assessments.itemscore", "assessments.assessment"):
        response = ali.post(
            reverse("assessments:assessment-answers", args=[assessment.pk]),
            {"answer_A1.1": "yes", "answer_B1.2": "800", "save": "1"},
        )
    assert response.status_code == 200
    assert "B1.2" in response.content.decode()
    assert ItemScore.objects.filter(assessment=assessment).count() == 0


def test_submitting_without_evidence_lists_what_is_missing(cast: Cast, cycle: Any):
    assessment = _isfahan(cycle, cast)
    ali = signed_in_client(cast.ali)
    response = ali.post(
        reverse("assessments:assessment-answers", args=[assessment.pk]), {**_form(ANSWERS), "submit": "1"}
    )
    assert response.status_code == 200
    assert "A1.1" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "not_started"  # the save and the submission are one: both refused


PAGES = (
    "assessment-detail",
    "assessment-answers",
    "assessment-review",
    "assessment-consensus",
    "assessment-assign",
)


def test_every_page_of_another_provinces_assessment_is_a_404(cast: Cast, civil: Any, cycle: Any):
    assessment = _isfahan(cycle, cast)
    bahram = signed_in_client(cast.bahram)
    for name in PAGES:
        assert bahram.get(reverse(f"assessments:{name}", args=[assessment.pk])).status_code == 404, name
    with assert_nothing_changed("assessments.assessment", "assessments.review"):
        assert (
            bahram.post(reverse("assessments:assessment-finalize", args=[assessment.pk])).status_code == 404
        )
        response = bahram.post(
            reverse("assessments:assessment-assign", args=[assessment.pk]),
            {"reviewer": "bahram", "organization": cast.kerman.pk},
        )
        assert response.status_code == 404
    assert (
        bahram.get(reverse("assessments:evidence-download", args=[assessment.pk, 999999])).status_code == 404
    )


def test_the_reviewing_organization_reads_but_only_its_assessor_reviews(cast: Cast, civil: Any, cycle: Any):
    """Once Kerman reviews Isfahan's post, Kerman's people read the assessment (the review is
    Kerman's work); only the assigned assessor scores, and nobody of Kerman answers for the post."""
    assessment = _isfahan(cycle, cast)
    do_assign_assessor(assessment, cast.bob, cast.kerman, acting_user=civil)
    bahram, bob = signed_in_client(cast.bahram), signed_in_client(cast.bob)
    assert bahram.get(reverse("assessments:assessment-detail", args=[assessment.pk])).status_code == 200
    for name in ("assessment-answers", "assessment-review", "assessment-consensus", "assessment-assign"):
        assert bahram.get(reverse(f"assessments:{name}", args=[assessment.pk])).status_code == 404, name
    assert bob.get(reverse("assessments:assessment-detail", args=[assessment.pk])).status_code == 200
    assert bob.get(reverse("assessments:assessment-answers", args=[assessment.pk])).status_code == 404
    # The review page opens once the post has submitted; before, there is nothing to review.
    assert bob.get(reverse("assessments:assessment-review", args=[assessment.pk])).status_code == 200


def test_a_draft_instrument_and_its_import_page_stay_in_the_owners_scope(
    cast: Cast, isfahan_coordinator: Any, kerman_coordinator: Any
):
    from rasad.assessments.testing import make_matrix_instrument

    draft = make_matrix_instrument(cast, cast.isfahan)
    url = reverse("assessments:instrument-detail", args=[draft.pk])
    assert signed_in_client(isfahan_coordinator).get(url).status_code == 200
    assert signed_in_client(cast.bob).get(url).status_code == 404
    assert signed_in_client(cast.ali).get(reverse("assessments:instrument-import")).status_code == 404
    assert signed_in_client(cast.ali).get(reverse("assessments:cycle-create")).status_code == 404
    kerman = signed_in_client(kerman_coordinator)
    assert kerman.get(url).status_code == 404
    with assert_nothing_changed("assessments.instrument"):
        assert kerman.post(reverse("assessments:instrument-publish", args=[draft.pk])).status_code == 404


def test_an_instrument_page_downloads_and_imports_its_spreadsheet(cast: Cast, isfahan_coordinator: Any):
    client = signed_in_client(isfahan_coordinator)
    page = client.get(reverse("assessments:instrument-detail", args=[starter().pk]))
    assert page.status_code == 200
    workbook = client.get(reverse("assessments:instrument-spreadsheet", args=[starter().pk]))
    assert workbook.status_code == 200
    upload = SimpleUploadedFile("pd.xlsx", workbook.content)
    response = client.post(
        reverse("assessments:instrument-import"),
        {
            "file": upload,
            "code": "PD-ISF",
            "name": "دستورالعمل ایمنی استان اصفهان",
            "kind": "compliance",
            "total_points": "100",
            "owner": cast.isfahan.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    imported = Instrument.objects.get(code="PD-ISF")
    assert imported.items.count() == starter().items.count()


def test_an_item_is_edited_in_the_next_version_when_a_cycle_uses_it(cast: Cast, civil: Any, cycle: Any):
    root = signed_in_client(cast.root)
    item = starter().items.get(code="A1.1")
    url = reverse("assessments:item-edit", args=[item.pk])
    assert root.get(url).status_code == 200
    response = root.post(
        url,
        {
            "text": "محدوده تأسیسات حصارکشی و روشن است.",
            "weight": "5",
            "guidance": "",
            "required_evidence": "",
        },
    )
    assert response.status_code == 302
    version2 = Instrument.objects.get(code="PD-INFRA", version=2)
    assert version2.items.get(code="A1.1").text == "محدوده تأسیسات حصارکشی و روشن است."
    assert starter().items.get(code="A1.1").text != "محدوده تأسیسات حصارکشی و روشن است."
    # Only those who keep the instrument may edit it: a platform instrument is the administrators'.
    assert signed_in_client(civil).get(url).status_code == 404


def test_a_weight_that_breaks_the_sum_of_a_published_version_is_refused(cast: Cast, isfahan_coordinator: Any):
    from rasad.assessments.actions import do_import_instrument, do_publish_instrument
    from rasad.assessments.actions.instruments import InstrumentValues
    from rasad.assessments.spreadsheet import structure_csv
    from rasad.assessments.structure import spec_of

    own = do_import_instrument(
        InstrumentValues(
            "GREEN-ISF", "سبزسازی اصفهان", "compliance", starter("GREEN-WS").total_points, cast.isfahan
        ),
        structure_csv(spec_of(starter("GREEN-WS"))),
        "green.csv",
        acting_user=isfahan_coordinator,
    )
    do_publish_instrument(own, acting_user=isfahan_coordinator)
    item = own.items.order_by("pk").first()
    assert item is not None
    client = signed_in_client(isfahan_coordinator)
    with assert_nothing_changed("assessments.item", "assessments.instrument"):
        response = client.post(
            reverse("assessments:item-edit", args=[item.pk]),
            {"text": item.text, "weight": str(item.weight + 1), "guidance": "", "required_evidence": ""},
        )
    assert response.status_code == 200
    assert "data-field-error" in response.content.decode()


def test_each_item_saves_as_it_is_answered_without_touching_the_others(cast: Cast, cycle: Any):
    from rasad.core.models import AuditEvent

    assessment = _isfahan(cycle, cast)
    ali = signed_in_client(cast.ali)
    url = reverse("assessments:assessment-answers", args=[assessment.pk])
    ali.post(url, {"answer_A1.1": "yes", "save": "1"})
    page = ali.get(url).content.decode()
    assert 'hx-vals=\'{"item": "A1.2"}\'' in page and 'data-testid="answer-state"' in page
    # htmx sends the whole form; only the named item's fields are read.
    response = ali.post(
        url, {"item": "A1.2", "answer_A1.2": "no", "answer_A1.1": "na"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-state="saved"' in response.content.decode()
    answers = dict(
        ItemScore.objects.filter(assessment=assessment, stage="self").values_list("item__code", "answer")
    )
    assert answers == {"A1.1": "yes", "A1.2": "no"}
    saved = AuditEvent.objects.filter(object_id=str(assessment.pk), event_type=520).order_by("pk").last()
    assert saved is not None and saved.actor_id == cast.ali.pk
    assert list(saved.new["answers"]) == ["A1.2"]
    # A value out of range is named on its item, with nothing saved.
    with assert_nothing_changed("assessments.itemscore", "assessments.assessment"):
        response = ali.post(url, {"item": "B1.2", "answer_B1.2": "800"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'data-state="error"' in response.content.decode() and "B۱.۲" in response.content.decode()
