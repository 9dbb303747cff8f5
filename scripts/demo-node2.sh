#!/usr/bin/env bash
# A second Rasad node on this machine, to see centre-to-centre messages travel between nodes.
#
#   bash scripts/demo.sh          # node A, http://127.0.0.1:8000/ (Isfahan, Yazd, Semnan centres)
#   bash scripts/demo-node2.sh    # node B, http://127.0.0.1:8001/ (South Khorasan's centre)
#
# Node B has its own database, secret key and operator key under var/node2/. The script sets up
# South Khorasan's command centre, pins it and node A's Isfahan and Yazd centres to each other
# (exchanging bundle files and confirming the fingerprints, as two administrators would over the
# phone), makes the three a joint border group on node A, and serves node B. Node A's outbox then
# delivers the incident message to node B; open it there as skh-cc.coordinator and node A gets
# the signed read receipt. Stop with Ctrl-C. Run it again to start node B again (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/rasad ] && [ -s var/comms_key ] || { echo "Run bash scripts/demo.sh first (node A)."; exit 1; }
B=var/node2
mkdir -p "$B"
[ -s "$B/secret_key" ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$B/secret_key"
[ -s "$B/comms_key" ] || .venv/bin/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' > "$B/comms_key"
chmod 600 "$B/secret_key" "$B/comms_key"
PORT_B="${PORT_B:-8001}"

node_a() {
  RASAD_DATA_DIR="$PWD/var" RASAD_SECRET_KEY_FILE="$PWD/var/secret_key" RASAD_COMMS_KEY_FILE="$PWD/var/comms_key" \
  RASAD_ENCRYPTION_KEYS_FILE="$PWD/var/encryption_keys" RASAD_COMMS_NODE_URL="http://127.0.0.1:${PORT:-8000}/" RASAD_COMMS_ALLOW_HTTP=true .venv/bin/rasad "$@"
}
node_b() {
  RASAD_DATA_DIR="$PWD/$B" RASAD_SECRET_KEY_FILE="$PWD/$B/secret_key" RASAD_COMMS_KEY_FILE="$PWD/$B/comms_key" \
  RASAD_COMMS_NODE_URL="http://127.0.0.1:$PORT_B/" RASAD_COMMS_ALLOW_HTTP=true RASAD_COMMS_RETRY_MAX_SECONDS=30 \
  .venv/bin/rasad "$@"
}
digits() { sed -n 's/.*digits: //p'; }

node_b migrate --no-input -v 0
node_b comms demo-second-node

# Out of band: each side hands the other its public bundle and reads its fingerprint aloud.
node_b comms bundle SKH-CC > var/SKH-CC.bundle.json
for centre in ISF-BCC YZD-CC; do
  node_a comms bundle "$centre" > "$B/$centre.bundle.json"
  if ! node_b comms status | grep -q "SKH-CC peer $centre .*pinned"; then
    node_b comms add-peer SKH-CC --file "$B/$centre.bundle.json" >/dev/null
    node_b comms confirm-peer SKH-CC "$centre" --digits "$(node_a comms fingerprint "$centre" | digits)"
  fi
  if ! node_a comms status | grep -q "$centre peer SKH-CC .*pinned"; then
    node_a comms add-peer "$centre" --file var/SKH-CC.bundle.json >/dev/null
    node_a comms confirm-peer "$centre" SKH-CC --digits "$(node_b comms fingerprint SKH-CC | digits)"
  fi
done
node_a comms demo-link SKH-CC
echo
node_b comms fingerprint SKH-CC
echo "Node B: http://127.0.0.1:$PORT_B/  (skh-cc.coordinator / rasad-demo-1404)"

node_b serve --host 127.0.0.1 --port "$PORT_B" --no-migrate &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
  .venv/bin/python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT_B/comms/federation/v1/node', timeout=2)" 2>/dev/null && break
  sleep 1
done
# Node B is up: node A need not wait for its outbox's next retry.
node_a comms deliver --now || true
wait "$SERVER"
