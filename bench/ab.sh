#!/usr/bin/env bash
# Compare this checkout's code with another checkout's over HTTP (bench/requests.py), alternated.
#
#   bash bench/ab.sh /path/to/old-checkout            # users/me and one-row writes, two pairs
#   PAIRS=3 ONLY="case list,writes" SECONDS_EACH=8 bash bench/ab.sh ../old
#   ONLY=events AGENTS=32 bash bench/ab.sh ../old     # single events from 32 agents (bench/live.py
#                                                     # ingest, one run a side), not bench/requests.py
#   ONLY=events-in-process PROFILE_ARGS="--group 1 --requests 600;--group 8 --requests 150" \
#     bash bench/ab.sh ../old                         # bench/profile_live.py: CPU per request or
#                                                     # batch, each ';'-separated set in turn
#   ABBA=1 ...                                        # every second pair old first (new old old new)
#
# Each side runs from its own directory (`python -m` puts the current directory ahead of
# PYTHONPATH on sys.path, and the servers it starts inherit it), on its own database migrated by
# its own code, and prints the `rasad` it imported. docs/development/benchmarks.md, "Comparing two
# versions of the code". The old checkout needs no virtualenv of its own: this one's is used.
set -euo pipefail
OLD=$(cd "${1:?the directory of the other checkout}" && pwd)
cd "$(dirname "$0")/.."
NEW=$PWD
source scripts/lib/services.sh
ensure_system_packages
command -v wrk >/dev/null || { $SUDO apt-get install -y -qq wrk >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null; }; }
ensure_venv '.[dev]'
start_services shared_buffers=256MB
export REDIS_URL="$REDIS" RASAD_DATA_DIR="$WORK/data" RASAD_SECRET_KEY="bench-$RANDOM$RANDOM$RANDOM"
export RASAD_LOG_LEVEL=WARNING RASAD_API_RATE_PER_TOKEN=0 RASAD_API_RATE_PER_ADDRESS=0
mkdir -p "$WORK/data"
base="postgres://postgres@127.0.0.1:$PG_PORT"
side_dir() { if [ "$1" = old ]; then echo "$OLD"; else echo "$NEW"; fi; }
for side in new old; do
  python -c "
import psycopg
with psycopg.connect('$base/postgres', autocommit=True) as c: c.execute('CREATE DATABASE rasad_$side')"
  (cd "$(side_dir $side)" && DATABASE_URL="$base/rasad_$side" python -m rasad migrate --no-input -v 0)
done
for pair in $(seq "${PAIRS:-2}"); do
  sides="new old"
  if [ "${ABBA:-}" = 1 ] && [ $((pair % 2)) = 0 ]; then sides="old new"; fi
  for side in $sides; do
    echo "== $side, pair $pair, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%T)"
    (
      cd "$(side_dir $side)"
      python -c "import rasad; print('   code:', rasad.__path__[0])"
      if [ "${ONLY:-}" = events-in-process ]; then
        IFS=';' read -ra profiles <<<"${PROFILE_ARGS:---requests 800}"
        for arguments in "${profiles[@]}"; do
          # shellcheck disable=SC2086 # the arguments are split on purpose
          DATABASE_URL="$base/rasad_$side" python -m bench.profile_live $arguments
        done
      elif [ "${ONLY:-}" = events ]; then
        DATABASE_URL="$base/rasad_$side" python -m bench.live ingest --agents "${AGENTS:-32}" \
          --seconds "${SECONDS_EACH:-8}" --runs 1
      else
        DATABASE_URL="$base/rasad_$side" python -m bench.requests --scale 1 --seconds "${SECONDS_EACH:-8}" \
          --rounds 1 --only "${ONLY:-users/me,writes}"
      fi
    )
  done
done
