#!/usr/bin/env bash
# The audit signer and witness started through docker/entrypoint.sh, as docker-compose runs
# them: the witness cosigns the signer's first checkpoint of the smoke database, the signer
# writes a last one on SIGTERM, and audit_verify --ask-witnesses proves the trail.
#   .ci/audit_smoke.sh DATABASE_URL
set -euo pipefail
cd "$(dirname "$0")/.."
db_url=$1
dir=$(mktemp -d)
port=8932
export PYTHON=.venv/bin/python DJANGO_SETTINGS_MODULE=portal.settings.production DEBUG=false \
  SECRET_KEY="ci-audit-$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')" \
  OPEN_BADGES_SIGNING_KEY="$(head -c 32 /dev/urandom | base64)" \
  ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="$db_url" REDIS_URL="redis://127.0.0.1:6379/1" \
  AUDIT_SIGNER_KEY_FILE="$dir/signer/log.key" AUDIT_CHECKPOINT_DIR="$dir/checkpoints" \
  AUDIT_WITNESS_URLS="http://127.0.0.1:$port" AUDIT_CHECKPOINT_SECONDS=1 DB_POOL=false
log_vkey=$($PYTHON manage.py audit_keygen "$AUDIT_SIGNER_KEY_FILE")
WITNESS_LOG_VKEY="$log_vkey" WITNESS_KEY_FILE="$dir/witness/key" WITNESS_STATE_DIR="$dir/witness/state" \
  WITNESS_LISTEN="127.0.0.1:$port" setsid docker/entrypoint.sh witness >"$dir/witness.log" 2>&1 &
witness=$!
setsid docker/entrypoint.sh signer >"$dir/signer.log" 2>&1 &
signer=$!
trap 'kill -- -$witness -$signer 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  ls "$dir"/checkpoints/*.witnessed >/dev/null 2>&1 && break
  sleep 0.5
done
kill -TERM -- -"$signer"
wait "$signer" || { echo "-- signer log"; tail -20 "$dir/signer.log"; exit 1; }
witness_vkey=$($PYTHON -m portal.audit.transparency.witness --key "$dir/witness/key" \
  --state "$dir/witness/state" --log-vkey "$log_vkey" --print-vkey)
ls "$dir"/checkpoints
AUDIT_LOG_VKEY="$log_vkey" AUDIT_WITNESS_VKEYS="$witness_vkey" \
  $PYTHON manage.py audit_verify --ask-witnesses || {
  echo "-- signer log"; tail -20 "$dir/signer.log"; echo "-- witness log"; tail -20 "$dir/witness.log"; exit 1; }
