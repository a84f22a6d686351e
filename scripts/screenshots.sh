#!/usr/bin/env bash
# `make screenshots`: refresh docs/screenshots/ (the desk's day grid, the clinician's brief) by
# running the e2e tests that take them, in the system Chromium against a throwaway PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
source "$ROOT/scripts/lib.sh"

PGTMP="$(mktemp -d /tmp/itband-shots-pg.XXXXXX)"
PG_PID=""
cleanup() {
  [ -n "$PG_PID" ] && kill -TERM "$PG_PID" 2>/dev/null
  for _ in $(seq 100); do { [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; } || break; sleep 0.1; done
  rm -rf "$PGTMP"
}
trap cleanup EXIT INT TERM
start_postgres "$PGTMP" || exit 1

export APP_ENV=test
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/itband"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export SCREENSHOTS_DIR="$ROOT/docs/screenshots"
"$PY" -m pytest -q -p no:cacheprovider \
  "tests/e2e/test_desk_grid.py::test_the_day_is_a_time_grid_with_free_time_to_book" \
  "tests/e2e/test_clinician_v2.py::test_the_brief_tells_the_pain_story_first_and_prints_on_one_page"
ls -l "$SCREENSHOTS_DIR"
