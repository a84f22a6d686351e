#!/usr/bin/env bash
# The embedded default: the web server on 127.0.0.1:8000 plus the background loop that relays
# emails (to files under var/mail/) and sends reminders. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
if .venv/bin/python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $PORT)) != 0)"; then
  echo "Port $PORT is already in use. Stop what holds it, or run: PORT=8001 make run" >&2
  exit 1
fi
.venv/bin/python manage.py run_background --interval 5 &
background_pid=$!
trap 'kill "$background_pid" 2>/dev/null || true' EXIT INT TERM
echo
echo "Serving on http://127.0.0.1:$PORT/  (staff sign-in: http://127.0.0.1:$PORT/accounts/login/)"
echo "Demo staff logins: frontdesk (front desk), clinician (clinician), admin (clinic admin);"
echo "more clinicians are listed above. Password for all: $(.venv/bin/python -c 'import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE","itband.settings"); import django; django.setup(); from django.conf import settings; print(settings.DEMO_PASSWORD)')"
echo "Emails are written to var/mail/."
echo
.venv/bin/python manage.py runserver "127.0.0.1:$PORT"
