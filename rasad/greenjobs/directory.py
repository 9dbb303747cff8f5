"""The public directory of certified green businesses (docs/greenjobs.md, "The public
directory"): which businesses it lists, the filters it takes, what it says about each, and the
counts by province and sector beside its map.

It lists a business while its green certificate is valid today (``certified_until`` is today or
later, written only by ``do_grant_certificate``) and its organization is not closed. It says only
what the certificate itself makes public: the business's name and kind, its province and county,
its sector, size band, knowledge-based status, green occupations, the certificate's number and
last valid day, and its place on the map rounded to two decimals of a degree (about a
kilometre), so a workshop run from a home is not shown at its door. Never the people, the
number employed, applications, amounts or the organization tree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import django_filters
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.core.choices import OrganizationKind
from rasad.core.filtersets import FilterSet
from rasad.core.models import Province
from rasad.greenjobs import sectors
from rasad.greenjobs.choices import CertificateStatus
from rasad.greenjobs.models import Business, Certificate, Occupation
from rasad.lib.jalali import local_date

# Places on the public map are rounded to this many decimals of a degree (about 1.1 km).
POINT_DECIMALS = 2
KINDS = [
    (OrganizationKind.BUSINESS.value, OrganizationKind.BUSINESS.label),
    (OrganizationKind.WORKSHOP.value, OrganizationKind.WORKSHOP.label),
]


def today() -> date:
    return local_date(timezone.now())


def certified_businesses(on: date | None = None) -> QuerySet[Business]:
    """The businesses whose green certificate is valid on ``on`` (today), each with the number
    of its certificate valid that day (the one that runs longest) as ``certificate_number``."""
    day = on or today()
    number = (
        Certificate.objects.filter(
            business=OuterRef("pk"), status=CertificateStatus.GRANTED, valid_until__gte=day
        )
        .order_by("-valid_until", "-pk")
        .values("number")[:1]
    )
    listed: QuerySet[Business] = (
        Business.objects.filter(certified_until__gte=day)
        .filter(Q(organization__closed_on__isnull=True) | Q(organization__closed_on__gt=day))
        .annotate(certificate_number=Subquery(number))
        .select_related("organization__province", "organization__county")
        .prefetch_related("occupations")
        .order_by("organization__province__code", "organization__name", "pk")
    )
    return listed


class DirectoryFilterSet(FilterSet):
    """The directory's filters, the same on the page, its map feeds, the export and the API. An
    unknown province, sector or occupation is refused (400, naming the filter), never ignored."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(),
        to_field_name="code",
        field_name="organization__province",
        label=_("Province (code)"),
    )
    sector = django_filters.ChoiceFilter(
        choices=sectors.choices, method="filter_sector", label=_("Sector (ISIC Rev.4 section)")
    )
    occupation = django_filters.ModelChoiceFilter(
        queryset=Occupation.objects.all(),
        to_field_name="code",
        field_name="occupations",
        label=_("Green occupation (code)"),
        distinct=True,
    )
    kind = django_filters.ChoiceFilter(choices=KINDS, field_name="organization__kind", label=_("Kind"))
    knowledge_based = django_filters.BooleanFilter(field_name="knowledge_based", label=_("Knowledge-based"))

    class Meta:
        model = Business
        fields = ["q", "province", "sector", "occupation", "kind", "knowledge_based"]

    def filter_sector(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        match = Q()
        for prefix in sectors.division_prefixes(value):
            match |= Q(sector_code__startswith=prefix)
        return queryset.filter(match)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, POINT_DECIMALS)


@dataclass(frozen=True)
class Tally:
    """How many listed businesses fall in each province and each sector, most first."""

    provinces: list[tuple[str, str, int]]  # code, name, count
    sectors: list[tuple[str, str, int]]  # letter, name, count

    @property
    def total(self) -> int:
        return sum(count for _code, _name, count in self.provinces)


def tally(businesses: QuerySet[Business], *, persian: bool = True) -> Tally:
    """Counts by province and by sector over the listed (filtered) businesses: two queries."""
    name = "organization__province__name_fa" if persian else "organization__province__name_en"
    businesses = businesses.prefetch_related(None)
    by_province = (
        businesses.order_by()
        .values_list("organization__province__code", name)
        .annotate(n=Count("pk", distinct=True))
    )
    provinces = sorted(
        ((code or "", label or "—", n) for code, label, n in by_province), key=lambda row: (-row[2], row[1])
    )
    letters: Counter[str] = Counter()
    for code, n in businesses.order_by().values_list("sector_code").annotate(n=Count("pk", distinct=True)):
        section = sectors.section_of(code)
        letters[section.letter if section else ""] += n
    rows = [
        (letter, str(sectors.BY_LETTER[letter].name) if letter else "—", n) for letter, n in letters.items()
    ]
    return Tally(provinces, sorted(rows, key=lambda row: (-row[2], row[1])))
