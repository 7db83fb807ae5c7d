#!/usr/bin/env bash
# The one production entrypoint: docker-compose runs it, and .ci/run runs the very same script
# against the local PostgreSQL and Redis for the production smoke test.
#   entrypoint.sh web     migrate, collectstatic, serve HTTP + WebSocket with several workers
#   entrypoint.sh worker     run the background-task worker (django-tasks database backend)
#   entrypoint.sh scheduler  enqueue the periodic tasks (audit chain check, retention)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.production}

case "${1:-web}" in
  web)
    "$PYTHON" manage.py migrate --noinput
    "$PYTHON" manage.py collectstatic --noinput -v0
    "$PYTHON" manage.py setup_site
    exec "$PYTHON" -m uvicorn portal.asgi:application \
      --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" --lifespan off \
      --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
      --no-server-header
    ;;
  worker)
    "$PYTHON" manage.py requeue_orphaned_tasks --older-than "${ORPHAN_AFTER_SECONDS:-0}"
    exec "$PYTHON" manage.py db_worker
    ;;
  scheduler)
    exec "$PYTHON" manage.py run_scheduler
    ;;
  *)
    exec "$@"
    ;;
esac
