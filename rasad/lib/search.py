"""The database side of search: a query becomes one filter over a stored search key.

Every searchable row stores ``rasad.lib.persian.search_key`` of its human text in a column
(``search_text`` by convention). :func:`matching` turns what a person typed into a filter that
requires each word, in one of its spelling variants (``persian.search_variants``), to occur in
that column. On PostgreSQL the columns carry trigram indexes (``pg_trgm``), which serve these
``LIKE '%…%'`` tests; ``bench/search.py`` measures it.

A key may hold another row's words (an application's key its organization's name). Such a key
is declared once, with :func:`stored_key`, beside its model: the fields it joins, across
relations. The declaration writes the key (:func:`key_of`) and keeps it fresh: whatever path
saves a renamed row (a named action, an import, ``update_or_create``), :func:`follow_renames`'s
signal receivers re-key every row whose key reads it, in the same transaction, with a few
set-based statements (:func:`refresh_keys`). docs/reference/persian-text.md, "How keys stay
fresh", says more.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db import DatabaseError, connections, migrations, models, transaction
from django.db.models import Q
from django.db.models.signals import post_save, pre_save

from rasad.lib.persian import search_key, search_variants


def matching(query: str, field: str = "search_text") -> Q:
    """A filter: every word of ``query`` occurs in ``field`` in one of its forms. An empty
    query matches everything."""
    condition = Q()
    for forms in search_variants(query):
        condition &= reduce(or_, (Q(**{f"{field}__contains": form}) for form in forms))
    return condition


def create_trigram_indexes(schema_editor: Any, indexes: dict[str, tuple[str, str]]) -> None:
    """For migrations: on PostgreSQL, trigram indexes ``{name: (table, column)}`` over search
    keys. ``pg_trgm`` is a trusted extension (any database owner may create it); where it
    cannot be created, search still works, scanning the table, and the migration says so."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            warnings.warn(f"pg_trgm is not available ({error}); search will scan tables.", stacklevel=2)
            return
        for name, (table, column) in indexes.items():
            quote = connection.ops.quote_name
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
                f"USING gin ({quote(column)} gin_trgm_ops)"
            )


def drop_indexes(schema_editor: Any, names: list[str]) -> None:
    """The reverse of :func:`create_trigram_indexes`."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")


def trigram_indexes(indexes: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """For migrations: the operation that creates the trigram indexes ``{name: (table, column)}``
    (:func:`create_trigram_indexes`) and drops them when the migration is reversed."""

    def create(apps: Any, schema_editor: Any) -> None:
        create_trigram_indexes(schema_editor, indexes)

    def drop(apps: Any, schema_editor: Any) -> None:
        drop_indexes(schema_editor, list(indexes))

    return migrations.RunPython(create, drop)


# --- Keys that read other rows: declared once, kept fresh on a rename -------------------------

# A part of a key: a field path (``"organization__name"``), or a path and the number of its
# first characters that the key holds (``("purpose", 200)``).
Part = str | tuple[str, int]


@dataclass(frozen=True)
class StoredKey:
    """A model's stored search key that joins, in order, the text of ``parts``; ``rows`` the
    model's rows that carry this key (the others key themselves otherwise)."""

    model: type[models.Model]
    parts: tuple[Part, ...]
    rows: Q = field(default_factory=Q)
    column: str = "search_text"

    def paths(self) -> list[tuple[str, int | None]]:
        return [(part, None) if isinstance(part, str) else part for part in self.parts]


STORED_KEYS: list[StoredKey] = []
# Rows are re-keyed in UPDATEs of this many rows each (``_write``).
UPDATE_BATCH = 500


def stored_key(model: type[models.Model], *parts: Part, rows: Q | None = None) -> StoredKey:
    """Declare that ``model``'s search key joins ``parts``, some of them other rows' fields; the
    rows that carry it ``rows`` (every row by default)."""
    key = StoredKey(model, parts, rows if rows is not None else Q())
    STORED_KEYS.append(key)
    return key


def declared_key(model: type[models.Model]) -> StoredKey | None:
    return next((key for key in STORED_KEYS if issubclass(model, key.model)), None)


def _compose(texts: Iterable[Any]) -> str:
    return search_key(" ".join(str(text) for text in texts if text not in (None, "")))


def _cut(text: Any, length: int | None) -> Any:
    return text[:length] if length is not None and isinstance(text, str) else text


def _values_of(row: Any, path: str) -> list[Any]:
    """The values at ``path`` from ``row`` in memory; across a to-many relation, its rows'
    values in order (the order :func:`refresh_keys` reads them in)."""
    names = path.split("__")
    target: Any = row
    for position, name in enumerate(names):
        target = getattr(target, name)
        if target is None:
            return []
        if isinstance(target, models.Manager):
            rest = "__".join(names[position + 1 :])
            return sorted(value for value in target.values_list(rest, flat=True) if value is not None)
    return [target]


def key_of(row: models.Model, **given: Sequence[Any]) -> str:
    """The key ``row``'s declaration gives it, from its fields and its related rows; ``given``
    the values of a to-many path not saved yet (``occupations__name=[...]``)."""
    key = declared_key(type(row))
    assert key is not None, f"{type(row).__name__} declares no stored key"
    return _compose(
        _cut(value, length)
        for path, length in key.paths()
        for value in (sorted(given[path]) if path in given else _values_of(row, path))
    )


def _to_many(model: type[models.Model], path: str) -> bool:
    for name in path.split("__")[:-1]:
        relation = model._meta.get_field(name)
        if relation.many_to_many or relation.one_to_many:
            return True
        assert relation.related_model is not None
        model = relation.related_model
    return False


def refresh_keys(key: StoredKey, rows: models.QuerySet[Any]) -> int:
    """Write ``key`` again for ``rows`` (of ``key.model``, or its historical model in a
    migration): one SELECT of their parts (and one per to-many part), then one UPDATE per
    :data:`UPDATE_BATCH` rows whose key changed. The number of rows written."""
    paths = key.paths()
    single = [path for path, _length in paths if not _to_many(key.model, path)]
    selected = rows.filter(key.rows).order_by().values_list("pk", key.column, *single).distinct()
    found = {pk: dict(zip(single, values, strict=True)) | {"": stored} for pk, stored, *values in selected}
    if not found:
        return 0
    many: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for path, _length in paths:
        if path not in single:
            related = rows.model._base_manager.filter(pk__in=list(found)).order_by().values_list("pk", path)
            for pk, value in related:
                if value is not None:
                    many[(pk, path)].append(value)
    changed = {}
    for pk, values in found.items():
        text = _compose(
            _cut(value, length)
            for path, length in paths
            for value in ([values[path]] if path in values else sorted(many[(pk, path)]))
        )
        if text != values[""]:
            changed[pk] = text
    _write(rows.model, key.column, changed, rows.db)
    return len(changed)


def _write(model: type[models.Model], column: str, keys: dict[Any, str], using: str) -> None:
    """``UPDATE … SET column = v.column2 FROM (VALUES (pk, key), …) AS v`` per
    :data:`UPDATE_BATCH` rows. By hand, as ``rasad.live.actions.ingest._save_devices`` writes
    devices: Django's ``bulk_update`` writes a ``CASE`` with a branch per row, and building and
    compiling it took half of re-keying 2,000 rows. A VALUES list's columns are column1 and
    column2 on both databases (SQLite has ``UPDATE … FROM`` since 3.33); the casts give them the
    primary key's type and text (PostgreSQL then joins on the primary key's index)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = model._meta.pk
    assert pk is not None
    row = f"(CAST(%s AS {pk.cast_db_type(connection)}), CAST(%s AS text))"
    ordered = sorted(keys)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), UPDATE_BATCH):
            batch = ordered[start : start + UPDATE_BATCH]
            cursor.execute(
                f"UPDATE {table} SET {quote(column)} = v.column2 "  # noqa: S608 (names quoted, values parameters)
                f"FROM (VALUES {', '.join([row] * len(batch))}) AS v "
                f"WHERE {table}.{quote(str(pk.column))} = v.column1",
                [value for row_pk in batch for value in (row_pk, keys[row_pk])],
            )


def rekeyed(*labels: str) -> migrations.RunPython:
    """For migrations: the operation that writes the declared keys of the models ``labels``
    (``"app.Model"``) again, for every row: the first keys written from a declaration, and any
    gone stale before renames were followed."""

    def rekey(apps: Any, schema_editor: Any) -> None:
        for label in labels:
            model = apps.get_model(label)
            (key,) = (key for key in STORED_KEYS if key.model._meta.label_lower == label.lower())
            refresh_keys(key, model._base_manager.all())

    return migrations.RunPython(rekey, migrations.RunPython.noop)


@dataclass(frozen=True)
class _Reader:
    """A stored key that reads ``fields`` of another model's rows through ``lookup``."""

    key: StoredKey
    lookup: str
    fields: frozenset[str]


def readers() -> dict[type[models.Model], list[_Reader]]:
    """For each model whose fields some stored key reads, the keys that read them."""
    found: dict[tuple[type[models.Model], StoredKey, str], set[str]] = defaultdict(set)
    for key in STORED_KEYS:
        for path, _length in key.paths():
            names = path.split("__")
            model: Any = key.model
            for name in names[:-1]:
                model = model._meta.get_field(name).related_model
            if len(names) > 1:
                found[(model, key, "__".join(names[:-1]))].add(model._meta.get_field(names[-1]).attname)
    result: dict[type[models.Model], list[_Reader]] = defaultdict(list)
    for (model, key, lookup), fields in found.items():
        result[model].append(_Reader(key, lookup, frozenset(fields)))
    return dict(result)


def renamed(model: type[models.Model], pks: Sequence[Any], fields: Iterable[str] | None = None) -> int:
    """Re-key every row whose key reads ``fields`` (all the read ones by default) of ``model``'s
    rows ``pks``: for a path that changes them without ``save`` (``QuerySet.update``). The
    number of rows written."""
    changed = None if fields is None else set(fields)
    written = 0
    for reader in _READERS.get(model, []):
        if changed is None or reader.fields & changed:
            rows = reader.key.model._base_manager.filter(**{f"{reader.lookup}__in": list(pks)})
            written += refresh_keys(reader.key, rows)
    return written


_RENAMED = "_search_keys_renamed"


def _before_save(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """Note which of the fields other keys read a save changes (one SELECT of their old values)."""
    instance.__dict__.pop(_RENAMED, None)
    if raw or instance._state.adding or instance.pk is None:
        return
    read = frozenset().union(*(reader.fields for reader in _READERS.get(sender, [])))
    if update_fields is not None:
        read &= {
            field.attname
            for field in sender._meta.concrete_fields
            if field.name in update_fields or field.attname in update_fields
        }
    if not read:
        return
    old = sender._base_manager.filter(pk=instance.pk).values(*read).first()
    if old is not None:
        instance.__dict__[_RENAMED] = {name for name in read if old[name] != getattr(instance, name)}


def _after_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    changed = instance.__dict__.pop(_RENAMED, None)
    if changed:
        renamed(sender, [instance.pk], changed)


_READERS: dict[type[models.Model], list[_Reader]] = {}


def follow_renames() -> None:
    """Connect the receivers that re-key, when a row is saved with a field some stored key reads
    changed, every row whose key reads it. Called once the models are loaded (core's signals)."""
    _READERS.clear()
    _READERS.update(readers())
    for model in _READERS:
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"search-before-{model._meta.label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"search-after-{model._meta.label}")
