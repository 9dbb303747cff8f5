"""Demo of centre-to-centre messages, on top of the core and cases demos.

The story: on the night of the cross-border incident the Isfahan border posts reported (two cars
without plates on the Jandaq–Tabas road, in the cases demo), Isfahan's border command centre
writes to the Yazd and Semnan command centres, asks for an acknowledgment and refers to its
incident case; Yazd reads, acknowledges, answers and opens a case of its own from the message;
Semnan reads. The three centres' joint working group becomes joint in messages too, with a
shared task list mirrored as cases.

A **second node** (``rasad comms demo-second-node``) hosts South Khorasan's command centre, on
another database and another port; ``scripts/demo-node2.sh`` starts it with one command, pins
the two nodes to each other and makes a joint border group of Isfahan, Yazd and South Khorasan
whose envelopes travel between the nodes.

Everything goes through the actions as the demo people, dated in the past where the story needs
it. Idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rasad.comms.actions import (
    Draft,
    OutgoingAttachment,
    do_acknowledge_message,
    do_add_group_task,
    do_make_joint_group,
    do_open_case_from_message,
    do_open_message,
    do_send_message,
    do_set_group_task_status,
    do_set_up_centre,
)
from rasad.comms.choices import Priority, TaskStatus
from rasad.comms.content import Reference
from rasad.comms.models import Centre, JointGroup, Message, Thread
from rasad.core.models import Organization, User, WorkingGroup

INCIDENT_SUBJECT = "تردد غیرمجاز دو خودرو از محور جندق به سمت طبس"
CENTRES = ("ISF-BCC", "YZD-CC", "SMN-CC")
SECOND_NODE_CENTRE = "SKH-CC"
BORDER_GROUP = "WG-BORDER-3P"


def _user(username: str) -> User:
    user: User = User.objects.get(username=username)
    return user


def _centre(code: str) -> Centre:
    centre: Centre = Centre.objects.get(code=code)
    return centre


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    """Set up the three eastern command centres' keys and their messages (once)."""
    if Centre.objects.filter(code=CENTRES[0]).exists():
        return _summary()
    if not settings.COMMS_KEY:
        if stdout is not None:
            stdout.write("comms: skipped (no operator key: set RASAD_COMMS_KEY_FILE, see docs/comms.md)\n")
        return _summary()
    if not Organization.objects.filter(code=CENTRES[0]).exists():
        from rasad.core.demo import load_demo as load_core_demo

        load_core_demo(stdout=stdout)
    with transaction.atomic():
        now = timezone.now()
        admin = _user("admin")
        for code in CENTRES:
            do_set_up_centre(
                Organization.objects.get(code=code), acting_user=admin, now=now - timedelta(days=7)
            )
        _incident_thread(now - timedelta(days=6))
        _joint_group(now - timedelta(days=5))
    summary = _summary()
    if stdout is not None:
        stdout.write(
            f"comms: {summary['centres']} centres, {summary['messages']} messages "
            f"in {summary['threads']} threads\n"
        )
    return summary


def _summary() -> dict[str, int]:
    return {
        "centres": Centre.objects.filter(is_local=True).count(),
        "messages": Message.objects.count(),
        "threads": Thread.objects.count(),
        "groups": JointGroup.objects.count(),
    }


def _incident_thread(start: datetime) -> None:
    from rasad.cases.models import Case, Category

    isfahan, yazd, semnan = (_centre(code) for code in CENTRES)
    coordinator = _user("isfahan-cc.coordinator")
    incident = Case.objects.filter(title__startswith="تردد غیرمجاز دو خودرو").first()
    references = (
        [Reference(reference=incident.reference, title=incident.title, centre=isfahan.code)]
        if incident
        else []
    )
    report = (
        "گزارش پاسگاه جندق\n"
        "ساعت ۰۲:۱۵ دو خودروی سواری بدون پلاک از محور فرعی جندق به سمت کویر و محور طبس حرکت کردند.\n"
        "گشت پاسگاه تا کیلومتر ۴۰ تعقیب کرد و خودروها از محدودهٔ استان خارج شدند.\n"
    ).encode()
    sent = do_send_message(
        Draft(
            sender=isfahan,
            recipients=[yazd, semnan],
            subject=INCIDENT_SUBJECT,
            text=(
                "با سلام و احترام\n"
                "بامداد امروز دو خودروی بدون پلاک از محور جندق به سمت طبس حرکت کرده و از محدودهٔ "
                "استان اصفهان خارج شده‌اند. خواهشمند است گشت‌های محور طبس و خور را در جریان قرار دهید "
                "و نتیجه را به این مرکز اعلام فرمایید.\n"
                "گزارش پاسگاه پیوست است."
            ),
            priority=Priority.HIGH,
            requires_ack=True,
            references=references,
            attachments=[OutgoingAttachment("گزارش-پاسگاه-جندق.txt", "text/plain", report)],
        ),
        acting_user=coordinator,
        now=start,
    )
    yazd_user = _user("yazd-cc.coordinator")
    at_yazd = Message.objects.get(centre=yazd, envelope=sent.envelope)
    do_open_message(at_yazd, acting_user=yazd_user, now=start + timedelta(minutes=40))
    do_acknowledge_message(
        at_yazd, acting_user=yazd_user, note="به گشت‌های محور طبس ابلاغ شد.", now=start + timedelta(minutes=45)
    )
    do_send_message(
        Draft(
            sender=yazd,
            recipients=[isfahan, semnan],
            subject="پاسخ: " + INCIDENT_SUBJECT,
            text=(
                "با سلام\n"
                "دو گشت در محور طبس–رباط‌پشت‌بادام مستقر شد. خودروی نخست ساعت ۰۵:۱۰ در ایست بازرسی "
                "متوقف شد؛ جست‌وجوی خودروی دوم ادامه دارد."
            ),
            priority=Priority.HIGH,
            thread=at_yazd.thread,
        ),
        acting_user=yazd_user,
        now=start + timedelta(hours=3),
    )
    do_open_case_from_message(
        at_yazd,
        kind="incident",
        category=Category.objects.get(code="border"),
        acting_user=yazd_user,
        title="پیگیری خودروی دوم در محور طبس",
        latitude=33.60,
        longitude=56.92,
    )
    at_semnan = Message.objects.get(centre=semnan, envelope=sent.envelope)
    do_open_message(at_semnan, acting_user=_user("semnan-cc.coordinator"), now=start + timedelta(hours=5))


def _joint_group(start: datetime) -> None:
    isfahan, yazd, semnan = (_centre(code) for code in CENTRES)
    group = do_make_joint_group(
        WorkingGroup.objects.get(code="WG-EAST-CC"), peers=[], acting_user=_user("admin"), now=start
    )
    coordinator = _user("isfahan-cc.coordinator")
    patrol = do_add_group_task(
        group,
        centre=isfahan,
        title="گشت مشترک شبانه در محور خور–طبس",
        description="هر شب از ساعت ۲۲ تا ۰۴، با تبادل موقعیت گشت‌ها از طریق همین کارگروه.",
        assigned_centre=yazd,
        due_date=timezone.localdate() + timedelta(days=10),
        category="border",
        acting_user=coordinator,
        now=start,
    )
    do_add_group_task(
        group,
        centre=isfahan,
        title="تبادل فهرست پلاک خودروهای مشکوک",
        assigned_centre=isfahan,
        category="border",
        acting_user=coordinator,
        now=start + timedelta(hours=1),
    )
    fire = do_add_group_task(
        group,
        centre=semnan,
        title="پایش آتش‌سوزی پوشش گیاهی در حاشیهٔ کویر",
        assigned_centre=semnan,
        category="environment",
        acting_user=_user("semnan-cc.coordinator"),
        now=start + timedelta(hours=2),
    )
    do_set_group_task_status(
        fire,
        centre=semnan,
        status=TaskStatus.DONE,
        acting_user=_user("semnan-cc.coordinator"),
        now=start + timedelta(days=1),
    )
    do_send_message(
        Draft(
            sender=isfahan,
            recipients=[yazd, semnan],
            subject="برنامهٔ گشت مشترک هفتهٔ جاری",
            text=(
                f"برنامهٔ گشت‌های مشترک در فهرست اقدامات کارگروه ثبت شد («{patrol.title}»). "
                "لطفاً مسئول گشت هر شب را معرفی کنید."
            ),
            joint_group=group,
        ),
        acting_user=coordinator,
        now=start + timedelta(hours=3),
    )


# -- the second node -------------------------------------------------------------------------

SECOND_NODE_PEOPLE = (
    ("skh-cc.coordinator", "رضا عرب‌نژاد", "SKH-CC", "مسئول مرکز فرماندهی و کنترل", "coordinator", "SKH-CC"),
    ("skh.admin", "مریم نخعی", "SKH-GOV", "مدیر فناوری اطلاعات استانداری", "administrator", "SKH-GOV"),
)
# Node B's people by their names in Latin letters, as on their passports: what English pages call
# them by (as the core demo's ``LATIN_NAMES``).
SECOND_NODE_LATIN_NAMES: dict[str, str] = {
    "skh-cc.coordinator": "Reza Arabnejad",
    "skh.admin": "Maryam Nakhaei",
}


def load_second_node(stdout: TextIO | None = None) -> Centre:
    """Node B of the demo: South Khorasan's governorate and command centre, two people, and the
    centre's keys. Idempotent."""
    from rasad.core.actions.organizations import OrganizationValues, do_create_organization
    from rasad.core.actions.people import do_create_user, do_grant_role
    from rasad.core.demo import DEMO_PASSWORD, LATIN_NAMES, SUPERUSER_DISPLAY_NAME, SUPERUSER_USERNAME
    from rasad.core.models import Province, Role
    from rasad.core.roles import sync_default_roles

    existing: Centre | None = Centre.objects.filter(code=SECOND_NODE_CENTRE).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        if not Role.objects.exists():
            sync_default_roles()
        admin = User.objects.filter(username=SUPERUSER_USERNAME).first() or do_create_user(
            SUPERUSER_USERNAME,
            acting_user=None,
            password=DEMO_PASSWORD,
            display_name=SUPERUSER_DISPLAY_NAME,
            latin_name=LATIN_NAMES[SUPERUSER_USERNAME],
            is_superuser=True,
            validate=False,
        )
        province = Province.objects.get(name_en="South Khorasan")
        governorate = do_create_organization(
            OrganizationValues(
                code="SKH-GOV",
                name="استانداری خراسان جنوبی",
                name_en="South Khorasan Governorate",
                kind="governorate",
                province=province,
                latitude=32.8663,
                longitude=59.2211,
            ),
            acting_user=admin,
        )
        centre_organization = do_create_organization(
            OrganizationValues(
                code=SECOND_NODE_CENTRE,
                name="مرکز فرماندهی و کنترل استان خراسان جنوبی",
                name_en="South Khorasan Command and Control Centre",
                kind="command_centre",
                parent=governorate,
                province=province,
                latitude=32.8700,
                longitude=59.2100,
            ),
            acting_user=admin,
        )
        organizations = {"SKH-GOV": governorate, SECOND_NODE_CENTRE: centre_organization}
        roles = {role.slug: role for role in Role.objects.all()}
        for username, name, member_of, title, role, scope in SECOND_NODE_PEOPLE:
            user = do_create_user(
                username,
                acting_user=admin,
                password=DEMO_PASSWORD,
                display_name=name,
                latin_name=SECOND_NODE_LATIN_NAMES[username],
                organization=organizations[member_of],
                title=title,
                validate=False,
            )
            do_grant_role(user, roles[role], acting_user=admin, organization=organizations[scope])
        centre = do_set_up_centre(centre_organization, acting_user=admin)
    if stdout is not None:
        stdout.write(f"node B: {centre.name} set up\n")
    return centre


def link_second_node(peer_code: str = SECOND_NODE_CENTRE, stdout: TextIO | None = None) -> JointGroup:
    """On node A, once the peer is confirmed by Isfahan and Yazd: a joint border group of the
    three centres, the incident message to South Khorasan and a task for it. Idempotent."""
    from rasad.core.actions.people import do_create_working_group

    existing: JointGroup | None = JointGroup.objects.filter(working_group__code=BORDER_GROUP).first()
    if existing is not None:
        return existing
    isfahan, yazd = _centre("ISF-BCC"), _centre("YZD-CC")
    khorasan = _centre(peer_code)
    coordinator = _user("isfahan-cc.coordinator")
    with transaction.atomic():
        working_group = do_create_working_group(
            BORDER_GROUP,
            "کارگروه مشترک امنیت مرزی اصفهان، یزد و خراسان جنوبی",
            acting_user=_user("admin"),
            owner=isfahan.organization,  # type: ignore[arg-type]
            organizations=[isfahan.organization, yazd.organization],  # type: ignore[list-item]
        )
        group = do_make_joint_group(working_group, peers=[khorasan], acting_user=_user("admin"))
        do_send_message(
            Draft(
                sender=isfahan,
                recipients=[khorasan, yazd],
                subject=INCIDENT_SUBJECT,
                text=(
                    "با سلام و احترام\n"
                    "دو خودروی بدون پلاک از محور جندق به سمت طبس رفته‌اند و یکی از آن‌ها هنوز پیدا نشده است. "
                    "احتمال ورود آن به محور طبس–دیهوک در محدودهٔ استان خراسان جنوبی هست. "
                    "خواهشمند است ایست‌های بازرسی محور را در جریان قرار دهید و دریافت را تأیید فرمایید."
                ),
                priority=Priority.URGENT,
                requires_ack=True,
                joint_group=group,
            ),
            acting_user=coordinator,
        )
        do_add_group_task(
            group,
            centre=isfahan,
            title="استقرار ایست بازرسی مشترک در محور طبس–دیهوک",
            assigned_centre=khorasan,
            due_date=timezone.localdate() + timedelta(days=3),
            category="border",
            acting_user=coordinator,
        )
    if stdout is not None:
        stdout.write(
            f"node A: joint group {working_group.code} with {khorasan.code}; message and task queued\n"
        )
    return group
