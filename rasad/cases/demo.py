"""Demo cases on top of the core demo world (``rasad.core.demo``).

The stories follow the seed texts and the core demo's organizations:

* IMIDRO's mines and companies report their energy-supply and export/currency challenges; the
  holding merges a duplicate, sums them up and forwards a dossier to the civil defence
  organization (PDO), which assigns, resolves part of it, and the companies verify one;
* the Isfahan border posts report incidents on the map, handled by the Isfahan border command
  centre (one is waiting on the post for information, one is resolved and verified);
* Kerman's provincial cyberspace council issues directives of its roadmap to the executive
  agencies with deadlines; some are overdue and escalate by themselves to the governorate when
  the escalation job runs at the end of loading.

Everything goes through the cases actions as the demo people themselves, dated in the past where
the story needs it, so the timelines and the audit trail read like real use. Idempotent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from rasad.cases.actions import (
    CaseValues,
    do_add_comment,
    do_forward_dossier,
    do_merge_cases,
    do_open_case,
    do_transition_case,
    do_update_case,
)
from rasad.cases.choices import CaseKind, Priority
from rasad.cases.models import Case, Category
from rasad.cases.tasks import escalate_overdue
from rasad.core.models import Organization, User
from rasad.lib import encryption

MARKER_TITLE = "قطعی برق در ساعات اوج بار و توقف سنگ‌شکن‌های معدن سرچشمه"
ROADMAP = "نقشه راه فضای مجازی استان کرمان، مصوبه جلسه شورای فضای مجازی استان (۱۴۰۴)"


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    """Load the demo cases (and the core demo world first, when it is missing)."""
    if Case.objects.filter(title=MARKER_TITLE).exists():
        return _summary()
    if not Organization.objects.filter(code="PDO").exists():
        from rasad.core.demo import load_demo as load_core_demo

        load_core_demo(stdout=stdout)
    with transaction.atomic():
        now = timezone.now()
        _mining(now)
        _border(now)
        _directives(now)
    escalated = escalate_overdue(now)
    summary = _summary()
    if stdout is not None:
        stdout.write(
            f"cases: {summary['cases']} ({summary['overdue']} overdue, {len(escalated)} escalated now), "
            f"dossiers: {summary['dossiers']}\n"
        )
    return summary


def _summary() -> dict[str, int]:
    from rasad.cases.models import Dossier

    return {
        "cases": Case.objects.count(),
        "dossiers": Dossier.objects.count(),
        "overdue": Case.objects.overdue().count(),
        "escalated": Case.objects.filter(escalation_level__gt=0).count(),
    }


def _user(username: str) -> User:
    user: User = User.objects.get(username=username)
    return user


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _category(code: str) -> Category:
    return Category.objects.get(code=code)


def _open(
    username: str, organization: str, kind: str, category: str, title: str, when: datetime, **values: Any
) -> Case:
    return do_open_case(
        CaseValues(
            kind=kind,
            category=_category(category),
            title=title,
            reporter_organization=_org(organization),
            **values,
        ),
        acting_user=_user(username),
        now=when,
    )


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


def _mining(now: datetime) -> None:
    opened = now - timedelta(days=12)
    energy, export = "energy-supply", "export-currency"
    sarcheshmeh = _open(
        "sarcheshmeh.reporter",
        "IMIDRO-M1-S1",
        CaseKind.CHALLENGE,
        energy,
        MARKER_TITLE,
        opened,
        priority=Priority.HIGH,
        description="در ساعات اوج بار تابستان، محدودیت تأمین برق باعث توقف سنگ‌شکن‌های اولیه و کاهش "
        "خوراک کارخانه تغلیظ شده است. درخواست اولویت تأمین برق یا مجوز نیروگاه خورشیدی اختصاصی داریم.",
    )
    miduk = _open(
        "miduk.reporter",
        "IMIDRO-M1-S2",
        CaseKind.CHALLENGE,
        energy,
        "محدودیت سهمیه گاز کوره‌های ذوب در فصل سرد",
        opened + timedelta(hours=3),
        priority=Priority.HIGH,
        description="سهمیه گاز واحد ذوب در زمستان گذشته تا نیمه کاهش یافت و تولید آند متوقف شد.",
    )
    chadormalu = _open(
        "chadormalu.reporter",
        "IMIDRO-M2-S1",
        CaseKind.CHALLENGE,
        energy,
        "قطع برق خط تولید کنسانتره به دلیل ناترازی شبکه",
        opened + timedelta(days=1),
        priority=Priority.MEDIUM,
        description="خاموشی‌های برنامه‌ریزی‌شده دو روز در هفته، خط کنسانتره را متوقف می‌کند.",
    )
    golgohar_power = _open(
        "golgohar.reporter",
        "IMIDRO-M3-S1",
        CaseKind.CHALLENGE,
        energy,
        "خاموشی‌های برنامه‌ریزی‌شده و توقف خط کنسانتره",
        opened + timedelta(days=1, hours=2),
        priority=Priority.MEDIUM,
        description="همان مشکل ناترازی برق که خطوط کنسانتره را در روزهای خاموشی متوقف می‌کند.",
    )
    golgohar_export = _open(
        "golgohar.reporter",
        "IMIDRO-M3-S1",
        CaseKind.CHALLENGE,
        export,
        "تأخیر در بازگشت ارز صادراتی کنسانتره سنگ آهن",
        opened + timedelta(days=2),
        priority=Priority.HIGH,
        description="بخشی از ارز صادرات ماه‌های گذشته هنوز به چرخه تولید بازنگشته و خرید قطعات یدکی "
        "را متوقف کرده است.",
    )
    sirjan = _open(
        "sirjan-iron.analyst",
        "IMIDRO-M3",
        CaseKind.CHALLENGE,
        export,
        "محدودیت حمل ریلی و ظرفیت بندری برای صادرات گندله",
        opened + timedelta(days=2, hours=4),
        priority=Priority.MEDIUM,
    )
    smelter = _open(
        "zinc-smelter.reporter",
        "IMIDRO-M5-S2",
        CaseKind.CHALLENGE,
        energy,
        "وابستگی کامل مجتمع ذوب روی به شبکه سراسری برق",
        opened + timedelta(days=3),
        priority=Priority.HIGH,
        description="مجتمع نیروگاه اختصاصی ندارد؛ پیشنهاد مشارکت در نیروگاه تجدیدپذیر منطقه‌ای.",
    )
    _open(
        "angouran.reporter",
        "IMIDRO-M5-S1",
        CaseKind.CHALLENGE,
        export,
        "دشواری انتقال ارز حاصل از صادرات شمش روی",
        opened + timedelta(days=3, hours=2),
        priority=Priority.MEDIUM,
    )
    # Not consolidated: it stays with the mine, becomes overdue and escalates to its company.
    _open(
        "hojedk.reporter",
        "IMIDRO-M4-S1",
        CaseKind.CHALLENGE,
        energy,
        "کمبود گاز ایستگاه‌های تهویه تونل‌ها در زمستان",
        opened + timedelta(days=4),
        priority=Priority.HIGH,
    )
    consolidated = opened + timedelta(days=5)
    do_merge_cases(
        chadormalu,
        [golgohar_power],
        acting_user=_user("imidro.coordinator"),
        note="هر دو گزارش به ناترازی برق و خاموشی‌های برنامه‌ریزی‌شده مربوط است.",
        now=consolidated,
    )
    dossier = do_forward_dossier(
        _org("IMIDRO"),
        _org("PDO"),
        [sarcheshmeh, miduk, chadormalu, golgohar_export, sirjan, smelter],
        acting_user=_user("imidro.coordinator"),
        title="چالش‌های تأمین انرژی و صادرات و ارزآوری شرکت‌های معدنی",
        summary="به درخواست رئیس سازمان پدافند غیرعامل، مشکلات تأمین گاز و برق و موانع صادرات و "
        "ارزآوری شرکت‌های تابعه جمع‌بندی شد: ناترازی برق در ساعات اوج، کاهش سهمیه گاز در زمستان، "
        "تأخیر در بازگشت ارز صادراتی و محدودیت حمل. پیشنهاد: استقلال در تأمین برق با نیروگاه‌های "
        "تجدیدپذیر و سوخت جایگزین.",
        now=consolidated + timedelta(hours=2),
    )
    worked = consolidated + timedelta(days=1)
    coordinator = _user("pdo.coordinator")
    for index, case in enumerate(dossier.cases.order_by("pk")):
        _step(case, "pdo.coordinator", "assign", worked + timedelta(minutes=index), assignee=coordinator)
    _step(sarcheshmeh, "pdo.coordinator", "start", worked + timedelta(hours=2))
    _step(
        sarcheshmeh,
        "pdo.coordinator",
        "resolve",
        worked + timedelta(days=2),
        note="با هماهنگی وزارت نیرو، سنگ‌شکن‌های اولیه در فهرست بارهای اولویت‌دار قرار گرفتند و مجوز "
        "نیروگاه خورشیدی ۵۰ مگاواتی صادر شد.",
    )
    _step(sarcheshmeh, "sarcheshmeh.reporter", "verify", worked + timedelta(days=3))
    _step(golgohar_export, "pdo.coordinator", "start", worked + timedelta(hours=3))
    _step(
        golgohar_export,
        "pdo.coordinator",
        "resolve",
        worked + timedelta(days=3),
        note="موضوع در کارگروه ارزی مطرح و سازوکار تهاتر برای واردات قطعات یدکی تصویب شد.",
    )
    _step(smelter, "pdo.coordinator", "start", worked + timedelta(hours=4))
    do_add_comment(
        smelter,
        "@imidro.coordinator لطفاً برآورد ظرفیت نیروگاه مورد نیاز مجتمع را ارسال کنید.",
        acting_user=coordinator,
    )


def _border(now: datetime) -> None:
    coordinator = "isfahan-cc.coordinator"
    centre = _org("ISF-BCC")
    analyst = _user("east-cc.analyst")
    opened = now - timedelta(days=6)
    traffic = _open(
        "jandaq.operator",
        "ISF-BP1",
        CaseKind.INCIDENT,
        "border",
        "تردد غیرمجاز دو خودرو در محور جندق–طبس",
        opened,
        priority=Priority.HIGH,
        latitude=34.08,
        longitude=54.47,
        site=_org("ISF-BP1"),
        description="ساعت ۰۲:۱۵ دو خودروی بدون پلاک از محور فرعی به سمت کویر حرکت کردند.",
    )
    fire = _open(
        "bayazeh.operator",
        "ISF-BP3",
        CaseKind.INCIDENT,
        "environment",
        "آتش‌سوزی پوشش گیاهی در حاشیه کویر بیاضه",
        opened + timedelta(days=1),
        priority=Priority.CRITICAL,
        latitude=33.95,
        longitude=55.12,
    )
    fuel = _open(
        "mesr.operator",
        "ISF-BP2",
        CaseKind.INCIDENT,
        "border",
        "کشف محموله سوخت قاچاق در نزدیکی روستای مصر",
        now - timedelta(hours=3),
        priority=Priority.MEDIUM,
        latitude=33.99,
        longitude=54.90,
    )
    _open(
        "chupanan.operator",
        "ISF-BP4",
        CaseKind.INCIDENT,
        "safety",
        "خرابی دکل مخابراتی پاسگاه چوپانان",
        now - timedelta(hours=1),
        priority=Priority.HIGH,
        site=_org("ISF-BP4"),
    )
    for index, case in enumerate((traffic, fire, fuel)):
        when = case.opened_at + timedelta(minutes=30)
        _step(case, coordinator, "triage", when)
        _step(
            case,
            coordinator,
            "assign",
            when + timedelta(minutes=5),
            owner_organization=centre,
            assignee=analyst if index != 1 else _user(coordinator),
        )
        _step(case, "east-cc.analyst" if index != 1 else coordinator, "start", when + timedelta(minutes=20))
    _step(
        traffic,
        "east-cc.analyst",
        "request_info",
        traffic.opened_at + timedelta(hours=2),
        note="تصویر دوربین حرارتی ساعت ۰۲:۰۰ تا ۰۳:۰۰ را بارگذاری کنید.",
    )
    _confidential(traffic, analyst)
    _step(
        fire,
        coordinator,
        "resolve",
        fire.opened_at + timedelta(hours=6),
        note="آتش با همکاری منابع طبیعی و هلال احمر مهار شد؛ حدود ۳ هکتار درمنه‌زار آسیب دید.",
    )
    _step(fire, "bayazeh.operator", "verify", fire.opened_at + timedelta(days=1))


def _confidential(case: Case, analyst: User) -> None:
    """What only the case's readers may know of the border incident, encrypted at rest: its
    confidential details and one confidential comment (docs/security.md). ``scripts/demo.sh``
    makes the key; loaded without one (``rasad demo`` on a node with no key), the incident has
    none, as such a node cannot store them."""
    if not encryption.available():
        return
    case.refresh_from_db()
    do_update_case(
        case,
        {
            "confidential_details": "شمارهٔ شاسی یکی از دو خودرو با خودروی توقیف‌شده در پروندهٔ "
            "قاچاق سوخت آبان ۱۴۰۴ یکی است؛ منبع: گزارش اطلاعاتی پاسگاه طبس.",
            "version": case.version,
        },
        acting_user=analyst,
    )
    do_add_comment(
        case,
        "هماهنگی با مرزبانی خراسان جنوبی برای بستن محور طبس انجام شد؛ ساعت اجرا فقط به اطلاع "
        "مرکز فرماندهی برسد.",
        acting_user=analyst,
        confidential=True,
    )


def _directives(now: datetime) -> None:
    council = "kerman-csc.coordinator"
    issued = now - timedelta(days=40)
    specs = [
        (
            "KER-HLT",
            "kerman-health.it",
            "راه‌اندازی مرکز عملیات امنیت (SOC) و اتصال به مرکز ماهر",
            Priority.HIGH,
            issued.date() + timedelta(days=20),
        ),
        (
            "KER-EDU",
            "kerman-education.it",
            "انتقال سامانه‌های پیام‌رسان مدارس به زیرساخت داخلی",
            Priority.MEDIUM,
            issued.date() + timedelta(days=30),
        ),
        (
            "KER-WTR",
            "kerman-water.it",
            "تهیه پشتیبان آفلاین از سامانه‌های کنترل صنعتی (اسکادا)",
            Priority.HIGH,
            now.date() + timedelta(days=20),
        ),
        (
            "KER-PWR",
            "kerman-power.it",
            "وصله‌گذاری امنیتی سامانه قرائت از راه دور کنتورها",
            Priority.CRITICAL,
            now.date() + timedelta(days=7),
        ),
        (
            "KER-RC",
            "kerman-redcrescent.it",
            "تدوین روال پاسخ به حوادث سایبری و مانور سالانه",
            Priority.MEDIUM,
            issued.date() + timedelta(days=35),
        ),
    ]
    for index, (agency, officer, title, priority, deadline) in enumerate(specs):
        when = issued + timedelta(hours=index)
        case = _open(
            council,
            "KER-CSC",
            CaseKind.DIRECTIVE,
            "cyber-security",
            title,
            when,
            priority=priority,
            owner_organization=_org(agency),
            deadline=_as_date(deadline),
            origin=ROADMAP,
        )
        _step(case, council, "triage", when + timedelta(hours=1))
        _step(case, council, "assign", when + timedelta(hours=2), assignee=_user(officer))
        if agency in ("KER-PWR", "KER-RC", "KER-HLT"):
            _step(case, officer, "start", when + timedelta(days=2))
        if agency == "KER-RC":
            _step(
                case,
                council,
                "resolve",
                when + timedelta(days=25),
                note="روال پاسخ به حوادث تدوین و مانور رومیزی با حضور ۱۸ نفر برگزار شد.",
            )
            _step(case, council, "verify", when + timedelta(days=27))


def _as_date(value: date) -> date:
    return value
