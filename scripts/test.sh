#!/usr/bin/env bash
# Rasad's test command: sets up everything the suite needs on a fresh Debian/Ubuntu machine, then
# runs lint, types, and the whole suite on SQLite, on PostgreSQL (+ Redis), and in Chromium.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh -k audit   # extra arguments go to every pytest run
#
# PostgreSQL, Redis and Chromium are installed from apt when missing. apt does not start services,
# so throwaway instances are started on private ports under a temporary directory and stopped by
# PID on exit. No test may be skipped: a skip fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/lib/services.sh
ensure_system_packages
ensure_venv '.[dev]'

# ---- throwaway services and the migrated test databases -------------------------------------
# fsync off: the test clusters are thrown away, and durability is not what the suite measures.
start_services fsync=off full_page_writes=off
# As in production, the owner role creates and migrates the databases and the suite then runs as
# the application's role, which may not rewrite the audit trail (rasad/conftest.py).
create_app_roles
# Every test database of the three runs is a copy of one migrated template per engine
# (rasad/testing/database.py): migrating costs about half a minute of processor time, and each
# of the six workers migrated its own. Both templates are made in the background while lint and
# types are checked, which use one core; a run that starts before its template is made waits
# for it (a lock), and if making it failed the run's first worker makes it.
export RASAD_TEST_TEMPLATE="$WORK/templates"
# Compiled bytecode is kept under the temporary directory, not beside the sources: each of the six
# pytest workers collects all 5,000 tests, and pytest rewrites the asserts of every test module
# (parsing it) unless it finds the rewritten module compiled; with bytecode off (as until session
# 16) every worker, and every `rasad` process a test starts, compiled everything again. A
# collection costs about 20 s of processor time cold and 11 s warm (session 17). The background
# job warms the cache with one collection while lint and types run.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$WORK/pycache"
# Python's string hashes, and so the order a set of strings is read in, differ from process to
# process unless PYTHONHASHSEED is set. A test that passes or fails with the seed (session 24: a
# filter's sentinels, whose set had to keep its order) must fail again when run again: the run
# picks one seed, prints it, and every process of the run uses it. `PYTHONHASHSEED=N bash
# scripts/test.sh` repeats a run's seed.
export PYTHONHASHSEED=${PYTHONHASHSEED:-$(( (RANDOM << 15 | RANDOM) % 4294967295 + 1 ))}
log "hash seed: PYTHONHASHSEED=$PYTHONHASHSEED (set it to run again with the same)"
( export RASAD_TESTING=true
  RASAD_DATA_DIR=$(mktemp -d -p "$WORK") DATABASE_URL= REDIS_URL= python -m rasad.testing.database
  RASAD_DATA_DIR=$(mktemp -d -p "$WORK") DATABASE_URL="$PG_OWNER_URL" REDIS_URL= python -m rasad.testing.database
  RASAD_DATA_DIR=$(mktemp -d -p "$WORK") DATABASE_URL= REDIS_URL= pytest -q -p no:randomly --collect-only "$@" >/dev/null || true
) >"$WORK/templates.log" 2>&1 &
TEMPLATES_PID=$!

# ---- lint and types ----------------------------------------------------------------------------
# A lint or type failure fails the run, but the suite still runs so that one CI run shows all.
status=0
log "ruff, ruff format --check, deptry, import-linter, mypy"
ruff check . || { echo "ruff check failed"; status=1; }
ruff format --check . || { echo "ruff format --check failed"; status=1; }
deptry . || { echo "deptry: a dependency is unused, undeclared or misplaced"; status=1; }
RASAD_TESTING=true lint-imports || { echo "import-linter: a module imports from a layer above it (docs/development/directory-structure.md)"; status=1; }
RASAD_TESTING=true mypy rasad $( [ -d bench ] && echo bench ) || { echo "mypy failed"; status=1; }
RASAD_TESTING=true rasad check --fail-level WARNING || { echo "rasad check failed"; status=1; }
RASAD_TESTING=true RASAD_DATA_DIR=$(mktemp -d) rasad makemigrations --check --dry-run >/dev/null \
  || { echo "a model change has no migration (run: rasad makemigrations)"; status=1; }

# ---- the suite ---------------------------------------------------------------------------------
wait "$TEMPLATES_PID" || { echo "making the test database templates failed (the runs make them):"; cat "$WORK/templates.log"; }
export RASAD_TESTING=true RASAD_DATA_DIR="$WORK/data"
RESULTS="$ROOT/var/test-results"
rm -rf "$RESULTS"
mkdir -p "$WORK/data" "$ROOT/var/test-artifacts" "$RESULTS"
run() {  # run NAME ENV... -- PYTEST-ARGS...
  local name=$1; shift; local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  log "pytest: $name"
  # --durations: the slowest tests of each run are printed, so that CI's time can be spent knowingly.
  # The JUnit reports stay in var/test-results (not under $WORK, which is deleted on exit), so that
  # each test's time can be read after the run: scripts/slowest.py. Each worker's tests, with their
  # start, end and processor time, go to $RESULTS/NAME-timeline-gwN.jsonl (rasad/testing/timeline.py),
  # and how busy each worker was and how long one waited for the other at the end is printed.
  env "${envs[@]}" RASAD_TIMELINE="$RESULTS/$name-timeline" pytest -q -p no:randomly -p rasad.testing.timeline \
    --durations=15 --junitxml="$RESULTS/$name.xml" "$@" || { rc=$?; [ $rc -eq 5 ] || status=1; }
  python -c 'import sys; from rasad.testing.timeline import summary; print(*summary(sys.argv[1]), sep="\n")' \
    "$RESULTS/$name-timeline" || true
}
# Two workers (pytest-xdist): the machine has two cores, and each worker gets its own test database.
# They are handed the tests a few at a time in the run's order (rasad/testing/schedule.py), so that
# both finish together: xdist's own chunks left one running alone for minutes at the end.
# Coverage (RASAD_COVERAGE=1): measured on the SQLite run and reported after it: the total, then
# the twenty least-covered modules. Off by default: with it, the SQLite run of 5,257 tests took
# 25 min at load 2 (the last CI's SQLite part, 4,467 tests without it, about 10 min), which
# would take CI past its 45-minute budget.
if [ "${RASAD_COVERAGE:-0}" = 1 ]; then
  run sqlite DATABASE_URL= REDIS_URL= COVERAGE_FILE="$WORK/.coverage" -- -n 2 -m "not browser and not postgres and not redis" \
    --cov --cov-report= "$@"
  log "coverage (SQLite run)"
  COVERAGE_FILE="$WORK/.coverage" coverage report --sort=cover > "$WORK/coverage.txt" 2>/dev/null || true
  head -22 "$WORK/coverage.txt" || true
  echo "total: $(COVERAGE_FILE="$WORK/.coverage" coverage report --format=total 2>/dev/null || echo '?')%"
else
  run sqlite DATABASE_URL= REDIS_URL= -- -n 2 -m "not browser and not postgres and not redis" "$@"
fi
run postgres DATABASE_URL="$PG_OWNER_URL" RASAD_TEST_APP_ROLE=rasad_app REDIS_URL="$REDIS" -- -n 2 -m "not browser" "$@"
# The browser run has two workers too: one worker (its test process with the live server, Chromium
# and PostgreSQL) kept about one core busy, and CI waited 18 minutes for it. Each worker has its
# own live server, test database and browser. 67 passed with two workers at load 7-9.
run browser DATABASE_URL="$PG_OWNER_URL" RASAD_TEST_APP_ROLE=rasad_app REDIS_URL="$REDIS" RASAD_ARTIFACTS="$ROOT/var/test-artifacts" -- -n 2 -m browser "$@"

# ---- counts ------------------------------------------------------------------------------------
python3 - "$RESULTS" <<'PY' || status=1
import sys, xml.etree.ElementTree as ET
from pathlib import Path
work = Path(sys.argv[1]); totals = {"passed": 0, "failed": 0, "skipped": 0}; bad = False
print()
for name in ("sqlite", "postgres", "browser"):
    path = work / f"{name}.xml"
    if not path.exists():
        print(f"{name:>9}: did not run"); bad = True; continue
    suite = ET.parse(path).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    passed = tests - failures - errors - skipped
    totals["passed"] += passed; totals["failed"] += failures + errors; totals["skipped"] += skipped
    minutes = float(suite.get("time", 0)) / 60
    print(f"{name:>9}: {passed} passed, {failures + errors} failed, {skipped} skipped in {minutes:.1f} min")
    if tests == 0 or skipped:
        bad = True
if totals["skipped"]:
    print("a test was skipped: in this run every test must execute")
print(f"{totals['passed']} passed, {totals['failed']} failed")
sys.exit(1 if bad or totals["failed"] else 0)
PY
exit $status
