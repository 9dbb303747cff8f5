"""Browser journeys: a person's path through the UI at desktop and phone widths, with every page
it lands on checked the same way (a pytest plugin, ``-p rasad.testing.journey``).

    def test_reporter_enters_values(journey, cast):
        j = journey("phone")                      # 390 px wide; "narrow" is 360, "desktop" 1280
        j.sign_in("ali")
        j.go("/indicators/report/")               # checks the page
        j.page.select_option(...)                 # Playwright as usual
        j.click("[data-testid=report-open]")      # clicks, waits, checks the new page

Every check of :func:`check_page` runs on each page a journey shows, in Persian:

* **Latin digits and English words** in visible text (text nodes, placeholders, button values,
  select options), except codes in the reader's digits (``ISF-CC``, ``CH-۰۰۰۰۱۲``,
  ``IMIDRO-M۱``, ``ELEC_CONS``, ``field_post``, a checklist's outline code ``E۱.۳``: written by
  ``rasad.lib.formatting.code``; ``CH-000012`` is caught), one word a person typed quoted back in
  «», a file by the name it was sent with, standards (``ISO 50006``, ``ISIC Rev.4``), e-mail
  addresses and URLs,
  and text inside elements marked ``translate="no"`` (usernames, formulas, tokens; the HTML way
  to say "this is not to be translated"), ``code``, ``kbd`` or ``samp``, plus the map's
  attribution; the values of number inputs too (a form shows its numbers in Persian digits);
* **horizontal overflow**: the page is never wider than the window (wide tables scroll inside
  their own box), measured against the layout viewport (a phone browser widens the window
  itself to a wider page, so the window's own width never showed it);
* **unstyled controls**: every visible input, select and textarea has a Bootstrap class;
* **small tap targets** at phone widths: buttons, form controls and navigation links at least
  44 px high (WCAG 2.5.5; ``rasad.css`` sizes them so on a touch screen);
* **a date with the time «۰۰:۰۰»** (a deadline that is a date reads as that date), **a file
  format by its extension** ("XLSX" for «اکسل»), and **a path of the source tree** (``docs/…``);
* **a choice of dashes** ("---------", Django's empty choice) in a visible list;
* **the same button twice**: two visible buttons or button-links with the same words and the same
  target (a sub-navigation's action repeated by the page);
* **Gregorian dates** in Persian text (a Gregorian month by its Persian name, a year 19xx/20xx),
  except one shown on purpose beside its Jalali form (``data-calendar="gregorian"``),
  and **arrows pointing right** ("→") in right-to-left text, which point back at where it began;
* **a middle dot** («·») between the facts of a line: beside Persian digits it reads as a zero
  (the separator is «، », ``{% sep %}``, ``rasad.lib.formatting.separator``);
* **file fields in the browser's own words** ("Choose File"): each is dressed by web/rasad.js;
* **empty lists that say only "—"**: an empty list says in words that nothing is there yet;
* **requests outside the server**: any request a page makes to another origin fails the test.

A screenshot of every checked page goes to ``var/test-artifacts/journeys/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from rasad.testing.browser import ARTIFACTS

WIDTHS = {"desktop": (1280, 860), "phone": (390, 844), "narrow": (360, 740), "wide-phone": (414, 896)}
# Names that stay Latin in Persian text: products and protocols a person must recognise as
# written (an authenticator app's name, the API's header, ISO 50006's indicators), file formats.
LATIN_TERMS = (
    "Google Authenticator",
    "FreeOTP",
    "Authorization: Bearer",
    "Bearer",
    "Excel",
    "SEnPI",
    "EnPI",
    "iCalendar",  # the calendar file format, as calendar programs name it
    "ISIC Rev.4",  # the classifications green jobs are coded in, as published
    "ISCO-08",
    "PM10",  # particulate matter, as air-quality standards and Persian reports write it
    "PM2.5",
)
# Codes (ISF-CC, CH-۰۰۰۰۱۲, GJ/t is not one: units are shown by their Persian names), e-mail
# addresses and URLs may be written in Latin. A code's digits are the reader's
# (``rasad.lib.formatting.code``): «IMIDRO-M۱», «GHG_SCOPE۱», «E۱.۳»; the same code in Latin
# digits is Latin text.
ALLOWED = re.compile(
    "|".join(re.escape(term) for term in LATIN_TERMS) + "|"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|https?://\S+"  # URL
    r"|[\w.-]+\.(?:pdf|xlsx|csv|docx|jpg|jpeg|png|zip)\b"  # a file by the name it was sent with
    r"|\b[A-Z][A-Z۰-۹]*(?:[-/_][A-Z۰-۹]+)+"  # a code with a separator: ISF-CC, ISF-BP۵, ELEC_CONS
    r"|\bISO \d+(?::\d{4})?"  # a standard by its number: ISO 50006
    r"|\b[A-Z]{2,}[۰-۹]*(?![A-Za-z0-9])"  # an acronym or a code without hyphen: NAT, IMIDRO, API, ISO
    r"|\b[A-Z][۰-۹]+(?:\.[۰-۹]+)*(?![A-Za-z0-9])"  # a checklist's outline code: A۱, E۱.۳
    r"|\.[a-z0-9]{2,5}\b"  # a file extension: .xlsx, .csv
    r"|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # a choice's code a file must contain: field_post
    r"|«[^\s«»]+»"  # one word a person typed, quoted back in an error: «spaceship»
)
LATIN_DIGIT = re.compile(r"[0-9]")
# A Gregorian date written in Persian: a month of the Gregorian calendar by its Persian name, or a
# date whose year is 19xx or 20xx («۲۰۲۶/۱۲/۰۴»); Persian views show Jalali dates (13xx, 14xx).
GREGORIAN_DATE = re.compile(
    r"(?<![\w\u200c])(?:ژانویه|فوریه|آوریل|ژوئن|ژوئیه|سپتامبر|اکتبر|نوامبر|دسامبر)(?![\w\u200c])"
    r"|(?<![۰-۹])[۱۲][۹۰][۰-۹]{2}[/-][۰-۹]{1,2}[/-][۰-۹]{1,2}"
)
# An arrow that points right in right-to-left text points back at where the line began ("from →
# to" read backwards); Unicode does not mirror arrows. Templates use .flow-arrow (rasad.css).
RIGHTWARD_ARROW = re.compile("[→⇒⟶➔]")
# «نسخه ۳ · ۱۴۰۵» reads «نسخه ۳۰ ۱۴۰۵»: a middle dot is the shape of the Persian zero. Facts of
# one line are separated by «، » (rasad.lib.formatting.separator, ``{% sep %}`` in templates).
MIDDLE_DOT = re.compile("[·•∙⋅]")
# A deadline set as a date reads as that date; «۰۰:۰۰» after it reads as the start of the day
# (rasad.lib.formatting.deadline_text).
MIDNIGHT = re.compile(r"(?<![۰-۹0-9:])[۰0]{2}:[۰0]{2}(?![:۰-۹0-9])")
# Files by the names people know them by («اکسل», CSV, PDF), not by an extension in capitals.
FILE_EXTENSION_NAME = re.compile(r"\b(?:XLSX|XLS|DOCX|ODS|ICS)\b")
# A path in the source tree means nothing to a person using the installation.
SOURCE_PATH = re.compile(r"(?<![\w/])docs/[\w./-]+")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")

# A full-page screenshot of every checked page costs more than the checks themselves (the
# whole-site check takes about twice as long with them): by default only a page with a problem is
# photographed. RASAD_SCREENSHOTS=1 photographs every page, to look at what was built.
EVERY_SCREENSHOT = os.environ.get("RASAD_SCREENSHOTS", "") == "1"

_CHECKS = (Path(__file__).with_name("journey.js")).read_text(encoding="utf-8")
_VISIBLE_TEXT_JS = f"() => {_CHECKS}.visibleText()"
_NOT_GREGORIAN_TEXT_JS = f"() => {_CHECKS}.visibleText('[data-calendar=\"gregorian\"]')"
_LAYOUT_JS = f"(phone) => {_CHECKS}.layoutProblems(phone)"


def foreign_text(texts: list[str]) -> list[str]:
    """The pieces of visible text that are Latin digits or English words outside the allow-list."""
    found = []
    for text in texts:
        rest = ALLOWED.sub(" ", text)
        for pattern in (LATIN_DIGIT, ENGLISH_WORD):
            match = pattern.search(rest)
            if match:
                found.append(text.strip()[:80])
                break
    return found


def check_page(page: Any, *, persian: bool = True, phone: bool = False) -> list[str]:
    """Every problem :mod:`rasad.testing.journey` looks for on the page now shown."""
    problems = list(page.evaluate(_LAYOUT_JS, phone))
    # The page's visible text is read once; each pattern below is a problem wherever it appears.
    texts = page.evaluate(_VISIBLE_TEXT_JS)
    patterns = [(SOURCE_PATH, "a path of the source tree")]
    if persian:
        problems += [f"Latin text: «{text}»" for text in foreign_text(texts)]
        problems += [
            f"a Gregorian date: «{text.strip()[:80]}»"
            for text in page.evaluate(_NOT_GREGORIAN_TEXT_JS)
            if GREGORIAN_DATE.search(text)
        ]
        patterns = [
            (RIGHTWARD_ARROW, "an arrow pointing right in right-to-left text"),
            (MIDDLE_DOT, "a middle dot, which reads as a zero beside Persian digits"),
            (MIDNIGHT, "a date with the time «۰۰:۰۰» (a deadline that is a date)"),
            (FILE_EXTENSION_NAME, "a file format by its extension"),
            *patterns,
        ]
    for pattern, what in patterns:
        problems += [
            f"{what}: «{text.strip()[:80]}»"
            for text in texts
            if pattern.search(text) and not (pattern is MIDNIGHT and a_moment_of_the_last_midnight(text))
        ]
    return problems


def a_moment_of_the_last_midnight(text: str, now: datetime | None = None) -> bool:
    """Whether every «۰۰:۰۰» of ``text`` follows today's date while the clock in Tehran is in the
    day's first two hours. The demo's moments are relative to the clock (the command view replays
    the hour before it was built, minute by minute), so just after midnight one of them is
    rightly «<today> ۰۰:۰۰», which this check cannot tell from a date shown as a moment."""
    from rasad.lib import display, formatting
    from rasad.lib.jalali import TEHRAN

    now = (now or datetime.now(TEHRAN)).astimezone(TEHRAN)
    if now.hour >= 2:
        return False
    today = formatting.date_text(now.date(), prefs=display.DisplayPreferences())
    return all(text[: found.start()].rstrip().endswith(today) for found in MIDNIGHT.finditer(text))


@dataclass
class Journey:
    """One person's path through the UI in one browser window."""

    page: Any
    base_url: str
    width: str
    name: str
    persian: bool = True
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    strict: bool = True

    @property
    def is_phone(self) -> bool:
        return self.width != "desktop"

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def check(self, label: str = "") -> list[str]:
        """Check the page now shown; fail at once (``strict``) or collect the problems."""
        self.page.wait_for_load_state("load")
        path = self.page.url.removeprefix(self.base_url) or "/"
        found = check_page(self.page, persian=self.persian, phone=self.is_phone)
        if found or EVERY_SCREENSHOT:
            shot = ARTIFACTS / "journeys" / f"{self.name}-{self.width}-{len(self.checked):02d}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(shot), full_page=True)
        self.checked.append(path)
        problems = [f"{path} ({self.width}{', ' + label if label else ''}): {problem}" for problem in found]
        self.problems += problems
        if self.strict and problems:
            raise AssertionError("\n".join(problems))
        return problems

    def go(self, path: str, *, check: bool = True, status: int | None = None) -> Any:
        """Open a page and check it; it must answer 2xx (or ``status``, e.g. 400 for a page
        that shows a form's errors)."""
        response = self.page.goto(self.url(path))
        assert response is not None, path
        if status is None:
            assert response.status < 400, f"{path}: HTTP {response.status}"
        else:
            assert response.status == status, f"{path}: HTTP {response.status}, not {status}"
        if check:
            self.check()
        return response

    def sign_in(self, username: str, password: str = "") -> None:
        # The plugin loads before Django is set up, so the cast is imported only when used.
        from rasad.testing.cast import PASSWORD

        self.page.goto(self.url("/login/"))
        self.check("sign-in")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password or PASSWORD)
        self.page.click("[data-testid=login-submit]")
        self.page.wait_for_load_state("load")
        if "/account/two-factor/" in self.page.url:
            self.set_up_two_factor()
            return
        self.check()

    def set_up_two_factor(self) -> None:
        """After an administrator's first sign-in: the set-up page, then a code from the secret
        it shows, as an authenticator app would make it."""
        import base64

        from django_otp.oath import TOTP

        self.page.wait_for_url("**/account/two-factor/")
        self.check("two-factor set-up")
        secret = self.page.locator("[data-testid=two-factor-secret]").inner_text().strip()
        self.page.fill("input[name=token]", f"{TOTP(base64.b32decode(secret)).token():06d}")
        self.submit()

    def click(self, selector: str, *, check: bool = True) -> None:
        """Click something that loads a page (or swaps part of it) and check the result."""
        self.page.click(selector)
        self.page.wait_for_load_state("load")
        if check:
            self.check()

    def submit(self, selector: str = "main button[type=submit]", *, check: bool = True) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)
        if check:
            self.check()

    def export(self, selector: str) -> Any:
        """Export as a person does: the export link, "Prepare the file", the background worker
        (run here, in the test), then Download on the file's page. Every page is checked;
        returns the download."""
        from rasad.jobs.testing import run_queued

        self.click(selector)
        self.submit("[data-testid=export-start]")
        run_queued()
        self.page.reload()
        self.check("file ready")
        with self.page.expect_download() as download:
            self.page.click("[data-testid=export-download]")
        return download.value


@pytest.fixture
def journey(browser: Any, live_server: Any, request: Any) -> Iterator[Callable[..., Journey]]:
    """A factory of journeys: ``journey("phone")``, ``journey("desktop", persian=False)``."""
    contexts: list[Any] = []
    foreign: list[str] = []

    def start(width: str = "desktop", *, persian: bool = True, strict: bool = True) -> Journey:
        viewport_width, height = WIDTHS[width]
        context = browser.new_context(
            viewport={"width": viewport_width, "height": height},
            locale="fa-IR",
            is_mobile=width != "desktop",
            has_touch=width != "desktop",
        )
        contexts.append(context)
        page = context.new_page()
        page.on(
            "request",
            lambda r: (
                None if r.url.startswith((live_server.url, "data:", "blob:")) else foreign.append(r.url)
            ),
        )
        name = re.sub(r"\W+", "-", request.node.name).strip("-")[:60] + f"-{len(contexts)}"
        return Journey(page, live_server.url, width, name, persian=persian, strict=strict)

    yield start
    for context in contexts:
        context.close()
    assert foreign == [], f"pages made requests outside the server: {foreign}"
