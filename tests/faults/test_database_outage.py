"""PostgreSQL goes away under a running app server, then comes back.

Runs on a second throwaway cluster: the suite's own database is never stopped.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .support import CONFIRMED, FRIENDLY_503, ROOT, child_env, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis"),
]

# Migrate the second cluster and book one visit there; prints its manage link.
PREPARE = """
import django
django.setup()
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
from tests.factories import AppointmentFactory
appointment = AppointmentFactory(start=timezone.now() + timedelta(days=3))
print(appointment.get_absolute_url())
"""


def prepare(database_url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PREPARE],
        cwd=ROOT,
        env=child_env(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="itband.settings"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.timeout(90)
def test_database_down_answers_503_and_the_site_recovers_by_itself(second_postgres, app_server):
    token_page = prepare(second_postgres.url)
    server = app_server(database_url=second_postgres.url)
    browser = server.browser(timeout=10)
    for path in ("/", "/readyz", token_page):
        assert browser.get(path).status == 200, path  # warm: pooled connections now exist

    second_postgres.stop()

    for path in ("/readyz", token_page):
        page = browser.get(path)
        assert page.status == 503, (path, page.status, page.text[:300])
        assert page.header("Retry-After") == "30", path
        assert page.elapsed < 5, (path, page.elapsed)
    assert FRIENDLY_503 in browser.get(token_page).text
    # The landing page reads only the clinics, which a process keeps for a second
    # (booking.schedule_cache): it answers from that copy, or with the friendly 503.
    for _ in range(5):
        page = browser.get("/")
        assert page.status in (200, 503), page.status
        assert page.elapsed < 5, page.elapsed
        if page.status == 503:
            assert FRIENDLY_503 in page.text
            assert page.header("Retry-After") == "30"
    assert browser.get("/healthz").status == 200

    second_postgres.start()

    # No restart of the app server: each of its threads reconnects on its own.
    assert wait_for(lambda: browser.get("/").status == 200, timeout=20, interval=0.25)
    for _ in range(3):
        for path in ("/", "/readyz", token_page):
            page = browser.get(path)
            assert page.status == 200, (path, page.status, page.text[:300])
    assert CONFIRMED in browser.get(token_page).text
    assert '"database": "ok"' in browser.get("/readyz").text
