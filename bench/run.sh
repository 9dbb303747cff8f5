#!/usr/bin/env bash
# Rasad's benchmarks, reported as ratios to limits measured in the same run on the same machine,
# ending with one table of every goal of issues 11 and 17 (bench/goals.py).
#
#   bash bench/run.sh                 # ingest (HTTP vs binary COPY vs bulk_create, without and with
#                                     # 189 months of history), requests over HTTP at 1× and 10× data
#                                     # (hello, bare Django, lists, detail, writes, overload), SQLite
#                                     # writes, dashboard latency, background exports, audit chain, search
#   BENCHES=requests SECONDS_PER_RUN=4 ROUNDS=2 bash bench/run.sh   # requests only, shorter
#   ROWS=50000 OBSERVATIONS=500000 bash bench/run.sh   # smaller, quicker
#   BENCHES=search bash bench/run.sh  # only some: ingest requests planning sqlite dashboard exports
#                                     # audit search live outage
#   BENCHES=live AGENTS=32 STREAMS=2000 bash bench/run.sh   # live operations: 32 agents' single
#                                     # events vs fdatasync; SSE streams on one node and on two
#
# A throwaway PostgreSQL (durable settings: fsync on) and Redis are started under a temporary
# directory and stopped by PID on exit.
#
# Requests: the 1× and 10× data are set up once, each in its own database, and ROUNDS rounds
# alternate the sizes (1×, 10×, 1×, 10× …, every endpoint at one size a round); each size's
# figures are the medians of its rounds, and bench/growth.py gives p95's growth from them
# (sizes measured one after the other measured the order as much as the data: session 24).
# Every benchmark that counts for a goal appends its results to $RESULTS (--save; by default
# var/bench-results.jsonl, emptied at the start), and bench/goals.py prints the table from it: a goal whose benchmark did not run in this
# invocation reads "not measured" (docs/development/benchmarks.md, "Where the goals stand").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
ensure_system_packages
command -v wrk >/dev/null || { $SUDO apt-get install -y -qq wrk >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null; }; }
ensure_venv '.[dev]'
# Two sizes of requests keep two servers' pools open (two workers × 20 connections each) beside
# bare Django's: more than PostgreSQL's default 100 connections.
start_services shared_buffers=256MB max_connections=300
export DATABASE_URL="$PG_URL" REDIS_URL="$REDIS" RASAD_DATA_DIR="$WORK/data" RASAD_SECRET_KEY="bench-$RANDOM$RANDOM"
export RASAD_LOG_LEVEL=WARNING
# The API's rate limits (1,200 a minute per token by default) would turn most benchmark requests
# into 429s: the benchmarks measure the server's capacity, so they are off here.
export RASAD_API_RATE_PER_TOKEN=0 RASAD_API_RATE_PER_ADDRESS=0
createdb() { python3 - "$@" <<PY
import psycopg, sys
with psycopg.connect("postgres://postgres@127.0.0.1:$PG_PORT/postgres", autocommit=True) as c:
    c.execute("CREATE DATABASE " + " TEMPLATE ".join(sys.argv[1:]))
PY
}
createdb rasad
rasad migrate --no-input -v 0
createdb rasad_migrated rasad  # before any benchmark writes to rasad
RESULTS=${RESULTS:-$PWD/var/bench-results.jsonl}  # kept after the run
mkdir -p "$(dirname "$RESULTS")"
: >"$RESULTS"
BENCHES=" ${BENCHES:-ingest requests planning sqlite dashboard exports audit search live outage} "
if [[ $BENCHES == *" ingest "* ]]; then
  python -m bench.ingest --rows "${ROWS:-100000}" --batch "${BATCH:-1000}" --save "$RESULTS"
  python -m bench.ingest --rows "${ROWS:-100000}" --batch "${BATCH:-1000}" --history 189 --save "$RESULTS"
fi
if [[ $BENCHES == *" requests "* ]]; then
  createdb rasad10 rasad_migrated  # a copy of the migrated schema, no second migration
  TEN="postgres://postgres@127.0.0.1:$PG_PORT/rasad10"
  python -m bench.requests --scale 1,10 --database-urls "$TEN" --seconds "${SECONDS_PER_RUN:-8}" \
    --rounds "${ROUNDS:-3}" --overload --save "$RESULTS"
  python -m bench.growth "$RESULTS"
fi
[[ $BENCHES != *" planning "* ]] || python -m bench.planning --scale 10
[[ $BENCHES != *" sqlite "* ]] || python -m bench.sqlite_writes --seconds "${SECONDS_PER_RUN:-8}" --save "$RESULTS"
[[ $BENCHES != *" dashboard "* ]] || python -m bench.dashboard --observations "${OBSERVATIONS:-2000000}"
[[ $BENCHES != *" exports "* ]] || python -m bench.exports --sizes "${EXPORT_SIZES:-100000,1000000}"
[[ $BENCHES != *" audit "* ]] || python -m bench.audit_chain --clients "${AUDIT_CLIENTS:-16}" --sites "${AUDIT_CLIENTS:-16}" --runs "${AUDIT_RUNS:-3}"
[[ $BENCHES != *" search "* ]] || python -m bench.search --organizations "${ORGANIZATIONS:-100000}" --cases "${CASES:-100000}"
if [[ $BENCHES == *" live "* ]]; then
  python -m bench.live ingest --agents "${AGENTS:-32}" --seconds "${SECONDS_PER_RUN:-8}" --runs "${ROUNDS:-3}" \
    --save "$RESULTS"
  python -m bench.live stream --clients "${STREAMS:-5000}" --events "${EVENTS:-10}" --runs "${ROUNDS:-3}" \
    --save "$RESULTS"
  python -m bench.live stream --clients "${STREAMS:-5000}" --events "${EVENTS:-10}" --runs "${ROUNDS:-3}" --nodes 2 \
    --save "$RESULTS"
fi
[[ $BENCHES != *" outage "* ]] || python -m bench.outage --runs "${ROUNDS:-3}"
echo
echo "Where the goals of issues 11 and 17 stand in this run (load $(cut -d' ' -f1-3 /proc/loadavg)):"
python -m bench.goals "$RESULTS"
