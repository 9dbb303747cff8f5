"""Programme actions: creating, editing and moving a programme; the structure and its weights;
action items as directive cases; and every kind of bad input refused naming its field, with
nothing half-saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rasad.cases.choices import CaseKind, CaseStatus
from rasad.cases.models import Case
from rasad.core.access import ObjectNotFound
from rasad.core.models import AuditEvent
from rasad.programs.actions import (
    PartValues,
    PartyValues,
    ProgrammeValues,
    do_add_party,
    do_create_programme,
    do_remove_party,
    do_save_axis,
    do_save_objective,
    do_set_axis_weights,
    do_set_objective_weights,
    do_transition_programme,
    do_update_programme,
    party_of,
)
from rasad.programs.audit import ProgrammeAuditEvent
from rasad.programs.choices import ProgrammeStatus
from rasad.programs.models import ActionItem, Axis, Party, Programme
from rasad.programs.testing import add_item, make_programme, make_structure, person
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _values(cast: Cast, **overrides: object) -> ProgrammeValues:
    today = timezone.localdate()
    values = ProgrammeValues(
        kind="memorandum",
        title="تفاهم‌نامه همکاری آموزشی",
        organization=cast.isfahan,
        parties=[
            PartyValues(cast.isfahan, "سعید رحیمی", "فرمانده مرکز"),
            PartyValues(cast.isfahan_post, "حسین قاسمی", "رئیس پاسگاه"),
        ],
        starts_on=today,
        ends_on=today + timedelta(days=365),
        legal_basis=["بند ۱۲ سیاست‌های کلی محیط زیست", "  ", "بند «د» ماده ۶ قانون حفاظت و بهسازی محیط زیست"],
    )
    for name, value in overrides.items():
        setattr(values, name, value)
    return values


def _fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


def test_create_programme_with_its_parties_lead_and_legal_basis(cast: Cast):
    coordinator = person(cast, "isf.coordinator", cast.isfahan, "coordinator")
    programme = do_create_programme(_values(cast), acting_user=coordinator)
    assert programme.status == ProgrammeStatus.DRAFT
    assert programme.organization == cast.isfahan
    parties = list(programme.parties.order_by("position"))
    assert [(p.organization.code, p.is_lead, p.signatory_name) for p in parties] == [
        ("ISF-CC", True, "سعید رحیمی"),
        ("ISF-P1", False, "حسین قاسمی"),
    ]
    # Empty items are dropped; text is normalized.
    assert programme.legal_basis == [
        "بند ۱۲ سیاست‌های کلی محیط زیست",
        "بند «د» ماده ۶ قانون حفاظت و بهسازی محیط زیست",
    ]
    event = AuditEvent.objects.get(event_type=ProgrammeAuditEvent.PROGRAMME_CREATED)
    assert event.organization_id == cast.isfahan.pk
    assert event.actor_id == coordinator.pk


def test_a_party_the_user_may_not_see_is_refused_naming_it(cast: Cast):
    coordinator = person(cast, "isf.coordinator", cast.isfahan, "coordinator")
    parties = [PartyValues(cast.isfahan, "الف", "ب"), PartyValues(cast.kerman, "ج", "د")]
    with pytest.raises(ValidationError) as error:
        do_create_programme(_values(cast, parties=parties), acting_user=coordinator)
    assert _fields(error) == {"parties.1.organization"}
    assert not Programme.objects.exists()
    assert not Party.objects.exists()


def test_end_before_start_is_refused_naming_the_end(cast: Cast):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        do_create_programme(_values(cast, ends_on=today - timedelta(days=1)), acting_user=cast.root)
    assert _fields(error) == {"ends_on"}
    assert not Programme.objects.exists()


def test_fewer_than_two_parties_and_a_lead_outside_them_are_refused(cast: Cast):
    with pytest.raises(ValidationError) as error:
        do_create_programme(
            _values(cast, parties=[PartyValues(cast.isfahan_post, "الف", "ب")]), acting_user=cast.root
        )
    assert _fields(error) == {"parties", "organization"}


def test_a_party_listed_twice_or_without_signatory_is_refused(cast: Cast):
    parties = [
        PartyValues(cast.isfahan, "الف", "ب"),
        PartyValues(cast.isfahan_post, "", ""),
        PartyValues(cast.isfahan, "ج", "د"),
    ]
    with pytest.raises(ValidationError) as error:
        do_create_programme(_values(cast, parties=parties), acting_user=cast.root)
    assert _fields(error) == {
        "parties.1.signatory_name",
        "parties.1.signatory_title",
        "parties.2.organization",
    }


def test_only_those_who_may_add_programmes_over_the_lead_create_one(cast: Cast):
    # Alice is an analyst: she sees Isfahan but does not lead programmes.
    with pytest.raises(ObjectNotFound):
        do_create_programme(_values(cast), acting_user=cast.alice)
    assert not Programme.objects.exists()


def test_edit_checks_dates_and_version(cast: Cast):
    programme = make_programme(cast, cast.isfahan)
    with pytest.raises(ValidationError) as error:
        do_update_programme(
            programme, {"ends_on": programme.starts_on - timedelta(days=1)}, acting_user=cast.root
        )
    assert _fields(error) == {"ends_on"}
    with pytest.raises(ValidationError) as error:
        do_update_programme(programme, {"title": "عنوان تازه", "version": 7}, acting_user=cast.root)
    assert _fields(error) == {"version"}
    changed = do_update_programme(programme, {"title": "عنوان تازه", "version": 1}, acting_user=cast.root)
    assert (changed.title, changed.version) == ("عنوان تازه", 2)
    event = AuditEvent.objects.get(event_type=ProgrammeAuditEvent.PROGRAMME_CHANGED)
    assert event.new == {"title": "عنوان تازه"}


def test_status_moves_only_along_the_table(cast: Cast):
    programme = make_programme(cast, cast.isfahan)
    with pytest.raises(ValidationError) as error:
        do_transition_programme(programme, "complete", acting_user=cast.root)
    assert _fields(error) == {"step"}
    programme = do_transition_programme(programme, "activate", acting_user=cast.root)
    with pytest.raises(ValidationError) as error:
        do_transition_programme(programme, "suspend", acting_user=cast.root)
    assert _fields(error) == {"note"}
    programme = do_transition_programme(programme, "suspend", acting_user=cast.root, note="بازنگری بودجه")
    assert programme.status == ProgrammeStatus.SUSPENDED
    programme = do_transition_programme(programme, "resume", acting_user=cast.root)
    programme = do_transition_programme(programme, "complete", acting_user=cast.root)
    assert programme.status == ProgrammeStatus.COMPLETED
    with pytest.raises(ValidationError):
        do_transition_programme(programme, "resume", acting_user=cast.root)
    steps = [
        event.new["status"]
        for event in AuditEvent.objects.filter(
            event_type=ProgrammeAuditEvent.PROGRAMME_TRANSITIONED
        ).order_by("pk")
    ]
    assert steps == ["active", "suspended", "active", "completed"]


def test_a_programme_expires_only_after_its_end(cast: Cast):
    today = timezone.localdate()
    programme = make_programme(cast, cast.isfahan, starts_on=today - timedelta(days=400), ends_on=today)
    programme = do_transition_programme(programme, "activate", acting_user=cast.root)
    with pytest.raises(ValidationError) as error:
        do_transition_programme(programme, "expire", acting_user=None)
    assert _fields(error) == {"step"}
    later = timezone.now() + timedelta(days=2)
    programme = do_transition_programme(programme, "expire", acting_user=None, now=later)
    assert programme.status == ProgrammeStatus.EXPIRED


def test_weights_must_sum_to_100_within_an_axis(cast: Cast):
    programme = make_programme(cast, cast.isfahan)
    axis = do_save_axis(programme, PartValues("مشاوره", weight=50), acting_user=cast.root)
    first = do_save_objective(axis, PartValues("ممیزی شاخص‌ها", weight=60), acting_user=cast.root)
    second = do_save_objective(axis, PartValues("مشاوره به صنایع", weight=30), acting_user=cast.root)
    with pytest.raises(ValidationError) as error:
        do_set_objective_weights(axis, {first.pk: 70, second.pk: 40}, acting_user=cast.root)
    assert _fields(error) == {"weights"}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.weight, second.weight) == (60, 30)  # nothing half-saved
    do_set_objective_weights(axis, {first.pk: 70, second.pk: 30}, acting_user=cast.root)
    first.refresh_from_db()
    assert first.weight == 70
    with pytest.raises(ValidationError) as error:
        do_set_axis_weights(programme, {axis.pk: 90}, acting_user=cast.root)
    assert _fields(error) == {"weights"}


def test_activation_needs_weights_that_sum_to_100(cast: Cast):
    programme = make_programme(cast, cast.isfahan)
    axis = do_save_axis(programme, PartValues("آموزش", weight=100), acting_user=cast.root)
    do_save_objective(axis, PartValues("دوره‌ها", weight=60), acting_user=cast.root)
    with pytest.raises(ValidationError) as error:
        do_transition_programme(programme, "activate", acting_user=cast.root)
    assert _fields(error) == {"weights"}
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT


def test_an_action_item_is_a_directive_case_owned_by_the_party(cast: Cast):
    programme = make_programme(cast, cast.isfahan, parties=[cast.kerman])
    objective = make_structure(cast, programme)
    deadline = timezone.localdate() + timedelta(days=45)
    item = add_item(cast, objective, cast.kerman, title="برگزاری دوره سواد رسانه‌ای مدیران", deadline=deadline)
    case = item.case
    assert (case.kind, case.status) == (CaseKind.DIRECTIVE, CaseStatus.NEW)
    assert (case.reporter_organization, case.owner_organization) == (cast.isfahan, cast.kerman)
    assert case.deadline == deadline
    assert case.due_at is not None
    assert case.source == objective  # the case links to its objective
    assert case.origin == programme.title
    assert item.party.organization == cast.kerman


def test_an_action_item_assigned_to_a_non_party_is_refused(cast: Cast):
    programme = make_programme(cast, cast.isfahan)
    with pytest.raises(ValidationError) as error:
        party_of(programme, cast.kerman)
    assert _fields(error) == {"party"}
    other = make_programme(cast, cast.kerman, parties=[cast.kerman_post])
    objective = make_structure(cast, programme)
    stranger = other.parties.get(organization=cast.kerman_post)
    from rasad.programs.actions import ActionItemValues, do_add_action_item
    from rasad.programs.testing import category

    before = Case.objects.count()
    with pytest.raises(ValidationError) as error:
        do_add_action_item(
            ActionItemValues(
                objective=objective,
                party=stranger,
                title="اقدام",
                deadline=timezone.localdate() + timedelta(days=10),
                category=category(),
            ),
            acting_user=cast.root,
        )
    assert _fields(error) == {"party"}
    assert Case.objects.count() == before
    assert not ActionItem.objects.exists()


def test_an_action_item_after_the_programme_ends_is_refused_and_opens_no_case(cast: Cast):
    programme = make_programme(cast, cast.isfahan)
    objective = make_structure(cast, programme)
    before = Case.objects.count()
    with pytest.raises(ValidationError) as error:
        add_item(cast, objective, cast.isfahan_post, deadline=programme.ends_on + timedelta(days=1))
    assert _fields(error) == {"deadline"}
    assert Case.objects.count() == before


def test_the_lead_cannot_leave_and_two_parties_remain(cast: Cast):
    programme = make_programme(cast, cast.isfahan)  # three parties
    lead = programme.parties.get(is_lead=True)
    with pytest.raises(ValidationError) as error:
        do_remove_party(lead, acting_user=cast.root)
    assert _fields(error) == {"party"}
    national = programme.parties.get(organization=cast.national)
    do_remove_party(national, acting_user=cast.root)
    post = programme.parties.get(organization=cast.isfahan_post)
    with pytest.raises(ValidationError):
        do_remove_party(post, acting_user=cast.root)
    party = do_add_party(programme, PartyValues(cast.kerman, "الف", "ب"), acting_user=cast.root)
    assert party.position == 2
    with pytest.raises(ValidationError) as error:
        do_add_party(programme, PartyValues(cast.kerman, "الف", "ب"), acting_user=cast.root)
    assert _fields(error) == {"organization"}


def test_an_axis_with_objectives_cannot_be_deleted(cast: Cast):
    from rasad.programs.actions import do_delete_axis

    objective = make_structure(cast, make_programme(cast, cast.isfahan))
    with pytest.raises(ValidationError) as error:
        do_delete_axis(objective.axis, acting_user=cast.root)
    assert _fields(error) == {"axis"}
    assert Axis.objects.filter(pk=objective.axis_id).exists()
