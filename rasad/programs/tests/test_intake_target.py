"""A directive read from a document becomes a programme's action item (intake's target
``programs.action_item``, registered by this app)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rasad.conftest import client_for
from rasad.intake.testing import submit
from rasad.programs.models import ActionItem
from rasad.programs.testing import make_programme, make_structure
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db
DOCUMENTS = "/api/v1/intake-documents/"


def _accept(cast: Cast, document_pk: int, proposal_pk: int, values: dict[str, object]) -> Any:
    return client_for(cast.root).post(
        f"{DOCUMENTS}{document_pk}/accept/",
        {"proposals": [{"proposal": proposal_pk, "target": "programs.action_item", "values": values}]},
        format="json",
    )


def test_an_accepted_directive_becomes_an_action_item_of_the_party(cast: Cast):
    post = cast.isfahan.children.order_by("pk").first()
    assert post is not None
    programme = make_programme(cast, cast.isfahan, parties=[post])
    objective = make_structure(cast, programme)
    document = submit(cast, cast.isfahan)
    directive = document.proposals.get(field="directive")
    deadline = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = _accept(
        cast,
        document.pk,
        directive.pk,
        {
            "objective": objective.pk,
            "organization_code": post.code,
            "deadline": deadline,
            "category": "other",
        },
    )
    assert response.status_code == 200, response.content
    item = ActionItem.objects.get(programme=programme)
    assert (item.party.organization_id, item.case.kind, item.case.owner_organization_id) == (
        post.pk,
        "directive",
        post.pk,
    )
    assert document.title in item.case.description


def test_a_directive_for_an_organization_outside_the_programme_is_refused_naming_the_party(cast: Cast):
    programme = make_programme(cast, cast.isfahan, parties=[cast.kerman])
    objective = make_structure(cast, programme)
    document = submit(cast, cast.isfahan)
    directive = document.proposals.get(field="directive")
    post = cast.isfahan.children.order_by("pk").first()
    assert post is not None
    response = _accept(
        cast,
        document.pk,
        directive.pk,
        {
            "objective": objective.pk,
            "organization_code": post.code,
            "deadline": (timezone.localdate() + timedelta(days=40)).isoformat(),
            "category": "other",
        },
    )
    assert response.status_code == 400
    assert "party" in response.json()["error"]["fields"]
    assert not ActionItem.objects.filter(programme=programme).exists()
