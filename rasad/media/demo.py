"""Demo media coordination on top of the core demo world (``rasad.core.demo``):

* Kerman's provincial media headquarters (KER-MHQ, under the provincial cyberspace council
  KER-CSC) with the six executive agencies as members: medical sciences university, education,
  regional water, power distribution, Red Crescent and the police's social affairs;
* the power distribution company's public-relations officer holds the position of spokesperson
  there, and speaks the power-cut talking points and the crisis's denial;
* talking points on the peak-load power cuts, issued two days ago to all six with six working
  hours to answer: four published on time or late, one not applicable, one never answered;
* a statement on the AI bootcamp's publicity waiting for approval, and an approved statement on
  water rationing rumours that the HQ's secretary may issue now;
* a closed crisis (last week's rumour of a province-wide blackout at peak load) with its
  timeline, rumour, talking points answered by all six agencies and its report; and an open one
  (a flood in the south) where the demo people can act.

Everything goes through the actions, dated in the past where the story needs it. Idempotent.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from rasad.cases.calendar import current_calendar
from rasad.cases.sla import WorkingCalendar
from rasad.core.models import Organization, User
from rasad.lib.jalali import TEHRAN, local_date
from rasad.media.actions import (
    Deadline,
    PlanValues,
    ResponseValues,
    StatementValues,
    do_acknowledge,
    do_add_member_agency,
    do_approve_statement,
    do_cancel_planned_item,
    do_issue_statement,
    do_plan_item,
    do_publish_planned_item,
    do_respond,
    do_save_statement,
    do_submit_statement,
)
from rasad.media.choices import Channel, DeadlineBasis, PlanKind, StatementKind
from rasad.media.models import Crisis, MemberAgency, PlannedItem, Recipient, Rumour, Statement
from rasad.training.models import PositionHolding

HQ = "KER-MHQ"
# The power distribution company's public-relations officer, also its spokesperson.
POWER_SPOKESPERSON = "kerman-power.pr"
# The axis of Kerman's cyberspace roadmap (rasad.programs.demo) that content production serves.
CONTENT_AXIS = "فرهنگی و رسانه‌ای"
KERMAN_AGENCIES = ("KER-HLT", "KER-EDU", "KER-WTR", "KER-PWR", "KER-RC", "KER-POL")
STEMS = (
    "kerman-health",
    "kerman-education",
    "kerman-water",
    "kerman-power",
    "kerman-redcrescent",
    "kerman-police",
)
POWER_CUTS = "محورهای پیام: خاموشی‌های ساعت اوج مصرف برق"
POWER_CUTS_TEXT = (
    "۱. خاموشی‌های این هفته طبق جدول اعلام‌شده و برای مدیریت اوج مصرف است، نه به‌علت حادثه در شبکه.\n\n"
    "۲. جدول خاموشی هر منطقه در وبگاه و پیام‌رسان رسمی شرکت توزیع برق شمال استان منتشر می‌شود.\n\n"
    "۳. بیمارستان‌ها، مراکز درمانی و ایستگاه‌های آب از برنامه خاموشی مستثنا هستند.\n\n"
    "۴. مردم با خاموش‌کردن وسایل پرمصرف بین ساعت ۱۲ تا ۱۷ به کوتاه‌شدن خاموشی‌ها کمک می‌کنند."
)


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    """Load the demo media coordination (and the core demo first, when it is missing)."""
    if not Organization.objects.filter(code=HQ).exists():
        from rasad.core.demo import load_demo as load_core_demo

        load_core_demo()
    if not Statement.objects.filter(organization__code=HQ, title=POWER_CUTS).exists():
        with transaction.atomic():
            _kerman(timezone.now())
    if not Crisis.objects.filter(organization__code=HQ, title=CLOSED_CRISIS).exists():
        with transaction.atomic():
            _crises(timezone.now())
    if not PlannedItem.objects.filter(organization__code=HQ, title=PLANNED_PRESS).exists():
        with transaction.atomic():
            _plan(timezone.now())
    summary = {
        "members": MemberAgency.objects.count(),
        "statements": Statement.objects.count(),
        "receipts": Recipient.objects.count(),
        "crises": Crisis.objects.count(),
        "rumours": Rumour.objects.count(),
        "planned": PlannedItem.objects.count(),
    }
    if stdout is not None:
        stdout.write(
            f"media: {summary['members']} member agencies, {summary['statements']} statements, "
            f"{summary['receipts']} receipts, {summary['crises']} crises, {summary['rumours']} rumours, "
            f"{summary['planned']} planned items\n"
        )
    return summary


def _user(username: str) -> User:
    found: User = User.objects.get(username=username)
    return found


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _at(now: datetime, days: int, hour: int, minute: int = 0) -> datetime:
    """``days`` from today (negative: in the past), at ``hour`` Tehran time."""
    return datetime.combine(local_date(now) + timedelta(days=days), time(hour, minute), tzinfo=TEHRAN)


def _working_at(calendar: WorkingCalendar, now: datetime, days: int, hour: int, minute: int = 0) -> datetime:
    """Like ``_at``, on a working day: a day off (Friday, a holiday of the working calendar) moves
    away from today, to the next working day for a day ahead and to the one before for a day
    past, so that what is planned stays ahead and what is done stays past."""
    day = local_date(now) + timedelta(days=days)
    step = timedelta(days=-1 if days < 0 else 1)
    while calendar.working_window(day) is None:
        day += step
    return datetime.combine(day, time(hour, minute), tzinfo=TEHRAN)


def _spokesperson(username: str, organization: str, now: datetime) -> PositionHolding:
    """The person's holding of the position «سخنگو» in the organization (made a year ago when
    missing): statements of the crisis and of the power cuts are spoken by the power company's."""
    from rasad.core.models import Membership
    from rasad.training.actions import do_assign_position
    from rasad.training.models import Position
    from rasad.training.positions import load as load_positions

    membership = Membership.objects.get(user__username=username, organization__code=organization)
    found: PositionHolding | None = (
        PositionHolding.objects.open().filter(membership=membership, position__code="spokesperson").first()
    )
    if found is not None:
        return found
    load_positions()
    return do_assign_position(
        membership,
        Position.objects.get(code="spokesperson"),
        since=local_date(now) - timedelta(days=365),
        acting_user=None,
    )


def _kerman(now: datetime) -> None:
    hq = _org(HQ)
    secretary = _user("kerman-media.coordinator")
    analyst = _user("kerman-media.analyst")
    agencies = [_org(code) for code in KERMAN_AGENCIES]
    for agency in agencies:
        if not MemberAgency.objects.filter(hq=hq, agency=agency).exists():
            do_add_member_agency(
                hq, agency, acting_user=secretary, joined_on=local_date(now) - timedelta(days=90)
            )

    # The power-cut talking points, issued two days ago at 08:30 with six working hours: on the
    # last working day at least two days back whose hours after 08:30 hold the six (not a
    # Thursday's short day), so that the deadline has passed whatever the weekday today.
    calendar = current_calendar(local_date(now))
    issued_at = _working_at(calendar, now, -2, 8, 30)
    while (window := calendar.working_window(local_date(issued_at))) is None or window[
        1
    ] - issued_at < timedelta(hours=6):
        issued_at = _working_at(calendar, issued_at, -1, 8, 30)
    points = do_save_statement(
        StatementValues(
            hq,
            StatementKind.TALKING_POINTS,
            POWER_CUTS,
            POWER_CUTS_TEXT,
            spokesperson=_spokesperson(POWER_SPOKESPERSON, "KER-PWR", now),
        ),
        acting_user=analyst,
    )
    do_submit_statement(points, acting_user=analyst)
    do_approve_statement(points, acting_user=secretary)
    points = do_issue_statement(
        points, agencies, Deadline(DeadlineBasis.WORKING, 6), acting_user=secretary, now=issued_at
    )
    due = points.due_at
    assert due is not None
    receipts = {r.agency.code: r for r in points.recipients.select_related("agency")}
    answers = (
        # agency, acknowledged after, answered after (None: never), outcome, channel, link or reason
        ("KER-PWR", 0.3, 2.0, "published", "website", "https://kerman.example/power/news/peak-load"),
        ("KER-HLT", 0.5, 3.0, "published", "social_media", "https://kerman.example/kmu/posts/1405"),
        ("KER-RC", 1.0, 5.5, "published", "news_agency", "https://news.example/kerman/red-crescent"),
        ("KER-EDU", 4.0, 30.0, "published", "press_conference", "https://kerman.example/edu/press"),
        ("KER-POL", 2.0, 6.0, "not_applicable", "", "موضوع خاموشی در حوزه اطلاع‌رسانی پلیس نیست."),
        ("KER-WTR", 26.0, None, "", "", ""),
    )
    for code, ack_hours, answer_hours, outcome, channel, detail in answers:
        officer = _user(f"{STEMS[KERMAN_AGENCIES.index(code)]}.pr")
        recipient = do_acknowledge(
            receipts[code], acting_user=officer, now=issued_at + timedelta(hours=ack_hours)
        )
        if answer_hours is None:
            continue
        values = (
            ResponseValues(outcome=outcome, channel=channel, evidence_url=detail)
            if outcome == "published"
            else ResponseValues(outcome=outcome, reason=detail)
        )
        do_respond(recipient, values, acting_user=officer, now=issued_at + timedelta(hours=answer_hours))

    # A statement waiting for the secretary's approval.
    bootcamp = do_save_statement(
        StatementValues(
            hq,
            StatementKind.STATEMENT,
            "اطلاعیه: ثبت‌نام بوت‌کمپ هوش مصنوعی استان کرمان",
            "ستاد رسانه‌ای استان از همه دستگاه‌های اجرایی می‌خواهد خبر بوت‌کمپ هوش مصنوعی را دست‌کم "
            "یک هفته پیش از برگزاری در وبگاه و شبکه‌های اجتماعی خود منتشر کنند.\n\n"
            "ظرفیت بوت‌کمپ شصت نفر است و ثبت‌نام از طریق سامانه رصد انجام می‌شود.",
        ),
        acting_user=analyst,
    )
    do_submit_statement(bootcamp, acting_user=analyst)

    # An approved statement the secretary may issue now.
    water = do_save_statement(
        StatementValues(
            hq,
            StatementKind.STATEMENT,
            "تکذیب شایعه جیره‌بندی آب شرب در شهر کرمان",
            "شرکت آب منطقه‌ای و آبفای استان هیچ برنامه‌ای برای جیره‌بندی آب شرب ندارند.\n\n"
            "افت فشار شبانه در برخی محله‌ها برای مدیریت مصرف است و آب شرب قطع نمی‌شود.",
        ),
        acting_user=analyst,
    )
    do_submit_statement(water, acting_user=analyst)
    do_approve_statement(water, acting_user=secretary)


CLOSED_CRISIS = "شایعه خاموشی سراسری کرمان در اوج بار"
OPEN_CRISIS = "سیلاب جنوب استان کرمان"


def _crises(now: datetime) -> None:
    """A closed crisis (a rumour of a province-wide blackout at peak load, last week) with its
    timeline, rumours and figures; and an open one the secretary and the agencies can act in."""
    from django.db.models import Q

    from rasad.core.models import City
    from rasad.media.actions import (
        CrisisValues,
        RumourValues,
        do_add_timeline_entry,
        do_answer_rumour,
        do_assign_rumour,
        do_close_crisis,
        do_log_rumour,
        do_open_crisis,
    )

    hq = _org(HQ)
    secretary = _user("kerman-media.coordinator")
    analyst = _user("kerman-media.analyst")

    def cities(*names: str) -> list[City]:
        query = Q()
        for name in names:
            query |= Q(name_en__iexact=name)
        return list(City.objects.filter(query, province=hq.province))

    # Last week: the blackout rumour.
    start = _at(now, -7, 13, 10)
    crisis = do_open_crisis(
        CrisisValues(
            hq,
            CLOSED_CRISIS,
            "critical",
            "در ساعت اوج مصرف، پیامی در شبکه‌های اجتماعی خبر از خاموشی سه‌روزه سراسری استان داد و "
            "صف خرید مولد و شمع در شهر کرمان شکل گرفت.",
            cities("Kerman", "Rafsanjan", "Sirjan"),
        ),
        acting_user=secretary,
        now=start,
    )
    rumour = do_log_rumour(
        RumourValues(
            hq,
            "استان کرمان از امشب سه روز خاموشی سراسری خواهد داشت.",
            "کانال‌های خبری محلی در پیام‌رسان‌ها",
            crisis=crisis,
            reach=120_000,
            facts="خاموشی‌ها طبق جدول دوساعته است و برنامه‌ای برای خاموشی سراسری وجود ندارد.",
        ),
        acting_user=analyst,
        now=start + timedelta(minutes=10),
    )
    rumour = do_assign_rumour(
        rumour, _org("KER-PWR"), acting_user=secretary, now=start + timedelta(minutes=15)
    )
    do_add_timeline_entry(
        crisis,
        "decision",
        "سخنگوی واحد: مدیرعامل شرکت توزیع برق شمال استان. دستگاه‌های دیگر به پیام او ارجاع دهند.",
        organization=hq,
        acting_user=secretary,
        now=start + timedelta(minutes=20),
    )
    denial = do_save_statement(
        StatementValues(
            hq,
            StatementKind.TALKING_POINTS,
            "محورهای پیام: تکذیب خاموشی سراسری",
            "۱. هیچ برنامه‌ای برای خاموشی سراسری استان وجود ندارد.\n\n"
            "۲. خاموشی‌های دوساعته طبق جدول اعلام‌شده ادامه دارد.\n\n"
            "۳. خرید هیجانی مولد و سوخت لازم نیست.",
            crisis=crisis,
            spokesperson=_spokesperson(POWER_SPOKESPERSON, "KER-PWR", now),
        ),
        acting_user=analyst,
    )
    do_submit_statement(denial, acting_user=analyst)
    do_approve_statement(denial, acting_user=secretary)
    issued_at = start + timedelta(minutes=40)
    denial = do_issue_statement(
        denial,
        [_org(code) for code in KERMAN_AGENCIES],
        Deadline(DeadlineBasis.CLOCK, 2),
        acting_user=secretary,
        now=issued_at,
    )
    receipts = {r.agency.code: r for r in denial.recipients.select_related("agency")}
    timings = (
        # agency, acknowledged after (minutes), answered after (minutes), channel
        ("KER-PWR", 5, 35, "press_conference"),
        ("KER-POL", 10, 70, "social_media"),
        ("KER-HLT", 15, 90, "website"),
        ("KER-RC", 20, 100, "social_media"),
        ("KER-EDU", 40, 180, "website"),
        ("KER-WTR", 95, 260, "news_agency"),
    )
    for code, ack, answer, channel in timings:
        officer = _user(f"{STEMS[KERMAN_AGENCIES.index(code)]}.pr")
        receipt = do_acknowledge(receipts[code], acting_user=officer, now=issued_at + timedelta(minutes=ack))
        do_respond(
            receipt,
            ResponseValues(
                "published", channel=channel, evidence_url=f"https://kerman.example/{code.lower()}/denial"
            ),
            acting_user=officer,
            now=issued_at + timedelta(minutes=answer),
        )
    do_answer_rumour(
        rumour,
        "مدیرعامل توزیع برق در نشست خبری و برنامه زنده صدا و سیمای مرکز کرمان خاموشی سراسری را تکذیب کرد.",
        acting_user=_user("kerman-power.pr"),
        now=issued_at + timedelta(minutes=40),
    )
    do_close_crisis(
        crisis,
        "شایعه در کمتر از سه ساعت مهار شد. برق و پلیس زود سخن گفتند؛ آب منطقه‌ای دیر پاسخ داد و "
        "برای بحران بعد باید مسئول کشیک روابط عمومی معرفی کند.",
        acting_user=secretary,
        now=start + timedelta(hours=6),
    )

    # Now: the flood in the south, open.
    flood = do_open_crisis(
        CrisisValues(
            hq,
            OPEN_CRISIS,
            "high",
            "بارش سنگین در جنوب استان؛ راه‌های روستایی بسته و گزارش‌های تأییدنشده از تخلیه روستاها.",
            cities("Jiroft", "Kahnuj", "Bam"),
        ),
        acting_user=secretary,
        now=now - timedelta(hours=3),
    )
    do_log_rumour(
        RumourValues(
            hq,
            "سد جیرفت شکسته و آب به شهر رسیده است.",
            "ویدئوی دست‌به‌دست‌شده در شبکه‌های اجتماعی",
            crisis=flood,
            reach=40_000,
        ),
        acting_user=analyst,
        now=now - timedelta(hours=2),
    )
    do_add_timeline_entry(
        flood,
        "event",
        "هلال احمر دو تیم امداد به روستاهای جنوب جیرفت اعزام کرد.",
        organization=_org("KER-RC"),
        acting_user=_user("kerman-redcrescent.pr"),
        now=now - timedelta(hours=1),
    )


PLANNED_PRESS = "نشست خبری برنامهٔ خاموشی‌های تابستان"


def _plan(now: datetime) -> None:
    """The headquarters' media calendar around today: the publicity of the next media-literacy
    session (linked to its training event, so that it is not announced late as the AI bootcamp
    was), a press conference, an infographic, a news piece published last week and an interview
    cancelled. The publicity and the infographic serve the roadmap's cultural and media axis.
    Every day is a working day of the working calendar: a press conference is not held
    on a Friday."""
    from rasad.media.actions.plan import roadmap_axes
    from rasad.training.models import Event

    calendar = current_calendar(local_date(now))

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return _working_at(calendar, now, days, hour, minute)

    hq = _org(HQ)
    secretary = _user("kerman-media.coordinator")
    upcoming = (
        Event.objects.filter(organization__code="KER-CSC", starts_at__gt=now).order_by("starts_at").first()
    )
    # The roadmap's cultural and media axis (content production), when the programmes' demo is
    # loaded (it is, before this one, by ``rasad demo``).
    content_axis = roadmap_axes([hq.pk]).filter(title=CONTENT_AXIS).first()
    do_plan_item(
        PlanValues(
            hq,
            PlanKind.EVENT,
            "اطلاع‌رسانی دورهٔ سواد رسانه‌ای مدیران",
            at(2, 9),
            ends_at=at(11, 17),
            channel=Channel.SOCIAL_MEDIA,
            description="پیش از ثبت‌نام: معرفی دوره در کانال‌های رسمی دستگاه‌ها و یادآوری سه روز پیش از آغاز.",
            training_event=upcoming,
            axis=content_axis,
        ),
        acting_user=secretary,
    )
    do_plan_item(
        PlanValues(hq, PlanKind.PRESS_CONFERENCE, PLANNED_PRESS, at(3, 10), agency=_org("KER-PWR")),
        acting_user=secretary,
    )
    do_plan_item(
        PlanValues(
            hq,
            PlanKind.INFOGRAPHIC,
            "اینفوگرافیک مصرف بهینهٔ آب در تابستان",
            at(1, 12),
            agency=_org("KER-WTR"),
            channel=Channel.SOCIAL_MEDIA,
            axis=content_axis,
        ),
        acting_user=secretary,
    )
    published = do_plan_item(
        PlanValues(
            hq,
            PlanKind.NEWS,
            "گزارش آمادگی بیمارستان‌ها برای خاموشی‌ها",
            at(-4, 11),
            agency=_org("KER-HLT"),
            channel=Channel.WEBSITE,
        ),
        acting_user=secretary,
    )
    do_publish_planned_item(
        published,
        "https://kerman.example/ker-hlt/hospitals-ready",
        acting_user=_user("kerman-health.pr"),
        now=at(-4, 15),
    )
    cancelled = do_plan_item(
        PlanValues(
            hq,
            PlanKind.INTERVIEW,
            "گفت‌وگوی رادیویی دربارهٔ بازگشایی مدارس",
            at(-2, 18),
            agency=_org("KER-EDU"),
        ),
        acting_user=secretary,
    )
    do_cancel_planned_item(
        cancelled,
        "برنامهٔ رادیو به هفتهٔ بعد منتقل شد؛ دوباره برنامه‌ریزی می‌شود.",
        acting_user=secretary,
        now=at(-3, 9),
    )
