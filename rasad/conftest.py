from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.test import TransactionTestCase
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from rasad.testing.cast import Cast, build_cast, refetched
from rasad.testing.database import TemplatedSetUp, mark_emptied
from rasad.testing.demo import demo_replaces_the_module_database, load_in_place, restore_migrated, use_demo
from rasad.testing.schedule import ModuleRuns

# Property tests have no time limit per example: on a loaded machine one example is slow, not
# wrong, and a deadline turns that into a flaky failure. Each test bounds its examples instead.
hypothesis_settings.register_profile("rasad", deadline=None)
hypothesis_settings.load_profile("rasad")

# The test command runs the PostgreSQL suite as the application's own database role, as in
# production (docs/security.md, "Two database roles"): the owner role creates the test database
# and runs the migrations, then every connection switches to RASAD_TEST_APP_ROLE.
APP_ROLE = os.environ.get("RASAD_TEST_APP_ROLE", "")


def _switch_to_app_role(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(APP_ROLE)}")


@pytest.fixture(scope="session")
def _templated_set_up(django_db_modify_db_settings: None) -> Iterator[TemplatedSetUp]:
    """Set up before pytest-django's ``django_db_setup``: with ``RASAD_TEST_TEMPLATE`` the test
    database is a copy of the run's migrated template (rasad/testing/database.py)."""
    set_up = TemplatedSetUp()
    set_up.begin()
    yield set_up
    set_up.end()


@pytest.fixture(scope="session")
def django_db_setup(
    _templated_set_up: TemplatedSetUp, django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    with django_db_blocker.unblock():
        _templated_set_up.end()
    if not APP_ROLE:
        yield
        return
    connection_created.connect(_switch_to_app_role, weak=False, dispatch_uid="rasad-test-app-role")
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close()
    yield
    # The owner drops the test databases.
    connection_created.disconnect(dispatch_uid="rasad-test-app-role")
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close()


def _static_files_found_once() -> None:
    """Every test client builds the middleware chain afresh (Django's ``ClientHandler``), and
    WhiteNoise's middleware lists and stats every static file through the finders when it is
    built: 43 % of the authorization table's processor time (session 16, cProfile). The files
    do not change during a run, so the first scan's entries are given to every later middleware;
    what each one serves is the same."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    scan = WhiteNoiseMiddleware.add_files_from_finders
    found: dict[str, dict[str, Any]] = {}

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        if self.static_prefix not in found:
            before = set(self.files)
            scan(self)
            found[self.static_prefix] = {url: self.files[url] for url in self.files if url not in before}
        self.files.update(found[self.static_prefix])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders


_static_files_found_once()

_flush_between_tests = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]


def _flush_as_owner(self: TransactionTestCase) -> None:
    """Transactional tests empty every table afterwards, the append-only audit tables included:
    that one clean-up runs as the owner role, inside the triggers' maintenance block."""
    from rasad.core.audit_guard import audit_maintenance

    mark_emptied()  # the test database no longer holds what the migrations wrote

    with ExitStack() as stack:
        for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
            connection = connections[alias]
            if APP_ROLE and connection.vendor == "postgresql":
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    cursor.execute("RESET ROLE")
                stack.callback(_back_to_app_role, alias)
            stack.enter_context(audit_maintenance(alias))
        _flush_between_tests(self)


def _back_to_app_role(alias: str) -> None:
    connection = connections[alias]
    if connection.connection is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(APP_ROLE)}")


TransactionTestCase._fixture_teardown = _flush_as_owner  # type: ignore[attr-defined]


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def _shares_the_module_cast(item: pytest.Item) -> None:
    """A test that asks for ``cast`` and reads the module's shared one needs the module's
    transaction opened before its own (``db``, which pytest-django's marker opens first): a
    module-scoped fixture asked for by name is set up before the function-scoped ones."""
    names = getattr(item, "fixturenames", None)
    if (
        names is not None
        and "cast" in names
        and "_module_cast" not in names
        and not _is_transactional(item)
        and getattr(item, "module", None) is not None
        and item.module.__name__ not in FRESH_CAST  # type: ignore[attr-defined]
    ):
        names.insert(0, "_module_cast")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` (real processes, outages, the demo: tens of seconds each) run first.
    Collected in path order, some came last, and one of the two workers (pytest-xdist) then ran
    them alone for minutes while the other had finished.

    pytest-django has already put the transactional tests after the others, as Django does: their
    clean-up empties every table, the rows the migrations wrote too, which later tests may need.
    So a slow transactional test moves only to the front of the transactional tests. The order is
    otherwise kept, and a module's tests stay together."""

    def slow(item: pytest.Item) -> bool:
        return item.get_closest_marker("slow") is not None

    for item in items:
        _shares_the_module_cast(item)
    anywhere = [item for item in items if slow(item) and not _is_transactional(item)]
    rest = [item for item in items if not (slow(item) and not _is_transactional(item))]
    first = next((i for i, item in enumerate(rest) if _is_transactional(item)), len(rest))
    tail = rest[first:]
    items[:] = [
        *anywhere,
        *rest[:first],
        *[item for item in tail if slow(item)],
        *[item for item in tail if not slow(item)],
    ]


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> ModuleRuns | None:
    """``-n 2`` (pytest-xdist's ``--dist load``) hands the tests out a few at a time, in the order
    above, a module's consecutive tests together (rasad/testing/schedule.py): xdist's own chunks
    left one worker running for minutes after the other had finished."""
    return ModuleRuns(config, log) if config.getvalue("dist") == "load" else None


@pytest.fixture(autouse=True)
def _fresh_rate_counters() -> None:
    """Login throttling and API rate limits count in a store that outlives a test (a file or
    Redis): every test starts with none of another test's counts."""
    from rasad.lib import counters

    counters.clear()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Every test starts in the site's language (Persian). A request through the test client in
    another language leaves that language active in the thread (LocaleMiddleware activates it and
    nothing deactivates it), so a later test that renders a lazy message outside its own
    ``translation.override`` would otherwise depend on which tests ran before it in its worker."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Modules whose tests build their own cast in their own transaction (``cast`` below), with the
# reason: the cast must be made after something the test sets up first.
FRESH_CAST: dict[str, str] = {
    "rasad.live.tests.test_stream": (
        "a test closes a streaming response, which sends request_finished: Django's"
        " close_old_connections then closes the connection (its autocommit differs inside a"
        " transaction), and a module's transaction would end under the tests after it"
    ),
}


@pytest.fixture
def cast(request: pytest.FixtureRequest, db: None) -> Cast:
    """The cast (rasad/testing/cast.py) as the test found it: built once per module and worker
    and read afresh for each test (``shared_cast``), whose own transaction is a savepoint rolled
    back afterwards, so every test starts from the same rows and instances. Building it cost
    about 0.2 s on SQLite and more on PostgreSQL, and 3,700 tests asked for it (session 22).
    A transactional test (its changes are committed, and emptied afterwards) builds its own."""
    if _is_transactional(request.node) or request.module.__name__ in FRESH_CAST:
        return build_cast()
    return request.getfixturevalue("shared_cast")  # type: ignore[no-any-return]


# The module transactions of ``module_transaction`` now open (at most one per worker: a module's
# fixtures are torn down before the next module's tests).
_open_module_transactions: list[Any] = []


def _end_module_transaction() -> None:
    while _open_module_transactions:
        outer = _open_module_transactions.pop()
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A transactional test must not run inside a module's transaction: pytest-django puts them
    after every other test, but the last module before them may still hold its shared cast."""
    if _open_module_transactions and _is_transactional(item):
        with item.config.stash[_blocker_key].unblock():
            _end_module_transaction()


_blocker_key = pytest.StashKey[Any]()


@pytest.fixture(scope="module")
def module_transaction(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """A transaction around a whole module, rolled back after its last test: what a module-scoped
    fixture that depends on it writes (the cast, a demo) is made once per module and worker, and
    each test's own transaction nests in it as a savepoint, as in Django's
    ``TestCase.setUpTestData``. Not for tests that need a transactional database: it is ended
    before such a test of the same module runs (``pytest_runtest_setup``). A test of the module
    that does not ask for it still runs inside it once an earlier test of the module has opened it."""
    request.config.stash[_blocker_key] = django_db_blocker
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        _open_module_transactions.append(outer)
        try:
            yield
        finally:
            if outer in _open_module_transactions:  # not ended for a transactional test
                _open_module_transactions.remove(outer)
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _module_cast(module_transaction: None, django_db_blocker: Any) -> Cast:
    """One cast for a whole module, in the module's transaction (``module_transaction``)."""
    with django_db_blocker.unblock():
        return build_cast()


@pytest.fixture
def shared_cast(_module_cast: Cast, db: None) -> Cast:
    """The module's cast (``_module_cast``), read afresh for this test."""
    return refetched(_module_cast)


@pytest.fixture
def whole_demo(transactional_db: None) -> None:
    """The whole demo (``rasad demo``) in this transactional test's database, as it was loaded:
    on PostgreSQL a copy of the run's demo template, loaded once per run (rasad/testing/demo.py)."""
    use_demo()


@pytest.fixture(scope="module")
def module_demo(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """The whole demo for every test of a module, each test's own transaction rolled back after
    it. On PostgreSQL the test database is a copy of the run's demo template for the module, and a
    copy of the migrated template again after it (rasad/testing/demo.py); otherwise the demo is
    loaded once in the module's transaction (``module_transaction``)."""
    with django_db_blocker.unblock():
        replaced = demo_replaces_the_module_database()
        if replaced:
            assert not _open_module_transactions, "a module's transaction is still open"
            use_demo()
    if not replaced:
        request.getfixturevalue("module_transaction")
        with django_db_blocker.unblock():
            load_in_place()
    yield
    if replaced:
        with django_db_blocker.unblock():
            restore_migrated()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def pushed() -> Iterator[list[dict[str, Any]]]:
    """Every live event published in this process while the test runs (``rasad.lib.events``),
    with the cache of who may receive what emptied before and after."""
    from rasad.lib import events
    from rasad.live.audience import forget_audiences

    seen: list[dict[str, Any]] = []
    unsubscribe = events.subscribe_local(seen.append)
    forget_audiences()
    yield seen
    unsubscribe()
    forget_audiences()
