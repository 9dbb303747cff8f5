"""Demo green jobs on top of the core and programmes demos, after the seed text of Qom's
three-party memorandum: the labour office announced special loans for green jobs, the
environment office sets the environmental requirements, and the technical and vocational
training office trains workers and employers.

* a dozen businesses and workshops of Qom province in the green registry: recycling, composting,
  solar installers, solar water heaters, eco-tourism guesthouses, a nature guide, water-saving
  irrigation and greenhouses, building insulation;
* the scheme «تسهیلات ویژهٔ مشاغل سبز استان قم» of the labour office, under the memorandum, with
  a budget of fifty billion rials, eligibility rules (a listed green occupation; knowledge-based
  companies and employers of ten or more get priority points) and three required documents;
* applications at every step: waiting for each office, approved and paid in part, fully paid,
  closed, returned for correction and refused;
* the environment office's greening-checklist cycle over the registry, and certification: eight
  businesses certified (for six months to two years) in five sectors, two of them on one-month
  certificates that lapse within thirty days (the expiry notice is due), one request waiting for
  the site visit. The eight make the public directory of certified green businesses.
* outcome reports of three funded businesses, whose savings and jobs are written to the indicators
  app as the yearly values of GREEN_ENERGY_SAVED, GREEN_WATER_SAVED, GREEN_WASTE_DIVERTED,
  GREEN_JOBS_CREATED and GREEN_JOBS_KEPT; a year has
  gone by for two of them, so one twelve-month report falls due within the notice days and one is
  overdue, and the reminders have been sent.

The offices act through their own people (``qom-labour.analyst``, ``qom-doe.coordinator``,
``qom-tvto.analyst``), so the audit trail reads as it would. Idempotent.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Organization, Role, User
from rasad.greenjobs.actions import (
    ApplicationValues,
    BusinessValues,
    SchemeValues,
    do_apply,
    do_approve_application,
    do_check_eligibility,
    do_close_application,
    do_confirm_compliance,
    do_confirm_training,
    do_pay_instalment,
    do_refuse_application,
    do_return_application,
    do_save_business,
    do_save_scheme,
)
from rasad.greenjobs.models import Application, Business, Occupation, Scheme
from rasad.greenjobs.occupations import load as load_occupations
from rasad.lib.jalali import local_date

SCHEME = "qom-green-loans-1405"
MEMORANDUM = "تفاهم‌نامه سه‌جانبه حمایت از مشاغل سبز استان قم"
PDF = b"%PDF-1.4\n% demo document\n"

# code, name, kind, ISIC class, size, employees, knowledge-based, occupations, point
BUSINESSES: tuple[tuple[str, str, str, str, str, int, bool, tuple[str, ...], tuple[float, float]], ...] = (
    (
        "QOM-GB01",
        "کارگاه بازیافت پلاستیک پارسیان",
        "workshop",
        "3830",
        "small",
        14,
        False,
        ("recycling-sorter",),
        (34.6021, 50.9412),
    ),
    (
        "QOM-GB02",
        "شرکت بازیافت کاغذ و مقوای سپهر",
        "business",
        "3830",
        "small",
        22,
        False,
        ("recycling-sorter", "waste-collector"),
        (34.5902, 50.8655),
    ),
    (
        "QOM-GB03",
        "کارگاه کود آلی شکوهیه",
        "workshop",
        "3821",
        "micro",
        6,
        False,
        ("compost-maker",),
        (34.6510, 50.9650),
    ),
    (
        "QOM-GB04",
        "شرکت دانش‌بنیان خورشید انرژی قم",
        "business",
        "4321",
        "small",
        18,
        True,
        ("solar-installer", "energy-auditor"),
        (34.6420, 50.8790),
    ),
    (
        "QOM-GB05",
        "کارگاه نصب پنل خورشیدی نور کویر",
        "workshop",
        "4321",
        "micro",
        5,
        False,
        ("solar-installer",),
        (34.6300, 50.8520),
    ),
    (
        "QOM-GB06",
        "شرکت آبگرمکن خورشیدی آفتاب",
        "business",
        "4322",
        "micro",
        8,
        False,
        ("solar-water-heater",),
        (34.6605, 50.8902),
    ),
    (
        "QOM-GB07",
        "اقامتگاه بوم‌گردی کویر مسیله",
        "workshop",
        "5510",
        "micro",
        7,
        False,
        ("eco-lodge-manager", "nature-guide"),
        (34.7850, 51.0500),
    ),
    (
        "QOM-GB08",
        "اقامتگاه بوم‌گردی خانهٔ کاهگلی کهک",
        "workshop",
        "5510",
        "micro",
        4,
        False,
        ("eco-lodge-manager",),
        (34.3930, 50.8650),
    ),
    (
        "QOM-GB09",
        "مؤسسهٔ طبیعت‌گردی دریاچهٔ نمک",
        "business",
        "7990",
        "micro",
        9,
        False,
        ("nature-guide",),
        (34.7200, 51.2300),
    ),
    (
        "QOM-GB10",
        "شرکت دانش‌بنیان آبیاری هوشمند دشت قم",
        "business",
        "0161",
        "small",
        16,
        True,
        ("drip-irrigation-installer",),
        (34.5500, 50.7800),
    ),
    (
        "QOM-GB11",
        "کارگاه گلخانهٔ کم‌آب‌بر جعفریه",
        "workshop",
        "0113",
        "micro",
        6,
        False,
        ("greenhouse-grower",),
        (34.7760, 50.5190),
    ),
    (
        "QOM-GB12",
        "شرکت عایق‌کاری ساختمان پایا",
        "business",
        "4329",
        "small",
        11,
        False,
        ("insulation-worker",),
        (34.6180, 50.9010),
    ),
)

# Business, amount (millions of rials), jobs, purpose, where it stands.
APPLICATIONS: tuple[tuple[str, int, int, str, str], ...] = (
    ("QOM-GB05", 1_800, 3, "خرید ابزار نصب و پنل‌های نمایشی برای آموزش کارگران", "submitted"),
    ("QOM-GB03", 900, 2, "خرید دستگاه خردکن و بستر کمپوست", "submitted"),
    ("QOM-GB01", 4_000, 6, "خط شست‌وشو و پرک پلاستیک بازیافتی", "eligible"),
    ("QOM-GB08", 1_200, 2, "بازسازی اتاق‌های کاهگلی با مصالح بومی", "compliant"),
    ("QOM-GB10", 5_000, 8, "تولید و نصب سامانه‌های آبیاری قطره‌ای هوشمند", "trained"),
    ("QOM-GB04", 4_500, 7, "راه‌اندازی تیم نصب نیروگاه‌های خورشیدی پشت‌بامی", "approved"),
    ("QOM-GB02", 3_000, 5, "خرید پرس مقوا و خودروی جمع‌آوری", "disbursed"),
    ("QOM-GB12", 2_000, 4, "تجهیز کارگاه عایق‌کاری حرارتی", "closed"),
    ("QOM-GB07", 1_500, 3, "ساخت سرویس‌های بهداشتی سازگار با محیط زیست", "returned"),
    ("QOM-GB09", 800, 2, "خرید خودروی گردشگری", "refused"),
)


# The people of the green-jobs demo by their names in Latin letters, as on their passports: what
# English pages call them by (as the core demo's ``LATIN_NAMES``).
LATIN_NAMES: dict[str, str] = {
    "qom-labour.analyst": "Reza Karimi",
    "qom-tvto.analyst": "Leila Hosseini",
    "qom-recycling.owner": "Hamid Rostami",
}


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    """Load the demo green jobs (and the programmes demo first, when it is missing)."""
    if not Scheme.objects.filter(code=SCHEME).exists():
        from rasad.programs.models import Programme

        if not Programme.objects.filter(title=MEMORANDUM).exists():
            from rasad.programs.demo import load_demo as load_programmes_demo

            load_programmes_demo(stdout=stdout)
        load_occupations()
        with transaction.atomic():
            _load()
    summary = {
        "businesses": Business.objects.count(),
        "schemes": Scheme.objects.count(),
        "applications": Application.objects.count(),
    }
    if stdout is not None:
        stdout.write(
            f"green jobs: {summary['businesses']} businesses, {summary['schemes']} schemes, "
            f"{summary['applications']} applications\n"
        )
    return summary


def _org(code: str) -> Organization:
    found: Organization = Organization.objects.get(code=code)
    return found


def _person(username: str, name: str, organization: Organization, role: str, title: str) -> User:
    from rasad.core.demo import DEMO_PASSWORD

    existing: User | None = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = do_create_user(
        username,
        acting_user=None,
        password=DEMO_PASSWORD,
        display_name=name,
        latin_name=LATIN_NAMES[username],
        organization=organization,
        title=title,
        validate=False,
    )
    do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=organization)
    return user


def _load() -> None:
    admin = User.objects.get(username="admin")
    labour, environment, training = _org("QOM-LAB"), _org("DOE-QOM"), _org("QOM-TVT")
    labour_officer = _person("qom-labour.analyst", "رضا کریمی", labour, "analyst", "کارشناس تسهیلات اشتغال")
    training_officer = _person(
        "qom-tvto.analyst", "لیلا حسینی", training, "analyst", "کارشناس آموزش مشاغل سبز"
    )
    environment_officer = User.objects.get(username="qom-doe.coordinator")
    occupations = {o.code: o for o in Occupation.objects.all()}
    businesses: dict[str, Business] = {}
    for code, name, kind, sector, size, employees, knowledge_based, jobs, point in BUSINESSES:
        organization = do_create_organization(
            OrganizationValues(
                code=code,
                name=name,
                kind=kind,
                parent=labour,
                province=labour.province,
                county=labour.county,
                latitude=point[0],
                longitude=point[1],
                sector_tags=["مشاغل سبز"],
            ),
            acting_user=admin,
        )
        businesses[code] = do_save_business(
            BusinessValues(
                organization=organization,
                sector_code=sector,
                size=size,
                employees=employees,
                knowledge_based=knowledge_based,
                occupations=[occupations[o] for o in jobs],
            ),
            acting_user=labour_officer,
        )
    owner = _person(
        "qom-recycling.owner", "حمید رستمی", businesses["QOM-GB01"].organization, "reporter", "مدیر کارگاه"
    )
    from rasad.programs.models import Programme

    today = local_date(timezone.now())
    scheme = do_save_scheme(
        SchemeValues(
            organization=labour,
            code=SCHEME,
            title="تسهیلات ویژهٔ مشاغل سبز استان قم",
            kind="loan",
            description=(
                "وام قرض‌الحسنه و کم‌بهره برای ایجاد و توسعهٔ مشاغل سبز و تولیدکنندگانی که الزامات "
                "محیط زیستی را رعایت می‌کنند؛ با اولویت شرکت‌های دانش‌بنیان، در اجرای تفاهم‌نامهٔ "
                "سه‌جانبهٔ محیط زیست، کار و آموزش فنی و حرفه‌ای استان قم."
            ),
            budget=Decimal(50_000_000_000),
            max_amount=Decimal(5_000_000_000),
            opens_on=today - timedelta(days=60),
            closes_on=today + timedelta(days=90),
            labour_office=labour,
            environment_office=environment,
            training_office=training,
            rules=[
                {"field": "occupation", "effect": "require", "value": sorted(occupations)},
                {"field": "province", "effect": "require", "value": [labour.province.code]}
                if labour.province
                else {"field": "kind", "effect": "require", "value": ["business", "workshop"]},
                {"field": "knowledge_based", "effect": "priority", "value": True, "points": 20},
                {"field": "employees", "effect": "priority", "value": {"min": 10}, "points": 5},
            ],
            documents=[
                {"code": "business-licence", "name": "پروانهٔ کسب یا جواز تأسیس"},
                {"code": "business-plan", "name": "طرح توجیهی"},
                {"code": "environment-declaration", "name": "خوداظهاری رعایت الزامات محیط زیستی"},
            ],
            programme=Programme.objects.filter(title=MEMORANDUM).first(),
        ),
        acting_user=admin,
    )
    steps = ("submitted", "eligible", "compliant", "trained", "approved")
    for code, millions, jobs_planned, purpose, stage in APPLICATIONS:
        business = businesses[code]
        application = do_apply(
            ApplicationValues(
                scheme=scheme,
                business=business,
                amount_requested=Decimal(millions) * 1_000_000,
                purpose=purpose,
                jobs_planned=jobs_planned,
            ),
            {
                d["code"]: SimpleUploadedFile(f"{d['name']}.pdf", PDF, content_type="application/pdf")
                for d in scheme.documents
            },
            acting_user=owner if code == "QOM-GB01" else labour_officer,
        )
        if stage == "returned":
            do_return_application(
                application,
                reason="پروانهٔ بهره‌برداری اقامتگاه از میراث فرهنگی پیوست نشده است؛ آن را پیوست کنید.",
                acting_user=labour_officer,
            )
            continue
        if stage == "refused":
            do_check_eligibility(application, acting_user=labour_officer, note="شغل در فهرست مشاغل سبز است.")
            do_refuse_application(
                application,
                reason="خرید خودرو هزینهٔ سرمایه‌ای غیرسبز است و در این طرح پرداخت نمی‌شود.",
                acting_user=environment_officer,
            )
            continue
        plan = (
            (do_check_eligibility, labour_officer, "مدارک کامل و شغل در فهرست مشاغل سبز است."),
            (
                do_confirm_compliance,
                environment_officer,
                "بازدید میدانی انجام شد؛ الزامات محیط زیستی رعایت می‌شود.",
            ),
            (do_confirm_training, training_officer, "کارکنان دورهٔ مهارت‌های مشاغل سبز را گذرانده‌اند."),
        )
        target = steps.index(stage) if stage in steps else len(steps)
        for index, (step, actor, note) in enumerate(plan):
            if index >= target:
                break
            application = step(application, acting_user=actor, note=note)
        if target < steps.index("approved"):
            continue
        amount = application.amount_requested * Decimal("0.8")
        application = do_approve_application(
            application, amount, acting_user=labour_officer, note="تصویب در کمیته"
        )
        if stage == "approved":
            do_pay_instalment(
                application, amount / 2, paid_on=today, reference="ب-۱۴۰۵-۰۱", acting_user=labour_officer
            )
            continue
        do_pay_instalment(
            application, amount / 2, paid_on=today, reference="ب-۱۴۰۵-۰۲", acting_user=labour_officer
        )
        do_pay_instalment(
            application, amount / 2, paid_on=today, reference="ب-۱۴۰۵-۰۳", acting_user=labour_officer
        )
        if stage == "closed":
            do_close_application(application, acting_user=labour_officer, note="تسهیلات کامل پرداخت شد.")
    _time_passed(businesses, today)
    _outcomes(businesses, labour_officer)
    _certification(admin, labour, environment, environment_officer, businesses, owner)
    from rasad.greenjobs.tasks import remind_outcomes

    remind_outcomes(today)


# Business, days ago its first instalment was paid: the insulation company's twelve-month report
# falls due within the notice days, the solar installer's is overdue.
PAID_LONG_AGO: tuple[tuple[str, int], ...] = (("QOM-GB12", 355), ("QOM-GB04", 371))


def _time_passed(businesses: dict[str, Business], today: date) -> None:
    """A year goes by for two funded applications, so that the outcome reminders have something
    to say: their submission, decisions and instalments are moved back in time. This is the one
    write of the demo outside the actions: it stands for time that went by (as the test cast's
    expired grant does); the actions refuse a payment dated before its application."""
    from rasad.greenjobs.models import Decision, Instalment

    for code, days in PAID_LONG_AGO:
        application = Application.objects.get(business=businesses[code])
        paid_on = today - timedelta(days=days)
        submitted = timezone.now() - timedelta(days=days + 30)
        Application.objects.filter(pk=application.pk).update(submitted_at=submitted)
        Decision.objects.filter(application=application).update(created=submitted + timedelta(days=10))
        Instalment.objects.filter(application=application, number=1).update(paid_on=paid_on)
        Instalment.objects.filter(application=application, number__gt=1).update(
            paid_on=paid_on + timedelta(days=60)
        )


# Business, milestone, jobs created, jobs kept, energy (kWh), water (m³), waste (t) a year, note.
OUTCOMES: tuple[tuple[str, str, int, int, int, int, int, str], ...] = (
    ("QOM-GB02", "6", 3, 22, 18_000, 900, 420, "خط پرس مقوا راه افتاد؛ سه نفر برای جمع‌آوری استخدام شدند."),
    ("QOM-GB02", "12", 5, 22, 26_000, 1_300, 610, "خودروی جمع‌آوری دوم به کار افتاد."),
    ("QOM-GB12", "6", 4, 11, 64_000, 0, 12, "عایق‌کاری چهل ساختمان مسکونی انجام شد."),
    ("QOM-GB04", "6", 6, 18, 120_000, 0, 0, "تیم نصب نیروگاه‌های پشت‌بامی تشکیل شد."),
)


def _outcomes(businesses: dict[str, Business], officer: User) -> None:
    """The funded businesses' outcome reports at six and twelve months, entered by the labour
    office's analyst from the businesses' forms."""
    from rasad.greenjobs.actions import OutcomeValues, do_report_outcome

    for code, milestone, created, kept, energy, water, waste, note in OUTCOMES:
        application = Application.objects.get(business=businesses[code])
        do_report_outcome(
            application,
            OutcomeValues(
                milestone=milestone,
                jobs_created=created,
                jobs_retained=kept,
                energy_saved=energy,
                water_saved=water,
                waste_diverted=waste,
                note=note,
            ),
            acting_user=officer,
        )


def _certification(
    admin: User,
    labour: Organization,
    environment: Organization,
    officer: User,
    businesses: dict[str, Business],
    owner: User,
) -> None:
    """The greening checklist (the assessments app's starter GREEN-WS) run by the environment
    office over the registry; nine businesses answer it and ask to be certified, eight are."""
    from rasad.assessments.actions import (
        AnswerValues,
        CycleValues,
        do_launch_cycle,
        do_save_answers,
        do_save_cycle,
        do_submit_assessment,
    )
    from rasad.assessments.models import Assessment, Instrument
    from rasad.assessments.starter import ensure_loaded
    from rasad.greenjobs.actions import do_grant_certificate, do_record_site_visit, do_request_certificate

    ensure_loaded()
    instrument = Instrument.objects.get(code="GREEN-WS", version=1)
    today = local_date(timezone.now())
    cycle = do_save_cycle(
        CycleValues(
            organization=environment,
            instrument=instrument,
            name="چک‌لیست سبزسازی کسب‌وکارهای استان قم",
            opens_on=today - timedelta(days=20),
            closes_on=today + timedelta(days=70),
            scope_root=labour,
            scope_kinds=["business", "workshop"],
        ),
        acting_user=admin,
    )
    do_launch_cycle(cycle, acting_user=admin)
    plan = (
        ("QOM-GB04", 24),
        ("QOM-GB02", 1),
        ("QOM-GB06", 1),
        ("QOM-GB10", 18),
        ("QOM-GB07", 12),
        ("QOM-GB01", 12),
        ("QOM-GB12", 24),
        ("QOM-GB09", 6),
        ("QOM-GB11", None),
    )
    for code, months in plan:
        business = businesses[code]
        assessment = Assessment.objects.get(cycle=cycle, organization=business.organization)
        answers = []
        for item in instrument.items.all():
            if item.item_type == "choice":
                first = item.options[0]
                answers.append(
                    AnswerValues(
                        item, answer=str(first.get("code", first) if isinstance(first, dict) else first)
                    )
                )
            else:
                answers.append(AnswerValues(item, answer="na" if item.evidence_required else "yes"))
        do_save_answers(assessment, answers, acting_user=admin)
        assessment = do_submit_assessment(assessment, acting_user=admin)
        certificate = do_request_certificate(
            business,
            office=environment,
            assessment=assessment,
            acting_user=owner if code == "QOM-GB01" else admin,
        )
        if months is None:
            continue
        certificate = do_record_site_visit(
            certificate,
            visited_on=today,
            findings="پسماند در مبدأ تفکیک می‌شود، روشنایی کم‌مصرف است و پساب به شبکهٔ مجاز می‌رود.",
            acting_user=officer,
        )
        do_grant_certificate(certificate, valid_months=months, acting_user=officer)
