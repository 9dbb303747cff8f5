"""The intake pages through Django's test client: who may see and review, deciding from the
review page, bad input on the form, corrections, and the alias list."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.intake.models import IntakeDocument, OrganizationAlias, Proposal
from rasad.intake.testing import SAMPLE, submit
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def test_review_page_shows_highlights_and_proposals(client, cast: Cast):
    document = submit(cast, cast.isfahan)
    response = signed_in(client, cast.alice).get(f"/intake/{document.pk}/", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="ik ik-person' in body
    assert "ik-directive" in body
    assert "غلامرضا جلالی" in body
    assert "پذیرش" in body


def test_another_province_gets_404_everywhere(client, cast: Cast):
    document = submit(cast, cast.isfahan)
    proposal = document.proposals.first()
    assert proposal is not None
    client = signed_in(client, cast.bob)
    assert client.get(f"/intake/{document.pk}/").status_code == 404
    assert client.get(f"/intake/proposals/{proposal.pk}/correct/").status_code == 404
    with assert_nothing_changed("intake.proposal"):
        response = client.post(f"/intake/{document.pk}/decide/", {"act": f"reject:{proposal.pk}"})
    assert response.status_code == 404
    assert document.title not in client.get("/intake/").content.decode()


def test_reporter_may_read_nothing_to_submit(client, cast: Cast):
    # Ali is a reporter: no intake grant to submit.
    assert signed_in(client, cast.ali).get("/intake/new/").status_code == 404


def test_accept_ticked_from_the_page(client, cast: Cast):
    document = submit(cast, cast.isfahan)
    places = list(document.proposals.filter(field__in=["place", "date"]))
    response = signed_in(client, cast.alice).post(
        f"/intake/{document.pk}/decide/", {"act": "accept:selected", "proposal": [p.pk for p in places]}
    )
    assert response.status_code == 302
    assert set(Proposal.objects.filter(pk__in=[p.pk for p in places]).values_list("status", flat=True)) == {
        "accepted"
    }


def test_a_refused_acceptance_is_shown_and_changes_nothing(client, cast: Cast):
    document = submit(cast, cast.isfahan)
    directive = document.proposals.get(field="directive")
    client = signed_in(client, cast.alice)
    with assert_nothing_changed("intake.proposal", "cases.case"):
        response = client.post(
            f"/intake/{document.pk}/decide/",
            {
                "act": f"accept:{directive.pk}",
                f"p{directive.pk}-organization_code": "",
                f"p{directive.pk}-deadline": "",
            },
            follow=True,
        )
    # The deadline read from the text (the end of 1403) has passed: the refusal names the
    # proposal and the cause, in Alice's language (Persian).
    assert "«مرکز فرماندهی استان باید گزارش" in response.content.decode()
    assert "گذشته است" in response.content.decode()


def test_submit_form_refuses_a_scan(client, cast: Cast):
    from rasad.intake.tests.test_intake_api import _blank_pdf

    client = signed_in(client, cast.alice)
    with assert_nothing_changed("intake.intakedocument", "intake.proposal"):
        response = client.post(
            "/intake/new/",
            {"organization": cast.isfahan.pk, "file": SimpleUploadedFile("scan.pdf", _blank_pdf())},
        )
    assert response.status_code == 400
    assert "این PDF لایه متن ندارد" in response.content.decode()


def test_submit_form_reads_pasted_text(client, cast: Cast):
    response = signed_in(client, cast.alice).post(
        "/intake/new/", {"organization": cast.isfahan.pk, "text": SAMPLE, "title": "گزارش آزمایشی"}
    )
    document = IntakeDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/{document.pk}/"
    assert document.submitted_by == cast.alice


def test_correcting_an_organization_teaches_an_alias(client, cast: Cast):
    document = submit(
        cast, cast.isfahan, "۱۳ اسفند ۱۴۰۳\nسازمان پدافند کشوری در استان اصفهان گفت که گزارش باید ارسال شود."
    )
    proposal = document.proposals.get(field="organization")
    response = signed_in(client, cast.alice).post(
        f"/intake/proposals/{proposal.pk}/correct/", {"code": cast.isfahan.code, "name": cast.isfahan.name}
    )
    assert response.status_code == 302
    assert OrganizationAlias.objects.get().organization == cast.isfahan


def test_only_administrators_edit_aliases(client, cast: Cast):
    response = signed_in(client, cast.alice).post(
        "/intake/aliases/new/", {"organization": cast.isfahan.pk, "alias": "مرکز اصفهان"}
    )
    assert response.status_code == 404
    from rasad.testing.web import verified_client

    response = verified_client(cast.root).post(
        "/intake/aliases/new/", {"organization": cast.isfahan.pk, "alias": "مرکز اصفهان"}
    )
    assert response.status_code == 302
    assert OrganizationAlias.objects.get().alias == "مرکز اصفهان"


def test_home_queue_shows_documents_awaiting_review(cast: Cast):
    from rasad.intake.home import provide

    submit(cast, cast.isfahan)
    today = timezone.localdate()
    alice = provide(cast.alice, today)
    assert [(c.url, c.value) for c in alice.counts] == [("/intake/", 1)]
    assert [item.kind for item in alice.items] == ["intake.review"]
    assert "۱" in str(alice.items[0].title)
    bob = provide(cast.bob, today)
    assert bob.counts == [] and bob.items == []
