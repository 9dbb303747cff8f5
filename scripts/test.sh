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
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# ---- system packages ---------------------------------------------------------------------------
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
need=()
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} from apt"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# ---- Python environment ------------------------------------------------------------------------
log "python environment"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
export PATH="$ROOT/.venv/bin:$PATH"

# ---- lint and types ----------------------------------------------------------------------------
# A lint or type failure fails the run, but the suite still runs so that one CI run shows all.
status=0
log "ruff, ruff format --check, mypy"
ruff check . || { echo "ruff check failed"; status=1; }
ruff format --check . || { echo "ruff format --check failed"; status=1; }
RASAD_TESTING=true mypy rasad $( [ -d bench ] && echo bench ) || { echo "mypy failed"; status=1; }

# ---- throwaway services ------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/rasad-test.XXXXXX)
PIDS=()
cleanup() {
  if [ -f "$WORK/pg/postmaster.pid" ]; then
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
    else "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

log "starting PostgreSQL and Redis"
PG_PORT=$(free_port); REDIS_PORT=$(free_port)
mkdir -p "$WORK/pg" "$WORK/sock"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown -R postgres "$WORK" && chmod 755 "$WORK"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
  -o "-p $PG_PORT -k $WORK/sock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/rasad"
REDIS="redis://127.0.0.1:$REDIS_PORT/0"

# ---- the suite ---------------------------------------------------------------------------------
export RASAD_TESTING=true RASAD_DATA_DIR="$WORK/data" PYTHONDONTWRITEBYTECODE=1
mkdir -p "$WORK/data" "$ROOT/var/test-artifacts"
run() {  # run NAME ENV... -- PYTEST-ARGS...
  local name=$1; shift; local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  log "pytest: $name"
  env "${envs[@]}" pytest -q -p no:randomly --junitxml="$WORK/$name.xml" "$@" || { rc=$?; [ $rc -eq 5 ] || status=1; }
}
run sqlite DATABASE_URL= REDIS_URL= -- -m "not browser and not postgres and not redis" "$@"
run postgres DATABASE_URL="$PG_URL" REDIS_URL="$REDIS" -- -m "not browser" "$@"
run browser DATABASE_URL="$PG_URL" REDIS_URL="$REDIS" RASAD_ARTIFACTS="$ROOT/var/test-artifacts" -- -m browser "$@"

# ---- counts ------------------------------------------------------------------------------------
python3 - "$WORK" <<'PY' || status=1
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
    print(f"{name:>9}: {passed} passed, {failures + errors} failed, {skipped} skipped")
    if tests == 0 or skipped:
        bad = True
if totals["skipped"]:
    print("a test was skipped: in this run every test must execute")
print(f"{totals['passed']} passed, {totals['failed']} failed")
sys.exit(1 if bad or totals["failed"] else 0)
PY
exit $status
