#!/usr/bin/env bash
# Rasad's benchmarks, reported as ratios to limits measured in the same run on the same machine.
#
#   bash bench/run.sh                 # ingest (HTTP vs binary COPY vs bulk_create, without and with
#                                     # 189 months of history), requests over HTTP at 1× and 10× data
#                                     # (hello, bare Django, lists, detail, writes, overload), SQLite
#                                     # writes, dashboard latency, background exports, audit chain, search
#   ROWS=50000 OBSERVATIONS=500000 bash bench/run.sh   # smaller, quicker
#   BENCHES=search bash bench/run.sh  # only some: ingest requests planning sqlite dashboard exports
#                                     # audit search live outage
#   BENCHES=live AGENTS=32 STREAMS=2000 bash bench/run.sh   # live operations: 32 agents' single
#                                     # events vs fdatasync; SSE streams on one node and on two
#
# A throwaway PostgreSQL (durable settings: fsync on) and Redis are started under a temporary
# directory and stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
ensure_system_packages
command -v wrk >/dev/null || { $SUDO apt-get install -y -qq wrk >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null; }; }
ensure_venv '.[dev]'
start_services shared_buffers=256MB
export DATABASE_URL="$PG_URL" REDIS_URL="$REDIS" RASAD_DATA_DIR="$WORK/data" RASAD_SECRET_KEY="bench-$RANDOM$RANDOM"
export RASAD_LOG_LEVEL=WARNING
# The API's rate limits (1,200 a minute per token by default) would turn most benchmark requests
# into 429s: the benchmarks measure the server's capacity, so they are off here.
export RASAD_API_RATE_PER_TOKEN=0 RASAD_API_RATE_PER_ADDRESS=0
createdb() { python3 - <<PY
import psycopg
with psycopg.connect("postgres://postgres@127.0.0.1:$PG_PORT/postgres", autocommit=True) as c:
    c.execute("CREATE DATABASE rasad")
PY
}
createdb
rasad migrate --no-input -v 0
BENCHES=" ${BENCHES:-ingest requests planning sqlite dashboard exports audit search live outage} "
if [[ $BENCHES == *" ingest "* ]]; then
  python -m bench.ingest --rows "${ROWS:-100000}" --batch "${BATCH:-1000}"
  python -m bench.ingest --rows "${ROWS:-100000}" --batch "${BATCH:-1000}" --history 189
fi
if [[ $BENCHES == *" requests "* ]]; then
  python -m bench.requests --scale 1 --seconds "${SECONDS_PER_RUN:-8}" --rounds "${ROUNDS:-3}" --overload
  python -m bench.requests --scale 10 --seconds "${SECONDS_PER_RUN:-8}" --rounds "${ROUNDS:-3}"
fi
[[ $BENCHES != *" planning "* ]] || python -m bench.planning --scale 10
[[ $BENCHES != *" sqlite "* ]] || python -m bench.sqlite_writes --seconds "${SECONDS_PER_RUN:-8}"
[[ $BENCHES != *" dashboard "* ]] || python -m bench.dashboard --observations "${OBSERVATIONS:-2000000}"
[[ $BENCHES != *" exports "* ]] || python -m bench.exports --sizes "${EXPORT_SIZES:-100000,1000000}"
[[ $BENCHES != *" audit "* ]] || python -m bench.audit_chain --clients "${AUDIT_CLIENTS:-16}" --sites "${AUDIT_CLIENTS:-16}" --runs "${AUDIT_RUNS:-3}"
[[ $BENCHES != *" search "* ]] || python -m bench.search --organizations "${ORGANIZATIONS:-100000}" --cases "${CASES:-100000}"
if [[ $BENCHES == *" live "* ]]; then
  python -m bench.live ingest --agents "${AGENTS:-32}" --seconds "${SECONDS_PER_RUN:-8}" --runs "${ROUNDS:-3}"
  python -m bench.live stream --clients "${STREAMS:-5000}" --events "${EVENTS:-10}" --runs "${ROUNDS:-3}"
  python -m bench.live stream --clients "${STREAMS:-5000}" --events "${EVENTS:-10}" --runs "${ROUNDS:-3}" --nodes 2
fi
[[ $BENCHES != *" outage "* ]] || python -m bench.outage --runs "${ROUNDS:-3}"
