#!/usr/bin/env bash
# Rasad's benchmarks, reported as ratios to limits measured in the same run on the same machine.
#
#   bash bench/run.sh                 # ingest (HTTP vs binary COPY vs bulk_create) and dashboard latency
#   ROWS=50000 OBSERVATIONS=500000 bash bench/run.sh   # smaller, quicker
#   BENCHES=search bash bench/run.sh  # only some of them (ingest, dashboard, search)
#
# A throwaway PostgreSQL (durable settings: fsync on) and Redis are started under a temporary
# directory and stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
ensure_system_packages
ensure_venv '.[dev]'
start_services shared_buffers=256MB
export DATABASE_URL="$PG_URL" REDIS_URL="$REDIS" RASAD_DATA_DIR="$WORK/data" RASAD_SECRET_KEY="bench-$RANDOM$RANDOM"
export RASAD_LOG_LEVEL=WARNING
createdb() { python3 - <<PY
import psycopg
with psycopg.connect("postgres://postgres@127.0.0.1:$PG_PORT/postgres", autocommit=True) as c:
    c.execute("CREATE DATABASE rasad")
PY
}
createdb
rasad migrate --no-input -v 0
BENCHES=" ${BENCHES:-ingest dashboard search} "
[[ $BENCHES != *" ingest "* ]] || python -m bench.ingest --rows "${ROWS:-100000}" --batch "${BATCH:-1000}"
[[ $BENCHES != *" dashboard "* ]] || python -m bench.dashboard --observations "${OBSERVATIONS:-2000000}"
[[ $BENCHES != *" search "* ]] || python -m bench.search --organizations "${ORGANIZATIONS:-100000}" --cases "${CASES:-100000}"
