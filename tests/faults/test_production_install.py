"""The production install, as the README documents it, sends email (issue #12).

A venv built from ``requirements.txt`` alone (``.venv-runtime``, made by ``make test``; the dev
venv would hide a missing runtime dependency that pytest brings along), then from it:
collectstatic, gunicorn with ``APP_ENV=production``, a Celery worker and Celery beat against
the suite's PostgreSQL and Redis, and mail over SMTP to the aiosmtpd sink that
``scripts/test.sh`` starts on a free loopback port (a Maildir we read here). A runner books a
time the server itself offers, over HTTP as a TLS-terminating proxy would forward it, and the
confirmation with its calendar file must arrive at the sink.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import mailbox
import os
import re
import secrets
import subprocess
from datetime import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps

from itband.reference_data import create_reference_data
from tests.conftest import free_port
from tests.factories import booking_clinic

from .conftest import log_tail, stop_processes
from .support import DETAILS, ROOT, Browser, hidden_value, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis"),
]

RUNTIME_VENV = Path(os.environ.get("RUNTIME_VENV", ROOT / ".venv-runtime"))
SITE_HOST = "clinic.example.test"


@pytest.fixture
def smtp_sink() -> tuple[int, Path]:
    port, maildir = os.environ.get("SMTP_SINK_PORT"), os.environ.get("SMTP_SINK_MAILDIR")
    if not (port and maildir):
        pytest.skip("needs the SMTP sink that make test starts (SMTP_SINK_PORT)")
    return int(port), Path(maildir)


@pytest.fixture
def runtime_venv() -> Path:
    if not (RUNTIME_VENV / "bin" / "python").exists():
        pytest.skip(f"needs the runtime-only venv {RUNTIME_VENV} (make test builds it)")
    return RUNTIME_VENV


def production_env(*, database_url: str, redis_url: str, smtp_port: int, tmp: Path) -> dict:
    """Only what a deployment sets (README, "How production runs"): nothing of the test run."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ALLOWED_HOSTS=f"127.0.0.1,{SITE_HOST}",
        SITE_URL=f"https://{SITE_HOST}",
        STATIC_ROOT=str(tmp / "static"),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="false",  # the loopback sink speaks plain SMTP
        TRUSTED_PROXY_COUNT="1",
        PERIODIC_RELAY_SECONDS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


def offered_time_url(page_html: str) -> str:
    """The first time link of the picker: a time the server offers by its own clock."""
    links = re.findall(r'href="(/book/details/\?[^"]+)"', page_html)
    assert links, "the booking page offered no time"
    return html.unescape(links[0])


def messages_to(maildir: Path, address: str) -> list[email.message.EmailMessage]:
    found = []
    for _key, raw in mailbox.Maildir(maildir, factory=None, create=False).items():
        message = email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)
        if address in message.get("X-RcptTo", "") or address in message.get("To", ""):
            found.append(message)
    return found


@pytest.mark.timeout(240)
def test_the_production_install_books_and_emails_the_confirmation(
    test_database_url, requires_redis, runtime_venv, smtp_sink, tmp_path
):
    smtp_port, maildir = smtp_sink
    create_reference_data(apps)
    clinic = booking_clinic(clinicians=2, start=time(7), end=time(20))
    # A Redis database of its own: other tests' queued nudges are not this worker's business.
    redis_url = re.sub(r"/\d+$", "", requires_redis) + "/7"
    env = production_env(
        database_url=test_database_url, redis_url=redis_url, smtp_port=smtp_port, tmp=tmp_path
    )
    python, bin_dir = str(runtime_venv / "bin" / "python"), runtime_venv / "bin"

    collect = subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stdout + collect.stderr

    port = free_port()
    commands = {
        "gunicorn": [
            str(bin_dir / "gunicorn"),
            "itband.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ],
        "worker": [
            str(bin_dir / "celery"),
            "-A",
            "itband",
            "worker",
            "--concurrency=1",
            "--loglevel=INFO",
            "--hostname=smoke@production",
        ],
        "beat": [
            str(bin_dir / "celery"),
            "-A",
            "itband",
            "beat",
            "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}",
        ],
    }
    processes: dict[str, subprocess.Popen] = {}
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    try:
        for name, command in commands.items():
            with logs[name].open("wb") as out:
                processes[name] = subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

        def alive_and(name: str, condition) -> bool:
            process = processes[name]
            assert process.poll() is None, f"{name} exited:\n{log_tail(logs[name])}"
            return condition()

        def worker_ready() -> bool:
            return " ready." in log_tail(logs["worker"], 100_000)

        assert wait_for(lambda: alive_and("worker", worker_ready), timeout=60, interval=0.2), (
            f"the worker never became ready:\n{log_tail(logs['worker'])}"
        )

        # As a TLS-terminating proxy forwards a browser's request.
        browser = Browser(
            f"http://127.0.0.1:{port}",
            headers={
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "198.51.100.23",
                "Origin": f"https://127.0.0.1:{port}",
            },
        )

        def healthy() -> bool:
            try:
                return browser.get("/healthz").status == 200
            except OSError:
                return False

        assert wait_for(lambda: alive_and("gunicorn", healthy), timeout=60, interval=0.2), (
            f"gunicorn never answered:\n{log_tail(logs['gunicorn'])}"
        )

        picker = browser.get(
            f"/book/?location={clinic.location.slug}&type=initial-evaluation&clinician=any"
            "&safety=none"  # the cold safety question answered "None of these"
        )
        assert picker.status == 200, (picker.status, picker.text[:500])
        details_url = offered_time_url(picker.text)
        form_page = browser.get(details_url)
        assert form_page.status == 200, (form_page.status, form_page.text[:500])
        address = f"smoke-{secrets.token_hex(4)}@example.com"
        booked = browser.post(
            "/book/details/",
            {
                **dict(parse_qsl(urlsplit(details_url).query)),
                **DETAILS,
                "email": address,
                "csrfmiddlewaretoken": hidden_value(form_page.text, "csrfmiddlewaretoken"),
                "booking_key": hidden_value(form_page.text, "booking_key"),
            },
        )
        assert booked.status == 302, (booked.status, booked.text[:2000])
        assert "/book/manage/" in booked.header("Location")

        arrived = wait_for(lambda: messages_to(maildir, address), timeout=90, interval=0.5)
        assert arrived, (
            "no confirmation reached the SMTP sink\n"
            f"--- worker:\n{log_tail(logs['worker'])}\n--- beat:\n{log_tail(logs['beat'])}"
        )
        confirmation = arrived[0]
        assert "confirmed" in confirmation["Subject"].lower() or "booked" in (
            confirmation["Subject"].lower()
        ), confirmation["Subject"]
        calendars = [
            part
            for part in confirmation.iter_attachments()
            if part.get_filename("").endswith(".ics")
        ]
        assert len(calendars) == 1
        assert calendars[0].get_content_type() == "text/calendar"
        assert "BEGIN:VCALENDAR" in calendars[0].get_content()
        assert (
            f"https://{SITE_HOST}/book/manage/" in confirmation.get_body(("plain",)).get_content()
        )

        # Beat, not only the booking's nudge, runs the relay: readiness sees it run lately.
        assert wait_for(
            lambda: "Sending due task outbox-relay" in log_tail(logs["beat"], 100_000),
            timeout=30,
        ), log_tail(logs["beat"])
        assert browser.get("/favicon.ico").status == 200  # whitenoise serves the site root
        ready = json.loads(browser.get("/readyz").text)
        assert ready["status"] == "ok", ready
        assert ready["broker"] == "ok", ready
    finally:
        stop_processes(list(processes.values()))
        for name in processes:
            print(f"--- {name} log:\n{log_tail(logs[name])}")
