"""Dashboard read latency over 2 million observations, from the rollups the write path maintains.

    python -m bench.dashboard --observations 2000000

Builds a national body with one company per province and their sites (through the actions),
loads the observations with binary COPY, builds the rollup rows with one SQL statement (the same
rows the ingest path maintains incrementally), then measures over HTTP, signed in as a national
analyst: the national choropleth feed, a company's 24-month trend feed and a site's. As the limit
it compares each with answering the same question from the raw observations in SQL.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import itertools
import random
import re
import time
import urllib.parse
import urllib.request
from typing import Any

from django.db import connection, transaction

from bench.common import INDICATORS, copy_observations, describe, months_back, percentile, server
from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Organization, Province, Role, User
from rasad.indicators.actions import do_save_assignment
from rasad.indicators.models import Indicator, Observation, Rollup

PASSWORD = "bench-dashboard-password"  # noqa: S105 - a throwaway benchmark database


def build_tree(site_count: int) -> tuple[Organization, list[Organization], list[Organization]]:
    root_user = User.objects.filter(username="bench-root").first() or do_create_user(
        "bench-root", acting_user=None, password=None, is_superuser=True
    )
    root = Organization.objects.filter(code="BENCHD").first()
    if root is not None:
        companies = list(Organization.objects.filter(parent=root).order_by("pk"))
        sites = list(Organization.objects.filter(parent__in=companies).order_by("pk"))
        return root, companies, sites
    root = do_create_organization(
        OrganizationValues(code="BENCHD", name="نهاد ملی محک", kind="national_body"), acting_user=root_user
    )
    companies, sites = [], []
    provinces = list(Province.objects.order_by("code"))
    for province in provinces:
        companies.append(
            do_create_organization(
                OrganizationValues(
                    code=f"BD-{province.code}",
                    name=f"شرکت {province.name_fa}",
                    kind="company",
                    parent=root,
                    province=province,
                ),
                acting_user=root_user,
            )
        )
    for index in range(site_count):
        company = companies[index % len(companies)]
        sites.append(
            do_create_organization(
                OrganizationValues(
                    code=f"BD-S{index:05d}",
                    name=f"سایت {index}",
                    kind="site",
                    parent=company,
                    province=company.province,
                ),
                acting_user=root_user,
            )
        )
    for indicator in Indicator.objects.filter(code__in=INDICATORS):
        do_save_assignment(root, indicator, include_descendants=True, acting_user=root_user)
    analyst = do_create_user("bench-analyst", acting_user=None, password=PASSWORD, validate=False)
    do_grant_role(analyst, Role.objects.get(slug="analyst"), acting_user=None, organization=root)
    return root, companies, sites


def load_observations(sites: list[Organization], count: int) -> int:
    indicators = list(Indicator.objects.filter(code__in=INDICATORS).values_list("pk", flat=True))
    months = months_back(-(-count // (len(sites) * len(indicators))))
    generator = random.Random(7)
    every = ((site.pk, indicator, period) for period in months for site in sites for indicator in indicators)
    wanted = itertools.islice(every, count)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Observation._meta.db_table}, {Rollup._meta.db_table} CASCADE")
    started = time.perf_counter()
    count = copy_observations(
        (site, indicator, period, round(generator.uniform(50, 5000), 3)) for site, indicator, period in wanted
    )
    print(f"  loaded {count:,} observations by binary COPY in {time.perf_counter() - started:.1f} s")
    return count


def build_rollups() -> None:
    """The rollup rows the ingest path would have written: every observation counted at its own
    organization and at each ancestor, under the province of the reporting organization."""
    rollup, observation = Rollup._meta.db_table, Observation._meta.db_table
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {rollup} (indicator_id, organization_id, province, period_key, year, total,
                    value_count, approved_total, approved_count)
                SELECT o.indicator_id, a.id, COALESCE(p.code, ''), o.period_key, o.year,
                       SUM(o.value), COUNT(*), SUM(o.value), COUNT(*)
                FROM {observation} o
                JOIN core_organization leaf ON leaf.id = o.organization_id
                JOIN core_organization a ON leaf.path LIKE a.path || '%%'
                LEFT JOIN core_province p ON p.id = leaf.province_id
                GROUP BY o.indicator_id, a.id, COALESCE(p.code, ''), o.period_key, o.year"""
        )
        cursor.execute(f"SELECT COUNT(*) FROM {rollup}")
        (rows,) = cursor.fetchone()
        cursor.execute(f"ANALYZE {rollup}; ANALYZE {observation}")
    print(f"  built {rows:,} rollup rows in {time.perf_counter() - started:.1f} s")


def signed_in_opener(url: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    body = urllib.parse.urlencode(
        {"username": "bench-analyst", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(f"{url}/login/", data=body, headers={"Referer": f"{url}/login/"})  # noqa: S310
    opener.open(request)
    return opener


def timed(opener: urllib.request.OpenerDirector, url: str, requests: int) -> list[float]:
    for _ in range(10):
        opener.open(url).read()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = opener.open(url)
        response.read()
        samples.append(time.perf_counter() - started)
        assert response.status == 200
    return samples


def raw_query(sql: str, params: list[Any], repeats: int = 5) -> list[float]:
    samples = []
    with connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=2_000_000)
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(f"dashboard: {args.observations:,} observations over {args.sites} sites")
    _root, companies, sites = build_tree(args.sites)
    load_observations(sites, args.observations)
    build_rollups()
    year = months_back(1)[0].year - 1
    electricity = Indicator.objects.get(code="ELEC_CONS").pk
    company, site = companies[9], sites[0]
    series = "series.json?indicator=ELEC_CONS&months=24"
    feeds = {
        "national choropleth (ENERGY_TOTAL, one year)": (
            f"/indicators/choropleth.json?indicator=ENERGY_TOTAL&year={year}"
        ),
        "company trend (24 months)": f"/indicators/organizations/{company.pk}/{series}",
        "site trend (24 months)": f"/indicators/organizations/{site.pk}/{series}",
    }
    observation = Observation._meta.db_table
    raw: dict[str, tuple[str, list[Any]]] = {
        "national choropleth (ENERGY_TOTAL, one year)": (
            f"SELECT p.code, o.indicator_id, SUM(o.value) FROM {observation} o "
            "JOIN core_organization leaf ON leaf.id = o.organization_id "
            "LEFT JOIN core_province p ON p.id = leaf.province_id WHERE o.year = %s GROUP BY 1, 2",
            [year],
        ),
        "company trend (24 months)": (
            f"SELECT o.period_key, SUM(o.value) FROM {observation} o "
            "JOIN core_organization leaf ON leaf.id = o.organization_id "
            "WHERE leaf.path LIKE %s AND o.indicator_id = %s AND o.period_key = ANY(%s) GROUP BY 1",
            [company.path + "%", electricity, [p.key for p in months_back(24)]],
        ),
        "site trend (24 months)": (
            f"SELECT o.period_key, SUM(o.value) FROM {observation} o "
            "WHERE o.organization_id = %s AND o.indicator_id = %s AND o.period_key = ANY(%s) GROUP BY 1",
            [site.pk, electricity, [p.key for p in months_back(24)]],
        ),
    }
    with server() as url:
        opener = signed_in_opener(url)
        for name, path in feeds.items():
            samples = timed(opener, url + path, args.requests)
            raw_samples = raw_query(*raw[name])
            p95 = percentile(samples, 0.95)
            print(f"  {name}")
            print(
                f"    HTTP, from rollups:      {describe(samples)}   (goal p95 ≤ 50 ms: "
                f"{'met' if p95 <= 0.050 else 'NOT met'})"
            )
            print(
                f"    SQL on raw observations: {describe(raw_samples)}  "
                f"(rollup feed p50 is {percentile(raw_samples, 0.5) / percentile(samples, 0.5):.1f}× faster "
                "end to end than the raw query alone)"
            )


if __name__ == "__main__":
    main()
