"""Certificates: a completion gets a code that verifies on a public page revealing only the name,
the course, the date and the validity; an unknown code is a plain "not found"; the PDF is the
person's (or their manager's) only."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from rasad.lib import formatting
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training import codes
from rasad.training.models import Completion
from rasad.training.testing import complete, make_course, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def completion(cast: Cast) -> Completion:
    course = make_course(cast.isfahan, title="سواد رسانه‌ای", validity_months=24)
    event = make_event(cast.isfahan, course=course, starts_at=timezone.now() - timedelta(days=1))
    found: Completion = complete(cast.ali, event).completion
    return found


def test_every_completion_gets_a_code_of_the_documented_shape(completion: Completion) -> None:
    assert len(completion.code or "") == codes.LENGTH
    assert set(completion.code or "") <= set(codes.ALPHABET)


def test_the_code_verifies_publicly_and_reveals_only_what_it_should(
    cast: Cast, completion: Completion
) -> None:
    typed = codes.shown(completion.code or "").lower().replace("2", "۲")
    response = Client().get("/training/verify/", {"code": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="verified"' in page
    assert str(cast.ali) in page and "سواد رسانه‌ای" in page
    # Nothing else of the person: no user name, no organization, no score.
    verified = page.split('data-testid="verified"')[1].split("</dl>")[0]
    assert cast.ali.username not in verified
    assert cast.isfahan.name not in page


@pytest.mark.parametrize("code", ["ABCDE-FGHJK", "x", "' OR 1=1 --", "۱۲۳۴۵۶۷۸۹۰"])
def test_an_unknown_code_is_a_plain_not_found(completion: Completion, code: str) -> None:
    response = Client().get("/training/verify/", {"code": code})
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="not-found"' in page
    assert 'data-testid="verified"' not in page


def test_the_pdf_is_the_persons_and_their_managers_only(cast: Cast, completion: Completion) -> None:
    url = f"/training/certificates/{completion.pk}.pdf"
    own = signed_in_client(cast.ali).get(url)
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert own.content.startswith(b"%PDF")
    assert signed_in_client(cast.alice).get(url).status_code == 200  # analyst over Isfahan
    assert signed_in_client(cast.bob).get(url).status_code == 404
    assert signed_in_client(cast.charlie).get(url).status_code == 404


def test_the_pdf_reads_back_in_persian(cast: Cast, completion: Completion) -> None:
    import subprocess

    response = signed_in_client(cast.ali).get(f"/training/certificates/{completion.pk}.pdf")
    data = response.content
    # Saved under a Persian name (RFC 5987), with an ASCII stand-in for older programs.
    name = f"گواهی‌نامه — {formatting.person_name(completion.user)}.pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"certificate-{completion.pk}.pdf\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    text = text.replace("\u200c", "").replace("\u200f", "").replace("\u200e", "")
    assert "گواهی" in text
    assert "سواد رسانه" in text
    assert codes.shown(completion.code or "") in text
    assert "·" not in text  # it reads as a zero beside a number
