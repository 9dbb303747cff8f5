"""Organizations, people, places and directives on short sentences, against the demo tree."""

from datetime import date

import pytest

from rasad.intake.extraction import OrganizationEntry, extract
from rasad.intake.gazetteers import demo_gazetteer, demo_organizations, gazetteer_of
from rasad.lib.persian import normalize_text


@pytest.fixture(scope="module")
def gazetteer():
    return demo_gazetteer()


def run(text, gazetteer, document_date=None):
    return extract(normalize_text(text), gazetteer, document_date=document_date)


def organizations(result):
    return [(p.data["code"], p.data["name"]) for p in result.of("organization")]


def test_tree_name_without_its_national_suffix(gazetteer):
    result = run("رئیس سازمان پدافند غیر عامل گفت", gazetteer)
    assert organizations(result) == [("PDO", "سازمان پدافند غیرعامل کشور")]


def test_alias_and_latin_acronym(gazetteer):
    result = run("ایمیدرو و IMIDRO یک سازمان‌اند", gazetteer)
    assert organizations(result) == [("IMIDRO", "سازمان توسعه و نوسازی معادن و صنایع معدنی ایران")]
    assert len(result.of("organization")[0].spans) == 2


def test_abbreviation_defined_in_the_text_names_a_new_body():
    tree = gazetteer_of([])
    result = run("شرکت ملی گاز ایران (شملگا) اعلام کرد. شملگا باید گزارش دهد.", tree)
    (proposal,) = result.of("organization")
    assert proposal.data["is_new"] is True
    assert proposal.data["name"] == "شرکت ملی گاز ایران"
    assert len(proposal.spans) == 3


def test_a_new_body_stops_before_a_light_verb(gazetteer):
    result = run("طرح به شرکت مخابرات استان اصفهان ارسال شد", gazetteer)
    assert organizations(result) == [("", "شرکت مخابرات استان اصفهان")]


@pytest.mark.parametrize(
    "text",
    [
        "این سازمان باید گزارش دهد",
        "شرکت‌های دانش‌بنیان حضور داشتند",
        "به گزارش خبرگزاری تسنیم جلسه برگزار شد",
        "سازمان مربوطه پیگیری کند",
        "۱۲ پاسگاه مرزی وجود دارد",
    ],
)
def test_vague_or_plural_heads_are_not_organizations(gazetteer, text):
    assert organizations(run(text, gazetteer)) == []


def test_coordinated_offices_of_a_province(gazetteer):
    result = run(
        "ادارات کل حفاظت محیط زیست، تعاون، کار و رفاه اجتماعی و آموزش فنی و حرفه‌ای استان قم "
        "تفاهم‌نامه امضا کردند",
        gazetteer,
    )
    assert sorted(code for code, _name in organizations(result)) == ["DOE-QOM", "QOM-LAB", "QOM-TVT"]


def test_missing_province_is_taken_from_the_document(gazetteer):
    result = run("در استان کرمان، اداره کل آموزش و پرورش استان برنامه را ارائه کرد", gazetteer)
    assert ("KER-EDU", "اداره کل آموزش و پرورش استان کرمان") in organizations(result)


def test_person_with_honorific_and_free_standing_title(gazetteer):
    result = run(
        "رئیس سازمان پدافند غیرعامل گفت: باید آموزش داده شود.\nسردار غلامرضا جلالی در این نشست حضور داشت.",
        gazetteer,
    )
    (person,) = result.of("person")
    assert person.data["name"] == "غلامرضا جلالی"
    assert person.data["honorific"] == "سردار"
    assert person.data["title"] == "رئیس سازمان پدافند غیرعامل"
    assert person.data["organization_code"] == "PDO"


def test_title_implies_the_office(gazetteer):
    result = run("احمد عطارنیا مدیرکل آموزش فنی و حرفه‌ای استان قم گفت", gazetteer)
    (person,) = result.of("person")
    assert person.data["title"] == "مدیرکل آموزش فنی و حرفه‌ای استان قم"
    assert person.data["organization_code"] == "QOM-TVT"


def test_governor_implies_the_governorate(gazetteer):
    result = run("مهدی جمالی‌نژاد استاندار اصفهان گفت", gazetteer)
    (person,) = result.of("person")
    assert (person.data["title"], person.data["organization_code"]) == ("استاندار اصفهان", "ISF-GOV")


def test_speaker_by_surname_alone(gazetteer):
    result = run("کیادلیری با اشاره به جایگاه سازمان مدیریت صنعتی افزود: همکاری ادامه دارد.", gazetteer)
    assert [p.data["name"] for p in result.of("person")] == ["کیادلیری"]


def test_surname_mentions_join_the_person(gazetteer):
    result = run("سردار غلامرضا جلالی گفت: این مهم است. جلالی ادامه داد: ما آماده‌ایم.", gazetteer)
    (person,) = result.of("person")
    assert len(person.spans) == 2


def places(result):
    return [(p.data["kind"], p.data["name"]) for p in result.of("place")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("نشست در استان قم برگزار شد", [("province", "قم")]),
        ("در شهر قم", [("city", "قم")]),
        ("بیمارستان‌های شهرستان بم", [("county", "بم")]),
        ("در رفسنجان و سیرجان", [("city", "رفسنجان"), ("city", "سیرجان")]),
        ("شهرستان خور و بیابانک", [("county", "خور و بیابانک")]),
        ("در میانه راه", []),  # «میانه» is a city, and a word
        ("خلیج فارس", []),
        ("در شهر میانه", [("city", "میانه")]),
        ("در شهرهای اردبیل، تبریز و زنجان", [("city", "اردبیل"), ("city", "تبریز"), ("city", "زنجان")]),
        ("استان‌های قم و یزد", [("province", "قم"), ("province", "یزد")]),
    ],
)
def test_places(gazetteer, text, expected):
    assert places(run(text, gazetteer)) == expected


def test_places_carry_coordinates(gazetteer):
    (place,) = run("در شهر رفسنجان", gazetteer).of("place")
    assert place.data["latitude"] == pytest.approx(30.4, abs=0.1)
    assert place.data["longitude"] == pytest.approx(56.0, abs=0.1)


def directives(result):
    return [
        (p.rule, p.data["organization_code"] or p.data["actor_text"], p.data["deadline"])
        for p in result.of("directive")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ایمیدرو چالش‌ها را به سازمان پدافند غیرعامل ارسال کند", [("directive.subjunctive", "IMIDRO", "")]),
        (
            "شرکت توانیر موظف است ظرف سه ماه سامانه را راه‌اندازی کند.",
            [("directive.obliged", "شرکت توانیر", "2025-11-12")],
        ),
        ("صنایع باید به استقلال در تامین برق دست یابند.", [("directive.must", "صنایع", "")]),
        ("نصب دوربین در مناطق مرزی ضروری است.", [("directive.necessary", "", "")]),
        (
            "مقرر شد شرکت مخابرات استان اصفهان تا پایان ماه جاری طرح را ارائه کند.",
            [("directive.decision", "شرکت مخابرات استان اصفهان", "2025-08-22")],
        ),
        ("استاندار از فرمانداری نائین خواست گزارش را ارسال کند.", [("directive.request", "ISF-NAIN", "")]),
        ("وی پیشنهاد داد رزمایش مشترک برگزار شود.", [("directive.proposal", "", "")]),
        ("از شرکت توانیر خواسته شد گزارش را ارسال کند.", [("directive.request", "شرکت توانیر", "")]),
        ("بر لزوم تکمیل طرح تأکید کرد.", [("directive.necessary", "", "")]),
        ("وی گفت: همکاری دو سازمان ادامه دارد.", []),
        ("امیدواریم گام‌های مثبتی برداشته شود.", []),
        ("دانشگاه یزد می‌تواند در بومی‌سازی فناوری کمک کند.", []),
    ],
)
def test_directives(gazetteer, text, expected):
    assert directives(run(text, gazetteer, date(2025, 8, 12))) == expected


def test_imperative_goes_to_the_meeting_counterpart(gazetteer):
    result = run(
        "رئیس سازمان پدافند غیرعامل در نشستی با رئیس هیات عامل ایمیدرو تاکید کرد: "
        "مشکلات را جمع‌بندی و ارسال کنید.",
        gazetteer,
    )
    assert directives(result) == [("directive.emphasis", "IMIDRO", "")]


def test_minutes_resolutions_with_owner_and_deadline(gazetteer):
    text = (
        "صورتجلسه\nمصوبات:\n"
        "۱- گزارش هفتگی ارسال شود. مسئول پیگیری: مرکز فرماندهی و کنترل مرزی استان اصفهان؛ مهلت: ۱۴۰۴/۰۷/۱۵\n"
        "۲- جلسه بعدی هفته آینده برگزار می‌شود.\n"
    )
    assert directives(run(text, gazetteer)) == [("directive.minutes_item", "ISF-BCC", "2025-10-07")]


def test_repeated_headline_is_one_proposal_with_two_spans(gazetteer):
    text = "ایمیدرو چالش‌ها را ارسال کند\n\nایمیدرو چالش‌ها را ارسال کند\n"
    (proposal,) = run(text, gazetteer).of("directive")
    assert len(proposal.spans) == 2


def test_spans_point_at_the_words(gazetteer):
    text = normalize_text("رئیس سازمان پدافند غیرعامل گفت")
    (organization,) = extract(text, gazetteer).of("organization")
    start, end = organization.spans[0]
    assert text[start:end] == "سازمان پدافند غیرعامل"


def test_aliases_learnt_from_corrections_are_used():
    entries = [
        OrganizationEntry(**{**e.__dict__, "aliases": (*e.aliases, "پدافند کشوری")}) if e.code == "PDO" else e
        for e in demo_organizations()
    ]
    result = run("پدافند کشوری اعلام کرد", gazetteer_of(entries))
    assert organizations(result) == [("PDO", "سازمان پدافند غیرعامل کشور")]


def test_well_known_bodies_are_read_whole_and_proposed_as_new(gazetteer):
    result = run("وزارت صنعت، معدن و تجارت و نیروی انتظامی گزارش دادند", gazetteer)
    assert organizations(result) == [
        ("", "وزارت صنعت، معدن و تجارت"),
        ("", "فرماندهی انتظامی جمهوری اسلامی ایران"),
    ]
    assert {p.rule for p in result.of("organization")} == {"organization.known_body"}


def test_the_news_agency_quoted_is_not_a_party(gazetteer):
    assert organizations(run("به گزارش خبرگزاری صدا و سیما، جلسه برگزار شد", gazetteer)) == []


def test_a_title_naming_a_minister_implies_the_ministry(gazetteer):
    (person,) = run("علی اکبر پورجمشیدیان معاون وزیر کشور گفت", gazetteer).of("person")
    assert (person.data["title"], person.data["organization_name"]) == ("معاون وزیر کشور", "وزارت کشور")


def test_a_name_not_in_the_lexicon_before_a_title(gazetteer):
    (person,) = run("کامبیز مشیری مدیرعامل شرکت آب منطقه‌ای یزد گزارش داد.", gazetteer).of("person")
    assert (person.data["name"], person.rule) == ("کامبیز مشیری", "person.before_title")


def test_stacked_ranks(gazetteer):
    (person,) = run("سرتیپ دوم پاسدار حسین رحمانی فرمانده مرزبانی استان گفت", gazetteer).of("person")
    assert (person.data["name"], person.data["honorific"]) == ("حسین رحمانی", "سرتیپ دوم پاسدار")


def test_a_two_word_province_ends_the_name_and_another_province_is_not_matched(gazetteer):
    result = run("نشست ستاد رسانه‌ای استان خراسان رضوی برگزار شد. ستاد رسانه‌ای گزارش داد.", gazetteer)
    (proposal,) = result.of("organization")
    assert (proposal.data["code"], proposal.data["name"]) == ("", "ستاد رسانه‌ای استان خراسان رضوی")
    assert len(proposal.spans) == 2
