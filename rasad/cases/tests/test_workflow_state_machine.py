"""Hypothesis drives the workflow with random actions by random people: no sequence of steps
reaches an invalid state, refused steps change nothing, and a case always has exactly one owner
(the one its timeline says it was last given)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from rasad.cases.actions import do_transition_case
from rasad.cases.choices import ASSIGNED_STATUSES, CaseStatus
from rasad.cases.models import Case, CaseEvent
from rasad.cases.testing import open_challenge
from rasad.cases.workflow import TRANSITIONS, Action
from rasad.core.access import ObjectNotFound
from rasad.core.scope import organization_scope
from rasad.testing.cast import Cast

PEOPLE = ["alice", "ali", "nadia", "bob", "bahram", "charlie"]


class Workflow(RuleBasedStateMachine):
    cast: Cast

    def __init__(self) -> None:
        super().__init__()
        self.expected: dict[int, str] = {}
        self.steps: dict[int, int] = {}

    cases = Bundle("cases")

    @rule(target=cases, where=st.sampled_from(["isfahan", "isfahan_post", "kerman_post"]))
    def file(self, where: str) -> int:
        organization = getattr(self.cast, where)
        reporter = self.cast.bahram if where.startswith("kerman") else self.cast.ali
        case = open_challenge(self.cast, organization, user=reporter)
        self.expected[case.pk] = CaseStatus.NEW
        self.steps[case.pk] = 1
        return case.pk

    @rule(
        pk=cases,
        action=st.sampled_from(list(Action)),
        actor=st.sampled_from(PEOPLE),
        assignee=st.sampled_from(PEOPLE),
        owner=st.sampled_from([None, "isfahan", "isfahan_post", "kerman", "national"]),
        stale=st.booleans(),
    )
    def act(self, pk: int, action: Action, actor: str, assignee: str, owner: str | None, stale: bool) -> None:
        case = Case.objects.get(pk=pk)
        before = (case.status, case.version, case.owner_organization_id, case.assignee_id)
        user = self.cast.everyone[actor]
        extra: dict[str, Any] = {}
        if action == Action.ASSIGN:
            extra = {
                "assignee": self.cast.everyone[assignee],
                "owner_organization": getattr(self.cast, owner) if owner else None,
            }
        try:
            do_transition_case(
                case,
                action,
                acting_user=user,
                note="یادداشت",
                expected_version=case.version - 1 if stale else case.version,
                **extra,
            )
        except (ValidationError, PermissionDenied, ObjectNotFound):
            case.refresh_from_db()
            assert (case.status, case.version, case.owner_organization_id, case.assignee_id) == before
            assert CaseEvent.objects.filter(case=case).count() == self.steps[pk]
            return
        assert not stale
        transition = TRANSITIONS[(CaseStatus(before[0]), action)]
        party = case.owner_organization if transition.party == "owner" else case.reporter_organization
        assert organization_scope(user, Case, transition.permission).contains(party)
        self.expected[pk] = transition.to
        self.steps[pk] += 1

    @rule(pk=cases, choice=st.integers(min_value=0, max_value=8))
    def advance(self, pk: int, choice: int) -> None:
        """Take a step the right people may take, so that deep states are reached often."""
        case = Case.objects.get(pk=pk)
        kerman = case.reporter_organization.path.startswith(self.cast.kerman.path)
        worker, reporter = (self.cast.bob, self.cast.bahram) if kerman else (self.cast.alice, self.cast.ali)
        options = [
            (action, person)
            for (status, action), transition in TRANSITIONS.items()
            if status == case.status
            for person in ([worker] if transition.party == "owner" else [reporter])
        ]
        if not options:
            return
        action, person = options[choice % len(options)]
        extra: dict[str, Any] = {"assignee": worker} if action == Action.ASSIGN else {}
        do_transition_case(
            case, action, acting_user=person, note="یادداشت", expected_version=case.version, **extra
        )
        self.expected[pk] = TRANSITIONS[(CaseStatus(case.status), action)].to
        self.steps[pk] += 1

    @invariant()
    def every_case_is_valid(self) -> None:
        for case in Case.objects.filter(pk__in=list(self.expected)).select_related("owner_organization"):
            assert case.status == self.expected[case.pk]
            assert case.status in CaseStatus.values
            assert CaseEvent.objects.filter(case=case).count() == self.steps[case.pk]
            # One owner: the one the last assignment gave it (or the reporter).
            last = CaseEvent.objects.filter(case=case, action="assign").order_by("-created", "-id").first()
            expected_owner = last.data["owner_organization"] if last else case.reporter_organization_id
            assert case.owner_organization_id == expected_owner
            if case.status in ASSIGNED_STATUSES:
                assert case.assignee is not None
                assert organization_scope(case.assignee, Case, "change").contains(case.owner_organization)
            open_pauses = case.pauses.filter(ended__isnull=True).count()
            assert open_pauses == (1 if case.status == CaseStatus.WAITING else 0)
            finished = case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.REJECTED)
            assert (case.due_at is None) == (finished or case.status == CaseStatus.WAITING)
            assert (case.closed_at is not None) == (case.status == CaseStatus.CLOSED)


@pytest.mark.django_db
def test_no_sequence_of_actions_reaches_an_invalid_state(cast: Cast):
    Workflow.cast = cast
    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=12,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
