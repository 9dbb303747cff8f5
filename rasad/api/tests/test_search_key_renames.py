"""A stored search key that holds another row's words follows that row's renames.

Keys are discovered, not listed: every model of Rasad's with a ``search_text`` column gets one
row (its matrix factory's, or one already there), and a key that holds a related row's words
(up to two relations away) must be declared with ``rasad.lib.search.stored_key`` and say what
its actions write. Each declared path to another row's field is then renamed by a plain
``save`` (the path every action, import and ``update_or_create`` takes), and the key must be
written again: found by the new name's spellings, no longer by the old name. The named actions
are checked the same way with Persian spelling variants, and a rename's cost must not grow with
the rows that read it (docs/reference/persian-text.md, "How keys stay fresh").
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from rasad.assessments.actions import do_launch_cycle, do_save_cycle
from rasad.assessments.models import Assessment, Cycle
from rasad.assessments.testing import cycle_values, make_cycle
from rasad.core.actions.organizations import OrganizationValues, do_update_organization
from rasad.core.models import Organization
from rasad.greenjobs.actions.registry import OccupationValues, do_save_occupation
from rasad.greenjobs.models import Application, Business, Occupation
from rasad.greenjobs.testing import apply, make_business, make_scheme
from rasad.intake.actions import AliasValues, do_add_alias
from rasad.intake.models import OrganizationAlias
from rasad.lib import search
from rasad.lib.persian import search_key
from rasad.testing.cast import Cast
from rasad.testing.matrix import factories

FACTORIES = factories()

# A new name with «ک ی», a ZWNJ, a hamza and Persian digits; the queries that must find it, each
# word in another spelling; the old name's own word, which must find nothing after the rename.
NEW_NAME = "کانون نام‌تازه مسئله‌ای ۴۷"
FOUND_BY = (
    "كانون نامتازه مساله 47",  # Arabic «ك», the compound joined, the hamza left out, Latin digits
    "کانون نام تازه مسئله‌اي ٤٧",  # a space for the ZWNJ, Arabic «ي», Arabic-Indic digits
)
OLD_NAME = "نشان‌پیشین ۱۱"
OLD_WORD = "نشانپیشین"
# The same for the fields that hold a code or an English name.
RENAMES = {
    "code": ("QA-11", "QB-47", ("qb-47", "QB-47"), "qa-11"),
    "name_en": ("Alpha House", "Bravo House", ("bravo house", "BRAVO"), "alpha"),
}


def _keyed_models() -> list[type[models.Model]]:
    return sorted(
        (
            model
            for model in apps.get_models()
            if model.__module__.startswith("rasad.")
            and any(field.name == "search_text" for field in model._meta.concrete_fields)
        ),
        key=lambda model: model._meta.label_lower,
    )


def _read_paths() -> list[tuple[str, str]]:
    """Every (model, path) of a declared key that reads another row's field."""
    return [
        (key.model._meta.label_lower, path)
        for key in search.STORED_KEYS
        for path, _length in key.paths()
        if "__" in path
    ]


def _texts(row: models.Model) -> Iterator[tuple[str, str]]:
    for field in row._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and field.name != "search_text":
            value = getattr(row, field.attname)
            if value:
                yield field.name, str(value)


def _related(row: models.Model, depth: int = 2) -> Iterator[tuple[str, models.Model]]:
    """The rows ``row`` points at (foreign keys, one-to-one and many-to-many), ``depth`` deep."""
    for field in row._meta.get_fields():
        if isinstance(field, models.ForeignKey):
            targets = [getattr(row, field.name)]
        elif isinstance(field, models.ManyToManyField):
            targets = list(getattr(row, field.name).order_by("pk")[:3])
        else:
            continue
        for target in targets:
            if target is not None:
                yield field.name, target
                if depth > 1:
                    for path, further in _related(target, depth - 1):
                        yield f"{field.name}__{path}", further


def _one_of_each(cast: Cast, keyed: list[type[models.Model]]) -> dict[type[models.Model], models.Model]:
    """A row of each keyed model: its factory's; without one, one already there (reference
    data), or else one a factory of its app made."""
    for model in keyed:
        if model._meta.label_lower in FACTORIES:
            FACTORIES[model._meta.label_lower].make(cast, cast.isfahan)
    for model in keyed:
        if not model._base_manager.exists():
            for label, factory in FACTORIES.items():
                if label.startswith(f"{model._meta.app_label}."):
                    factory.make(cast, cast.isfahan)
    return {model: row for model in keyed if (row := model._base_manager.order_by("-pk").first()) is not None}


def test_every_key_that_holds_another_rows_words_is_declared(cast: Cast):
    keyed = _keyed_models()
    rows = _one_of_each(cast, keyed)
    assert set(rows) == set(keyed), f"no row to check: {sorted(m.__name__ for m in set(keyed) - set(rows))}"
    undeclared = []
    for model, row in rows.items():
        stored: str = row.serializable_value("search_text")  # the column _keyed_models found
        if search.declared_key(model) is not None:
            # What the actions wrote is what the declaration gives, which re-keying writes.
            assert stored == search.key_of(row), model.__name__
            continue
        own = search_key(" ".join(text for _name, text in _texts(row)))
        undeclared += [
            f"{model._meta.label_lower}: {path}__{name}"
            for path, related in _related(row)
            for name, text in _texts(related)
            if len(key := search_key(text)) >= 3 and key in stored and key not in own
        ]
    assert not undeclared, f"keys holding other rows' words without a stored_key declaration: {undeclared}"


def _source(row: models.Model, path: str) -> tuple[models.Model, str]:
    *hops, name = path.split("__")
    target: Any = row
    for hop in hops:
        target = getattr(target, hop)
        if isinstance(target, models.Manager):
            target = target.order_by("pk").first()
    assert target is not None, path
    return target, name


def _found(row: models.Model, query: str) -> bool:
    return type(row)._base_manager.filter(search.matching(query), pk=row.pk).exists()


@pytest.mark.parametrize(("label", "path"), _read_paths(), ids=lambda value: value)
def test_a_rename_saved_any_way_rekeys_the_rows_that_read_it(cast: Cast, label: str, path: str):
    row = apps.get_model(label)._base_manager.get(pk=FACTORIES[label].make(cast, cast.isfahan).pk)
    source, name = _source(row, path)
    old, new, queries, old_query = RENAMES.get(name, (OLD_NAME, NEW_NAME, FOUND_BY, OLD_WORD))
    for value in (old, new):
        setattr(source, name, value)
        source.save(update_fields=[name])
        row.refresh_from_db()
        assert row.search_text == search.key_of(row), value
    assert all(_found(row, query) for query in queries), [q for q in queries if not _found(row, q)]
    assert not _found(row, old_query)


def test_every_read_path_is_renamed_by_the_test_above():
    """Each declared key reads at least one other row, and its model has a factory to make one."""
    assert {key.model._meta.label_lower for key in search.STORED_KEYS} == {
        label for label, _ in _read_paths()
    }
    assert all(label in FACTORIES for label, _path in _read_paths())


def _renamed(organization: Organization, name: str, acting_user: Any) -> None:
    o = organization
    do_update_organization(
        o,
        OrganizationValues(
            code=o.code,
            name=name,
            kind=o.kind,
            parent=o.parent,
            name_en=o.name_en,
            province=o.province,
            county=o.county,
        ),
        acting_user=acting_user,
    )


def _reading(cast: Cast, copies: int) -> tuple[Organization, list[models.Model]]:
    """A workshop with its business, and ``copies`` aliases, applications and assessments."""
    business = make_business(cast.isfahan)
    workshop = business.organization
    rows: list[models.Model] = [business]
    for number in range(copies):
        alias = AliasValues(workshop, f"کارگاه دیگر {workshop.pk}-{number}")
        rows.append(do_add_alias(alias, acting_user=cast.root))
        rows.append(apply(make_scheme(workshop), business))
        cycle = make_cycle(workshop, user=cast.root, scope_root=workshop, scope_kinds=[workshop.kind])
        do_launch_cycle(cycle, acting_user=cast.root)
        rows.append(Assessment.objects.get(cycle=cycle, organization=workshop))
    return workshop, rows


def test_renaming_an_organization_through_its_action_rekeys_what_reads_it(cast: Cast):
    workshop, rows = _reading(cast, 1)
    _renamed(workshop, OLD_NAME, cast.root)
    _renamed(workshop, NEW_NAME, cast.root)
    assert {type(row) for row in rows} == {Business, OrganizationAlias, Application, Assessment}
    for row in rows:
        assert all(_found(row, query) for query in FOUND_BY), type(row).__name__
        assert not _found(row, OLD_WORD), type(row).__name__


def test_a_renamed_organization_costs_the_same_statements_however_many_rows_read_it(cast: Cast):
    """One SELECT of the old names, then per key that reads them one SELECT and, when a key
    changed, one UPDATE for up to ``search.UPDATE_BATCH`` rows: growth-free in the rows."""
    counts = []
    for copies in (1, 2):
        workshop, rows = _reading(cast, copies)
        with CaptureQueriesContext(connection) as one_rename:
            _renamed(workshop, f"{NEW_NAME} {copies}", cast.root)
        counts.append(len(one_rename.captured_queries))
        assert all(_found(row, f"{FOUND_BY[0]} {copies}") for row in rows)
    assert counts[0] == counts[1], counts


def test_renaming_an_open_cycle_through_its_action_rekeys_its_assessments(cast: Cast):
    """(An instrument's version that a cycle uses is not renamed by its action, which makes the
    next version; the cycles' keys follow a rename saved any other way, above.)"""
    workshop = make_business(cast.isfahan).organization
    cycle = make_cycle(workshop, user=cast.root, scope_root=workshop, scope_kinds=[workshop.kind])
    do_launch_cycle(cycle, acting_user=cast.root)
    assessment = Assessment.objects.get(cycle=cycle, organization=workshop)
    for name in (OLD_NAME, NEW_NAME):
        values = cycle_values(
            workshop, cycle.instrument, name=name, scope_root=workshop, scope_kinds=[workshop.kind]
        )
        do_save_cycle(values, acting_user=cast.root, cycle=Cycle.objects.get(pk=cycle.pk))
    assert all(_found(assessment, query) for query in FOUND_BY)
    assert not _found(assessment, OLD_WORD)


def test_renaming_an_occupation_through_its_action_rekeys_the_businesses(cast: Cast):
    business = make_business(cast.isfahan)
    occupation = business.occupations.get()
    for name in (OLD_NAME, NEW_NAME):
        do_save_occupation(_occupation_values(occupation, name), acting_user=cast.root, instance=occupation)
    assert all(_found(business, query) for query in FOUND_BY)
    assert not _found(business, OLD_WORD)


def _occupation_values(occupation: Occupation, name: str) -> OccupationValues:
    return OccupationValues(
        code=occupation.code,
        name=name,
        isco_code=occupation.isco_code,
        isic_code=occupation.isic_code,
        name_en=occupation.name_en,
        criteria=occupation.criteria,
    )


MIGRATIONS = (
    "rasad.greenjobs.migrations.0008_search_keys_rekeyed",
    "rasad.assessments.migrations.0004_search_keys_rekeyed",
    "rasad.intake.migrations.0002_search_keys_rekeyed",
    "rasad.comms.migrations.0002_search_keys_rekeyed",
)


def test_the_migrations_write_every_declared_key_again(cast: Cast):
    labels = sorted({label for label, _path in _read_paths()})
    rows = [FACTORIES[label].make(cast, cast.isfahan) for label in labels]
    for row in rows:
        type(row)._base_manager.filter(pk=row.pk).update(search_text="stale")
    for name in MIGRATIONS:
        (operation,) = importlib.import_module(name).Migration.operations
        operation.code(apps, None)
    for row in rows:
        row.refresh_from_db()
        assert row.search_text == search.key_of(row), type(row).__name__
