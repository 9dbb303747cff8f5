"""Demo programmes on top of the core and cases demo worlds (``rasad.core.demo``,
``rasad.cases.demo``), after the agreements of the seed reports:

* the memorandum between the Department of Environment and the Industrial Management Institute:
  three axes (consultation, training, research), legal basis in articles 12-14 of the general
  environmental policies and article 6(d) of the environmental protection law;
* the three-party memorandum in Qom on green jobs (environment, labour, technical and vocational
  training);
* Kerman's provincial cyberspace roadmap, whose actions go to the media headquarters, education and
  the police (content production, media literacy training for managers, the bootcamp follow-up, the
  media HQ's founding), reviewed by the governorate.

Everything goes through the actions, dated in the past where the story needs it: some action items
are verified done, some resolved and awaiting verification, some overdue and escalated by the
cases app's own job; the parties were asked for last season's status reports, some answered and
some are overdue. Idempotent.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from rasad.cases.actions import do_transition_case
from rasad.cases.choices import Priority
from rasad.cases.models import Case, Category
from rasad.cases.tasks import escalate_overdue
from rasad.core.models import Organization, User
from rasad.lib.jalali import TEHRAN, JalaliPeriod, parse_date
from rasad.programs.actions import (
    ActionItemValues,
    PartValues,
    PartyValues,
    ProgrammeValues,
    ReportValues,
    do_add_action_item,
    do_create_programme,
    do_request_status_reports,
    do_save_axis,
    do_save_objective,
    do_submit_status_report,
    do_transition_programme,
    party_of,
)
from rasad.programs.choices import ProgrammeKind
from rasad.programs.models import ActionItem, Objective, Programme, StatusReport

ADMIN = "admin"
DOE_IMI = "تفاهم‌نامه همکاری سازمان حفاظت محیط زیست و سازمان مدیریت صنعتی"
QOM_GREEN = "تفاهم‌نامه سه‌جانبه حمایت از مشاغل سبز استان قم"
KERMAN_ROADMAP = "نقشهٔ راه فضای مجازی استان کرمان (۱۴۰۴)"


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    """Load the demo programmes (and the cases demo first, when it is missing)."""
    if not Programme.objects.filter(title=DOE_IMI).exists():
        if not Organization.objects.filter(code="KER-CSC").exists():
            from rasad.cases.demo import load_demo as load_cases_demo

            load_cases_demo(stdout=stdout)
        now = timezone.now()
        with transaction.atomic():
            items = [*_doe_imi(now), *_qom(now), *_kerman(now)]
            _work(items, now)
            _reports(now)
        escalate_overdue(now)
    summary = {
        "programmes": Programme.objects.count(),
        "action_items": ActionItem.objects.count(),
        "reports": StatusReport.objects.count(),
        "reports_missing": StatusReport.objects.missing().count(),
    }
    if stdout is not None:
        stdout.write(
            f"programmes: {summary['programmes']} ({summary['action_items']} action items, "
            f"{summary['reports']} quarterly reports asked, {summary['reports_missing']} missing)\n"
        )
    return summary


def _user(username: str) -> User:
    user: User = User.objects.get(username=username)
    return user


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _day(jalali: str) -> date:
    return parse_date(jalali, calendar="jalali")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TEHRAN)


def _programme(
    lead_user: str,
    kind: str,
    title: str,
    lead: str,
    parties: list[tuple[str, str, str]],
    *,
    signed: str,
    ends: str,
    reference: str = "",
    reviewing: str | None = None,
    legal_basis: tuple[str, ...] = (),
    description: str = "",
) -> Programme:
    return do_create_programme(
        ProgrammeValues(
            kind=kind,
            title=title,
            organization=_org(lead),
            parties=[PartyValues(_org(code), name, role) for code, name, role in parties],
            reference_number=reference,
            reviewing_organization=_org(reviewing) if reviewing else None,
            signed_on=_day(signed),
            starts_on=_day(signed),
            ends_on=_day(ends),
            legal_basis=list(legal_basis),
            description=description,
        ),
        acting_user=_user(lead_user),
    )


# (axis, weight, [(objective, weight, [(party code, title, deadline, fate, weight)])]); a fate is
# "done" (verified closed), "resolved" (awaiting the lead's verification), "started" or "open".
Plan = list[tuple[str, int, list[tuple[str, int, list[tuple[str, str, str, str, int]]]]]]


def _build(
    programme: Programme, user: str, plan: Plan, category: str, issued: date
) -> list[tuple[ActionItem, str]]:
    items = []
    acting = _user(user)
    for axis_title, axis_weight, objectives in plan:
        axis = do_save_axis(programme, PartValues(axis_title, weight=axis_weight), acting_user=acting)
        for objective_title, objective_weight, actions in objectives:
            objective: Objective = do_save_objective(
                axis, PartValues(objective_title, weight=objective_weight), acting_user=acting
            )
            for party, title, deadline, fate, weight in actions:
                item = do_add_action_item(
                    ActionItemValues(
                        objective=objective,
                        party=party_of(programme, _org(party)),
                        title=title,
                        deadline=_day(deadline),
                        category=Category.objects.get(code=category),
                        priority=Priority.HIGH if weight > 1 else Priority.MEDIUM,
                        weight=weight,
                        starts_on=issued,
                    ),
                    acting_user=acting,
                    now=_at(issued),
                )
                items.append((item, fate))
    do_transition_programme(programme, "activate", acting_user=acting)
    return items


def _doe_imi(now: datetime) -> list[tuple[ActionItem, str]]:
    programme = _programme(
        ADMIN,
        ProgrammeKind.MEMORANDUM,
        DOE_IMI,
        "DOE",
        [
            ("DOE", "حسن کیادلیری", "معاون آموزش و مشارکت‌های مردمی سازمان حفاظت محیط زیست"),
            ("IMI", "محمدرضا رستمی", "رئیس سازمان مدیریت صنعتی"),
        ],
        signed="1404/08/07",
        ends="1406/08/06",
        reference="۱۴۰۴/۲۱۳۵۰",
        legal_basis=(
            "بندهای ۱۲، ۱۳ و ۱۴ سیاست‌های کلی نظام در حوزهٔ محیط زیست",
            "بند «د» مادهٔ ۶ قانون حفاظت و بهسازی محیط زیست",
            "بندهای ۶، ۷ و ۸ سند ارتقای فرهنگ حفاظت از محیط زیست",
        ),
        description="توسعهٔ ظرفیت‌های مدیریتی و سازمانی در بخش صنعت و معدن از سه محور مشاوره، آموزش و تحقیق.",
    )
    plan: Plan = [
        (
            "مشاوره",
            30,
            [
                (
                    "ممیزی شاخص‌های محیط زیستی در جوایز ملی تعالی سازمانی و مدیریت انرژی",
                    100,
                    [
                        (
                            "IMI",
                            "گنجاندن شاخص‌های محیط زیستی در شیوه‌نامهٔ ارزیابی جایزهٔ ملی مدیریت انرژی",
                            "1404/11/30",
                            "done",
                            2,
                        ),
                        ("DOE", "معرفی ارزیابان محیط زیستی برای ممیزی جوایز ملی", "1405/02/31", "done", 1),
                    ],
                )
            ],
        ),
        (
            "آموزش",
            40,
            [
                (
                    "کارگاه‌ها و بسته‌های آموزشی برای مدیران صنایع",
                    60,
                    [
                        (
                            "IMI",
                            "برگزاری کارگاه سیستم مدیریت زیست‌محیطی (EMS) و ایزو ۱۴۰۰۴ برای مدیران صنایع",
                            "1405/01/31",
                            "done",
                            1,
                        ),
                        (
                            "IMI",
                            "تولید بستهٔ آموزشی «تولید پاک‌تر» برای صنایع معدنی",
                            "1405/07/15",
                            "started",
                            2,
                        ),
                    ],
                ),
                (
                    "دوره‌های تخصصی و عالی",
                    40,
                    [
                        (
                            "IMI",
                            "طراحی دورهٔ تخصصی کاربرد هوش مصنوعی در مدیریت محیط زیست",
                            "1405/12/20",
                            "open",
                            1,
                        ),
                    ],
                ),
            ],
        ),
        (
            "تحقیق",
            30,
            [
                (
                    "پژوهش‌های کاربردی در فناوری‌های کاهش آلودگی و مدیریت آب و پساب",
                    100,
                    [
                        (
                            "IMI",
                            "پژوهش کاربردی فناوری‌های کاهش آلودگی در صنایع معدنی",
                            "1406/03/31",
                            "open",
                            2,
                        ),
                        (
                            "DOE",
                            "در اختیار گذاشتن داده‌های پایش آلودگی صنایع برای پژوهش‌های مشترک",
                            "1405/06/31",
                            "open",
                            1,
                        ),
                    ],
                )
            ],
        ),
    ]
    return _build(programme, ADMIN, plan, "environment", _day("1404/08/10"))


def _qom(now: datetime) -> list[tuple[ActionItem, str]]:
    programme = _programme(
        "qom-doe.coordinator",
        ProgrammeKind.MEMORANDUM,
        QOM_GREEN,
        "DOE-QOM",
        [
            ("DOE-QOM", "محمودعلی رکنی", "مدیرکل حفاظت محیط زیست استان قم"),
            ("QOM-LAB", "نصرالله بازوند", "مدیرکل تعاون، کار و رفاه اجتماعی استان قم"),
            ("QOM-TVT", "احمد عطارنیا", "مدیرکل آموزش فنی و حرفه‌ای استان قم"),
        ],
        signed="1404/04/10",
        ends="1406/04/09",
        description="گسترش و حمایت از مشاغل سبز: شناسایی و توسعهٔ مشاغل و کارآفرینی سبز، سبزسازی "
        "مشاغل موجود، فرهنگ‌سازی و اولویت‌دادن به شرکت‌های دانش‌بنیان در طرح‌های محیط زیستی استان.",
    )
    plan: Plan = [
        (
            "شناسایی و توسعهٔ مشاغل سبز",
            40,
            [
                (
                    "فهرست و مشوق‌های مشاغل سبز",
                    100,
                    [
                        ("QOM-LAB", "تهیهٔ فهرست مشاغل و حرفه‌های سبز استان", "1404/07/30", "done", 1),
                        (
                            "QOM-LAB",
                            "پرداخت تسهیلات ویژه به کارآفرینان مشاغل سبز",
                            "1405/05/31",
                            "started",
                            2,
                        ),
                    ],
                )
            ],
        ),
        (
            "سبزسازی مشاغل موجود",
            30,
            [
                (
                    "الزامات محیط زیستی مشاغل و حرفه‌ها",
                    100,
                    [
                        (
                            "DOE-QOM",
                            "تدوین الزامات محیط زیستی برای سبزسازی مشاغل موجود",
                            "1405/03/31",
                            "resolved",
                            1,
                        ),
                    ],
                )
            ],
        ),
        (
            "فرهنگ‌سازی و آموزش",
            30,
            [
                (
                    "آموزش جامعهٔ کارگری و کارفرمایی",
                    100,
                    [
                        ("QOM-TVT", "طراحی و برگزاری دوره‌های آموزشی حرفه‌های سبز", "1404/12/15", "done", 1),
                        (
                            "QOM-TVT",
                            "آموزش الزامات محیط زیستی به کارگران و کارفرمایان واحدهای صنعتی",
                            "1405/06/15",
                            "open",
                            1,
                        ),
                    ],
                )
            ],
        ),
    ]
    return _build(programme, "qom-doe.coordinator", plan, "environment", _day("1404/04/15"))


def _kerman(now: datetime) -> list[tuple[ActionItem, str]]:
    programme = _programme(
        ADMIN,
        ProgrammeKind.ROADMAP,
        KERMAN_ROADMAP,
        "KER-CSC",
        [
            ("KER-CSC", "نرگس مرادی", "دبیر شورای فضای مجازی استان"),
            ("KER-MHQ", "پیمان فلاحی", "دبیر ستاد رسانه‌ای استان"),
            ("KER-EDU", "مینا کرمانی", "مدیرکل آموزش و پرورش استان"),
            ("KER-POL", "حمید ابراهیمی", "معاون اجتماعی فرماندهی انتظامی استان"),
        ],
        signed="1404/02/20",
        ends="1405/12/29",
        reference="مصوبهٔ جلسهٔ ۳ شورای فضای مجازی استان",
        reviewing="KER-GOV",
        description="اقدام‌های امنیتی، فرهنگی و کسب‌وکار فضای مجازی استان، مصوب شورای فضای مجازی استان.",
    )
    plan: Plan = [
        (
            "فرهنگی و رسانه‌ای",
            50,
            [
                (
                    "ستاد رسانه‌ای و تولید محتوا",
                    60,
                    [
                        ("KER-MHQ", "راه‌اندازی ستاد رسانه‌ای استان", "1404/05/31", "done", 1),
                        ("KER-MHQ", "تولید محتوای بومی برای فضای مجازی استان", "1405/10/30", "started", 2),
                    ],
                ),
                (
                    "سواد رسانه‌ای",
                    40,
                    [
                        (
                            "KER-EDU",
                            "برگزاری دورهٔ سواد رسانه‌ای برای مدیران دستگاه‌های اجرایی",
                            "1405/06/31",
                            "open",
                            1,
                        ),
                    ],
                ),
            ],
        ),
        (
            "امنیتی",
            30,
            [
                (
                    "امنیت فضای مجازی",
                    100,
                    [
                        ("KER-POL", "پیگیری خروجی‌های بوت‌کمپ امنیت فضای مجازی", "1405/04/31", "open", 1),
                    ],
                )
            ],
        ),
        (
            "کسب‌وکار",
            20,
            [
                (
                    "کسب‌وکارهای مجازی",
                    100,
                    [
                        ("KER-MHQ", "معرفی کسب‌وکارهای مجازی نمونهٔ استان در رسانه‌ها", "1405/11/30", "open", 1),
                    ],
                )
            ],
        ),
    ]
    return _build(programme, "kerman-csc.coordinator", plan, "media", _day("1404/02/25"))


# Who works each party's cases (the owner side), and who verifies for each lead.
OWNER_SIDE = {
    "DOE": "doe.analyst",
    "IMI": "imi.analyst",
    "DOE-QOM": "qom-doe.coordinator",
    "QOM-LAB": "qom-doe.coordinator",
    "QOM-TVT": "qom-doe.coordinator",
    "KER-CSC": "kerman-csc.coordinator",
    "KER-MHQ": "kerman-media.coordinator",
    "KER-EDU": "kerman-csc.coordinator",
    "KER-POL": "kerman-csc.coordinator",
}
LEAD_SIDE = {"DOE": "doe.analyst", "DOE-QOM": "qom-doe.coordinator", "KER-CSC": "kerman-csc.coordinator"}


def _step(case: Case, username: str, action: str, when: datetime, note: str = "", **extra: Any) -> Case:
    case.refresh_from_db()
    return do_transition_case(
        case,
        action,
        acting_user=_user(username),
        note=note,
        expected_version=case.version,
        now=when,
        **extra,
    )


def _work(items: list[tuple[ActionItem, str]], now: datetime) -> None:
    """Move each action item's case as far as its fate says, on dates before its deadline."""
    for item, fate in items:
        case = item.case
        owner = OWNER_SIDE[item.party.organization.code]
        lead = LEAD_SIDE[item.programme.organization.code]
        start = _at(item.starts_on) + timedelta(days=2)
        if fate == "open":
            continue
        _step(case, owner, "triage", start)
        _step(case, owner, "assign", start + timedelta(hours=1), assignee=_user(owner))
        _step(case, owner, "start", start + timedelta(days=1))
        if fate == "started":
            continue
        deadline = case.deadline or item.programme.ends_on
        finished = min(_at(deadline) - timedelta(days=5), now - timedelta(days=3))
        _step(case, owner, "resolve", finished, note="انجام شد؛ گزارش و مستندات پیوست پرونده است.")
        if fate == "done":
            _step(case, lead, "verify", finished + timedelta(days=2))


# Who answers each party's quarterly reports, and what they say.
REPORTERS = {
    "DOE": "doe.analyst",
    "IMI": "imi.analyst",
    "QOM-LAB": "qom-labour.reporter",
    "KER-MHQ": "kerman-media.analyst",
}
ANSWERS = (
    ("on_track", "طبق برنامه پیش می‌رود."),
    ("at_risk", "تأمین اعتبار هنوز قطعی نشده و زمان‌بندی در معرض تأخیر است."),
)


def _reports(now: datetime) -> None:
    """Ask for last season's reports as the job did on its first day; some parties answered within
    days, the others did not and their requests are overdue."""
    season = JalaliPeriod.containing(now.astimezone(TEHRAN).date(), "season")
    asked = _at(season.start, 6)
    if asked >= now:
        return
    for programme in Programme.objects.filter(title__in=[DOE_IMI, QOM_GREEN, KERMAN_ROADMAP]).order_by("pk"):
        reports = do_request_status_reports(programme, today=season.start, now=asked)
        for index, report in enumerate(reports):
            reporter = REPORTERS.get(report.action_item.party.organization.code)
            if reporter is None:
                continue  # this party has not answered: its request is overdue
            state, note = ANSWERS[index % len(ANSWERS)]
            do_submit_status_report(
                report, ReportValues(state, note), acting_user=_user(reporter), now=asked + timedelta(days=4)
            )
