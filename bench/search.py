"""Search over 100,000 organizations and 100,000 cases on PostgreSQL, through the same filter the
pages and the API use (``ScopedQuerySet.search``: every query word, in each spelling variant,
must occur in the stored search key), with and without the trigram indexes.

    python -m bench.search --organizations 100000 --cases 100000

Rows are written in bulk (their search keys computed by ``rasad.lib.persian.search_key``, as
the actions compute them), because creating 200,000 rows one action at a time would measure the
actions, not search. The queries are what people type: a word, two words, a compound joined
where the text has a space, a hamza spelling the text does not use, a number with separators,
a case reference. Each is timed as the case list asks it (scoped to a national analyst, newest
first, first page of 50) and as the page's count. The limit, measured in the same run, is the
same query with index scans turned off (a sequential scan of the key column).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from bench import common
from rasad.cases.models import Case, Category
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Organization, Role, User
from rasad.lib.persian import search_key

# Words of Iranian administrative text, several in more than one accepted spelling, so that the
# generated names and titles carry the variants real text has.
_WORD_TEXT = (
    "مسئله مسأله مساله هیئت هیأت هیات مسئول مسؤول رئیس رییس سؤال سوال آموزش اموزش قرآن تأمین تامین "
    "محیط‌زیست محیط_زیست راه‌اندازی راه_اندازی بهره‌وری بهره_وری کسب‌وکار کسب_و_کار دانش‌بنیان "
    "شرکت اداره کل استان معدن سنگ آهن مس سرب روی زغال‌سنگ پالایشگاه نیروگاه برق گاز آب فاضلاب "
    "پسماند انرژی مصرف کاهش افزایش گزارش پایش نظارت ارزیابی برنامه طرح پروژه قرارداد تفاهم‌نامه "
    "آیین‌نامه دستورالعمل کمیته کارگروه شورا جلسه مصوبه پیگیری تأخیر قطعی خاموشی کمبود سوخت "
    "ژنراتور تجهیزات نگهداری تعمیرات ایمنی حادثه آتش‌سوزی آلودگی هوا پساب مرز پاسگاه فرمانداری "
    "استانداری شهرستان بخش روستا صادرات واردات ارز تخصیص بودجه اعتبار پرداخت مطالبات بیمه "
    "کارکنان آموزشی دوره کارگاه مهارت سبز اشتغال تسهیلات وام مشوق صنعت معدنی فرآوری تولید "
    "کیفیت استاندارد ایزو پدافند غیرعامل سایبری امنیت شبکه سامانه نرم‌افزار داده"
)
WORDS = tuple(_WORD_TEXT.split())
COMPOUND_SPACE = "_"
NUMBERS = ("۳۲۹٬۳۶۹", "1,250", "۴۷٫۵", "1403", "۱۲۰۰", "۵۰۰٬۰۰۰")

QUERIES = (
    ("one word", "پالایشگاه"),
    ("two words", "قطعی برق"),
    ("compound joined, text spaced", "محیطزیست"),
    ("compound with ZWNJ", "راه‌اندازی"),
    ("hamza seat the text lacks", "مسأله"),
    ("bare spelling of a seat", "هیات"),
    ("آ written ا", "اموزش"),
    ("number without separators", "329369"),
    ("rare word", "ژنراتور"),
    ("three words", "کمبود سوخت ژنراتور"),
)


ANALYST = "bench-search-analyst"


def _word(rng: random.Random) -> str:
    return rng.choice(WORDS).replace(COMPOUND_SPACE, " ")


def _text(rng: random.Random, words: int) -> str:
    parts = [_word(rng) for _ in range(words)]
    if rng.random() < 0.15:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(NUMBERS))
    return " ".join(parts)


def load(organization_count: int, case_count: int, seed: int = 1404) -> User:
    """Sites under one holding and cases reported by them, written in bulk (their search keys
    computed by ``search_key``, exactly as the actions compute them)."""
    rng = random.Random(seed)
    national = common.build_fixture(1).holding
    first_pk = (Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    organizations = []
    for offset in range(max(0, organization_count - Organization.objects.count())):
        pk = first_pk + offset
        name, code = _text(rng, rng.randint(2, 5)), f"S-{pk:07d}"
        organizations.append(
            Organization(
                pk=pk,
                code=code,
                name=name,
                kind="site",
                parent=national,
                path=f"{national.path}{pk:08d}/",
                depth=national.depth + 1,
                search_text=search_key(f"{name} {code}"),
            )
        )
    Organization.objects.bulk_create(organizations, batch_size=5000)
    site_ids = list(Organization.objects.filter(parent=national).values_list("pk", flat=True))
    category = Category.objects.get(code="other")
    now = datetime.now(UTC)
    first_case = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    cases = []
    for offset in range(max(0, case_count - Case.objects.count())):
        pk = first_case + offset
        title, description = _text(rng, rng.randint(3, 8)), _text(rng, rng.randint(10, 30))
        reference = f"CH-{pk:06d}"
        site = rng.choice(site_ids)
        opened = now - timedelta(minutes=rng.randrange(60 * 24 * 700))
        cases.append(
            Case(
                pk=pk,
                reference=reference,
                kind="challenge",
                category=category,
                title=title,
                description=description,
                reporter_organization_id=site,
                owner_organization_id=site,
                opened_at=opened,
                sla_started_at=opened,
                search_text=search_key(" ".join([reference, title, description])),
            )
        )
    Case.objects.bulk_create(cases, batch_size=5000)
    with connection.cursor() as cursor:
        for table in ("core_organization", "cases_case"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}")
            cursor.execute(f"ANALYZE {table}")
    # A name of its own: bench/dashboard.py's "bench-analyst" looks at another tree, and with it
    # every search of a whole `bench/run.sh` found nothing (seen 2026-12-03).
    analyst: User | None = User.objects.filter(username=ANALYST).first()
    if analyst is None:
        analyst = do_create_user(ANALYST, acting_user=None, password=None, organization=national)
        do_grant_role(analyst, Role.objects.get(slug="analyst"), acting_user=None, organization=national)
    return analyst


def _time(run: Callable[[], object], repeats: int) -> list[float]:
    run()  # warm the cache and the plan
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _p95(values: list[float]) -> float:
    return common.percentile(values, 0.95)


def _first_page(queryset: QuerySet[Any]) -> list[Any]:
    return list(queryset[:50])


def _set_index_scans(enabled: bool) -> None:
    value = "on" if enabled else "off"
    with connection.cursor() as cursor:
        for setting in ("enable_bitmapscan", "enable_indexscan"):
            cursor.execute(f"SET {setting} = {value}")


def measure(analyst: User, repeats: int) -> dict[str, dict[str, list[float]]]:
    results: dict[str, dict[str, list[float]]] = {}
    for indexed in (True, False):
        _set_index_scans(indexed)
        label = "trigram index" if indexed else "sequential scan (limit)"
        series: dict[str, list[float]] = {"organizations page": [], "cases page": [], "cases count": []}
        for _name, query in QUERIES:
            organizations = Organization.objects.visible_to(analyst).search(query).order_by("path")
            cases = Case.objects.visible_to(analyst).search(query).order_by("-opened_at")
            series["organizations page"] += _time(partial(_first_page, organizations), repeats)
            series["cases page"] += _time(partial(_first_page, cases), repeats)
            series["cases count"] += _time(cases.count, repeats)
        results[label] = series
    _set_index_scans(True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The search benchmark needs PostgreSQL (DATABASE_URL).")
    started = time.perf_counter()
    analyst = load(args.organizations, args.cases)
    print(
        f"loaded {Organization.objects.count():,} organizations and {Case.objects.count():,} cases "
        f"in {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}"
    )
    found = 0
    for _name, query in QUERIES:
        hits = Case.objects.visible_to(analyst).search(query).count()
        found += hits
        print(f"  {query!r}: {hits:,} cases")
    if not found:
        raise SystemExit("No query found a case: the analyst's scope does not reach the loaded cases.")
    results = measure(analyst, args.repeats)
    print(f"\n{len(QUERIES)} queries × {args.repeats} repeats each; milliseconds")
    print(f"{'':28} {'p50':>8} {'p95':>8}")
    for label, series in results.items():
        print(label)
        for name, values in series.items():
            print(f"  {name:26} {common.percentile(values, 0.5):8.1f} {_p95(values):8.1f}")
    indexed, scanned = results["trigram index"], results["sequential scan (limit)"]
    for name in indexed:
        ratio = _p95(indexed[name]) / _p95(scanned[name])
        print(f"p95 {name}: index / sequential scan = {ratio:.2f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
