"""The write pages: targets, assignments, energy baselines, scorecards and closing alerts. Each
form writes through its action, shows the action's errors next to the field, and answers 404 to
a user without the permission or out of scope, changing nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from rasad.core.models import AuditEvent
from rasad.indicators.actions import TargetValues, do_close_alert, do_save_target
from rasad.indicators.audit import IndicatorAuditEvent
from rasad.indicators.models import Alert, Assignment, Baseline, Scorecard, Target
from rasad.indicators.testing import indicator, make_alert
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


def _target_form(**overrides):
    return {
        "indicator": indicator("ELEC_CONS").pk,
        "year": "۱۴۰۲",
        "target": "100",
        "warning_threshold": "۱۱۰٫۵",
        "critical_threshold": "130",
        **overrides,
    }


@pytest.fixture
def target(assigned: Cast) -> Target:
    return do_save_target(
        TargetValues(assigned.isfahan_post, indicator("ELEC_CONS"), 1402, 100.0, 110.0, 130.0),
        acting_user=assigned.alice,
    )


def test_target_created_through_the_form(assigned: Cast):
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/targets/new/"
    response = client(assigned.alice).post(url, _target_form())
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/organizations/{assigned.isfahan_post.pk}/targets/"
    assert list(
        Target.objects.values_list(
            "organization__code",
            "indicator__code",
            "year",
            "target",
            "warning_threshold",
            "critical_threshold",
        )
    ) == [("ISF-P1", "ELEC_CONS", 1402, 100.0, 110.5, 130.0)]
    assert AuditEvent.objects.filter(event_type=IndicatorAuditEvent.TARGET_SAVED).count() == 1


def test_target_thresholds_out_of_order_show_a_field_error(assigned: Cast):
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/targets/new/"
    response = client(assigned.alice).post(url, _target_form(warning_threshold="90"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="warning_threshold"' in html
    assert not Target.objects.exists()


def test_target_unreadable_number_shows_a_field_error(assigned: Cast):
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/targets/new/"
    html = client(assigned.alice).post(url, _target_form(target="abc")).content.decode()
    assert 'data-field-error="target"' in html
    assert not Target.objects.exists()


def test_target_list_offers_writes_only_with_the_permission(assigned: Cast, target: Target):
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/targets/"
    alice = client(assigned.alice).get(url).content.decode()
    ali = client(assigned.ali).get(url).content.decode()
    assert f'data-testid="target-{target.pk}"' in alice and f'data-testid="target-{target.pk}"' in ali
    assert 'data-testid="target-new"' in alice and f"/indicators/targets/{target.pk}/edit/" in alice
    assert 'data-testid="target-new"' not in ali and f"/indicators/targets/{target.pk}/edit/" not in ali


@pytest.mark.parametrize("who", ["ali", "bob", "charlie"])
def test_target_create_refused(assigned: Cast, who: str):
    c = client(getattr(assigned, who))
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/targets/new/"
    with assert_nothing_changed("indicators.target"):
        assert c.get(url).status_code == 404
        assert c.post(url, _target_form()).status_code == 404


def test_target_list_out_of_scope_is_404(assigned: Cast):
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/targets/"
    assert client(assigned.bob).get(url).status_code == 404


def test_target_edited_through_the_form(assigned: Cast, target: Target):
    c = client(assigned.alice)
    assert c.get(f"/indicators/targets/{target.pk}/edit/").status_code == 200
    response = c.post(f"/indicators/targets/{target.pk}/edit/", _target_form(target="95"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.target, target.warning_threshold) == (95.0, 110.5)


def test_target_deleted_through_the_form(assigned: Cast, target: Target):
    c = client(assigned.alice)
    assert c.get(f"/indicators/targets/{target.pk}/delete/").status_code == 200
    response = c.post(f"/indicators/targets/{target.pk}/delete/")
    assert response.status_code == 302
    assert not Target.objects.exists()
    assert AuditEvent.objects.filter(event_type=IndicatorAuditEvent.TARGET_DELETED).count() == 1


@pytest.mark.parametrize("who", ["ali", "bob"])
def test_target_edit_and_delete_refused(assigned: Cast, target: Target, who: str):
    c = client(getattr(assigned, who))
    with assert_nothing_changed("indicators.target"):
        assert c.post(f"/indicators/targets/{target.pk}/edit/", _target_form(target="95")).status_code == 404
        assert c.post(f"/indicators/targets/{target.pk}/delete/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Assignments
# ---------------------------------------------------------------------------------------------


def test_assignment_created_through_the_form(assigned: Cast):
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/assignments/"
    response = client(assigned.alice).post(
        url, {"indicator": indicator("TAILINGS").pk, "include_descendants": "on"}
    )
    assert response.status_code == 302
    assert list(
        Assignment.objects.filter(organization=assigned.isfahan_post).values_list(
            "indicator__code", "include_descendants"
        )
    ) == [("TAILINGS", True)]


def test_assignment_page_lists_own_and_inherited(assigned: Cast):
    html = (
        client(assigned.alice)
        .get(f"/indicators/organizations/{assigned.isfahan_post.pk}/assignments/")
        .content.decode()
    )
    assert 'data-testid="inherited-assignments"' in html
    assert "ELEC_CONS" in html
    assert 'data-testid="assignment-form"' in html


def test_assignment_of_a_derived_indicator_shows_a_field_error(assigned: Cast):
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/assignments/"
    response = client(assigned.alice).post(url, {"indicator": indicator("ENERGY_TOTAL").pk})
    assert response.status_code == 200
    assert 'data-field-error="indicator"' in response.content.decode()
    assert not Assignment.objects.filter(organization=assigned.isfahan_post).exists()


def test_assignment_removed_through_the_page(assigned: Cast):
    assignment = Assignment.objects.get(organization=assigned.isfahan, indicator__code="GAS_CONS")
    response = client(assigned.alice).post(f"/indicators/assignments/{assignment.pk}/delete/")
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("who", ["ali", "bob"])
def test_assignment_writes_refused(assigned: Cast, who: str):
    c = client(getattr(assigned, who))
    url = f"/indicators/organizations/{assigned.isfahan_post.pk}/assignments/"
    assignment = Assignment.objects.get(organization=assigned.isfahan, indicator__code="GAS_CONS")
    with assert_nothing_changed("indicators.assignment"):
        assert c.post(url, {"indicator": indicator("TAILINGS").pk}).status_code == 404
        assert c.post(f"/indicators/assignments/{assignment.pk}/delete/").status_code == 404


def test_assignment_form_not_offered_without_the_permission(assigned: Cast):
    response = client(assigned.ali).get(f"/indicators/organizations/{assigned.isfahan_post.pk}/assignments/")
    assert response.status_code == 200
    assert 'data-testid="assignment-form"' not in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Energy baselines
# ---------------------------------------------------------------------------------------------


def _baseline_form(cast: Cast, **overrides):
    return {
        "organization": cast.isfahan_post.pk,
        "name": "خط مبنای برق",
        "energy_indicator": indicator("ELEC_CONS").pk,
        "drivers": [indicator("ORE_MILLED").pk],
        "baseline_start": "۱۴۰۱-۰۱",
        "baseline_end": "1401-12",
        "reporting_start": "1402-01",
        "reporting_end": "1402-12",
        **overrides,
    }


def test_baseline_created_through_the_form(assigned: Cast):
    c = client(assigned.alice)
    assert c.get("/indicators/baselines/new/").status_code == 200
    response = c.post("/indicators/baselines/new/", _baseline_form(assigned))
    baseline = Baseline.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/baselines/{baseline.pk}/"
    assert (baseline.organization_id, baseline.baseline_start, baseline.reporting_end) == (
        assigned.isfahan_post.pk,
        "1401-01",
        "1402-12",
    )
    assert [d.code for d in baseline.drivers.all()] == ["ORE_MILLED"]
    assert c.get(response["Location"]).status_code == 200


def test_baseline_periods_in_the_wrong_order_show_a_field_error(assigned: Cast):
    response = client(assigned.alice).post(
        "/indicators/baselines/new/", _baseline_form(assigned, reporting_start="1401-06")
    )
    assert response.status_code == 200
    assert 'data-field-error="reporting_start"' in response.content.decode()
    assert not Baseline.objects.exists()


def test_baseline_period_that_is_not_a_month_shows_a_field_error(assigned: Cast):
    response = client(assigned.alice).post(
        "/indicators/baselines/new/", _baseline_form(assigned, baseline_start="1401")
    )
    assert 'data-field-error="baseline_start"' in response.content.decode()
    assert not Baseline.objects.exists()


@pytest.mark.parametrize("who", ["ali", "charlie"])
def test_baseline_form_refused_without_the_permission(assigned: Cast, who: str):
    c = client(getattr(assigned, who))
    with assert_nothing_changed("indicators.baseline"):
        assert c.get("/indicators/baselines/new/").status_code == 404
        assert c.post("/indicators/baselines/new/", _baseline_form(assigned)).status_code == 404


def test_baseline_for_an_organization_out_of_scope_is_refused(assigned: Cast):
    c = client(assigned.bob)
    with assert_nothing_changed("indicators.baseline"):
        response = c.post("/indicators/baselines/new/", _baseline_form(assigned))
    assert 'data-field-error="organization"' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Scorecards
# ---------------------------------------------------------------------------------------------


def _scorecard_form(cast: Cast, **overrides):
    return {
        "organization": cast.isfahan.pk,
        "name": "رتبه‌بندی انرژی",
        "year": "1403",
        "baseline_year": "1402",
        "peer_tags": "معدن، کارخانه",
        "entity_kind": "site",
        "minimum_peers": "3",
        "criterion_1_indicator": indicator("ENERGY_INTENSITY").pk,
        "criterion_1_kind": "level",
        "criterion_1_weight": "0.6",
        "criterion_2_indicator": indicator("ENERGY_INTENSITY").pk,
        "criterion_2_kind": "improvement",
        "criterion_2_weight": "۰٫۴",
        **overrides,
    }


def test_scorecard_created_through_the_form(assigned: Cast):
    c = client(assigned.alice)
    assert c.get("/indicators/scorecards/new/").status_code == 200
    response = c.post("/indicators/scorecards/new/", _scorecard_form(assigned))
    scorecard = Scorecard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/scorecards/{scorecard.pk}/"
    assert (scorecard.organization_id, scorecard.year, scorecard.peer_tags, scorecard.minimum_peers) == (
        assigned.isfahan.pk,
        1403,
        ["معدن", "کارخانه"],
        3,
    )
    assert list(scorecard.criteria.values_list("indicator__code", "kind", "weight")) == [
        ("ENERGY_INTENSITY", "level", 0.6),
        ("ENERGY_INTENSITY", "improvement", 0.4),
    ]
    assert c.get(response["Location"]).status_code == 200


def test_scorecard_baseline_year_after_the_year_shows_a_field_error(assigned: Cast):
    response = client(assigned.alice).post(
        "/indicators/scorecards/new/", _scorecard_form(assigned, baseline_year="1404")
    )
    assert response.status_code == 200
    assert 'data-field-error="baseline_year"' in response.content.decode()
    assert not Scorecard.objects.exists()


def test_scorecard_half_filled_criterion_row_shows_a_field_error(assigned: Cast):
    response = client(assigned.alice).post(
        "/indicators/scorecards/new/", _scorecard_form(assigned, criterion_2_weight="")
    )
    assert 'data-field-error="criterion_2_weight"' in response.content.decode()
    assert not Scorecard.objects.exists()


def test_scorecard_without_criteria_shows_an_error_by_the_criteria(assigned: Cast):
    data = {k: v for k, v in _scorecard_form(assigned).items() if not k.startswith("criterion_")}
    response = client(assigned.alice).post("/indicators/scorecards/new/", data)
    assert 'data-field-error="criteria"' in response.content.decode()
    assert not Scorecard.objects.exists()


@pytest.mark.parametrize("who", ["ali", "charlie"])
def test_scorecard_form_refused_without_the_permission(assigned: Cast, who: str):
    c = client(getattr(assigned, who))
    with assert_nothing_changed("indicators.scorecard", "indicators.scorecardcriterion"):
        assert c.get("/indicators/scorecards/new/").status_code == 404
        assert c.post("/indicators/scorecards/new/", _scorecard_form(assigned)).status_code == 404


def test_scorecard_for_an_organization_out_of_scope_is_refused(assigned: Cast):
    c = client(assigned.bob)
    with assert_nothing_changed("indicators.scorecard", "indicators.scorecardcriterion"):
        response = c.post("/indicators/scorecards/new/", _scorecard_form(assigned))
    assert 'data-field-error="organization"' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def alert(assigned: Cast) -> Alert:
    made: Alert = make_alert(assigned, assigned.isfahan_post)
    return made


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def test_alert_closed_through_the_api(assigned: Cast, alert: Alert):
    response = _api(assigned.alice).post(f"/api/v1/indicator-alerts/{alert.pk}/close/")
    assert response.status_code == 200
    assert response.json()["is_open"] is False
    alert.refresh_from_db()
    assert alert.is_open is False
    event = AuditEvent.objects.get(event_type=IndicatorAuditEvent.ALERT_CLOSED)
    assert (event.actor_id, event.organization_id) == (assigned.alice.pk, assigned.isfahan_post.pk)


def test_closing_a_closed_alert_is_a_validation_error(assigned: Cast, alert: Alert):
    do_close_alert(alert, acting_user=assigned.alice)
    response = _api(assigned.alice).post(f"/api/v1/indicator-alerts/{alert.pk}/close/")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["is_open"]


@pytest.mark.parametrize("who", ["ali", "bob", "charlie"])
def test_alert_close_through_the_api_refused(assigned: Cast, alert: Alert, who: str):
    c = _api(getattr(assigned, who))
    with assert_nothing_changed("indicators.alert"):
        response = c.post(f"/api/v1/indicator-alerts/{alert.pk}/close/")
    assert response.status_code == 404


def test_alert_closed_through_the_page(assigned: Cast, alert: Alert):
    c = client(assigned.alice)
    page = f"/indicators/organizations/{assigned.isfahan_post.pk}/"
    assert f'data-testid="close-alert-{alert.pk}"' in c.get(page).content.decode()
    response = c.post(f"/indicators/alerts/{alert.pk}/close/", {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    alert.refresh_from_db()
    assert alert.is_open is False
    assert f'data-testid="close-alert-{alert.pk}"' not in c.get(page).content.decode()


def test_alert_close_button_not_offered_without_the_permission(assigned: Cast, alert: Alert):
    html = client(assigned.ali).get(f"/indicators/organizations/{assigned.isfahan_post.pk}/").content.decode()
    assert f'data-testid="close-alert-{alert.pk}"' not in html


@pytest.mark.parametrize("who", ["ali", "bob"])
def test_alert_close_through_the_page_refused(assigned: Cast, alert: Alert, who: str):
    c = client(getattr(assigned, who))
    with assert_nothing_changed("indicators.alert"):
        response = c.post(f"/indicators/alerts/{alert.pk}/close/")
    assert response.status_code == 404


def test_close_redirect_ignores_foreign_next(assigned: Cast, alert: Alert):
    response = client(assigned.alice).post(
        f"/indicators/alerts/{alert.pk}/close/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/indicators/organizations/{assigned.isfahan_post.pk}/"


def test_pages_speak_persian(assigned: Cast):
    html = (
        client(assigned.alice)
        .get(f"/indicators/organizations/{assigned.isfahan_post.pk}/targets/", HTTP_ACCEPT_LANGUAGE="fa")
        .content.decode()
    )
    assert "هدف تازه" in html and "هدف‌ها و آستانه‌ها" in html
