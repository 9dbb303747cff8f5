"""Review 19: organization and indicator codes that are syntax in PostgreSQL's text form of an
array (quotes, backslashes, commas, braces, spaces, the word NULL, a zero-width joiner, Persian
text, the longest code) are looked up by a batch as written (``prepared.array_literal``), each
finding its own organization and no other, and values reported for them are stored on them."""

from __future__ import annotations

from rasad.conftest import client_for
from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.models import Organization
from rasad.indicators.importer import Resolver
from rasad.indicators.models import Observation
from rasad.indicators.testing import new_batch
from rasad.testing.cast import Cast

CODES = [
    'Q"1',
    "Q\\2",
    'Q\\"3',
    "Q,4",
    "{Q5}",
    "NULL",
    "null",
    "Q 6",
    "ر\u200dصد",
    "کد ۷",
    "{}",
    '"',
    "\\",
    ",",
    "Z" * 40,
]
BULK = "/api/v1/observations/bulk/"


def _organizations(cast: Cast) -> dict[str, Organization]:
    return {
        code: do_create_organization(
            OrganizationValues(code=code, name=f"واحد {index}", kind="site", parent=cast.isfahan),
            acting_user=cast.root,
        )
        for index, code in enumerate(CODES)
    }


def test_every_code_finds_its_own_organization(assigned: Cast):
    made = _organizations(assigned)
    rows = [{"organization": code, "indicator": "ELEC_CONS"} for code in [*CODES, "", "ISF-P1", "Q", "Q1"]]
    resolver = Resolver(None, rows)
    found = {code: organization.pk for code, organization in resolver.organizations.items()}
    assert found == {**{code: made[code].pk for code in CODES}, "ISF-P1": assigned.isfahan_post.pk}
    assert set(resolver.indicators) == {"ELEC_CONS"}


def test_values_reported_for_such_codes_are_stored_on_them(assigned: Cast):
    made = _organizations(assigned)
    rows = [
        {"organization": code, "indicator": "ELEC_CONS", "period": "1402-01", "value": index + 1}
        for index, code in enumerate(CODES)
    ]
    response = client_for(assigned.ali).post(
        BULK, {"batch_id": new_batch(), "observations": rows}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == len(CODES)
    stored = dict(Observation.objects.values_list("organization_id", "value"))
    assert stored == {made[code].pk: index + 1 for index, code in enumerate(CODES)}
