#!/usr/bin/env bash
# Rasad's demo command: sets up a virtual environment, installs Rasad, migrates an embedded SQLite
# database under ./var, loads the demo organizations and people, prints the demo logins, and
# serves on http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e .
mkdir -p var
[ -s var/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
# The operator key that seals the command centres' private keys (docs/comms.md): a file, never the database.
[ -s var/comms_key ] || .venv/bin/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' > var/comms_key
chmod 600 var/secret_key var/comms_key
export RASAD_SECRET_KEY_FILE="$PWD/var/secret_key" RASAD_DATA_DIR="$PWD/var" RASAD_COMMS_KEY_FILE="$PWD/var/comms_key"
# The second demo node (scripts/demo-node2.sh) listens on plain http on this machine; come back quickly to it.
export RASAD_COMMS_ALLOW_HTTP=true RASAD_COMMS_NODE_URL="http://127.0.0.1:${PORT:-8000}/" RASAD_COMMS_RETRY_MAX_SECONDS=30
.venv/bin/rasad migrate --no-input -v 0
.venv/bin/rasad demo
exec .venv/bin/rasad serve --host 127.0.0.1 --port "${PORT:-8000}" --no-migrate
