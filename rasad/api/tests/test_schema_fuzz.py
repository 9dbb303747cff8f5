"""Schema-driven fuzzing: schemathesis generates requests for every operation in /api/schema/.

Operations are listed from the generated schema at collection time, so an endpoint an app adds
is fuzzed without being named here, under its own test id. At run time the schema is loaded from
the WSGI application, so requests run in-process against the test database. Each operation gets
a bounded, derandomized set of valid and invalid examples, each sent with a real Bearer token as
an analyst with a grant (Nadia) and as the platform administrator (Root); operations on one
record also get valid examples aimed at a real record of their endpoint.

Random generation rarely produces the inputs that crashed Rasad, so the valid examples are also
sent in hostile variants (:func:`_hostile_variants`): every string with a NUL and with a control
character appended, every date at the far ends of the calendar, and the body nested thousands of
levels deep (by default for the richest valid example of each round, see
:data:`HOSTILE_FOR_EVERY_EXAMPLE`). All of schemathesis' checks run on every response (none is
named, so the library's full set applies): no 5xx, no status the schema does not document, every body and
header as documented, valid data accepted, invalid data rejected, authentication enforced.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any, Final

import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from schemathesis.config import PositiveDataAcceptanceConfig

from rasad.core.actions.tokens import do_create_api_token
from rasad.testing.cast import Cast
from rasad.testing.matrix import discover_endpoints, factories
from rasad.testing.routes import api_operation_labels

# Examples per operation, identity and round (valid, invalid, aimed at a real record): up to 18
# per identity, 36 per operation, plus the hostile variants of each valid example.
# RASAD_FUZZ_EXAMPLES raises it for a deeper local run. The test command fuzzes the same schema
# on both engines; the input handling is the engine's business only where it reaches SQL, so
# SQLite gets half the examples (and every hostile variant) and PostgreSQL, the production
# engine, the full set (docs/development/testing.md, "Schema fuzzing").
EXAMPLES = int(os.environ.get("RASAD_FUZZ_EXAMPLES", "6" if connection.vendor == "postgresql" else "3"))
# Every hostile variant is sent for the valid example of a round with the most strings (the one
# that reaches the most fields); RASAD_FUZZ_HOSTILE=all sends them for every valid example, about
# three times the requests (docs/development/testing.md, "Schema fuzzing": run time and knobs).
HOSTILE_FOR_EVERY_EXAMPLE = os.environ.get("RASAD_FUZZ_HOSTILE", "richest") == "all"
# Valid data may still be refused for a rule no schema can state (a code that does not exist, a
# state that forbids the step): that is a documented 400 or 409, not a failure to accept it.
ACCEPTED_FOR_VALID_DATA: Final = ["2xx", "400", "401", "403", "404", "409", "429"]
EXTREME_DATES: Final = ("9999-12-31", "0001-01-01")
EXTREME_MOMENTS: Final = ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00")
DEEP_JSON_LEVELS: Final = 5000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T")
_schema: list[Any] = []


def _loaded_schema() -> Any:
    """The schema as the application serves it, loaded once per run (it does not change)."""
    if not _schema:
        from rasad.wsgi import application

        schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
        schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
            expected_statuses=ACCEPTED_FOR_VALID_DATA
        )
        _schema.append(schema)
    return _schema[0]


def _aimed_at_real_record(path: str, cast: Cast) -> dict[str, Any]:
    """Path parameters pointing an operation on one record (``/x/{id}/``, ``/x/{id}/action/``) at
    a real record of its endpoint, made in Isfahan; empty when there is no such operation or no
    factory for the endpoint."""
    match = re.match(r"^(.*/)\{(\w+)\}/", path)
    if match is None:
        return {}
    registered = factories()
    for endpoint in discover_endpoints():
        factory = registered.get(endpoint.factory_label)
        if endpoint.list_url == match.group(1) and factory is not None:
            return {match.group(2): factory.make(cast, cast.isfahan).pk}
    return {}


@pytest.mark.parametrize("label", api_operation_labels())
def test_operation_answers_as_documented(shared_cast: Cast, keep_test_connection: None, label: str) -> None:
    operation = _loaded_schema().find_operation_by_label(label)
    assert operation is not None, label
    # One cast for the module; each operation's writes are rolled back after it (rasad/conftest.py).
    cast = shared_cast
    # Random ids almost never exist: a third round aims valid examples at a real record, so that
    # reads and writes of existing rows are fuzzed too.
    aimed = _aimed_at_real_record(operation.path, cast)
    rounds: list[tuple[GenerationMode, dict[str, Any]]] = [
        (GenerationMode.POSITIVE, {}),
        (GenerationMode.NEGATIVE, {}),
    ]
    if aimed:
        rounds.append((GenerationMode.POSITIVE, aimed))
    # Each example is sent as both identities: generating the examples costs more than sending
    # them, and with derandomized generation each identity was given the same examples anyway.
    identities = [
        {"Authorization": f"Bearer {do_create_api_token(user, acting_user=user, name='fuzz')[1]}"}
        for user in (cast.nadia, cast.root)
    ]
    for mode, fixed in rounds:
        _fuzz(operation, mode, fixed, identities)


def _fuzz(
    operation: Any, mode: GenerationMode, fixed: dict[str, Any], identities: list[dict[str, str]]
) -> None:
    valid: list[Any] = []

    def send(case: Any) -> None:
        if mode == GenerationMode.NEGATIVE:
            # An empty object or list in a query parameter is written as an empty parameter, which
            # is no filter (as "" is, above). Checked here rather than in ``run``: the examples are
            # derandomized from ``run``'s source, and these are the ones CI has run.
            assume(not any(value in ({}, []) for value in (case.query or {}).values()))
            # A parameter sent more than once is read by its last value (docs/api.md, "Filters"):
            # ``limit=x&limit=`` is an empty limit, the default, as ``limit=`` is.
            assume(not any(_last_is_empty(value) for value in (case.query or {}).values()))
        for headers in identities:
            case.call_and_validate(headers=headers)

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        if mode == GenerationMode.NEGATIVE:
            # An empty query parameter is the same as an absent one (docs/api.md, "Filters"): a
            # list page's filter form sends its empty fields, so "?category=" is no filter.
            assume(not any(value == "" for value in (case.query or {}).values()))
        if fixed:
            case.path_parameters = {**(case.path_parameters or {}), **fixed}
        send(case)
        if mode == GenerationMode.POSITIVE:
            if HOSTILE_FOR_EVERY_EXAMPLE:
                for variant in _hostile_variants(operation, case):
                    send(variant)
            else:
                valid.append(case)

    run()
    if valid:
        richest = max(valid, key=lambda case: sum(1 for _ in _strings(case)))
        for variant in _hostile_variants(operation, richest):
            send(variant)


def _last_is_empty(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and value[-1] in ("", {}, [])


def _strings(case: Any) -> Iterator[str]:
    """Every string of an example's path, query and JSON body."""
    stack: list[Any] = [case.path_parameters, case.query]
    if not isinstance(case.body, bytes):
        stack.append(case.body)
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _map_strings(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: _map_strings(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    return value


def _deep(levels: int) -> bytes:
    """A JSON body nested ``levels`` deep, as bytes: the client's own encoder would give up."""
    return b'{"deep": ' + b"[" * levels + b'"x"' + b"]" * levels + b"}"


def _hostile_variants(operation: Any, case: Any) -> Iterator[Any]:
    """The valid example with every string carrying a NUL, then a control character; with every
    date and moment at each far end of the calendar; and with a body nested thousands deep.
    Built without case metadata, so the checks that judge generated data as valid or invalid
    stand aside and the rest (no 5xx, documented status, schema of the answer) apply."""

    def variant(change: Any, body: Any = None) -> Any:
        has_body = case.body is not None and not isinstance(case.body, (bytes, type(None)))
        return operation.Case(
            path_parameters=_map_strings(case.path_parameters, change) if case.path_parameters else None,
            query=_map_strings(case.query, change) if case.query else None,
            body=body if body is not None else (_map_strings(case.body, change) if has_body else case.body),
            media_type=case.media_type,
        )

    def dated(date_text: str, moment_text: str) -> Any:
        def change(text: str) -> str:
            if _ISO_DATE.match(text):
                return date_text
            return moment_text if _ISO_MOMENT.match(text) else text

        return change

    yield variant(lambda text: f"{text}\x00")
    yield variant(lambda text: f"{text}\x07")
    for date_text, moment_text in zip(EXTREME_DATES, EXTREME_MOMENTS, strict=True):
        yield variant(dated(date_text, moment_text))
    if case.media_type == "application/json":
        yield variant(lambda text: text, body=_deep(DEEP_JSON_LEVELS))
