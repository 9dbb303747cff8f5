"""Demo training on top of the core demo world (``rasad.core.demo``), after the seed reports:

* Kerman's cyberspace council requires media-literacy training of the province's managers and of
  the public-relations and IT officers of its executive agencies (within six months of taking the
  post): one session was held last month, where some attended and some did not come; another is
  scheduled; compliance is partial, with officers overdue and newly named ones still due;
* Kerman's AI bootcamp, whose publicity was weak: sixty places, few enrolled, fewer attended;
* the Industrial Management Institute's workshops for industry staff under the memorandum with the
  Department of Environment: environmental management systems (EMS), ISO 14004 and ISO 50001;
* Qom's green-jobs training for workers and employers by the technical and vocational training
  office.

Everything goes through the actions, dated in the past where the story needs it. Idempotent.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from rasad.core.models import Membership, Organization, User
from rasad.lib.jalali import TEHRAN, local_date
from rasad.training.actions import (
    AttendanceMark,
    CourseValues,
    EventValues,
    RequirementValues,
    do_assign_position,
    do_enrol,
    do_record_attendance,
    do_save_course,
    do_save_event,
    do_save_requirement,
)
from rasad.training.actions.announce import deliver_announcement, do_announce_event, do_open_notices
from rasad.training.actions.completions import PastCompletion, do_import_completions
from rasad.training.choices import DeliveryMode, EventKind
from rasad.training.models import Course, Enrolment, Event, Position, PositionHolding, Requirement
from rasad.training.positions import load as load_positions

MEDIA_LITERACY = "media-literacy-managers"
MEDIA_REQUIREMENT = "آموزش سواد رسانه‌ای مدیران و کارگزاران روابط عمومی و فناوری اطلاعات"
KERMAN_AGENCIES = ("KER-HLT", "KER-EDU", "KER-WTR", "KER-PWR", "KER-RC", "KER-POL")
STEMS = (
    "kerman-health",
    "kerman-education",
    "kerman-water",
    "kerman-power",
    "kerman-redcrescent",
    "kerman-police",
)


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    """Load the demo training (and the core demo first, when it is missing)."""
    if not Course.objects.filter(code=MEDIA_LITERACY).exists():
        if not Organization.objects.filter(code="KER-CSC").exists():
            from rasad.core.demo import load_demo as load_core_demo

            load_core_demo()
        load_positions()
        now = timezone.now()
        with transaction.atomic():
            _kerman(now)
            _industry(now)
            _qom(now)
    summary = {
        "courses": Course.objects.count(),
        "events": Event.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "requirements": Requirement.objects.count(),
        "positions": PositionHolding.objects.count(),
    }
    if stdout is not None:
        stdout.write(
            f"training: {summary['courses']} courses, {summary['events']} events, "
            f"{summary['enrolments']} enrolments, {summary['positions']} positions held\n"
        )
    return summary


def _user(username: str) -> User:
    found: User = User.objects.get(username=username)
    return found


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _at(now: datetime, days: int, hour: int = 9) -> datetime:
    """``days`` from today (negative: in the past), at ``hour`` Tehran time."""
    return datetime.combine(local_date(now) + timedelta(days=days), time(hour, 0), tzinfo=TEHRAN)


def _course(
    actor: User, organization: str, code: str, title: str, hours: int, mode: str, **values: Any
) -> Course:
    return do_save_course(
        CourseValues(
            organization=_org(organization),
            code=code,
            title=title,
            hours=hours,
            mode=mode,
            **values,
        ),
        acting_user=actor,
    )


def _event(
    actor: User,
    organizer: str,
    audience: str,
    course: Course | None,
    kind: str,
    start: datetime,
    hours: int,
    *,
    title: str = "",
    capacity: int | None = None,
    place: str = "",
    online_url: str = "",
    point: tuple[float, float] | None = None,
    description: str = "",
) -> Event:
    return do_save_event(
        EventValues(
            organization=_org(organizer),
            audience=_org(audience),
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            course=course,
            capacity=capacity,
            place=place,
            online_url=online_url,
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            description=description,
        ),
        acting_user=actor,
    )


def _hold(user: str, organization: str, position: str, since_days_ago: int, now: datetime) -> None:
    membership = Membership.objects.get(user__username=user, organization__code=organization)
    do_assign_position(
        membership,
        Position.objects.get(code=position),
        since=local_date(now) - timedelta(days=since_days_ago),
        acting_user=None,
    )


def _attend(event: Event, people: list[tuple[str, bool, Decimal | None]]) -> None:
    """Each person enrolled themselves a week before; the organizer ticked who came."""
    before = event.starts_at - timedelta(days=7)
    marks = []
    for username, attended, score in people:
        person = _user(username)
        enrolment = do_enrol(event, person, acting_user=person, now=before)
        marks.append(AttendanceMark(enrolment, attended, score))
    do_record_attendance(event, marks, acting_user=None, now=event.ends_at + timedelta(hours=1))


def _announce(event: Event, organization: str, at: datetime, *, opened: list[str]) -> None:
    """Announce ``event`` at ``at`` and tell the people then (the queued task finds them told);
    ``opened``: who opened it three hours later."""
    target = _org(organization)
    do_announce_event(event, acting_user=_user("kerman-csc.coordinator"), organization=target, now=at)
    deliver_announcement(event, target, announcer_id=_user("kerman-csc.coordinator").pk, now=at)
    for username in opened:
        do_open_notices(event, acting_user=_user(username), now=at + timedelta(hours=3))


def _kerman(now: datetime) -> None:
    admin = _user("kerman.admin")
    literacy = _course(
        admin,
        "KER-CSC",
        MEDIA_LITERACY,
        "سواد رسانه‌ای و مدیریت افکار عمومی در فضای مجازی",
        8,
        DeliveryMode.BLENDED,
        tags=["سواد رسانه‌ای", "فضای مجازی"],
        validity_months=24,
        description="دوره‌ای که شورای فضای مجازی استان برای مدیران، فرمانداران، بخشداران و "
        "مسئولان روابط عمومی و فناوری اطلاعات دستگاه‌های اجرایی الزامی کرده است.",
    )
    ai = _course(
        admin,
        "KER-CSC",
        "ai-applied-bootcamp",
        "هوش مصنوعی کاربردی در دستگاه‌های اجرایی",
        24,
        DeliveryMode.IN_PERSON,
        tags=["هوش مصنوعی"],
    )
    do_save_requirement(
        RequirementValues(
            organization=_org("KER-GOV"),
            position=Position.objects.get(code="pr-officer"),
            courses=[literacy],
            title=MEDIA_REQUIREMENT,
            within_months=6,
            basis="مصوبه شورای فضای مجازی استان کرمان",
        ),
        acting_user=admin,
    )
    for code in ("it-officer", "manager"):
        do_save_requirement(
            RequirementValues(
                organization=_org("KER-GOV"),
                position=Position.objects.get(code=code),
                courses=[literacy],
                title=MEDIA_REQUIREMENT,
                within_months=6,
                basis="مصوبه شورای فضای مجازی استان کرمان",
            ),
            acting_user=admin,
        )
    # Who holds which post, and since when: most for a year, two officers newly named.
    for index, (stem, agency) in enumerate(zip(STEMS, KERMAN_AGENCIES, strict=True)):
        _hold(f"{stem}.pr", agency, "pr-officer", 40 if index == 5 else 360, now)
        _hold(f"{stem}.it", agency, "it-officer", 20 if index == 4 else 300, now)
    _hold("kerman.viewer", "KER-GOV", "manager", 500, now)
    _hold("kerman-media.coordinator", "KER-MHQ", "manager", 400, now)
    _hold("kerman-csc.coordinator", "KER-CSC", "manager", 400, now)
    held = _event(
        admin,
        "KER-CSC",
        "KER-GOV",
        literacy,
        EventKind.SESSION,
        _at(now, -35),
        6,
        capacity=30,
        place="سالن اجتماعات استانداری کرمان",
        point=(30.2839, 57.0834),
    )
    _attend(
        held,
        [
            ("kerman-health.pr", True, Decimal(92)),
            ("kerman-health.it", True, Decimal(85)),
            ("kerman-education.pr", True, Decimal(78)),
            ("kerman-water.pr", True, Decimal(88)),
            ("kerman-water.it", False, None),
            ("kerman-power.it", True, Decimal(81)),
            ("kerman-csc.coordinator", True, None),
            ("kerman-education.it", False, None),
        ],
    )
    upcoming = _event(
        admin,
        "KER-CSC",
        "KER-GOV",
        literacy,
        EventKind.SESSION,
        _at(now, 12),
        6,
        capacity=25,
        place="سالن اجتماعات استانداری کرمان",
        point=(30.2839, 57.0834),
    )
    bootcamp = _event(
        admin,
        "KER-CSC",
        "KER-GOV",
        ai,
        EventKind.BOOTCAMP,
        _at(now, -20, 8),
        8 + 24 * 2,
        title="بوت‌کمپ هوش مصنوعی استان کرمان",
        capacity=60,
        place="پارک علم و فناوری کرمان",
        point=(30.2660, 57.0500),
        description="اطلاع‌رسانی بوت‌کمپ ضعیف بود و بسیاری از آن باخبر نشدند.",
    )
    _attend(
        bootcamp,
        [
            ("kerman-power.it", True, Decimal(90)),
            ("kerman-health.it", True, Decimal(76)),
            ("kerman-police.it", False, None),
            ("kerman-media.analyst", True, None),
        ],
    )
    # The bootcamp was announced two days before it began, and to the media headquarters only: two
    # people were told, one opened it. The next media-literacy session was announced yesterday to
    # the whole province, and a few have opened it already.
    _announce(bootcamp, "KER-MHQ", bootcamp.starts_at - timedelta(days=2), opened=["kerman-media.analyst"])
    _announce(
        upcoming,
        "KER-GOV",
        now - timedelta(days=1),
        opened=["kerman-police.pr", "kerman-redcrescent.it", "kerman-education.it", "kerman-water.it"],
    )


def _industry(now: datetime) -> None:
    actor = _user("admin")
    ems = _course(
        actor,
        "IMI",
        "ems-basics",
        "فرهنگ‌سازی سیستم مدیریت زیست‌محیطی (EMS)",
        16,
        DeliveryMode.IN_PERSON,
        tags=["محیط زیست", "EMS"],
        validity_months=36,
    )
    iso14004 = _course(
        actor,
        "IMI",
        "iso-14004",
        "استاندارد ایزو ۱۴۰۰۴: رهنمودهای سیستم مدیریت زیست‌محیطی",
        12,
        DeliveryMode.BLENDED,
        tags=["محیط زیست", "ایزو ۱۴۰۰۴"],
        validity_months=36,
        prerequisites=[ems],  # the guidelines build on the EMS course
    )
    iso50001 = _course(
        actor,
        "IMI",
        "iso-50001",
        "استاندارد ایزو ۵۰۰۰۱: سیستم مدیریت انرژی",
        12,
        DeliveryMode.ONLINE,
        tags=["انرژی", "ایزو ۵۰۰۰۱"],
        validity_months=36,
    )
    do_save_requirement(
        RequirementValues(
            organization=_org("IMIDRO"),
            position=Position.objects.get(code="industry-staff"),
            courses=[ems, iso14004],
            title="آموزش سیستم مدیریت زیست‌محیطی برای کارشناسان صنعت و معدن",
            within_months=12,
            basis="تفاهم‌نامه سازمان حفاظت محیط زیست و سازمان مدیریت صنعتی",
        ),
        acting_user=actor,
    )
    for username, organization, days in (
        ("copper.analyst", "IMIDRO-M1", 500),
        ("yazd-iron.analyst", "IMIDRO-M2", 200),
        ("sirjan-iron.analyst", "IMIDRO-M3", 600),
        ("coal.analyst", "IMIDRO-M4", 90),
        ("zinc.analyst", "IMIDRO-M5", 450),
    ):
        _hold(username, organization, "industry-staff", days, now)
    workshop = _event(
        actor,
        "IMI",
        "IMIDRO",
        ems,
        EventKind.WORKSHOP,
        _at(now, -60),
        7,
        capacity=40,
        place="سازمان مدیریت صنعتی، تهران",
        point=(35.7617, 51.4450),
    )
    _attend(workshop, [("copper.analyst", True, Decimal(84)), ("zinc.analyst", True, Decimal(90))])
    # The ISO 50001 course two staff took at IMI before Rasad kept track, imported from IMIDRO's
    # spreadsheet (the import of past completions).
    today = local_date(now)
    do_import_completions(
        [
            PastCompletion(
                2, _user("sirjan-iron.analyst"), iso50001, today - timedelta(days=300), Decimal(88)
            ),
            PastCompletion(3, _user("yazd-iron.analyst"), iso50001, today - timedelta(days=300), None),
        ],
        acting_user=None,
        sha256="demo",
        today=today,
    )
    _event(
        actor,
        "IMI",
        "IMIDRO",
        iso14004,
        EventKind.WORKSHOP,
        _at(now, 9),
        6,
        capacity=40,
        place="سازمان مدیریت صنعتی، تهران",
        point=(35.7617, 51.4450),
    )
    _event(
        actor,
        "IMI",
        "IMIDRO",
        iso50001,
        EventKind.SESSION,
        _at(now, 20, 10),
        4,
        online_url="https://imi.example.ir/class/iso50001",
    )


def _qom(now: datetime) -> None:
    actor = _user("admin")
    workers = _course(
        actor,
        "QOM-TVT",
        "green-jobs-workers",
        "مهارت‌های مشاغل سبز برای کارگران",
        20,
        DeliveryMode.IN_PERSON,
        tags=["مشاغل سبز"],
    )
    employers = _course(
        actor,
        "QOM-TVT",
        "green-jobs-employers",
        "مشاغل سبز و تسهیلات ویژه برای کارفرمایان",
        6,
        DeliveryMode.BLENDED,
        tags=["مشاغل سبز"],
    )
    _event(
        actor,
        "QOM-TVT",
        "QOM-LAB",
        workers,
        EventKind.WORKSHOP,
        _at(now, 15),
        5,
        capacity=50,
        place="اداره کل آموزش فنی و حرفه‌ای استان قم",
        point=(34.6286, 50.8911),
    )
    _event(
        actor,
        "QOM-TVT",
        "QOM-LAB",
        employers,
        EventKind.SEMINAR,
        _at(now, 22, 16),
        3,
        capacity=80,
        place="اتاق بازرگانی قم",
        point=(34.6399, 50.8759),
    )
