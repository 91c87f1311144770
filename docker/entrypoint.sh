#!/bin/sh
# One container role per invocation: `web` (migrates, then serves), `worker` or `beat`; any other
# command, e.g. `python manage.py createsuperuser`, runs as given. All wait for the database first,
# so a container started before PostgreSQL accepts connections does not crash-loop.
set -eu
cd "$(dirname "$0")/.."

role=${1:-web}
[ $# -gt 0 ] && shift

python docker/wait_for_db.py

case "$role" in
  web)
    # Only web migrates: several containers migrating at once would race on the same tables, and
    # compose starts worker and beat only once web is healthy, i.e. after this has finished.
    python manage.py migrate --noinput
    # Worker count comes from WEB_CONCURRENCY, which gunicorn reads itself. No control socket: it
    # would be made under $HOME, which the application cannot write to. The access log names the
    # path without its query string and without the referrer: a search typed by staff (a phone
    # number, a name) or by a citizen never reaches the log.
    exec gunicorn appeals.wsgi:application --bind "${GUNICORN_BIND:-0.0.0.0:8000}" \
      --access-logfile - \
      --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss' \
      --no-control-socket "$@"
    ;;
  worker)
    exec celery -A appeals worker --loglevel="${LOG_LEVEL:-INFO}" "$@"
    ;;
  beat)
    exec celery -A appeals beat --loglevel="${LOG_LEVEL:-INFO}" "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
