"""A statement names who speaks it: a person holding the position «سخنگو» (spokesperson) in the
headquarters or in one of its member agencies (docs/media.md, "Spokesperson"). Anyone else is
refused naming the field, with nothing written; a spokesperson who left the post stops the
statement's approval until another is chosen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rasad.conftest import client_for
from rasad.core.models import Organization, User
from rasad.media.actions import StatementValues, do_approve_statement, do_save_statement, do_submit_statement
from rasad.media.models import Statement
from rasad.media.testing import ensure_member
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.actions import do_end_position
from rasad.training.models import PositionHolding
from rasad.training.testing import hold

pytestmark = pytest.mark.django_db
STATEMENTS = "/api/v1/media-statements/"


@pytest.fixture
def spokesperson(cast: Cast, agencies: list[Organization], officers: list[User]) -> PositionHolding:
    """The first agency's public-relations officer is also its spokesperson; the agency is a
    member of ISF-CC's headquarters."""
    ensure_member(cast.isfahan, agencies[0])
    return hold(officers[0], agencies[0], "spokesperson")


def _draft(coordinator: User, spokesperson_id: int) -> tuple[int, dict[str, object]]:
    response = client_for(coordinator).post(
        STATEMENTS,
        {
            "organization": "ISF-CC",
            "kind": "statement",
            "title": "اطلاعیهٔ خاموشی",
            "body": "خاموشی‌ها برنامه‌ریزی‌شده است.",
            "spokesperson": spokesperson_id,
        },
        format="json",
    )
    return response.status_code, response.json()


def test_a_statement_is_attributed_to_a_member_agencys_spokesperson(
    spokesperson: PositionHolding, agencies: list[Organization], officers: list[User], coordinator: User
):
    status, body = _draft(coordinator, spokesperson.pk)
    assert status == 201, body
    name = f"{officers[0]} ({agencies[0].name})"
    assert (body["spokesperson"], body["spokesperson_name"]) == (spokesperson.pk, name)
    page = signed_in_client(coordinator).get(f"/media/statements/{body['id']}/").content.decode()
    assert f'data-testid="spokesperson">{officers[0]}، {agencies[0].name}' in page
    # The statement form offers the headquarters' spokespeople by name and agency.
    form = signed_in_client(coordinator).get("/media/statements/new/").content.decode()
    assert f'<option value="{spokesperson.pk}">{name}</option>' in form


def test_a_spokesperson_of_an_organization_outside_the_headquarters_is_refused(
    cast: Cast, agencies: list[Organization], officers: list[User], coordinator: User
):
    # The second agency is not a member of ISF-CC's headquarters; its spokesperson cannot speak
    # the headquarters' statements, and an id that does not exist gets the same answer.
    outsider = hold(officers[1], agencies[1], "spokesperson")
    for holding_id in (outsider.pk, outsider.pk + 1000):
        with assert_nothing_changed("media.statement"):
            status, body = _draft(coordinator, holding_id)
        fields = body["error"]["fields"]  # type: ignore[index]
        assert (status, list(fields)) == (400, ["spokesperson"]), body
        assert fields["spokesperson"] == ["سخنگویی از همین ستاد یا یکی از دستگاه‌های عضو آن انتخاب کنید."]


def test_a_spokesperson_who_left_the_post_stops_the_approval(cast: Cast, spokesperson: PositionHolding):
    values = StatementValues(cast.isfahan, "statement", "اطلاعیه", "متن", spokesperson=spokesperson)
    statement = do_submit_statement(do_save_statement(values, acting_user=None), acting_user=None)
    do_end_position(spokesperson, until=timezone.localdate(), acting_user=None)
    with pytest.raises(ValidationError) as refused:
        do_approve_statement(statement, acting_user=None)
    assert list(refused.value.message_dict) == ["spokesperson"]
    assert Statement.objects.get(pk=statement.pk).state == "review"
