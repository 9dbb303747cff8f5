"""Refusals on the data-entry pages read like a missing organization (404) and change nothing:
a viewer may read a period's form but not save it, a reporter may submit but not approve."""

from __future__ import annotations

from rasad.indicators.actions import do_submit_period
from rasad.indicators.testing import record
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


def test_a_viewer_reads_the_form_but_saving_is_refused(assigned: Cast):
    url = f"/indicators/report/{assigned.isfahan.pk}/1402-01/"
    client = signed_in_client(assigned.wali)
    assert client.get(url).status_code == 200
    with assert_nothing_changed("indicators.observation"):
        response = client.post(url, {"value_ELEC_CONS": "12"})
    assert response.status_code == 404


def test_a_reporter_may_not_approve_their_own_period(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    client = signed_in_client(assigned.ali)
    base = f"/indicators/report/{assigned.isfahan_post.pk}/1402-01/"
    for verb in ("approve", "reopen", "no-such-step"):
        with assert_nothing_changed("indicators.observation"):
            response = client.post(base + f"{verb}/")
        assert response.status_code == 404, verb


def test_someone_outside_may_not_submit(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    client = signed_in_client(assigned.bob)
    with assert_nothing_changed("indicators.observation"):
        response = client.post(f"/indicators/report/{assigned.isfahan_post.pk}/1402-01/submit/")
    assert response.status_code == 404
