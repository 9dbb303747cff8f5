"""The demo world: real Iranian public bodies, mining companies, border posts and the people
who work in them, so that a new installation shows what Rasad is for within a minute.

The organizations follow the stories in the project's seed texts: the civil (passive) defence
organization asks the mining holding IMIDRO to send its companies' energy and export challenges;
the environment agency and the Industrial Management Institute work together on environmental
training; Qom's environment, labour and vocational-training offices back green jobs together. Around
them stand two provinces that exercise the scoping rules: Isfahan (a border command centre with
posts in the eastern desert, in a joint working group with the neighbouring Yazd and Semnan
centres) and Kerman (a cyberspace council and a media headquarters coordinating the public
relations and IT officers of six executive agencies).

Everything is built through the same actions a person would use in the browser, so the demo also
leaves a complete audit trail. Company names are illustrative; no figure in the demo is real.
Every demo account shares one password (``DEMO_PASSWORD``), which is printed by ``rasad demo``
and must never be used outside a demo.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from django.db import transaction
from tqdm import tqdm

from rasad.core.actions.organizations import (
    OrganizationValues,
    do_create_organization,
    do_set_national_body,
)
from rasad.core.actions.people import do_create_user, do_create_working_group, do_grant_role
from rasad.core.choices import OrganizationKind
from rasad.core.models import Grant, Organization, Province, Role, User, WorkingGroup
from rasad.core.reference import load_reference_data
from rasad.core.roles import DEFAULT_ROLES, sync_default_roles

# Public on purpose: it is printed on the terminal and in docs/demo.md. Demo accounts are created
# without Django's password validators, so the demo never depends on how they are configured.
DEMO_PASSWORD = "rasad-demo-1404"  # noqa: S105
# `scripts/demo.sh` serves on $PORT (8000 unless set), and the summary must name that address.
DEMO_URL = "http://127.0.0.1:{port}/"


def demo_url() -> str:
    return DEMO_URL.format(port=os.environ.get("PORT") or "8000")


# What each kind of login is for, printed beside it (``rasad demo``) and in docs/demo.md.
PURPOSE_BY_ROLE = {
    "superuser": "Platform administrator: everything, including the working calendar (two-factor sign-in)",
    "administrator": "Manages the organizations, people and grants of their subtree (two-factor sign-in)",
    "coordinator": "Approves reports, routes and assigns cases, forwards dossiers in their subtree",
    "analyst": "Reviews and analyses data, works cases, sets targets in their subtree",
    "reporter": "Enters the organization's indicator values and files its cases",
    "viewer": "Reads everything in their scope, changes nothing",
}
# The logins a newcomer should try first, in this order, with what to do with each.
START_HERE = (
    ("national.coordinator", "Sees the whole country: the home queue, charts, maps, every case"),
    ("chadormalu.reporter", "A mine's reporter: the report due on the home page, data entry on a phone"),
    ("imidro.coordinator", "Approves the mines' reports from the home queue"),
    ("admin", "Administration; sets up two-factor sign-in first"),
)
SUPERUSER_USERNAME = "admin"
SUPERUSER_DISPLAY_NAME = "مدیر ارشد سامانه رصد"

# Sector tags shared by many organizations; spelled once so that filters group them correctly.
MINING = "معدن"
MINING_INDUSTRY = "صنایع معدنی"
COPPER = "مس"
IRON_ORE = "سنگ آهن"
COAL = "زغال‌سنگ"
LEAD_ZINC = "سرب و روی"
ENERGY = "انرژی"
ENVIRONMENT = "محیط زیست"
BORDER = "مرزی"
MEDIA = "رسانه"
GREEN_JOBS = "مشاغل سبز"
TRAINING = "آموزش"


class Progress(Protocol):
    """The part of a tqdm bar the loading steps use."""

    def update(self, n: float | None = 1) -> bool | None: ...


@dataclass(frozen=True)
class OrganizationSpec:
    """One demo organization. ``parent`` and ``province`` are codes; every demo organization has
    a point, checked by the action against the province polygons."""

    code: str
    name: str
    name_en: str
    kind: str
    province: str
    latitude: float
    longitude: float
    parent: str = ""
    sector_tags: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class WorkingGroupSpec:
    code: str
    name: str
    owner: str
    members: tuple[str, ...]
    include_descendants: bool = False


@dataclass(frozen=True)
class GrantSpec:
    """A role over an organization with its whole subtree, or over a working group."""

    role: str
    organization: str = ""
    working_group: str = ""

    @property
    def scope_code(self) -> str:
        return self.organization or self.working_group


@dataclass(frozen=True)
class PersonSpec:
    username: str
    display_name: str
    organization: str
    title: str
    grants: tuple[GrantSpec, ...]
    purpose: str = ""


@dataclass(frozen=True)
class DemoLogin:
    """One row of the table ``rasad demo`` prints."""

    username: str
    display_name: str
    role: str
    role_name: str
    scopes: tuple[str, ...]
    organization: str
    organization_code: str
    requires_two_factor: bool
    purpose: str = ""


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    password: str
    url: str
    organizations: int
    users: int
    working_groups: int
    grants: int
    logins: tuple[DemoLogin, ...] = field(default_factory=tuple)


def _org(
    code: str,
    name: str,
    name_en: str,
    kind: str,
    province: str,
    point: tuple[float, float],
    *,
    parent: str = "",
    tags: Iterable[str] = (),
    description: str = "",
) -> OrganizationSpec:
    return OrganizationSpec(
        code=code,
        name=name,
        name_en=name_en,
        kind=kind,
        province=province,
        latitude=point[0],
        longitude=point[1],
        parent=parent,
        sector_tags=tuple(tags),
        description=description,
    )


# Province codes, as in rasad/core/data/provinces.csv.
TEHRAN, QOM, ISFAHAN, KERMAN, YAZD, ZANJAN, SEMNAN = "23", "25", "10", "08", "21", "19", "20"

# A short alias keeps the rows of the organization table within the line length.
Kind = OrganizationKind


def _on(role: str, organization: str) -> GrantSpec:
    return GrantSpec(role, organization=organization)


def _in_group(role: str, working_group: str) -> GrantSpec:
    return GrantSpec(role, working_group=working_group)


def _person(
    username: str, name: str, organization: str, title: str, *grants: GrantSpec, purpose: str = ""
) -> PersonSpec:
    return PersonSpec(username, name, organization, title, grants, purpose)


PR_OFFICER = "مسئول روابط عمومی"
IT_OFFICER = "مسئول فناوری اطلاعات"
ENERGY_EXPERT = "کارشناس انرژی"
MINE_ENERGY_EXPERT = "کارشناس انرژی معدن"
HSE_OFFICER = "مسئول ایمنی، بهداشت و محیط زیست"
PRODUCTION_SUPERVISOR = "سرپرست تولید معدن"
POST_OPERATOR = "اپراتور پاسگاه"
COMMAND_CENTRE_HEAD = "مسئول مرکز فرماندهی و کنترل"
DEPUTY_GOVERNOR_SECURITY = "معاون سیاسی، امنیتی و اجتماعی استانداری"

KERMAN_AGENCIES = ("KER-HLT", "KER-EDU", "KER-WTR", "KER-PWR", "KER-RC", "KER-POL")

# The public relations and IT officers of Kerman's executive agencies: (username stem, PR officer,
# IT officer). Each reports for their own agency only.
_KERMAN_OFFICERS = (
    ("kerman-health", "فاطمه رضوانی", "علی محمدی"),
    ("kerman-education", "مینا کرمانی", "حمیدرضا سلطانی"),
    ("kerman-water", "رضا شهابی", "نازنین پورحسینی"),
    ("kerman-power", "سمیه اکبری", "مجید خسروی"),
    ("kerman-redcrescent", "پریسا وحیدی", "سجاد میرزایی"),
    ("kerman-police", "حمید ابراهیمی", "کاوه زمانی"),
)


# The two data tables below are laid out by hand, one record per short block, so that they read as
# tables; the formatter would put every field on a line of its own and triple their length.
# fmt: off

# Parents come before their children; the first code decides whether the demo is loaded already.
ORGANIZATIONS: tuple[OrganizationSpec, ...] = (
    # The coordinating body outside the mining subtree: dossiers will be forwarded to it.
    _org("PDO", "سازمان پدافند غیرعامل کشور", "Civil Defence Organization of Iran",
         Kind.NATIONAL_BODY, TEHRAN, (35.7219, 51.3347), tags=["پدافند غیرعامل", ENERGY],
         description="نهاد ملی هماهنگی پدافند غیرعامل؛ "
                     "چالش‌های تأمین انرژی و صادرات صنایع معدنی را پیگیری می‌کند."),
    # The state mining holding, its companies and their mines and plants.
    _org("IMIDRO", "سازمان توسعه و نوسازی معادن و صنایع معدنی ایران",
         "Iranian Mines and Mining Industries Development and Renovation Organization (IMIDRO)",
         Kind.NATIONAL_BODY, TEHRAN, (35.7575, 51.4106), tags=[MINING, MINING_INDUSTRY],
         description="شرکت مادر تخصصی دولتی در حوزه معدن و صنایع معدنی."),
    _org("IMIDRO-M1", "شرکت صنایع مس کرمان", "Kerman Copper Industries Company",
         Kind.COMPANY, KERMAN, (30.4067, 55.9939), parent="IMIDRO", tags=[MINING, COPPER]),
    _org("IMIDRO-M1-S1", "معدن مس سرچشمه", "Sarcheshmeh copper mine",
         Kind.SITE, KERMAN, (29.9433, 55.8733), parent="IMIDRO-M1", tags=[MINING, COPPER],
         description="معدن روباز مس در شهرستان رفسنجان."),
    _org("IMIDRO-M1-S2", "معدن مس میدوک", "Miduk copper mine",
         Kind.SITE, KERMAN, (30.4286, 55.1714), parent="IMIDRO-M1", tags=[MINING, COPPER],
         description="معدن مس در شهرستان شهربابک."),
    _org("IMIDRO-M2", "شرکت سنگ آهن مرکزی یزد", "Yazd Central Iron Ore Company",
         Kind.COMPANY, YAZD, (31.6035, 55.4025), parent="IMIDRO", tags=[MINING, IRON_ORE]),
    _org("IMIDRO-M2-S1", "معدن سنگ آهن چادرملو", "Chadormalu iron ore mine",
         Kind.SITE, YAZD, (32.2833, 55.5167), parent="IMIDRO-M2", tags=[MINING, IRON_ORE],
         description="معدن سنگ آهن در شهرستان اردکان."),
    _org("IMIDRO-M2-S2", "معدن سنگ آهن چغارت", "Choghart iron ore mine",
         Kind.SITE, YAZD, (31.7010, 55.4720), parent="IMIDRO-M2", tags=[MINING, IRON_ORE],
         description="معدن سنگ آهن در شهرستان بافق."),
    _org("IMIDRO-M3", "شرکت سنگ آهن سیرجان", "Sirjan Iron Ore Company",
         Kind.COMPANY, KERMAN, (29.4520, 55.6810), parent="IMIDRO", tags=[MINING, IRON_ORE]),
    _org("IMIDRO-M3-S1", "معدن سنگ آهن گل‌گهر", "Gol-e-Gohar iron ore mine",
         Kind.SITE, KERMAN, (29.0897, 55.3365), parent="IMIDRO-M3", tags=[MINING, IRON_ORE],
         description="معدن سنگ آهن در جنوب غربی سیرجان."),
    _org("IMIDRO-M4", "شرکت زغال‌سنگ کرمان", "Kerman Coal Company",
         Kind.COMPANY, KERMAN, (30.8127, 56.5639), parent="IMIDRO", tags=[MINING, COAL]),
    _org("IMIDRO-M4-S1", "معدن زغال‌سنگ هجدک", "Hojedk coal mine",
         Kind.SITE, KERMAN, (30.7667, 56.9833), parent="IMIDRO-M4", tags=[MINING, COAL]),
    _org("IMIDRO-M4-S2", "معدن زغال‌سنگ باب‌نیزو", "Babnizu coal mine",
         Kind.SITE, KERMAN, (30.3500, 56.4200), parent="IMIDRO-M4", tags=[MINING, COAL]),
    _org("IMIDRO-M5", "شرکت سرب و روی زنجان", "Zanjan Lead and Zinc Company",
         Kind.COMPANY, ZANJAN, (36.6736, 48.4787), parent="IMIDRO", tags=[MINING, LEAD_ZINC]),
    _org("IMIDRO-M5-S1", "معدن سرب و روی انگوران", "Angouran lead and zinc mine",
         Kind.SITE, ZANJAN, (36.6167, 47.4000), parent="IMIDRO-M5", tags=[MINING, LEAD_ZINC],
         description="معدن سرب و روی در شهرستان ماهنشان."),
    _org("IMIDRO-M5-S2", "مجتمع ذوب روی زنجان", "Zanjan zinc smelting plant",
         Kind.SITE, ZANJAN, (36.6550, 48.5820), parent="IMIDRO-M5",
         tags=[MINING_INDUSTRY, LEAD_ZINC, ENERGY]),
    # Environment, training and green jobs (the two memoranda of the seed texts).
    _org("DOE", "سازمان حفاظت محیط زیست", "Department of Environment",
         Kind.NATIONAL_BODY, TEHRAN, (35.7481, 51.3722), tags=[ENVIRONMENT]),
    _org("DOE-QOM", "اداره کل حفاظت محیط زیست استان قم",
         "Qom Provincial Office of the Department of Environment",
         Kind.PROVINCIAL_OFFICE, QOM, (34.6416, 50.8746), parent="DOE", tags=[ENVIRONMENT, GREEN_JOBS]),
    _org("IMI", "سازمان مدیریت صنعتی", "Industrial Management Institute",
         Kind.NATIONAL_BODY, TEHRAN, (35.7617, 51.4450), tags=[TRAINING, "جایزه ملی مدیریت انرژی"],
         description="آموزش، پژوهش و مشاوره مدیریت برای صنعت و معدن."),
    _org("QOM-LAB", "اداره کل تعاون، کار و رفاه اجتماعی استان قم",
         "Qom Provincial Office of Cooperatives, Labour and Social Welfare",
         Kind.PROVINCIAL_OFFICE, QOM, (34.6399, 50.8759), tags=["اشتغال", GREEN_JOBS]),
    _org("QOM-TVT", "اداره کل آموزش فنی و حرفه‌ای استان قم",
         "Qom Provincial Office of Technical and Vocational Training",
         Kind.PROVINCIAL_OFFICE, QOM, (34.6286, 50.8911), tags=[TRAINING, GREEN_JOBS]),
    # Isfahan: the governorate, its eastern counties, and the border command centre with its posts.
    _org("ISF-GOV", "استانداری اصفهان", "Isfahan Governorate",
         Kind.GOVERNORATE, ISFAHAN, (32.6546, 51.6680)),
    _org("ISF-NAIN", "فرمانداری نائین", "Nain County Governorate",
         Kind.GOVERNORATE, ISFAHAN, (32.8600, 53.0875), parent="ISF-GOV"),
    _org("ISF-KHUR", "فرمانداری خور و بیابانک", "Khur and Biabanak County Governorate",
         Kind.GOVERNORATE, ISFAHAN, (33.7750, 55.0850), parent="ISF-GOV"),
    _org("ISF-ARD", "فرمانداری اردستان", "Ardestan County Governorate",
         Kind.GOVERNORATE, ISFAHAN, (33.3800, 52.3694), parent="ISF-GOV"),
    _org("ISF-BCC", "مرکز فرماندهی و کنترل مرزی استان اصفهان", "Isfahan Border Command and Control Centre",
         Kind.COMMAND_CENTRE, ISFAHAN, (33.7790, 55.0780), parent="ISF-GOV", tags=[BORDER],
         description="پایش پاسگاه‌های کویر شرق استان از شهر خور."),
    _org("ISF-BP1", "پاسگاه مرزی جندق", "Jandaq border post",
         Kind.FIELD_POST, ISFAHAN, (34.0419, 54.4133), parent="ISF-BCC", tags=[BORDER]),
    _org("ISF-BP2", "پاسگاه مرزی مصر", "Mesr border post",
         Kind.FIELD_POST, ISFAHAN, (33.9850, 54.8940), parent="ISF-BCC", tags=[BORDER]),
    _org("ISF-BP3", "پاسگاه مرزی بیاضه", "Bayazeh border post",
         Kind.FIELD_POST, ISFAHAN, (33.9300, 55.0800), parent="ISF-BCC", tags=[BORDER]),
    _org("ISF-BP4", "پاسگاه مرزی چوپانان", "Chupanan border post",
         Kind.FIELD_POST, ISFAHAN, (33.5800, 54.6300), parent="ISF-BCC", tags=[BORDER]),
    _org("ISF-BP5", "پاسگاه مرزی فرخی", "Farrokhi border post",
         Kind.FIELD_POST, ISFAHAN, (33.8000, 55.2200), parent="ISF-BCC", tags=[BORDER]),
    # The neighbouring provinces' command centres, for the joint working group. (In the shipped
    # province polygons Isfahan borders Yazd and Semnan, and not South Khorasan.)
    _org("YZD-GOV", "استانداری یزد", "Yazd Governorate",
         Kind.GOVERNORATE, YAZD, (31.8974, 54.3569)),
    _org("YZD-CC", "مرکز فرماندهی و کنترل استان یزد", "Yazd Command and Control Centre",
         Kind.COMMAND_CENTRE, YAZD, (31.8870, 54.3480), parent="YZD-GOV", tags=[BORDER]),
    _org("SMN-GOV", "استانداری سمنان", "Semnan Governorate",
         Kind.GOVERNORATE, SEMNAN, (35.5769, 53.3920)),
    _org("SMN-CC", "مرکز فرماندهی و کنترل استان سمنان", "Semnan Command and Control Centre",
         Kind.COMMAND_CENTRE, SEMNAN, (35.5800, 53.4000), parent="SMN-GOV", tags=[BORDER]),
    # Kerman: the governorate, its cyberspace council with the media HQ under it (the governor's
    # «ستاد رسانه‌ای ذیل شورای فضای مجازی»), and six executive agencies.
    _org("KER-GOV", "استانداری کرمان", "Kerman Governorate",
         Kind.GOVERNORATE, KERMAN, (30.2839, 57.0834)),
    _org("KER-CSC", "شورای فضای مجازی استان کرمان", "Kerman Provincial Cyberspace Council",
         Kind.COUNCIL, KERMAN, (30.2880, 57.0700), parent="KER-GOV", tags=["فضای مجازی"]),
    _org("KER-MHQ", "ستاد رسانه‌ای استان کرمان", "Kerman Provincial Media Headquarters",
         Kind.COUNCIL, KERMAN, (30.2790, 57.0650), parent="KER-CSC", tags=[MEDIA]),
    _org("KER-HLT", "دانشگاه علوم پزشکی کرمان", "Kerman University of Medical Sciences",
         Kind.PROVINCIAL_OFFICE, KERMAN, (30.2590, 57.0560), parent="KER-GOV", tags=["سلامت"]),
    _org("KER-EDU", "اداره کل آموزش و پرورش استان کرمان", "Kerman Provincial Office of Education",
         Kind.PROVINCIAL_OFFICE, KERMAN, (30.2950, 57.0900), parent="KER-GOV", tags=[TRAINING]),
    _org("KER-WTR", "شرکت آب منطقه‌ای کرمان", "Kerman Regional Water Company",
         Kind.PROVINCIAL_OFFICE, KERMAN, (30.2700, 57.1000), parent="KER-GOV", tags=["آب"]),
    _org("KER-PWR", "شرکت توزیع نیروی برق شمال استان کرمان", "North Kerman Electricity Distribution Company",
         Kind.PROVINCIAL_OFFICE, KERMAN, (30.3000, 57.0600), parent="KER-GOV", tags=["برق", ENERGY]),
    _org("KER-RC", "جمعیت هلال احمر استان کرمان", "Kerman Provincial Red Crescent Society",
         Kind.PROVINCIAL_OFFICE, KERMAN, (30.2770, 57.0420), parent="KER-GOV", tags=["امداد و نجات"]),
    _org("KER-POL", "معاونت اجتماعی فرماندهی انتظامی استان کرمان", "Kerman Provincial Police, Social Affairs",
         Kind.PROVINCIAL_OFFICE, KERMAN, (30.2870, 57.1100), parent="KER-GOV", tags=["انتظامی"]),
)

# Organizations at the top of a tree: a grant over each of them reaches the whole country.
_ROOTS = tuple(spec.code for spec in ORGANIZATIONS if not spec.parent)

PEOPLE: tuple[PersonSpec, ...] = (
    # The national coordinator: a coordinator over every tree, so the whole country, and no
    # administrator rights, so no two-factor sign-in (the first login a newcomer should try).
    _person("national.coordinator", "پریسا شریفی", "PDO", "هماهنگ‌کنندهٔ ملی پایش",
            *(_on("coordinator", root) for root in _ROOTS),
            purpose="Coordinates the whole country: every organization, report and case"),
    # Civil defence: sees only its own organization; mining dossiers will be forwarded to it.
    _person("pdo.coordinator", "مسعود کریمی", "PDO", "مدیر هماهنگی پدافند اقتصادی",
            _on("coordinator", "PDO")),
    _person("pdo.viewer", "لیلا حسینی", "PDO", "کارشناس دفتر ریاست",
            _on("viewer", "PDO")),
    # IMIDRO and its companies and sites.
    _person("imidro.admin", "کامران نیک‌نام", "IMIDRO", "مدیر فناوری اطلاعات",
            _on("administrator", "IMIDRO")),
    _person("imidro.coordinator", "فرزانه احمدی", "IMIDRO", "مدیر دفتر برنامه‌ریزی و هماهنگی",
            _on("coordinator", "IMIDRO")),
    _person("copper.analyst", "رضا باقری", "IMIDRO-M1", ENERGY_EXPERT,
            _on("analyst", "IMIDRO-M1")),
    _person("yazd-iron.analyst", "مهسا فلاح", "IMIDRO-M2", "کارشناس انرژی و بهره‌وری",
            _on("analyst", "IMIDRO-M2")),
    _person("sirjan-iron.analyst", "امید ملک‌زاده", "IMIDRO-M3", "کارشناس صادرات",
            _on("analyst", "IMIDRO-M3")),
    _person("coal.analyst", "آرش توکلی", "IMIDRO-M4", "کارشناس ایمنی و انرژی",
            _on("analyst", "IMIDRO-M4")),
    _person("zinc.analyst", "نسرین حیدری", "IMIDRO-M5", ENERGY_EXPERT,
            _on("analyst", "IMIDRO-M5")),
    _person("sarcheshmeh.reporter", "مهران شجاعی", "IMIDRO-M1-S1", MINE_ENERGY_EXPERT,
            _on("reporter", "IMIDRO-M1-S1")),
    _person("miduk.reporter", "فرهاد عسکری", "IMIDRO-M1-S2", HSE_OFFICER,
            _on("reporter", "IMIDRO-M1-S2")),
    _person("chadormalu.reporter", "علی‌اکبر یزدانی", "IMIDRO-M2-S1", PRODUCTION_SUPERVISOR,
            _on("reporter", "IMIDRO-M2-S1")),
    _person("choghart.reporter", "جمشید میرجلیلی", "IMIDRO-M2-S2", MINE_ENERGY_EXPERT,
            _on("reporter", "IMIDRO-M2-S2")),
    _person("golgohar.reporter", "ناصر سیرجانی", "IMIDRO-M3-S1", PRODUCTION_SUPERVISOR,
            _on("reporter", "IMIDRO-M3-S1")),
    _person("hojedk.reporter", "بهمن زرندی", "IMIDRO-M4-S1", HSE_OFFICER,
            _on("reporter", "IMIDRO-M4-S1")),
    _person("babnizu.reporter", "کوروش امیری", "IMIDRO-M4-S2", PRODUCTION_SUPERVISOR,
            _on("reporter", "IMIDRO-M4-S2")),
    _person("angouran.reporter", "یوسف قربانی", "IMIDRO-M5-S1", MINE_ENERGY_EXPERT,
            _on("reporter", "IMIDRO-M5-S1")),
    _person("zinc-smelter.reporter", "طاهره بیگلری", "IMIDRO-M5-S2", "کارشناس انرژی کارخانه",
            _on("reporter", "IMIDRO-M5-S2")),
    # Environment, management training and Qom's green-jobs partners.
    _person("doe.analyst", "مریم کیانی", "DOE", "کارشناس پایش آلودگی صنایع و معادن",
            _on("analyst", "DOE")),
    _person("qom-doe.coordinator", "حسن موسوی", "DOE-QOM", "معاون محیط زیست انسانی",
            _on("coordinator", "DOE-QOM"), _in_group("coordinator", "WG-QOM-GREEN")),
    _person("imi.analyst", "سارا نوروزی", "IMI", "کارشناس جایزه ملی مدیریت انرژی",
            _on("analyst", "IMI")),
    _person("qom-labour.reporter", "محمد عباسی", "QOM-LAB", "کارشناس اشتغال و کارآفرینی",
            _on("reporter", "QOM-LAB")),
    _person("qom-tvto.reporter", "زهرا صالحی", "QOM-TVT", "کارشناس برنامه‌ریزی آموزشی",
            _on("reporter", "QOM-TVT")),
    # Isfahan and its neighbours.
    _person("isfahan.admin", "بهزاد فروغی", "ISF-GOV", "مدیر فناوری اطلاعات استانداری",
            _on("administrator", "ISF-GOV")),
    _person("isfahan.viewer", "اکبر شریفی", "ISF-GOV", DEPUTY_GOVERNOR_SECURITY,
            _on("viewer", "ISF-GOV")),
    _person("isfahan-cc.coordinator", "سعید رحیمی", "ISF-BCC", "فرمانده مرکز فرماندهی و کنترل",
            _on("coordinator", "ISF-BCC"), _in_group("coordinator", "WG-EAST-CC")),
    _person("east-cc.analyst", "نیما جعفری", "ISF-BCC", "کارشناس تحلیل کارگروه مشترک",
            _in_group("analyst", "WG-EAST-CC")),
    _person("jandaq.operator", "حسین قاسمی", "ISF-BP1", POST_OPERATOR, _on("reporter", "ISF-BP1")),
    _person("mesr.operator", "مهدی یوسفی", "ISF-BP2", POST_OPERATOR, _on("reporter", "ISF-BP2")),
    _person("bayazeh.operator", "جواد طاهری", "ISF-BP3", POST_OPERATOR, _on("reporter", "ISF-BP3")),
    _person("chupanan.operator", "امیر کاظمی", "ISF-BP4", POST_OPERATOR, _on("reporter", "ISF-BP4")),
    _person("farrokhi.operator", "یاسر نوری", "ISF-BP5", POST_OPERATOR, _on("reporter", "ISF-BP5")),
    _person("yazd-cc.coordinator", "محسن دهقان", "YZD-CC", COMMAND_CENTRE_HEAD,
            _on("coordinator", "YZD-CC")),
    _person("semnan-cc.coordinator", "وحید اسدی", "SMN-CC", COMMAND_CENTRE_HEAD,
            _on("coordinator", "SMN-CC")),
    # Kerman: cyberspace council, media HQ and the agencies' officers.
    _person("kerman.admin", "الهام صادقی", "KER-GOV", "مدیر فناوری اطلاعات استانداری",
            _on("administrator", "KER-GOV")),
    _person("kerman.viewer", "عباس ایرانمنش", "KER-GOV", DEPUTY_GOVERNOR_SECURITY,
            _on("viewer", "KER-GOV")),
    _person("kerman-csc.coordinator", "نرگس مرادی", "KER-CSC", "دبیر شورای فضای مجازی استان",
            _on("coordinator", "KER-CSC"), _in_group("coordinator", "WG-KER-PR-IT")),
    _person("kerman-media.coordinator", "پیمان فلاحی", "KER-MHQ", "دبیر ستاد رسانه‌ای استان",
            _on("coordinator", "KER-MHQ"), _in_group("viewer", "WG-KER-PR-IT")),
    _person("kerman-media.analyst", "شیما رستمی", "KER-MHQ", "کارشناس پایش رسانه",
            _on("analyst", "KER-MHQ")),
    *(
        person
        for (stem, pr_officer, it_officer), agency in zip(_KERMAN_OFFICERS, KERMAN_AGENCIES, strict=True)
        for person in (
            _person(f"{stem}.pr", pr_officer, agency, PR_OFFICER, _on("reporter", agency)),
            _person(f"{stem}.it", it_officer, agency, IT_OFFICER, _on("reporter", agency)),
        )
    ),
)

# Each demo person's name in Latin letters, as they would write it on a passport or in English
# correspondence: what English pages call them by (``rasad.lib.formatting.person_name``).
LATIN_NAMES: dict[str, str] = {
    SUPERUSER_USERNAME: "Rasad Administrator",
    "national.coordinator": "Parisa Sharifi",
    "pdo.coordinator": "Masoud Karimi",
    "pdo.viewer": "Leila Hosseini",
    "imidro.admin": "Kamran Niknam",
    "imidro.coordinator": "Farzaneh Ahmadi",
    "copper.analyst": "Reza Bagheri",
    "yazd-iron.analyst": "Mahsa Fallah",
    "sirjan-iron.analyst": "Omid Malekzadeh",
    "coal.analyst": "Arash Tavakoli",
    "zinc.analyst": "Nasrin Heydari",
    "sarcheshmeh.reporter": "Mehran Shojaei",
    "miduk.reporter": "Farhad Askari",
    "chadormalu.reporter": "Aliakbar Yazdani",
    "choghart.reporter": "Jamshid Mirjalili",
    "golgohar.reporter": "Naser Sirjani",
    "hojedk.reporter": "Bahman Zarandi",
    "babnizu.reporter": "Kourosh Amiri",
    "angouran.reporter": "Yousef Ghorbani",
    "zinc-smelter.reporter": "Tahereh Biglari",
    "doe.analyst": "Maryam Kiani",
    "qom-doe.coordinator": "Hassan Mousavi",
    "imi.analyst": "Sara Nowruzi",
    "qom-labour.reporter": "Mohammad Abbasi",
    "qom-tvto.reporter": "Zahra Salehi",
    "isfahan.admin": "Behzad Foroughi",
    "isfahan.viewer": "Akbar Sharifi",
    "isfahan-cc.coordinator": "Saeed Rahimi",
    "east-cc.analyst": "Nima Jafari",
    "jandaq.operator": "Hossein Ghasemi",
    "mesr.operator": "Mehdi Yousefi",
    "bayazeh.operator": "Javad Taheri",
    "chupanan.operator": "Amir Kazemi",
    "farrokhi.operator": "Yaser Nouri",
    "yazd-cc.coordinator": "Mohsen Dehghan",
    "semnan-cc.coordinator": "Vahid Asadi",
    "kerman.admin": "Elham Sadeghi",
    "kerman.viewer": "Abbas Iranmanesh",
    "kerman-csc.coordinator": "Narges Moradi",
    "kerman-media.coordinator": "Peyman Fallahi",
    "kerman-media.analyst": "Shima Rostami",
    "kerman-health.pr": "Fatemeh Rezvani",
    "kerman-health.it": "Ali Mohammadi",
    "kerman-education.pr": "Mina Kermani",
    "kerman-education.it": "Hamidreza Soltani",
    "kerman-water.pr": "Reza Shahabi",
    "kerman-water.it": "Nazanin Pourhosseini",
    "kerman-power.pr": "Somayeh Akbari",
    "kerman-power.it": "Majid Khosravi",
    "kerman-redcrescent.pr": "Parisa Vahidi",
    "kerman-redcrescent.it": "Sajjad Mirzaei",
    "kerman-police.pr": "Hamid Ebrahimi",
    "kerman-police.it": "Kaveh Zamani",
}

# fmt: on

WORKING_GROUPS: tuple[WorkingGroupSpec, ...] = (
    WorkingGroupSpec(
        "WG-EAST-CC",
        "کارگروه مشترک مراکز فرماندهی استان‌های اصفهان، یزد و سمنان",
        owner="ISF-BCC",
        members=("ISF-BCC", "YZD-CC", "SMN-CC"),
    ),
    WorkingGroupSpec(
        "WG-KER-PR-IT",
        "شبکه روابط عمومی و فناوری اطلاعات دستگاه‌های اجرایی استان کرمان",
        owner="KER-CSC",
        members=("KER-MHQ", *KERMAN_AGENCIES),
    ),
    WorkingGroupSpec(
        "WG-QOM-GREEN",
        "کارگروه مشاغل سبز استان قم",
        owner="DOE-QOM",
        members=("DOE-QOM", "QOM-LAB", "QOM-TVT"),
    ),
)


def _is_terminal(stream: TextIO | None) -> bool:
    return stream is not None and stream.isatty()


def _ensure_reference_data() -> None:
    """Provinces and the default roles normally exist after ``migrate``; load them if not."""
    province_codes = {spec.province for spec in ORGANIZATIONS}
    if Province.objects.filter(code__in=province_codes).count() < len(province_codes):
        load_reference_data()
    role_slugs = {definition.slug for definition in DEFAULT_ROLES}
    if Role.objects.filter(slug__in=role_slugs).count() < len(role_slugs):
        sync_default_roles()


def load_demo(*, stdout: TextIO | None = None) -> DemoSummary:
    """Create the demo organizations, working groups and people, in one transaction.

    Idempotent: when the first demo organization exists already, nothing is written and the
    summary describes the existing demo data. A progress bar is drawn on ``stdout`` when it is a
    terminal.
    """
    with transaction.atomic():
        if Organization.objects.filter(code=ORGANIZATIONS[0].code).exists():
            return summarize_demo(created=False)
        _ensure_reference_data()
        steps = 1 + len(ORGANIZATIONS) + len(WORKING_GROUPS) + len(PEOPLE)
        with tqdm(
            total=steps, desc="demo", unit="step", file=stdout, leave=False, disable=not _is_terminal(stdout)
        ) as progress:
            admin = do_create_user(
                SUPERUSER_USERNAME,
                acting_user=None,
                password=DEMO_PASSWORD,
                display_name=SUPERUSER_DISPLAY_NAME,
                latin_name=LATIN_NAMES[SUPERUSER_USERNAME],
                is_superuser=True,
                validate=False,
            )
            progress.update()
            organizations = _create_organizations(admin, progress)
            for organization in organizations.values():
                if organization.kind == OrganizationKind.NATIONAL_BODY:
                    do_set_national_body(organization, True, acting_user=admin)
            working_groups = _create_working_groups(admin, organizations, progress)
            _create_people(admin, organizations, working_groups, progress)
        return summarize_demo(created=True)


def _create_organizations(admin: User, progress: Progress) -> dict[str, Organization]:
    provinces = {province.code: province for province in Province.objects.all()}
    organizations: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        organizations[spec.code] = do_create_organization(
            OrganizationValues(
                code=spec.code,
                name=spec.name,
                name_en=spec.name_en,
                kind=spec.kind,
                parent=organizations[spec.parent] if spec.parent else None,
                province=provinces[spec.province],
                latitude=spec.latitude,
                longitude=spec.longitude,
                sector_tags=list(spec.sector_tags),
                description=spec.description,
            ),
            acting_user=admin,
        )
        progress.update()
    return organizations


def _create_working_groups(
    admin: User, organizations: dict[str, Organization], progress: Progress
) -> dict[str, WorkingGroup]:
    working_groups: dict[str, WorkingGroup] = {}
    for spec in WORKING_GROUPS:
        working_groups[spec.code] = do_create_working_group(
            spec.code,
            spec.name,
            acting_user=admin,
            owner=organizations[spec.owner],
            organizations=[organizations[code] for code in spec.members],
            include_descendants=spec.include_descendants,
        )
        progress.update()
    return working_groups


def _create_people(
    admin: User,
    organizations: dict[str, Organization],
    working_groups: dict[str, WorkingGroup],
    progress: Progress,
) -> None:
    roles = {role.slug: role for role in Role.objects.all()}
    for spec in PEOPLE:
        user = do_create_user(
            spec.username,
            acting_user=admin,
            password=DEMO_PASSWORD,
            display_name=spec.display_name,
            latin_name=LATIN_NAMES.get(spec.username, ""),
            organization=organizations[spec.organization],
            title=spec.title,
            validate=False,
        )
        for grant in spec.grants:
            do_grant_role(
                user,
                roles[grant.role],
                acting_user=admin,
                organization=organizations[grant.organization] if grant.organization else None,
                working_group=working_groups[grant.working_group] if grant.working_group else None,
            )
        progress.update()


def summarize_demo(*, created: bool) -> DemoSummary:
    """Describe the demo data present in the database (whatever of it exists)."""
    organization_codes = [spec.code for spec in ORGANIZATIONS]
    usernames = [SUPERUSER_USERNAME, *(spec.username for spec in PEOPLE)]
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    organizations = {org.code: org for org in Organization.objects.filter(code__in=organization_codes)}
    role_names = {role.slug: role.name for role in Role.objects.all()}
    logins: list[DemoLogin] = []
    admin = users.get(SUPERUSER_USERNAME)
    if admin is not None:
        logins.append(
            DemoLogin(
                username=admin.username,
                display_name=admin.display_name,
                role="superuser",
                role_name=SUPERUSER_DISPLAY_NAME,
                scopes=("*",),
                organization="",
                organization_code="",
                requires_two_factor=admin.requires_two_factor,
                purpose=PURPOSE_BY_ROLE["superuser"],
            )
        )
    for spec in PEOPLE:
        user = users.get(spec.username)
        if user is None:
            continue
        organization = organizations.get(spec.organization)
        main_role = spec.grants[0].role
        logins.append(
            DemoLogin(
                username=user.username,
                display_name=user.display_name,
                role=main_role,
                role_name=role_names.get(main_role, main_role),
                scopes=tuple(g.scope_code for g in spec.grants),
                organization=organization.name if organization else "",
                organization_code=spec.organization,
                requires_two_factor=user.requires_two_factor,
                purpose=spec.purpose or PURPOSE_BY_ROLE.get(main_role, ""),
            )
        )
    return DemoSummary(
        created=created,
        password=DEMO_PASSWORD,
        url=demo_url(),
        organizations=len(organizations),
        users=len(users),
        working_groups=WorkingGroup.objects.filter(code__in=[spec.code for spec in WORKING_GROUPS]).count(),
        grants=Grant.objects.filter(user__username__in=usernames).count(),
        logins=tuple(logins),
    )
