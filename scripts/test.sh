#!/usr/bin/env bash
# `make test`: install what is missing, start a throwaway PostgreSQL, Redis and SMTP sink on free
# loopback ports, run checks, then the suite against them with the date sweep on SQLite beside it
# (and the smoke pass on SQLite after the suite, while the sweep goes on), then e2e and faults
# (with the production smoke). Every server is stopped by PID on exit, whether the tests passed
# or not.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
started=$(date +%s)

source "$ROOT/scripts/lib.sh"

# --- system packages (Debian), only when missing --------------------------------------------
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -x "$PGBIN/initdb" ] || missing+=(postgresql-15)
install_missing "${missing[@]}"

# --- throwaway PostgreSQL ---------------------------------------------------------------------
PGTMP="$(mktemp -d /tmp/itband-pg.XXXXXX)"
REDISTMP="$(mktemp -d /tmp/itband-redis.XXXXXX)"
SMTPTMP="$(mktemp -d /tmp/itband-smtp.XXXXXX)"
PG_PID=""
REDIS_PID=""
SWEEP_PID=""
SMTP_PID=""  # issue #12
cleanup() {
  [ -n "$SWEEP_PID" ] && { pkill -TERM -P "$SWEEP_PID"; kill -TERM "$SWEEP_PID"; } 2>/dev/null
  [ -n "$SMTP_PID" ] && kill -TERM "$SMTP_PID" 2>/dev/null
  [ -n "$PG_PID" ] && kill -TERM "$PG_PID" 2>/dev/null
  [ -n "$REDIS_PID" ] && kill -TERM "$REDIS_PID" 2>/dev/null
  for _ in $(seq 50); do
    { [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; } || { [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; } || break
    sleep 0.1
  done
  rm -rf "$PGTMP" "$REDISTMP" "$SMTPTMP"
}
trap cleanup EXIT INT TERM

start_postgres "$PGTMP" || exit 1

# --- throwaway Redis --------------------------------------------------------------------------
REDIS_PORT="$(free_port)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDISTMP" \
  --logfile "$REDISTMP/redis.log" &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

# --- SMTP sink (issue #12): aiosmtpd writing to a Maildir, for the production smoke -----------
SMTP_PORT="$(free_port)"
"$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$SMTPTMP/maildir" \
  >"$SMTPTMP/smtp.log" 2>&1 &
SMTP_PID=$!
for _ in $(seq 50); do
  "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 0.2).close()" 2>/dev/null && break
  sleep 0.1
done
export SMTP_SINK_PORT="$SMTP_PORT" SMTP_SINK_MAILDIR="$SMTPTMP/maildir" RUNTIME_VENV="$ROOT/.venv-runtime"
# --- end SMTP sink ----------------------------------------------------------------------------

export APP_ENV=test
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/itband"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export CHROMIUM_PATH="$CHROMIUM"
export PGBIN
echo "PostgreSQL pid $PG_PID on 127.0.0.1:$PG_PORT; Redis pid $REDIS_PID on 127.0.0.1:$REDIS_PORT"
echo "SMTP sink pid $SMTP_PID on 127.0.0.1:$SMTP_PORT"

status=0
run() { "$@" || status=1; }

log "migrations are in step with the models"
run "$PY" manage.py makemigrations --check --dry-run

log "ruff"
run "$ROOT/.venv/bin/ruff" check .
run "$ROOT/.venv/bin/ruff" format --check .

# The date sweep (tests/clock.py): every date_sensitive test again at each awkward instant
# (leap day, DST changes, year end, Thanksgiving, weekends, early and late hours), on SQLite
# in memory, beside the PostgreSQL pass below: the machine has two cores and that pass leaves
# one mostly idle. Its output is printed when it ends.
SWEEP="$(mktemp -d /tmp/itband-sweep.XXXXXX)"
(
  unset DATABASE_URL REDIS_URL
  export VAR_DIR="$SWEEP/var"
  "$PY" -m pytest tests/integration tests/functional -m date_sensitive --clock-sweep -q \
    ${PYTEST_ARGS:-} >"$SWEEP/log" 2>&1
) &
SWEEP_PID=$!

log "pytest on PostgreSQL + Redis: unit, integration, functional, security"
run "$PY" -m pytest tests/unit tests/integration tests/functional tests/security -q ${PYTEST_ARGS:-}

# The smoke pass runs here, while the date sweep (the longer of the two first passes) goes on
# on the other core.
log "smoke pass on SQLite (the embedded default of make run), on the suite's pinned clock"
SMOKE="$(mktemp -d /tmp/itband-smoke.XXXXXX)"
(
  unset DATABASE_URL REDIS_URL
  export VAR_DIR="$SMOKE"
  # manage.py on the clock the tests use (tests/clock.py): the same instant on any day.
  TEST_CLOCK_AT="$("$PY" -c 'from tests.clock import configured_instant as c; print(c().isoformat())')"
  TEST_CLOCK_ORIGIN="$(date +%s.%N)"
  export TEST_CLOCK_AT TEST_CLOCK_ORIGIN
  manage() { "$PY" -m tests.clock manage.py "$@"; }
  manage migrate --noinput -v0 &&
    manage createcachetable &&
    manage seed_demo >/dev/null &&
    manage seed_demo >/dev/null &&
    manage run_background --once &&
    "$PY" -m pytest tests/functional tests/security -q
) || status=1
rm -rf "$SMOKE"

log "date sweep on SQLite: the date_sensitive tests at each instant of tests/clock.py"
if wait "$SWEEP_PID"; then sweep_status=0; else sweep_status=1; status=1; fi
SWEEP_PID=""
grep -v -e 'W040' -e 'HINT: Non-key' -e '^System check' -e '^WARNINGS:' -e '^$' "$SWEEP/log" | tail -n 40
echo "date sweep status $sweep_status"
rm -rf "$SWEEP"

log "pytest on PostgreSQL + Redis + Chromium: e2e, faults (real servers, workers, outages)"
run "$PY" -m pytest tests/e2e tests/faults -q ${PYTEST_ARGS:-}

log "done in $(( $(date +%s) - started )) s; status $status"
exit $status
