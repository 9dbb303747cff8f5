"""Schema-driven fuzzing: schemathesis generates requests for every operation in /api/schema/.

Operations are listed from the generated schema at collection time, so an endpoint an app adds
is fuzzed without being named here, under its own test id. At run time the schema is loaded from
the WSGI application, so requests run in-process against the test database. Each operation gets
a bounded, derandomized set of valid and invalid examples, sent with a real Bearer token, once as
an analyst with a grant (Nadia) and once as the platform administrator (Root); operations on one
record also get valid examples aimed at a real record of their endpoint. Checks: no 5xx, no
status the schema does not document, and every response body matches its documented schema.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from rasad.core.actions.tokens import do_create_api_token
from rasad.testing.cast import Cast, build_cast
from rasad.testing.matrix import discover_endpoints, factories

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
METHODS = ("get", "post", "put", "patch", "delete")
# Examples per operation, identity and round (valid, invalid, aimed at a real record): up to 18
# per identity, 36 per operation.
# RASAD_FUZZ_EXAMPLES raises it for a deeper local run.
EXAMPLES = int(os.environ.get("RASAD_FUZZ_EXAMPLES", "6"))
_schema: list[Any] = []


def _operation_labels() -> list[str]:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [
        f"{method.upper()} {path}" for path, item in paths.items() for method in item if method in METHODS
    ]


def _loaded_schema() -> Any:
    """The schema as the application serves it, loaded once per run (it does not change)."""
    if not _schema:
        from rasad.wsgi import application

        _schema.append(schemathesis.openapi.from_wsgi("/api/schema/", application))
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
        factory = registered.get(endpoint.model_label)
        if endpoint.list_url == match.group(1) and factory is not None:
            return {match.group(2): factory.make(cast, cast.isfahan).pk}
    return {}


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI application directly, so Django's request signals run and
    ``close_old_connections`` would close the test's database connection in the middle of its
    transaction (PostgreSQL then fails every later query). Django's own test client disconnects
    it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("label", _operation_labels())
def test_operation_answers_as_documented(db: None, keep_test_connection: None, label: str) -> None:
    operation = _loaded_schema().find_operation_by_label(label)
    assert operation is not None, label
    cast = build_cast()
    # Random ids almost never exist: a third round aims valid examples at a real record, so that
    # reads and writes of existing rows are fuzzed too.
    aimed = _aimed_at_real_record(operation.path, cast)
    rounds: list[tuple[GenerationMode, dict[str, Any]]] = [
        (GenerationMode.POSITIVE, {}),
        (GenerationMode.NEGATIVE, {}),
    ]
    if aimed:
        rounds.append((GenerationMode.POSITIVE, aimed))
    for user in (cast.nadia, cast.root):
        _, secret = do_create_api_token(user, acting_user=user, name="fuzz")
        for mode, fixed in rounds:
            _fuzz(operation, mode, fixed, {"Authorization": f"Bearer {secret}"})


def _fuzz(operation: Any, mode: GenerationMode, fixed: dict[str, Any], headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        if fixed:
            case.path_parameters = {**(case.path_parameters or {}), **fixed}
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
