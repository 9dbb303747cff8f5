"""Joint working groups across centres: a shared thread and a shared task list whose items each
member node mirrors as a case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rasad.cases.models import Case
from rasad.comms.actions import (
    accept_envelope,
    do_add_group_task,
    do_make_joint_group,
    do_set_group_task_status,
)
from rasad.comms.choices import EnvelopeKind, TaskStatus
from rasad.comms.content import GroupContent, MemberInfo, TaskContent
from rasad.comms.delivery import deliver_due
from rasad.comms.models import Delivery, GroupTask, JointGroup
from rasad.comms.tests.world import PeerNodeTransport, World, present
from rasad.core.actions.people import do_create_working_group
from rasad.core.models import WorkingGroup


def _joint_group(world: World, code: str, name: str) -> JointGroup:
    """A working group of Isfahan and Kerman, owned by Isfahan, made joint with Khorasan's centre."""
    working_group = do_create_working_group(
        code,
        name,
        acting_user=world.cast.root,
        owner=world.cast.isfahan,
        organizations=[world.cast.isfahan, world.cast.kerman],
    )
    return do_make_joint_group(working_group, peers=[world.khorasan_centre], acting_user=world.cast.root)


@pytest.fixture
def group(world: World) -> JointGroup:
    return _joint_group(world, "WG-EAST", "کارگروه مشترک مراکز فرماندهی شرق")


def test_joint_group_has_local_and_remote_members_and_tells_the_remote(
    world: World, group: JointGroup
) -> None:
    assert sorted(group.members.values_list("code", flat=True)) == ["ISF-CC", "KER-CC", "SKH-CC"]
    delivery = Delivery.objects.get()
    assert present(delivery.envelope).kind == EnvelopeKind.GROUP
    deliver_due(transport=PeerNodeTransport(world.khorasan))
    content = GroupContent.from_bytes(world.khorasan.open(world.khorasan.received[0]))
    assert content.uid == str(group.uid)
    assert {member.code for member in content.members} == {"ISF-CC", "KER-CC", "SKH-CC"}


def test_unconfirmed_peer_cannot_join(world: World) -> None:
    from rasad.comms.actions import do_register_peer
    from rasad.comms.testing import RemoteCentre

    yazd = RemoteCentre("YZD-CC", "یزد", "https://yazd.example/")
    pending = do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    working_group = do_create_working_group(
        "WG-X", "x", acting_user=world.cast.root, owner=world.cast.isfahan, organizations=[world.cast.isfahan]
    )
    with pytest.raises(ValidationError) as caught:
        do_make_joint_group(working_group, peers=[pending.centre], acting_user=world.cast.root)
    assert "peers" in caught.value.message_dict
    assert not JointGroup.objects.exists()


def test_task_is_mirrored_as_a_case_here_and_sent_to_the_remote_member(
    world: World, group: JointGroup
) -> None:
    due = timezone.localdate() + timedelta(days=7)
    task = do_add_group_task(
        group,
        centre=world.isfahan,
        title="گشت مشترک در محور خور–طبس",
        description="هماهنگی با پاسگاه جندق",
        assigned_centre=world.khorasan_centre,
        due_date=due,
        category="border",
        acting_user=world.cast.alice,
    )
    case = Case.objects.get(pk=present(task.case_id))
    assert case.kind == "directive"
    assert case.deadline == due
    assert case.category.code == "border"
    assert case.source == task
    transport = PeerNodeTransport(world.khorasan)
    deliver_due(transport=transport)
    sent = TaskContent.from_bytes(world.khorasan.open(world.khorasan.received[-1]))
    assert (sent.title, sent.assigned_centre, sent.version) == ("گشت مشترک در محور خور–طبس", "SKH-CC", 1)


def test_task_from_a_remote_member_is_mirrored_and_updated(world: World, group: JointGroup) -> None:
    content = TaskContent(
        uid="01900000-0000-7000-8000-000000000001",
        group_uid=str(group.uid),
        title="تبادل فهرست خودروهای مشکوک",
        description="",
        assigned_centre="ISF-CC",
        due_date=None,
        status="open",
        version=1,
    )
    accept_envelope(
        world.khorasan.write(
            world.isfahan, "", kind="task", body=content.to_bytes(), thread_uid=str(group.thread_uid)
        ).to_transport()
    )
    task = GroupTask.objects.get(uid=content.uid)
    assert present(task.case).owner_organization == world.cast.isfahan
    done = TaskContent(**{**content.__dict__, "status": "done", "version": 2})
    accept_envelope(world.khorasan.write(world.isfahan, "", kind="task", body=done.to_bytes()).to_transport())
    stale = TaskContent(**{**content.__dict__, "status": "open", "version": 1})
    accept_envelope(
        world.khorasan.write(world.isfahan, "", kind="task", body=stale.to_bytes()).to_transport()
    )
    task.refresh_from_db()
    assert (task.status, task.version) == ("done", 2)
    assert Case.objects.filter(pk=present(task.case_id)).count() == 1


def test_marking_a_task_done_reaches_the_other_members(world: World, group: JointGroup) -> None:
    task = do_add_group_task(
        group,
        centre=world.isfahan,
        title="تهیه گزارش",
        assigned_centre=world.isfahan,
        acting_user=world.cast.alice,
    )
    do_set_group_task_status(task, centre=world.isfahan, status=TaskStatus.DONE, acting_user=world.cast.alice)
    transport = PeerNodeTransport(world.khorasan)
    deliver_due(transport=transport)
    last = TaskContent.from_bytes(world.khorasan.open(world.khorasan.received[-1]))
    assert (last.status, last.version) == ("done", 2)


def test_group_from_a_remote_convener_creates_the_working_group_here(world: World) -> None:
    content = GroupContent(
        uid="01900000-0000-7000-8000-0000000000aa",
        code="WG-SKH-ISF",
        name="کارگروه امنیت مرزی خراسان جنوبی و اصفهان",
        thread_uid="01900000-0000-7000-8000-0000000000ab",
        members=(
            MemberInfo("SKH-CC", "خراسان جنوبی", "https://skh.example/"),
            MemberInfo("ISF-CC", "اصفهان", "http://127.0.0.1:8000/"),
        ),
    )
    accept_envelope(
        world.khorasan.write(world.isfahan, "", kind="group", body=content.to_bytes()).to_transport()
    )
    group = JointGroup.objects.get(uid=content.uid)
    assert group.owner.code == "SKH-CC"
    working_group = WorkingGroup.objects.get(code="WG-SKH-ISF")
    assert list(working_group.organizations.all()) == [world.cast.isfahan]
    assert sorted(group.members.values_list("code", flat=True)) == ["ISF-CC", "SKH-CC"]


def test_task_for_a_group_this_centre_is_not_in_is_refused(world: World) -> None:
    from rasad.comms.errors import Refusal

    content = TaskContent(
        uid="01900000-0000-7000-8000-000000000002",
        group_uid="01900000-0000-7000-8000-0000000000ff",
        title="x",
        description="",
        assigned_centre="ISF-CC",
        due_date=None,
        status="open",
        version=1,
    )
    with pytest.raises(Refusal):
        accept_envelope(
            world.khorasan.write(world.isfahan, "", kind="task", body=content.to_bytes()).to_transport()
        )
    assert not GroupTask.objects.exists()


def test_joint_groups_are_found_by_their_working_groups_search_key(world: World) -> None:
    """The list's search (API and page: ``JointGroupFilterSet``) goes through
    ``rasad.lib.search.matching`` over the working group's search key, which the actions write
    when the group is made and when it is renamed (docs/reference/persian-text.md)."""
    from rasad.comms.filtersets import JointGroupFilterSet
    from rasad.core.actions.people import do_update_working_group

    joint = _joint_group(world, "WG-WATER", "کارگروه آب منطقه‌ای شرق")

    def found(query: str) -> list[JointGroup]:
        return list(JointGroupFilterSet(data={"q": query}, queryset=JointGroup.objects.all()).qs)

    assert found("آب") == [joint]
    assert found("منطقه‌ای") == [joint]
    assert found("منطقه ای شرق") == [joint]
    assert found("منطقهاي") == [joint]  # joined, with an Arabic «ي»
    assert found("wg-water") == [joint]
    assert found("آب غرب") == []
    do_update_working_group(joint.working_group, acting_user=world.cast.root, name="کارگروه آب مسئله غرب")
    assert found("آب غرب") == [joint]
    assert found("مساله") == [joint]  # the hamza left out
    assert found("شرق") == []
