"""The story the issue is done by, on the demo world: a mining company files a challenge, the
holding forwards it in a dossier, the civil defence organization assigns and resolves it, the
company verifies and closes it; an overdue directive escalates by itself. And the demo loader."""

from __future__ import annotations

import pytest

from rasad.cases.actions import CaseValues, do_forward_dossier, do_open_case, do_transition_case
from rasad.cases.models import Case, CaseEvent, Dossier
from rasad.cases.testing import category
from rasad.core.demo import load_demo as load_core_demo
from rasad.core.models import AuditEvent, Organization, User
from rasad.testing.demo import loaded_once

pytestmark = pytest.mark.django_db

# The core demo's world, loaded once for the module; each test loads the cases demo itself (two
# under settings of their own).
world = loaded_once(load_core_demo)


def _user(name: str) -> User:
    user: User = User.objects.get(username=name)
    return user


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def test_challenge_from_a_mine_to_civil_defence_and_back(world):
    reporter, holding, pdo = _user("golgohar.reporter"), _user("imidro.coordinator"), _user("pdo.coordinator")
    case = do_open_case(
        CaseValues(
            kind="challenge",
            category=category("energy-supply"),
            title="کمبود برق سنگ‌شکن",
            reporter_organization=_org("IMIDRO-M3-S1"),
        ),
        acting_user=reporter,
    )
    # The civil defence organization sees nothing before the dossier arrives.
    assert not Case.objects.visible_to(pdo).filter(pk=case.pk).exists()
    dossier = do_forward_dossier(
        _org("IMIDRO"), _org("PDO"), [case], acting_user=holding, title="چالش‌های انرژی", summary="جمع‌بندی"
    )
    assert list(Case.objects.visible_to(pdo)) == [case]
    case = do_transition_case(case, "assign", acting_user=pdo, assignee=pdo, expected_version=2)
    case = do_transition_case(case, "start", acting_user=pdo)
    case = do_transition_case(case, "resolve", acting_user=pdo, note="اولویت برق تأمین شد")
    # The mine's own reporter verifies and closes it.
    case = do_transition_case(case, "verify", acting_user=reporter)
    assert (case.status, case.owner_organization.code, case.assignee) == ("closed", "PDO", pdo)
    timeline = list(CaseEvent.objects.filter(case=case).values_list("action", "actor__username"))
    assert timeline == [
        ("open", "golgohar.reporter"),
        ("forward", "imidro.coordinator"),
        ("assign", "pdo.coordinator"),
        ("start", "pdo.coordinator"),
        ("resolve", "pdo.coordinator"),
        ("verify", "golgohar.reporter"),
    ]
    audit = AuditEvent.objects.filter(object_type__in=["cases.case", "cases.dossier"]).order_by("id")
    assert [
        (e.event_type, e.actor_name) for e in audit if e.object_id in (str(case.pk), str(dossier.pk))
    ] == [
        (301, "golgohar.reporter"),
        (320, "imidro.coordinator"),
        (304, "pdo.coordinator"),
        (303, "pdo.coordinator"),
        (303, "pdo.coordinator"),
        (303, "golgohar.reporter"),
    ]
    # A sister mine's reporter sees nothing of it.
    assert not Case.objects.visible_to(_user("chadormalu.reporter")).filter(pk=case.pk).exists()


def test_the_demo_loads_once_and_escalates_an_overdue_directive(world):
    from rasad.cases.demo import load_demo

    first = load_demo()
    assert load_demo() == first
    assert first["dossiers"] == 1
    escalated = Case.objects.filter(kind="directive", escalation_level__gt=0)
    assert {c.owner_organization.code for c in escalated} == {"KER-HLT", "KER-EDU"}
    assert {c.escalated_to.code for c in escalated} == {"KER-GOV"}
    for case in escalated:
        assert CaseEvent.objects.filter(case=case, action="escalate", actor=None).count() == 1
        assert (
            AuditEvent.objects.filter(event_type=305, object_id=str(case.pk), actor_name="system").count()
            == 1
        )
    dossier = Dossier.objects.get()
    statuses = sorted(dossier.cases.values_list("status", flat=True))
    assert statuses == ["assigned", "assigned", "assigned", "closed", "in_progress", "resolved"]
    assert Case.objects.filter(kind="incident", latitude__isnull=False).count() == 4
    assert Case.objects.filter(status="merged").count() == 1


def test_the_border_incident_has_confidential_details_and_a_comment_encrypted_at_rest(world):
    from django.db import connection

    from rasad.cases.demo import load_demo
    from rasad.cases.models import Comment

    load_demo()
    case = Case.objects.get(title__contains="محور جندق")
    assert "شمارهٔ شاسی" in case.confidential_details
    comment = Comment.objects.get(case=case, confidential=True)
    assert "محور طبس" in comment.confidential_body
    assert str(comment) == "[confidential]"
    with connection.cursor() as cursor:
        cursor.execute("SELECT confidential_details FROM cases_case WHERE id = %s", [case.pk])
        (stored_details,) = cursor.fetchone()
        cursor.execute("SELECT body, confidential_body FROM cases_comment WHERE id = %s", [comment.pk])
        body, stored_body = cursor.fetchone()
    assert "شاسی" not in stored_details and "طبس" not in stored_body and "طبس" not in body


def test_without_an_encryption_key_the_demo_loads_with_nothing_confidential(world, settings):
    from rasad.cases.demo import load_demo
    from rasad.cases.models import Comment

    settings.ENCRYPTION_KEYS = ""
    load_demo()
    case = Case.objects.get(title__contains="محور جندق")
    assert case.confidential_details == ""
    assert not Comment.objects.filter(confidential=True).exists()
