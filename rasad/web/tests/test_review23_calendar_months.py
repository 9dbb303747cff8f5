"""Review 23: a calendar page asked for a month at the far end of the Jalali calendar answers the
current month, as it does for any month it cannot read, and the months beside it link on. Year 1
and year 9376 were read as months, and their neighbours (year 0, year 9377) failed to be made:
a 500 for ``?month=0001-01``. A month outside the years Rasad accepts a date in is now unread."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["training:event-list", "media:plan-calendar"])
def test_a_month_at_the_calendars_ends_is_the_current_month(cast: Cast, page: str):
    client = signed_in_client(cast.nadia)
    for month in ("0001-01", "9376-12"):
        answer = client.get(reverse(page), {"month": month})
        assert answer.status_code == 200, month
        assert f"month={month}" not in answer.content.decode()


def test_a_period_at_the_calendars_ends_is_refused_as_an_unreadable_one(cast: Cast):
    client = signed_in_client(cast.nadia)
    for period in ("0001-01", "9376"):
        figures = client.get(reverse("media:figures"), {"period": period})
        assert figures.status_code == 400, period
        report = client.get(reverse("indicators:report", args=[cast.isfahan.pk, period]))
        assert report.status_code == 404, period
