"""A planned item serves an axis of a programme its headquarters takes part in (the roadmap's
content production, docs/media.md "Media calendar"); an axis of another's programme is refused
naming the field, with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rasad.conftest import client_for
from rasad.core.models import User
from rasad.lib.jalali import JalaliPeriod, local_date
from rasad.media.actions import PlanValues, do_plan_item
from rasad.media.choices import PlanKind
from rasad.media.testing import ensure_member
from rasad.programs.actions import PartValues, do_save_axis
from rasad.programs.models import Axis
from rasad.programs.testing import make_programme
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db
PLAN = "/api/v1/media-plan/"


def _axis(cast: Cast, lead: str) -> Axis:
    programme = make_programme(cast, getattr(cast, lead), title=f"نقشهٔ راه فضای مجازی {lead}")
    return do_save_axis(programme, PartValues("تولید محتوا", weight=50), acting_user=cast.root)


def _plan(coordinator: User, axis_id: int) -> tuple[int, dict[str, object]]:
    start = timezone.now() + timedelta(days=3)
    response = client_for(coordinator).post(
        PLAN,
        {
            "organization": "ISF-CC",
            "kind": "video",
            "title": "ویدئوی معرفی خدمات الکترونیک",
            "starts_at": start.isoformat(),
            "axis": axis_id,
        },
        format="json",
    )
    return response.status_code, response.json()


def test_an_item_serves_an_axis_of_the_headquarters_programme(cast: Cast, coordinator: User):
    ensure_member(cast.isfahan, cast.isfahan_post)
    axis = _axis(cast, "isfahan")
    status, body = _plan(coordinator, axis.pk)
    assert status == 201, body
    assert (body["axis"], body["axis_title"]) == (axis.pk, "تولید محتوا")
    page = signed_in_client(coordinator).get(f"/media/calendar/{body['id']}/").content.decode()
    assert (
        f'data-testid="plan-axis">تولید محتوا <span class="text-muted small">({axis.programme.title})' in page
    )
    form = signed_in_client(coordinator).get("/media/calendar/new/").content.decode()
    assert f'<option value="{axis.pk}">تولید محتوا ({axis.programme.title})</option>' in form


def test_an_axis_of_a_programme_the_headquarters_is_not_in_is_refused(cast: Cast, coordinator: User):
    ensure_member(cast.isfahan, cast.isfahan_post)
    kerman_axis = _axis(cast, "kerman")
    with assert_nothing_changed("media.planneditem"):
        status, body = _plan(coordinator, kerman_axis.pk)
    assert (status, list(body["error"]["fields"])) == (400, ["axis"])  # type: ignore[index]
    # The action refuses it too, whoever calls it (the system here, which sees everything).
    values = PlanValues(
        cast.isfahan, PlanKind.VIDEO, "ویدئو", timezone.now() + timedelta(days=3), axis=kerman_axis
    )
    with assert_nothing_changed("media.planneditem"), pytest.raises(ValidationError) as refused:
        do_plan_item(values, acting_user=None)
    assert refused.value.message_dict == {
        "axis": ["محوری از برنامه‌ای که این ستاد در آن شریک است انتخاب کنید."]
    }


def test_the_calendar_lists_filters_and_exports_items_by_axis(cast: Cast, coordinator: User):
    ensure_member(cast.isfahan, cast.isfahan_post)
    axis = _axis(cast, "isfahan")
    status, body = _plan(coordinator, axis.pk)
    assert status == 201, body
    start = timezone.now() + timedelta(days=3)
    other = do_plan_item(
        PlanValues(cast.isfahan, PlanKind.NEWS, "خبر بدون محور", start), acting_user=coordinator
    )
    month = JalaliPeriod.containing(local_date(start), "month").key
    client = signed_in_client(coordinator)

    page = client.get(f"/media/calendar/?month={month}").content.decode()
    assert f'<option value="{axis.pk}">تولید محتوا ({axis.programme.title})</option>' in page
    assert 'data-testid="plan-row-axis">محور: تولید محتوا</span>' in page
    assert other.title in page

    filtered = client.get(f"/media/calendar/?month={month}&axis_id={axis.pk}").content.decode()
    assert f'<option value="{axis.pk}" selected>' in filtered
    assert str(body["title"]) in filtered and other.title not in filtered
    listed = client_for(coordinator).get(PLAN, {"axis_id": axis.pk}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]

    calendar = client.get(f"/media/calendar/month.ics?month={month}&axis_id={axis.pk}")
    text = calendar.getvalue().decode()
    unfolded = text.replace("\r\n ", "")
    assert f"محور نقشهٔ راه: تولید محتوا ({axis.programme.title})" in unfolded
    assert other.title not in unfolded


def test_no_axis_filter_for_a_headquarters_in_no_programme(cast: Cast, coordinator: User):
    ensure_member(cast.isfahan, cast.isfahan_post)
    page = signed_in_client(coordinator).get("/media/calendar/").content.decode()
    assert 'data-testid="axis-filter"' not in page
