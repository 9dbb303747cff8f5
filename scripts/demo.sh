#!/usr/bin/env bash
# Rasad's demo command: sets up a virtual environment, installs Rasad, migrates an embedded SQLite
# database under ./var, loads the demo organizations, people, indicators and cases, prints the demo
# logins, and serves on http://127.0.0.1:$PORT/ (PORT=8000 unless set: PORT=8080 bash scripts/demo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT="${PORT:-8000}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
step() { printf '\n\033[1m[%s/4] %s\033[0m\n' "$1" "$2"; }
step 1 "Python environment"
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "  installing python3-venv with apt"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
step 2 "Installing Rasad and its libraries (the first time takes a few minutes)"
# One line per package as pip fetches it, so that a slow network shows progress, not silence.
.venv/bin/pip install --disable-pip-version-check -e . 2>&1 \
  | awk '/^(Collecting|Successfully installed)/ { sub(/ \(from .*/, ""); print "  " $0; fflush() }'
mkdir -p var
[ -s var/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
# The operator key that seals the command centres' private keys (docs/comms.md): a file, never the database.
[ -s var/comms_key ] || .venv/bin/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' > var/comms_key
# The key that encrypts what is marked confidential at rest (docs/security.md): a file too.
[ -s var/encryption_keys ] || .venv/bin/python -c 'import base64, os; print("demo-1:" + base64.b64encode(os.urandom(32)).decode())' > var/encryption_keys
chmod 600 var/secret_key var/comms_key var/encryption_keys
export RASAD_SECRET_KEY_FILE="$PWD/var/secret_key" RASAD_DATA_DIR="$PWD/var" RASAD_COMMS_KEY_FILE="$PWD/var/comms_key"
export RASAD_ENCRYPTION_KEYS_FILE="$PWD/var/encryption_keys"
# The second demo node (scripts/demo-node2.sh) listens on plain http on this machine; come back quickly to it.
export RASAD_COMMS_ALLOW_HTTP=true RASAD_COMMS_NODE_URL="http://127.0.0.1:${PORT:-8000}/" RASAD_COMMS_RETRY_MAX_SECONDS=30
step 3 "Preparing the database (var/rasad.sqlite3)"
# Unbuffered: through the pipe Python held every "Applying" line until the end (a minute of silence).
PYTHONUNBUFFERED=1 .venv/bin/rasad migrate --no-input -v 1 | awk '/Applying/ { print "  " $0; fflush() }'
step 4 "Loading the demo world"
.venv/bin/rasad demo
printf '\n\033[1mRasad is starting on http://127.0.0.1:%s/ (Ctrl+C stops it)\033[0m\n' "$PORT"
exec .venv/bin/rasad serve --host 127.0.0.1 --port "$PORT" --no-migrate
