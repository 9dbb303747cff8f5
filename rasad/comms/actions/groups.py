"""Joint working groups across centres: a core working group made joint (member centres on this
node and on others), its shared thread, and its shared task list, whose items every member node
mirrors as a case of its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.comms import errors
from rasad.comms.actions.common import now_or, require
from rasad.comms.actions.envelopes import send_envelope
from rasad.comms.audit import CommsAuditEvent, audit_comms
from rasad.comms.choices import EnvelopeKind, TaskStatus
from rasad.comms.content import GroupContent, MemberInfo, TaskContent
from rasad.comms.crypto import uuid7
from rasad.comms.directory import trust_error
from rasad.comms.models import Centre, Envelope, GroupTask, JointGroup
from rasad.core.models import User, WorkingGroup
from rasad.lib.persian import normalize_text


def _remote_members(group: JointGroup, besides: Centre) -> list[Centre]:
    return [member for member in group.members.all() if not member.is_local and member.pk != besides.pk]


def _refusal_as_validation(refusal: errors.Refusal, field: str) -> ValidationError:
    return ValidationError(
        {field: [_("%(centre)s: %(reason)s") % {"centre": refusal.centre, "reason": refusal.message}]}
    )


def _group_content(group: JointGroup) -> GroupContent:
    return GroupContent(
        uid=str(group.uid),
        code=group.working_group.code,
        name=group.working_group.name,
        thread_uid=str(group.thread_uid),
        members=tuple(
            MemberInfo(code=member.code, name=member.name, node_url=member.node_url)
            for member in group.members.order_by("code")
        ),
    )


@transaction.atomic
def do_make_joint_group(
    working_group: WorkingGroup,
    *,
    peers: Sequence[Centre],
    acting_user: User | None,
    now: datetime | None = None,
) -> JointGroup:
    """Make a working group joint: its centres hosted here and ``peers`` (centres on other nodes,
    each confirmed by the convening centre) share a thread and a task list. Every remote member
    is told with a signed, encrypted envelope."""
    moment = now_or(now)
    owner = Centre.objects.filter(organization=working_group.owner, is_local=True).first()
    if owner is None:
        raise ValidationError(
            {
                "working_group": [
                    _("The group's owner must be a command centre set up for messages on this node.")
                ]
            }
        )
    require(acting_user, "add_jointgroup", owner)
    if JointGroup.objects.filter(working_group=working_group).exists():
        raise ValidationError({"working_group": [_("This working group is already joint.")]})
    local_members = list(
        Centre.objects.filter(organization__in=working_group.organizations.all(), is_local=True)
    )
    if owner not in local_members:
        local_members.append(owner)
    problems = []
    for peer in peers:
        if peer.is_local:
            problems.append(
                _("%(centre)s is hosted here: add its organization to the working group.")
                % {"centre": peer.code}
            )
            continue
        refusal = trust_error(owner, peer)
        if refusal is not None:
            problems.append(_("%(centre)s: %(reason)s") % {"centre": peer.code, "reason": refusal.message})
    if problems:
        raise ValidationError({"peers": problems})
    if len(local_members) + len(peers) < 2:
        raise ValidationError({"peers": [_("A joint group needs at least two centres.")]})
    group = JointGroup.objects.create(
        uid=uuid7(moment), working_group=working_group, owner=owner, thread_uid=uuid7(moment)
    )
    group.members.set([*local_members, *peers])
    if peers:
        try:
            send_envelope(
                owner,
                list(peers),
                kind=EnvelopeKind.GROUP,
                body=_group_content(group).to_bytes(),
                thread_uid=str(group.thread_uid),
                now=moment,
            )
        except errors.Refusal as refusal:
            raise _refusal_as_validation(refusal, "peers") from None
    audit_comms(
        CommsAuditEvent.GROUP_CREATED,
        owner,
        acting_user=acting_user,
        obj=group,
        new={"uid": str(group.uid), "members": sorted(member.code for member in group.members.all())},
    )
    return group


def apply_group(centre: Centre, envelope: Envelope, content: GroupContent) -> JointGroup:
    """A group envelope accepted by local member ``centre``: join (or update) the group."""
    codes = [member.code for member in content.members]
    if centre.code not in codes or envelope.sender.code not in codes:
        raise errors.Refusal("body", "the group does not list both the sender and this centre")
    known = list(Centre.objects.filter(code__in=codes))
    group = JointGroup.objects.filter(uid=content.uid).first()
    if group is None:
        code = content.code
        if WorkingGroup.objects.filter(code=code).exists():
            code = f"{content.code[:30]}-{content.uid[-8:]}"
        local = [member for member in known if member.is_local and member.organization is not None]
        from rasad.core.actions.people import do_create_working_group

        working_group = do_create_working_group(
            code,
            content.name,
            acting_user=None,
            owner=centre.organization,  # type: ignore[arg-type]
            organizations=[member.organization for member in local if member.organization is not None],
        )
        group = JointGroup.objects.create(
            uid=content.uid, working_group=working_group, owner=envelope.sender, thread_uid=content.thread_uid
        )
    elif group.owner_id != envelope.sender.pk:
        raise errors.Refusal("body", "only the convening centre changes the group")
    group.members.add(*known)
    audit_comms(
        CommsAuditEvent.GROUP_JOINED,
        centre,
        acting_user=None,
        obj=group,
        new={"uid": content.uid, "members": sorted(codes), "from": envelope.sender.code},
    )
    return group


def _mirror_case(task: GroupTask, centre: Centre) -> None:
    """Open this node's case for a joint task (once per node)."""
    from rasad.cases.actions import CaseValues, do_open_case
    from rasad.cases.models import Category

    if task.case_id is not None or centre.organization is None:
        return
    category = (
        Category.objects.filter(code=task.category_code, is_active=True).first()
        or Category.objects.filter(code="other").first()
    )
    if category is None:
        return
    assigned = task.assigned_centre
    owner = (
        assigned.organization
        if assigned.is_local and assigned.organization is not None
        else centre.organization
    )
    today = timezone.localdate()
    is_directive = task.due_date is not None and task.due_date >= today
    case = do_open_case(
        CaseValues(
            kind="directive" if is_directive else "challenge",
            category=category,
            title=task.title,
            reporter_organization=centre.organization,
            owner_organization=owner,
            description=task.description,
            deadline=task.due_date if is_directive else None,
            origin=str(task.group.working_group.name),
        ),
        acting_user=None,
        source=task,
    )
    task.case = case
    task.save(update_fields=["case", "last_updated"])


def _task_content(task: GroupTask) -> TaskContent:
    return TaskContent(
        uid=str(task.uid),
        group_uid=str(task.group.uid),
        title=task.title,
        description=task.description,
        assigned_centre=task.assigned_centre.code,
        due_date=task.due_date,
        status=task.status,
        version=task.version,
        category=task.category_code,
    )


def _broadcast(task: GroupTask, sender: Centre, now: datetime) -> None:
    recipients = _remote_members(task.group, besides=sender)
    if not recipients:
        return
    try:
        send_envelope(
            sender,
            recipients,
            kind=EnvelopeKind.TASK,
            body=_task_content(task).to_bytes(),
            thread_uid=str(task.group.thread_uid),
            now=now,
        )
    except errors.Refusal as refusal:
        raise _refusal_as_validation(refusal, "group") from None


@transaction.atomic
def do_add_group_task(
    group: JointGroup,
    *,
    centre: Centre,
    title: str,
    assigned_centre: Centre,
    acting_user: User | None,
    description: str = "",
    due_date: date | None = None,
    category: str = "other",
    now: datetime | None = None,
) -> GroupTask:
    """Add an item to a joint group's task list, written by member ``centre`` (hosted here).
    Every member node receives it and mirrors it as a case."""
    moment = now_or(now)
    require(acting_user, "add_grouptask", centre)
    members = set(group.members.values_list("pk", flat=True))
    problems: dict[str, list[str]] = {}
    if centre.pk not in members or not centre.is_local:
        problems["centre"] = [_("The writing centre must be a member of the group hosted on this node.")]
    if assigned_centre.pk not in members:
        problems["assigned_centre"] = [_("Assign the task to a member of the group.")]
    if not normalize_text(title).strip():
        problems["title"] = [_("A title is required.")]
    if due_date is not None and due_date < timezone.localdate(moment):
        problems["due_date"] = [_("The due date is in the past.")]
    if problems:
        raise ValidationError(problems)
    task = GroupTask.objects.create(
        uid=uuid7(moment),
        group=group,
        title=normalize_text(title).strip()[:300],
        description=normalize_text(description),
        assigned_centre=assigned_centre,
        due_date=due_date,
        category_code=category[:50],
        changed_by_centre=centre,
    )
    _mirror_case(task, centre)
    _broadcast(task, centre, moment)
    audit_comms(
        CommsAuditEvent.TASK_ADDED,
        centre,
        acting_user=acting_user,
        obj=task,
        new={"uid": str(task.uid), "group": str(group.uid), "assigned": assigned_centre.code},
    )
    return task


@transaction.atomic
def do_set_group_task_status(
    task: GroupTask, *, centre: Centre, status: str, acting_user: User | None, now: datetime | None = None
) -> GroupTask:
    """Mark a joint task done (or open again); every member node's copy follows."""
    moment = now_or(now)
    require(acting_user, "change_grouptask", centre)
    task = GroupTask.objects.select_for_update().select_related("group", "assigned_centre").get(pk=task.pk)
    if status not in TaskStatus.values:
        raise ValidationError({"status": [_("Unknown status “%(status)s”.") % {"status": status}]})
    if not task.group.members.filter(pk=centre.pk).exists():
        raise ValidationError({"centre": [_("Only a member centre changes the group's tasks.")]})
    if task.status == status:
        return task
    old = task.status
    task.status = status
    task.version += 1
    task.changed_by_centre = centre
    task.save(update_fields=["status", "version", "changed_by_centre", "last_updated"])
    _broadcast(task, centre, moment)
    audit_comms(
        CommsAuditEvent.TASK_CHANGED,
        centre,
        acting_user=acting_user,
        obj=task,
        old={"status": old},
        new={"status": status, "version": task.version},
    )
    return task


def apply_task(centre: Centre, envelope: Envelope, content: TaskContent) -> GroupTask:
    """A task envelope accepted by local member ``centre``: create or update the item (newer
    versions only) and mirror it as a case."""
    group = JointGroup.objects.filter(uid=content.group_uid).first()
    if group is None or not group.members.filter(pk=centre.pk).exists():
        raise errors.Refusal("body", f"no joint group {content.group_uid} with {centre.code} here")
    if not group.members.filter(pk=envelope.sender.pk).exists():
        raise errors.Refusal("body", f"{envelope.sender.code} is not a member of the group")
    assigned = group.members.filter(code=content.assigned_centre).first()
    if assigned is None:
        raise errors.Refusal("body", f"{content.assigned_centre} is not a member of the group")
    task: GroupTask | None = (
        GroupTask.objects.select_for_update().filter(group=group, uid=content.uid).first()
    )
    if task is None:
        task = GroupTask.objects.create(
            uid=content.uid,
            group=group,
            title=normalize_text(content.title)[:300],
            description=normalize_text(content.description),
            assigned_centre=assigned,
            due_date=content.due_date,
            status=content.status,
            version=content.version,
            category_code=content.category[:50],
            changed_by_centre=envelope.sender,
        )
        event = CommsAuditEvent.TASK_ADDED
    elif content.version > task.version:
        task.status = content.status
        task.version = content.version
        task.changed_by_centre = envelope.sender
        task.save(update_fields=["status", "version", "changed_by_centre", "last_updated"])
        event = CommsAuditEvent.TASK_CHANGED
    else:
        return task
    _mirror_case(task, centre)
    audit_comms(
        event,
        centre,
        acting_user=None,
        obj=task,
        new={
            "uid": content.uid,
            "status": content.status,
            "version": content.version,
            "from": envelope.sender.code,
        },
    )
    return task
