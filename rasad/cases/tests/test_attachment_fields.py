"""The file fields of attachments, evidence and imports say which files they take, the images by their
types, so that a phone offers to take a photo with its camera beside choosing a file; never
``capture``, which would open the camera alone (docs/development/conventions.md, "Phones")."""

from __future__ import annotations

import pytest

from rasad.cases.actions import ALLOWED_ATTACHMENTS, attachment_accept


def test_the_accept_names_every_allowed_suffix_and_the_image_types():
    accept = attachment_accept().split(",")
    assert accept == [*ALLOWED_ATTACHMENTS, "image/png", "image/jpeg"]
    assert attachment_accept([".pdf", ".jpg", ".jpeg"]) == ".pdf,.jpg,.jpeg,image/jpeg"
    assert attachment_accept([".pdf", ".xlsx"]) == ".pdf,.xlsx"


@pytest.mark.parametrize(
    ("form_path", "field"),
    [
        ("rasad.cases.forms.AttachmentForm", "file"),
        ("rasad.media.forms.AttachmentForm", "file"),
        ("rasad.media.forms.ResponseForm", "evidence_file"),
    ],
)
def test_attachment_and_evidence_fields_offer_the_camera(form_path, field):
    from importlib import import_module

    module, name = form_path.rsplit(".", 1)
    form_class = getattr(import_module(module), name)
    html = str(form_class.base_fields[field].widget.render(field, None))
    assert 'accept="' in html and "image/jpeg" in html and ".pdf" in html, html
    assert "capture" not in html


def test_a_green_scheme_document_offers_the_camera(cast):
    from rasad.greenjobs.forms import ApplicationForm
    from rasad.greenjobs.models import Business
    from rasad.greenjobs.testing import make_scheme

    scheme = make_scheme(cast.isfahan)
    assert scheme.documents, "the scheme asks for documents"
    form = ApplicationForm(scheme=scheme, businesses=Business.objects.none())
    code = scheme.documents[0]["code"]
    html = str(form[f"document_{code}"])
    # The kinds its help text names, and the images by type.
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx,image/jpeg,image/png"' in html, html


def test_the_indicator_import_offers_the_spreadsheets_it_takes():
    from rasad.indicators.forms import ImportForm

    assert 'accept=".xlsx,.csv"' in str(ImportForm()["file"])
