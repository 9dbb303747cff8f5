# Throwaway PostgreSQL and Redis for the test and benchmark commands. Source this file, then:
#   ensure_system_packages      # apt-get installs PostgreSQL, Redis, Chromium, python3-venv, Pango, poppler if missing
#   ensure_venv '.[dev]'        # .venv with Rasad installed (extras as given)
#   start_services              # sets WORK, PG_URL, REDIS, PG_PORT; stops everything by PID on exit
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
log() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

ensure_system_packages() {
  local need=() bin
  bin=$(pg_bin || true)
  { [ -n "$bin" ] && [ -x "$bin/initdb" ]; } || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
  # Reports: WeasyPrint shapes Persian with Pango/HarfBuzz; the tests read PDFs with pdftotext.
  ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
  command -v pdftotext >/dev/null || need+=(poppler-utils)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]} from apt"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  PG_BIN=$(pg_bin)
}

ensure_venv() {
  log "python environment"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -e "$1"
  export PATH="$PWD/.venv/bin:$PATH"
}

_as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# Outside the kernel's range for outgoing connections: see rasad/testing/ports.py.
_free_port() { python3 "$(dirname "${BASH_SOURCE[0]}")/../../rasad/testing/ports.py"; }

stop_services() {
  if [ -n "${WORK:-}" ] && [ -f "$WORK/pg/postmaster.pid" ]; then
    _as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  for pid in "${SERVICE_PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
}

# start_services [extra postgres -c settings...]
start_services() {
  WORK=$(mktemp -d /tmp/rasad-services.XXXXXX)
  SERVICE_PIDS=()
  trap stop_services EXIT
  log "starting PostgreSQL and Redis"
  PG_PORT=$(_free_port); REDIS_PORT=$(_free_port)
  mkdir -p "$WORK/pg" "$WORK/sock" "$WORK/data"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$WORK"; chmod 755 "$WORK"; fi
  _as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  local options="-p $PG_PORT -k $WORK/sock -c listen_addresses=127.0.0.1"
  for setting in "$@"; do options="$options -c $setting"; done
  _as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -o "$options" start >/dev/null
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
  SERVICE_PIDS+=($!)
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/rasad"
  REDIS="redis://127.0.0.1:$REDIS_PORT/0"
  export PG_URL REDIS PG_PORT WORK
}

# create_app_roles: the two database roles of a production set-up (docs/security.md, "Two
# database roles"). rasad_owner owns the database and runs the migrations; rasad_app is the
# application's role: it reads and writes every table, but may not UPDATE, DELETE or TRUNCATE the
# audit trail (the migrations revoke it). Sets PG_OWNER_URL and PG_APP_URL. The default privileges
# are set in template1 so that every database created later (the test databases) inherits them.
create_app_roles() {
  local sql="CREATE ROLE rasad_owner LOGIN CREATEDB; CREATE ROLE rasad_app LOGIN;
    GRANT rasad_app TO rasad_owner;
    ALTER DEFAULT PRIVILEGES FOR ROLE rasad_owner GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO rasad_app;
    ALTER DEFAULT PRIVILEGES FOR ROLE rasad_owner GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO rasad_app;"
  for db in template1 postgres; do
    if [[ $db == template1 ]]; then q=$sql; else q=${sql#*GRANT rasad_app TO rasad_owner;}; fi
    _as_pg "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" -c "$q" >/dev/null
  done
  PG_OWNER_URL="postgres://rasad_owner@127.0.0.1:$PG_PORT/rasad"
  PG_APP_URL="postgres://rasad_app@127.0.0.1:$PG_PORT/rasad"
  export PG_OWNER_URL PG_APP_URL
}
