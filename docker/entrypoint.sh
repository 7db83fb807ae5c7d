#!/usr/bin/env bash
# The one production entrypoint: docker-compose runs it, and .ci/run runs the very same script
# against the local PostgreSQL and Redis for the production smoke test.
#   entrypoint.sh web     migrate (as the database owner), collectstatic, serve HTTP +
#                         WebSocket with several workers (as the application role)
#   entrypoint.sh worker     run the background-task worker (django-tasks database backend)
#   entrypoint.sh scheduler  enqueue the periodic tasks (audit chain check, retention)
#   entrypoint.sh signer     sign audit checkpoints (its own key, AUDIT_SIGNER_KEY_FILE, created
#                            on the first start; prints the public key to put in AUDIT_LOG_VKEY)
#   entrypoint.sh witness    the independent witness (no database; WITNESS_KEY_FILE,
#                            WITNESS_STATE_DIR, WITNESS_LOG_VKEY; prints its public key)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.production}

case "${1:-web}" in
  web)
    # The application connects (DATABASE_URL) as a role that owns nothing, so it cannot
    # TRUNCATE, ALTER or disable the audit table's append-only trigger; migrations run as the
    # owner (MIGRATE_DATABASE_URL), which then grants the application role its table rights
    # (manage.py grant_app_role, which also refuses to go on if that role could do more).
    if [ -z "${MIGRATE_DATABASE_URL:-}" ]; then
      echo "entrypoint: set MIGRATE_DATABASE_URL (the owner) next to DATABASE_URL (the application role)" >&2
      exit 64
    fi
    APP_DATABASE_URL="$DATABASE_URL" DATABASE_URL="$MIGRATE_DATABASE_URL" DB_POOL=false \
      "$PYTHON" manage.py migrate --noinput
    APP_DATABASE_URL="$DATABASE_URL" DATABASE_URL="$MIGRATE_DATABASE_URL" DB_POOL=false \
      "$PYTHON" manage.py grant_app_role
    "$PYTHON" manage.py collectstatic --noinput -v0
    "$PYTHON" manage.py setup_site
    # Final records from before their hashes went into the audit trail get theirs, once
    # (docs/audit.md); a no-op after that.
    "$PYTHON" manage.py audit_baseline_final_records
    # --no-proxy-headers: uvicorn leaves the client and scheme as the TCP connection has them;
    # portal/security/client_address.py alone reads the proxy's headers, from TRUSTED_PROXIES.
    # --ws-max-size: uvicorn itself refuses a WebSocket frame over the portal's frame limit
    # (WEBSOCKET_MAX_FRAME_BYTES) instead of buffering up to its default 16 MiB first.
    exec "$PYTHON" -m uvicorn portal.asgi:application \
      --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" --lifespan off \
      --no-proxy-headers \
      --ws-max-size "${WEBSOCKET_MAX_FRAME_BYTES:-262144}" \
      --no-server-header
    ;;
  worker)
    "$PYTHON" manage.py requeue_orphaned_tasks --older-than "${ORPHAN_AFTER_SECONDS:-0}"
    exec "$PYTHON" manage.py db_worker
    ;;
  scheduler)
    exec "$PYTHON" manage.py run_scheduler
    ;;
  signer)
    : "${AUDIT_SIGNER_KEY_FILE:?set AUDIT_SIGNER_KEY_FILE}" "${AUDIT_CHECKPOINT_DIR:?set AUDIT_CHECKPOINT_DIR}"
    echo "entrypoint: log key $("$PYTHON" manage.py audit_keygen "$AUDIT_SIGNER_KEY_FILE")" >&2
    exec "$PYTHON" manage.py audit_signer
    ;;
  witness)
    : "${WITNESS_LOG_VKEY:?set WITNESS_LOG_VKEY (the log key the signer printed)}"
    set -- --key "${WITNESS_KEY_FILE:-/witness/key}" --state "${WITNESS_STATE_DIR:-/witness/state}" \
      --log-vkey "$WITNESS_LOG_VKEY"
    echo "entrypoint: witness key $("$PYTHON" -m portal.audit.transparency.witness "$@" --print-vkey)" >&2
    exec "$PYTHON" -m portal.audit.transparency.witness "$@" --listen "${WITNESS_LISTEN:-0.0.0.0:8771}"
    ;;
  *)
    exec "$@"
    ;;
esac
