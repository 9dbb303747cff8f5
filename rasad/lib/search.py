"""The database side of search: a query becomes one filter over a stored search key.

Every searchable row stores ``rasad.lib.persian.search_key`` of its human text in a column
(``search_text`` by convention). :func:`matching` turns what a person typed into a filter that
requires each word, in one of its spelling variants (``persian.search_variants``), to occur in
that column. On PostgreSQL the columns carry trigram indexes (``pg_trgm``), which serve these
``LIKE '%…%'`` tests; ``bench/search.py`` measures it.
"""

from __future__ import annotations

import warnings
from functools import reduce
from operator import or_
from typing import Any

from django.db import DatabaseError, migrations, transaction
from django.db.models import Q

from rasad.lib.persian import search_variants


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
