#!/usr/bin/env bash
# `make bench` (issue #7): a throwaway PostgreSQL on a free loopback port, scaled data
# (manage.py seed_bench), gunicorn in production mode, then bench/run.py: wrk at 16 connections
# per page against a bare floor view, in-process slot timings and query counts, page weight.
# Prints a table and writes docs/benchmarks.md. Every server it starts is stopped by PID on exit.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
started=$(date +%s)

source "$ROOT/scripts/lib.sh"

# --- system packages (Debian), only when missing --------------------------------------------
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -x "$PGBIN/initdb" ] || missing+=(postgresql-15)
install_missing "${missing[@]}"

BENCHTMP="$(mktemp -d /tmp/itband-bench.XXXXXX)"
PGTMP="$(mktemp -d /tmp/itband-bench-pg.XXXXXX)"
PG_PID=""
GUNICORN_PID=""
cleanup() {
  [ -n "$GUNICORN_PID" ] && kill -TERM "$GUNICORN_PID" 2>/dev/null
  [ -n "$PG_PID" ] && kill -TERM "$PG_PID" 2>/dev/null
  for _ in $(seq 100); do
    { [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; } ||
      { [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; } || break
    sleep 0.1
  done
  rm -rf "$BENCHTMP" "$PGTMP"
}
trap cleanup EXIT INT TERM

# --- throwaway PostgreSQL (as scripts/test.sh) ------------------------------------------------
log "PostgreSQL"
start_postgres "$PGTMP" || exit 1
echo "PostgreSQL pid $PG_PID on 127.0.0.1:$PG_PORT (fsync off: a throwaway cluster)"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/itband"
export DJANGO_SETTINGS_MODULE=bench.settings
export PYTHONPATH="$ROOT"
unset REDIS_URL

log "migrate and seed_bench"
(
  export APP_ENV=test # seed_bench, like seed_demo, refuses production
  "$PY" manage.py migrate --noinput -v0 &&
    "$PY" manage.py createcachetable &&
    "$PY" manage.py seed_bench
) || exit 1

# --- gunicorn in production mode ---------------------------------------------------------------
export APP_ENV=production
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export DEBUG=false
export RATE_LIMITS_ENABLED=false
# Two-factor stays required, as in production: bench staff sessions have passed it.
export STATIC_ROOT="$BENCHTMP/static"
export LOG_LEVEL=WARNING
export SITE_URL="http://127.0.0.1"

log "collectstatic"
"$PY" manage.py collectstatic --noinput -v0 || exit 1

GUNICORN_WORKERS="${GUNICORN_WORKERS:-4}"
GUNICORN_CLASS="${GUNICORN_CLASS:-sync}"
GUNICORN_THREADS="${GUNICORN_THREADS:-1}"
PORT="$(free_port)"
export BENCH_GUNICORN="gunicorn itband.wsgi --workers $GUNICORN_WORKERS --worker-class $GUNICORN_CLASS --threads $GUNICORN_THREADS --bind 127.0.0.1:<free port>"
log "gunicorn: $BENCH_GUNICORN"
"$ROOT/.venv/bin/gunicorn" itband.wsgi --workers "$GUNICORN_WORKERS" --worker-class "$GUNICORN_CLASS" \
  --threads "$GUNICORN_THREADS" --bind "127.0.0.1:$PORT" --error-logfile "$BENCHTMP/gunicorn.log" \
  --log-level warning &
GUNICORN_PID=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$BENCHTMP/gunicorn.log"; exit 1; }
  sleep 0.1
done
echo "gunicorn pid $GUNICORN_PID on 127.0.0.1:$PORT"

log "measuring"
"$PY" -m bench.run --base "http://127.0.0.1:$PORT" --gunicorn-pid "$GUNICORN_PID" \
  --postgres-pid "$PG_PID" --tmp "$BENCHTMP" --started "$started" "$@"
status=$?
[ $status -ne 0 ] && tail -n 50 "$BENCHTMP/gunicorn.log"
log "done in $(($(date +%s) - started)) s; status $status"
exit $status
