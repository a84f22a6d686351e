#!/usr/bin/env bash
# Create a venv with the Python named in .python-version and install a requirements file.
# usage: scripts/venv.sh requirements.txt|requirements-dev.txt [VENV_DIR (default .venv)]
# psycopg2 is built from source (as its docs advise for production): the Debian packages the
# build needs (libpq-dev, gcc, the Python headers) are installed first, only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
want="$(tr -d '[:space:]' < .python-version)"
req="${1:-requirements.txt}"
venv="${2:-.venv}"
source scripts/lib.sh

is_wanted() { "$1" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" 2>/dev/null; }

if [ ! -x "$venv/bin/python" ] || ! is_wanted "$venv/bin/python"; then
  python=""
  for candidate in "$(pyenv which python 2>/dev/null || true)" "$(command -v "python$want" || true)" \
      "$(ls -d "$HOME"/.pyenv/versions/"$want"*/bin/python 2>/dev/null | sort -V | tail -n 1)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && is_wanted "$candidate"; then python="$candidate"; break; fi
  done
  if [ -z "$python" ]; then
    echo "Python $want not found (tried pyenv, python$want). Install it, e.g. 'pyenv install $want'." >&2
    exit 1
  fi
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
# shellcheck disable=SC2046 # one word per package
install_missing $(build_deps_missing "$venv/bin/python")
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
