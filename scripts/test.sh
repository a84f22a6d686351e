#!/usr/bin/env bash
# `make test`: install what is missing, start a throwaway PostgreSQL and Redis on free loopback
# ports, run checks and the whole suite against them, then a smoke pass on SQLite. Both servers
# are stopped by PID on exit, whether the tests passed or not.
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
PG_PID=""
REDIS_PID=""
cleanup() {
  [ -n "$PG_PID" ] && kill -TERM "$PG_PID" 2>/dev/null
  [ -n "$REDIS_PID" ] && kill -TERM "$REDIS_PID" 2>/dev/null
  for _ in $(seq 50); do
    { [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; } || { [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; } || break
    sleep 0.1
  done
  rm -rf "$PGTMP" "$REDISTMP"
}
trap cleanup EXIT INT TERM

start_postgres "$PGTMP" || exit 1

# --- throwaway Redis --------------------------------------------------------------------------
REDIS_PORT="$(free_port)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDISTMP" \
  --logfile "$REDISTMP/redis.log" &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

export APP_ENV=test
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/itband"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export CHROMIUM_PATH="$CHROMIUM"
export PGBIN
echo "PostgreSQL pid $PG_PID on 127.0.0.1:$PG_PORT; Redis pid $REDIS_PID on 127.0.0.1:$REDIS_PORT"

status=0
run() { "$@" || status=1; }

log "migrations are in step with the models"
run "$PY" manage.py makemigrations --check --dry-run

log "ruff"
run "$ROOT/.venv/bin/ruff" check .
run "$ROOT/.venv/bin/ruff" format --check .

log "pytest on PostgreSQL + Redis + Chromium: unit, integration, functional, e2e"
run "$PY" -m pytest tests/unit tests/integration tests/functional tests/security tests/e2e tests/faults -q ${PYTEST_ARGS:-}

log "smoke pass on SQLite (the embedded default of make run)"
SMOKE="$(mktemp -d /tmp/itband-smoke.XXXXXX)"
(
  unset DATABASE_URL REDIS_URL
  export VAR_DIR="$SMOKE"
  "$PY" manage.py migrate --noinput -v0 &&
    "$PY" manage.py createcachetable &&
    "$PY" manage.py seed_demo >/dev/null &&
    "$PY" manage.py seed_demo >/dev/null &&
    "$PY" manage.py run_background --once &&
    "$PY" -m pytest tests/functional tests/security -q
) || status=1
rm -rf "$SMOKE"

log "done in $(( $(date +%s) - started )) s; status $status"
exit $status
