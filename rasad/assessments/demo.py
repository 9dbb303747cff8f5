"""Demo assessments on top of the core demo world (``rasad.core.demo``), after the seed scenarios:

* last year's passive-defence cycle over the same companies, all final and closed (the
  compliance page's trend across cycles);
* the civil defence organization's passive-defence compliance cycle over the five mining
  companies of IMIDRO, with the guideline handed to it: three companies self-assessed, were
  reviewed by the civil defence assessor and made final (with the non-compliant sections and the
  cases they opened), one awaits review and one is still answering;
* the Industrial Management Institute's energy management award cycle over the mines and plants,
  each reviewed by two of the institute's assessors who differ on a few items and agree in
  consensus, made final, ranked, and closed with its results published.

Everything goes through the actions, as people would do it through the pages. Idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from rasad.assessments.actions import (
    AnswerValues,
    CycleValues,
    FeedbackValues,
    InstrumentValues,
    do_add_evidence,
    do_agree_consensus,
    do_assign_assessor,
    do_close_cycle,
    do_finalize_assessment,
    do_launch_cycle,
    do_name_audit,
    do_save_answers,
    do_save_audit_scores,
    do_save_cycle,
    do_save_feedback,
    do_save_review_scores,
    do_submit_assessment,
    do_submit_review,
    do_update_instrument,
)
from rasad.assessments.indicator_answers import Figure, figures
from rasad.assessments.models import Assessment, Cycle, Instrument, Item, Section
from rasad.core.models import Organization, Role, User

PASSIVE_DEFENCE = "ارزیابی انطباق با دستورالعمل ایمنی و پدافند غیرعامل — شرکت‌های معدنی ۱۴۰۴"
PASSIVE_DEFENCE_BEFORE = "ارزیابی انطباق با دستورالعمل ایمنی و پدافند غیرعامل — شرکت‌های معدنی ۱۴۰۳"
ENERGY_AWARD = "دوره ششم جایزه ملی مدیریت انرژی — معادن و کارخانه‌ها"

# (username, name, organization, title, role)
ASSESSORS = (
    ("pdo.assessor", "کیوان صدری", "PDO", "ارزیاب پدافند غیرعامل زیرساخت‌ها", "analyst"),
    ("imi.coordinator", "شهرام دلاوری", "IMI", "دبیر جایزه ملی مدیریت انرژی", "coordinator"),
    ("imi.assessor1", "پروین عطایی", "IMI", "ارزیاب ارشد جایزه ملی مدیریت انرژی", "analyst"),
    ("imi.assessor2", "بابک نادری", "IMI", "ارزیاب جایزه ملی مدیریت انرژی", "analyst"),
)
# The assessors' names in Latin letters, as on their passports: what English pages call them by
# (as the core demo's ``LATIN_NAMES``).
LATIN_NAMES: dict[str, str] = {
    "pdo.assessor": "Keyvan Sadri",
    "imi.coordinator": "Shahram Delavari",
    "imi.assessor1": "Parvin Ataei",
    "imi.assessor2": "Babak Naderi",
}

# The passive-defence answers of each company: every item "yes" except those listed.
PD_EXCEPTIONS: dict[str, dict[str, Any]] = {
    "IMIDRO-M1": {"A1.3": "partial", "B2.2": "no", "D2.1": "1"},
    "IMIDRO-M2": {"C1.2": "no", "C2.2": "partial", "A2.2": "na"},
    "IMIDRO-M3": {"A1.2": "partial", "B1.2": 24, "D1.2": "no", "D2.3": "partial"},
    "IMIDRO-M4": {"B1.3": "partial", "C1.1": "partial"},
    "IMIDRO-M5": {},
}
PD_USERS = {
    "IMIDRO-M1": "copper.analyst",
    "IMIDRO-M2": "yazd-iron.analyst",
    "IMIDRO-M3": "sirjan-iron.analyst",
    "IMIDRO-M4": "coal.analyst",
    "IMIDRO-M5": "zinc.analyst",
}
PD_FINAL = ("IMIDRO-M1", "IMIDRO-M2", "IMIDRO-M3")
# The year before: every company went through, each with more left to do (the trend shows it).
PD_BEFORE: dict[str, dict[str, Any]] = {
    "IMIDRO-M1": {"A1.3": "no", "B2.2": "no", "C1.2": "partial", "D2.1": "1", "D1.2": "no"},
    "IMIDRO-M2": {"C1.2": "no", "C2.2": "no", "B1.3": "partial", "A2.2": "na"},
    "IMIDRO-M3": {"A1.2": "no", "B1.2": 12, "D1.2": "no", "D2.3": "no", "C2.1": "partial"},
    "IMIDRO-M4": {"B1.3": "no", "C1.1": "no", "A1.1": "partial", "D2.2": "partial"},
    "IMIDRO-M5": {"A2.1": "partial", "C2.2": "partial"},
}

# Energy award answers per site: (energy intensity GJ/t, improvement %, RADAR level for the
# management system, RADAR level for the environment); the second assessor is 10 points stricter
# on the environment of the two sites listed.
EMA_SITES: dict[str, tuple[float, float, int, int]] = {
    "IMIDRO-M1-S1": (0.22, 6.5, 70, 60),
    "IMIDRO-M1-S2": (0.31, 3.0, 55, 50),
    "IMIDRO-M2-S1": (0.16, 8.0, 75, 65),
    "IMIDRO-M2-S2": (0.27, 1.5, 50, 45),
    "IMIDRO-M3-S1": (0.14, 9.5, 80, 70),
    "IMIDRO-M5-S2": (0.35, 4.0, 60, 40),
}
EMA_STRICTER = ("IMIDRO-M1-S1", "IMIDRO-M5-S2")
EMA_REPORTERS = {
    "IMIDRO-M1-S1": "sarcheshmeh.reporter",
    "IMIDRO-M1-S2": "miduk.reporter",
    "IMIDRO-M2-S1": "chadormalu.reporter",
    "IMIDRO-M2-S2": "choghart.reporter",
    "IMIDRO-M3-S1": "golgohar.reporter",
    "IMIDRO-M5-S2": "zinc-smelter.reporter",
}


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    """Load the demo cycles (the core demo's organizations must exist)."""
    if not Organization.objects.filter(code="PDO").exists():
        if stdout is not None:
            stdout.write("assessments: the core demo is missing; nothing loaded\n")
        return {"cycles": 0, "assessments": 0, "final": 0}
    if not Cycle.objects.filter(name=PASSIVE_DEFENCE).exists():
        with transaction.atomic():
            _people()
            _passive_defence_before()
            _passive_defence()
            _energy_award()
            _risks()
    summary = {
        "cycles": Cycle.objects.count(),
        "assessments": Assessment.objects.count(),
        "final": Assessment.objects.filter(status="final").count(),
    }
    if stdout is not None:
        stdout.write(
            f"assessments: {summary['cycles']} cycles, {summary['assessments']} assessments "
            f"({summary['final']} final)\n"
        )
    return summary


def _user(username: str) -> User:
    user: User = User.objects.get(username=username)
    return user


def _org(code: str) -> Organization:
    organization: Organization = Organization.objects.get(code=code)
    return organization


def _people() -> None:
    from rasad.core.actions.people import do_create_user, do_grant_role
    from rasad.core.demo import DEMO_PASSWORD

    for username, name, organization, title, role in ASSESSORS:
        if User.objects.filter(username=username).exists():
            continue
        user = do_create_user(
            username,
            acting_user=None,
            password=DEMO_PASSWORD,
            display_name=name,
            latin_name=LATIN_NAMES[username],
            organization=_org(organization),
            title=title,
            validate=False,
        )
        do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=_org(organization))


def _hand_over(code: str, owner: str) -> Instrument:
    """The platform's starter instrument goes to the body that publishes it."""
    instrument = Instrument.objects.get(code=code, version=1)
    if instrument.owner_id is None:
        written = do_update_instrument(
            instrument,
            InstrumentValues(
                code=instrument.code,
                name=instrument.name,
                kind=instrument.kind,
                total_points=instrument.total_points,
                owner=_org(owner),
                name_en=instrument.name_en,
                description=instrument.description,
            ),
            acting_user=_user("admin"),
        )
        instrument = written.instrument
    return instrument


def _pdf(name: str) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n% Rasad demo evidence\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _evidence_file(item: Item) -> SimpleUploadedFile:
    """The file a site sends for ``item``, named as a person names it: by what it is («نقشه حریم و
    آخرین گزارش گشت.pdf», the evidence the item expects), not by the item's code («A1.1.pdf»)."""
    title = (item.required_evidence or item.text).strip().rstrip(".")[:80]
    return _pdf(f"{title}.pdf")


def _answers(items: Sequence[Item], exceptions: dict[str, Any]) -> list[AnswerValues]:
    values = []
    for item in items:
        given = exceptions.get(item.code)
        if item.item_type == "file":
            continue
        if item.item_type == "number":
            values.append(AnswerValues(item, "", float(given if given is not None else 72)))
        elif item.item_type == "choice":
            values.append(AnswerValues(item, str(given or "2")))
        else:
            values.append(AnswerValues(item, str(given or "yes")))
    return values


def _evidence(assessment: Assessment, items: Sequence[Item], user: User, answers: dict[str, str]) -> None:
    for item in items:
        if item.item_type == "file" or (item.evidence_required and answers.get(item.code) != "na"):
            do_add_evidence(assessment, _evidence_file(item), acting_user=user, item=item)


def _review_of(items: Sequence[Item], self_answers: Sequence[AnswerValues]) -> list[AnswerValues]:
    review = list(self_answers)
    review.extend(AnswerValues(item, "yes") for item in items if item.item_type == "file")
    return review


def _feedback(items: Sequence[Item], exceptions: dict[str, Any]) -> list[FeedbackValues]:
    """The assessor's feedback: a strength for each fully met criterion, an area for improvement
    naming each item not fully met."""
    by_criterion: dict[int, list[Item]] = {}
    for item in items:
        by_criterion.setdefault(item.criterion_id, []).append(item)
    entries = []
    for members in by_criterion.values():
        criterion = members[0].criterion
        short = [item for item in members if item.code in exceptions and exceptions[item.code] != "na"]
        if short:
            # Written as an assessor writes in Persian: each item by its Persian label («الف-۱-۳»).
            text = "؛ ".join(f"{item.label}: {item.text}" for item in short)
            entries.append(FeedbackValues(criterion, "", f"این موارد کامل رعایت نشده است — {text}"))
        else:
            entries.append(
                FeedbackValues(criterion, "همه الزامات این معیار با مستندات کافی رعایت شده است.", "")
            )
    return entries


def _passive_defence() -> None:
    instrument = _hand_over("PD-INFRA", "PDO")
    coordinator = _user("pdo.coordinator")
    today = timezone.localdate()
    cycle = do_save_cycle(
        CycleValues(
            organization=_org("PDO"),
            instrument=instrument,
            name=PASSIVE_DEFENCE,
            description=(
                "اجرای دستورالعمل ایمنی زیرساخت‌ها در شرکت‌های تابعه ایمیدرو؛ "
                "هر بخش دارای عدم انطباق یک پرونده چالش برای شرکت باز می‌کند."
            ),
            opens_on=today - timedelta(days=20),
            closes_on=today + timedelta(days=25),
            review_closes_on=today + timedelta(days=45),
            scope_root=_org("IMIDRO"),
            scope_kinds=["company"],
            opens_cases=True,
        ),
        acting_user=coordinator,
    )
    do_launch_cycle(cycle, acting_user=coordinator)
    items = list(
        Item.objects.filter(instrument=instrument).order_by(
            "criterion__section__order", "criterion__order", "order"
        )
    )
    assessor = _user("pdo.assessor")
    for code, exceptions in PD_EXCEPTIONS.items():
        assessment = Assessment.objects.get(cycle=cycle, organization__code=code)
        user = _user(PD_USERS[code])
        answers = _answers(items, exceptions)
        if code == "IMIDRO-M5":
            do_save_answers(assessment, answers[:8], acting_user=user)
            continue
        do_save_answers(assessment, answers, acting_user=user)
        _evidence(assessment, items, user, {k: str(v) for k, v in exceptions.items()})
        do_submit_assessment(assessment, acting_user=user)
        if code not in PD_FINAL:
            continue
        review = do_assign_assessor(assessment, assessor, _org("PDO"), acting_user=coordinator)
        do_save_review_scores(review, _review_of(items, answers), acting_user=assessor)
        do_submit_review(review, acting_user=assessor)
        do_agree_consensus(assessment, [], acting_user=assessor)
        do_save_feedback(assessment, _feedback(items, exceptions), acting_user=assessor)
        do_finalize_assessment(assessment, acting_user=coordinator)


def _passive_defence_before() -> None:
    """Last year's cycle of the same guideline over the same companies, run and closed within
    its own window (the actions take the day they act on), with no cases opened: compliance's
    trend across cycles compares it with this year's."""
    instrument = _hand_over("PD-INFRA", "PDO")
    coordinator = _user("pdo.coordinator")
    opens = timezone.localdate() - timedelta(days=400)
    cycle = do_save_cycle(
        CycleValues(
            organization=_org("PDO"),
            instrument=instrument,
            name=PASSIVE_DEFENCE_BEFORE,
            description="دور پیشین ارزیابی انطباق شرکت‌های تابعه ایمیدرو با دستورالعمل ایمنی زیرساخت‌ها.",
            opens_on=opens,
            closes_on=opens + timedelta(days=45),
            review_closes_on=opens + timedelta(days=70),
            scope_root=_org("IMIDRO"),
            scope_kinds=["company"],
            opens_cases=False,
        ),
        acting_user=coordinator,
    )
    during = opens + timedelta(days=10)
    do_launch_cycle(cycle, acting_user=coordinator, now=during)
    items = list(
        Item.objects.filter(instrument=instrument).order_by(
            "criterion__section__order", "criterion__order", "order"
        )
    )
    assessor = _user("pdo.assessor")
    for code, exceptions in PD_BEFORE.items():
        assessment = Assessment.objects.get(cycle=cycle, organization__code=code)
        user = _user(PD_USERS[code])
        answers = _answers(items, exceptions)
        do_save_answers(assessment, answers, acting_user=user, now=during)
        for item in items:
            if item.item_type == "file" or (item.evidence_required and exceptions.get(item.code) != "na"):
                do_add_evidence(assessment, _evidence_file(item), acting_user=user, item=item, now=during)
        do_submit_assessment(assessment, acting_user=user, now=during)
        review = do_assign_assessor(assessment, assessor, _org("PDO"), acting_user=coordinator)
        # The review, like the rest of this past cycle, happens within its windows.
        do_save_review_scores(review, _review_of(items, answers), acting_user=assessor, now=during)
        do_submit_review(review, acting_user=assessor, now=during)
        do_agree_consensus(assessment, [], acting_user=assessor, now=during)
        do_save_feedback(assessment, _feedback(items, exceptions), acting_user=assessor)
        do_finalize_assessment(assessment, acting_user=coordinator, now=during)
    do_close_cycle(cycle, acting_user=coordinator)


def _ema_answers(
    items: Sequence[Item],
    site: tuple[float, float, int, int],
    *,
    stricter: bool,
    found: dict[int, Figure] | None = None,
) -> list[AnswerValues]:
    """A site's answers; the energy intensity item takes the site's approved figure when the
    indicator demo has approved the cycle's year (``found``), else the listed value."""
    intensity, improvement, system, environment = site
    values = []
    for item in items:
        section = item.criterion.section.code
        figure = (found or {}).get(item.pk)
        if figure is not None and figure.offered is not None:
            values.append(AnswerValues(item, "", figure.offered))
        elif item.item_type == "number":
            values.append(AnswerValues(item, "", intensity if item.code == "T1.1" else improvement))
        elif item.item_type == "radar":
            level = environment - (10 if stricter else 0) if section == "E" else system
            values.append(AnswerValues(item, "", float(max(0, min(100, level)))))
        else:
            values.append(AnswerValues(item, "yes" if system >= 55 or item.code != "S2.3" else "no"))
    return values


def _energy_award() -> None:
    instrument = _hand_over("EMA", "IMI")
    coordinator = _user("imi.coordinator")
    today = timezone.localdate()
    cycle = do_save_cycle(
        CycleValues(
            organization=_org("IMI"),
            instrument=instrument,
            name=ENERGY_AWARD,
            description=(
                "ارزیابی معادن و کارخانه‌های ایمیدرو با معیارهای جایزه ملی مدیریت انرژی؛ "
                "دو ارزیاب برای هر واحد."
            ),
            opens_on=today - timedelta(days=40),
            closes_on=today + timedelta(days=5),
            review_closes_on=today + timedelta(days=20),
            year=1403,
            scope_root=_org("IMIDRO"),
            scope_kinds=["site"],
            required_assessors=2,
            minimum_peers=3,
        ),
        acting_user=coordinator,
    )
    # The environment agency audits the environmental criteria (section E) of every site.
    do_name_audit(
        cycle, _org("DOE"), [Section.objects.get(instrument=instrument, code="E")], acting_user=coordinator
    )
    do_launch_cycle(cycle, acting_user=coordinator)
    items = list(
        Item.objects.filter(instrument=instrument)
        .select_related("criterion__section")
        .order_by("criterion__section__order", "criterion__order", "order")
    )
    first, second = _user("imi.assessor1"), _user("imi.assessor2")
    for code, site in EMA_SITES.items():
        assessment = Assessment.objects.get(cycle=cycle, organization__code=code)
        reporter = _user(EMA_REPORTERS[code])
        found = figures(assessment, items)
        answers = _ema_answers(items, site, stricter=False, found=found)
        do_save_answers(assessment, answers, acting_user=reporter)
        _evidence(assessment, items, reporter, {})
        do_submit_assessment(assessment, acting_user=reporter)
        reviews = [
            do_assign_assessor(assessment, person, _org("IMI"), acting_user=coordinator)
            for person in (first, second)
        ]
        do_save_review_scores(reviews[0], answers, acting_user=first)
        do_submit_review(reviews[0], acting_user=first)
        stricter = _ema_answers(items, site, stricter=code in EMA_STRICTER, found=found)
        do_save_review_scores(reviews[1], stricter, acting_user=second)
        do_submit_review(reviews[1], acting_user=second)
        agreed = [
            AnswerValues(
                a.item,
                a.answer,
                (a.value + b.value) / 2 // 5 * 5 if a.value is not None and b.value is not None else a.value,
            )
            for a, b in zip(answers, stricter, strict=True)
            if (a.answer, a.value) != (b.answer, b.value)
        ]
        do_agree_consensus(assessment, agreed, acting_user=first)
        # The agency finds the environment five points weaker than the assessors did.
        environment = [
            AnswerValues(a.item, a.answer, max(0.0, a.value - 5) if a.value is not None else a.value)
            for a in answers
            if a.item.criterion.section.code == "E"
        ]
        do_save_audit_scores(assessment, environment, acting_user=_user("doe.analyst"), submit=True)
        do_finalize_assessment(assessment, acting_user=coordinator)
    do_close_cycle(cycle, acting_user=coordinator)


def _risks() -> None:
    """The risk register: the civil defence body proposes a risk from the energy-resilience
    section Sirjan iron falls short in and from the crisis-management section of the copper
    company; their analysts rate them after treatment and plan actions. The coal company files
    a risk of its own (a tunnel collapse at Tabas), rated and treated; the copper company's
    review has come due today."""
    from rasad.assessments.actions.risks import (
        RatingValues,
        do_add_risk_action,
        do_propose_risk,
        do_rate_risk,
    )
    from rasad.assessments.models import Finding
    from rasad.cases.actions import CaseValues, do_open_case
    from rasad.cases.models import Category

    coordinator = _user("pdo.coordinator")
    today = timezone.localdate()
    defence = Cycle.objects.get(name=PASSIVE_DEFENCE)
    sirjan = _user("sirjan-iron.analyst")
    finding = Finding.objects.get(
        assessment__cycle=defence, assessment__organization__code="IMIDRO-M3", section__code="B"
    )
    risk = do_propose_risk(finding, acting_user=coordinator)
    do_add_risk_action(
        risk,
        "نصب دیزل‌ژنراتور پشتیبان برای ایستگاه پمپاژ",
        _org("IMIDRO-M3"),
        today + timedelta(days=45),
        acting_user=sirjan,
    )
    do_rate_risk(
        risk,
        RatingValues(
            2, 3, today + timedelta(days=60), "با ژنراتور پشتیبان، قطع برق سراسری کمتر از یک ساعت اثر دارد."
        ),
        acting_user=sirjan,
    )
    copper = _user("copper.analyst")
    finding = Finding.objects.get(
        assessment__cycle=defence, assessment__organization__code="IMIDRO-M1", section__code="D"
    )
    risk = do_propose_risk(finding, acting_user=coordinator)
    do_rate_risk(risk, RatingValues(3, 3, today, "مانور بحران در برنامه سال آینده است."), acting_user=copper)

    coal = _user("coal.analyst")
    category = Category.objects.filter(code="infrastructure").first() or Category.objects.get(code="other")
    tunnel = do_open_case(
        CaseValues(
            kind="risk",
            category=category,
            title="ریزش تونل اصلی معدن زغال‌سنگ طبس",
            description="نگهداری تونل در بخش شرقی پس از زمین‌لرزه اخیر نیاز به بازبینی دارد.",
            reporter_organization=_org("IMIDRO-M4"),
            likelihood=3,
            impact=5,
        ),
        acting_user=coal,
    )
    do_add_risk_action(
        tunnel,
        "پایش هفتگی همگرایی تونل با ابزار دقیق",
        _org("IMIDRO-M4"),
        today + timedelta(days=14),
        acting_user=coal,
    )
    do_add_risk_action(
        tunnel,
        "تقویت نگهداری بخش شرقی با قاب فولادی",
        _org("IMIDRO-M4"),
        today + timedelta(days=90),
        acting_user=coal,
    )
    do_rate_risk(tunnel, RatingValues(2, 4, today + timedelta(days=30), ""), acting_user=coal)
