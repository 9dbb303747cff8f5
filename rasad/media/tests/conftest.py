from __future__ import annotations

import pytest

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.testing.cast import Cast
from rasad.training.testing import make_member

AGENCY_NAMES = ("بهداشت", "آموزش", "آب", "برق", "هلال احمر")


@pytest.fixture
def agencies(cast: Cast) -> list[Organization]:
    """Five agencies under ISF-CC, members of its media headquarters-to-be."""
    return [
        do_create_organization(
            OrganizationValues(
                code=f"ISF-AG{index}",
                name=f"اداره کل {name} اصفهان",
                kind=OrganizationKind.PROVINCIAL_OFFICE,
                parent=cast.isfahan,
                province=cast.isfahan.province,
            ),
            acting_user=cast.root,
        )
        for index, name in enumerate(AGENCY_NAMES, start=1)
    ]


@pytest.fixture
def officers(agencies: list[Organization]) -> list[User]:
    """Each agency's public-relations officer (a reporter over the agency)."""
    return [make_member(f"pr-{agency.code.lower()}", agency, role="reporter") for agency in agencies]


@pytest.fixture
def coordinator(cast: Cast) -> User:
    """The secretary of ISF-CC's media headquarters: drafts, approves and issues."""
    return make_member("isf-media-coordinator", cast.isfahan, role="coordinator")
