"""A wrong setting stops start-up with a message naming the variable and what is expected."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, cast

import pytest

from rasad.env import SettingError, database_from_url, env_bool, env_int


@pytest.mark.parametrize(
    ("function", "name", "value", "expected"),
    [
        (env_bool, "RASAD_DEBUG", "maybe", "one of true/false"),
        (env_int, "RASAD_SESSION_IDLE_SECONDS", "ten", "a whole number"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, function, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError) as error:
        function(name, 1)
    assert name in str(error.value) and expected in str(error.value)


def test_integer_range_is_enforced(monkeypatch):
    monkeypatch.setenv("RASAD_SESSION_IDLE_SECONDS", "5")
    with pytest.raises(SettingError, match="between 60"):
        env_int("RASAD_SESSION_IDLE_SECONDS", 1800, minimum=60, maximum=86400)


def test_secret_can_come_from_a_file(monkeypatch, tmp_path):
    from rasad.env import env_str

    secret = tmp_path / "secret"
    secret.write_text("from-file\n")
    monkeypatch.delenv("RASAD_SECRET_KEY", raising=False)
    monkeypatch.setenv("RASAD_SECRET_KEY_FILE", str(secret))
    assert env_str("RASAD_SECRET_KEY", "") == "from-file"


def test_database_url_is_parsed():
    config = database_from_url("DATABASE_URL", "postgres://rasad:p%40ss@db.local:5433/rasad")
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "rasad",
        "p@ss",
        "db.local",
        "5433",
        "rasad",
    )


@pytest.mark.postgres
def test_postgresql_connections_plan_at_most_four_joins_in_any_order(db):
    """The planner's join search is bounded on every connection (rasad/env.py): a list page's
    nine-table query otherwise costs more to plan than to run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone() == ("4",)


@pytest.mark.postgres
def test_postgresql_connections_plan_for_pages_read_out_of_order_at_ssd_cost(db):
    """Every connection reckons a page read out of order at 1.1 sequential ones (rasad/env.py),
    so a scoped count uses its index rather than scanning the table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)


@pytest.mark.parametrize("value", ["fast", "0", "nan", "1.1 -c work_mem=1GB"])
def test_random_page_cost_must_be_a_number_in_range(monkeypatch, value):
    monkeypatch.setenv("RASAD_PG_RANDOM_PAGE_COST", value)
    with pytest.raises(SettingError, match="RASAD_PG_RANDOM_PAGE_COST"):
        database_from_url("DATABASE_URL", "postgres://db.local/rasad")


def test_random_page_cost_is_a_connection_option(monkeypatch):
    monkeypatch.delenv("RASAD_PG_RANDOM_PAGE_COST", raising=False)
    options = cast(dict[str, Any], database_from_url("DATABASE_URL", "postgres://db.local/rasad")["OPTIONS"])
    assert "-c random_page_cost=1.1" in options["options"]
    monkeypatch.setenv("RASAD_PG_RANDOM_PAGE_COST", "4")
    options = cast(dict[str, Any], database_from_url("DATABASE_URL", "postgres://db.local/rasad")["OPTIONS"])
    assert options["options"].endswith("-c random_page_cost=4")


def test_unknown_database_scheme_is_refused():
    with pytest.raises(SettingError, match="DATABASE_URL"):
        database_from_url("DATABASE_URL", "mysql://x/y")


def test_startup_fails_loudly_on_a_bad_value():
    result = subprocess.run(
        [sys.executable, "-m", "rasad", "check"],
        env={"PATH": "/usr/bin:/bin", "RASAD_DEBUG": "perhaps"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "RASAD_DEBUG" in result.stderr and "one of true/false" in result.stderr
