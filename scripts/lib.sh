# Shared by scripts/test.sh, scripts/bench.sh and scripts/venv.sh (sourced; free_port needs PY,
# start_postgres needs PGBIN).

log() { printf '\n== %s\n' "$*"; }

# install_missing PACKAGE...: apt-get install only the Debian packages named (when not root: sudo).
install_missing() {
  (($#)) || return 0
  log "installing $*"
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

# build_deps_missing PYTHON: the Debian packages that building psycopg2 from source needs and
# this machine lacks: libpq's headers and pg_config, a C compiler, PYTHON's headers.
build_deps_missing() {
  local missing=() include version
  [ -f "$(pg_config --includedir 2>/dev/null)/libpq-fe.h" ] || missing+=(libpq-dev)
  command -v gcc >/dev/null 2>&1 || missing+=(gcc)
  include="$("$1" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
  version="$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  [ -f "$include/Python.h" ] || missing+=("python$version-dev")
  echo "${missing[@]}"
}

free_port() { "$PY" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR: a throwaway cluster in DIR on a free loopback port, fsync off, with a
# database "itband". Sets PG_PORT and PG_PID; the caller stops it by PID.
start_postgres() {
  local dir="$1"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log"; return 1; }
  PG_PORT="$(free_port)"
  as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$dir/server.log"; return 1; }
  PG_PID="$(head -n 1 "$dir/data/postmaster.pid")"
  as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres itband
}
