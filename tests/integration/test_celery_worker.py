"""A real Celery worker against the test Redis delivers an outbox email."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from itband.celery import app as celery_app
from itband.models import OutboxMessage
from itband.outbox import outbox_enqueue
from itband.tasks import relay_outbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process(requires_redis, transactional_db, tmp_path):
    """A worker process on the test database (committed rows) writing mail to files."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker process needs the PostgreSQL test database")
    # Earlier tests' after-commit nudges wait in the queue; start from an empty one.
    celery_app.control.purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.clock",  # on this test's clock (tests/clock.py)
            "celery",
            "-A",
            "itband",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield tmp_path / "mail"
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output.decode(errors="replace")[-3000:])  # shown by pytest when the test fails


def test_worker_relays_a_queued_email(celery_worker_process, settings):
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    outbox_enqueue(
        key="worker:1", to="runner@example.com", template="test_message", context={"name": "Riley"}
    )
    relay_outbox.apply_async()  # what the periodic beat entry sends
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if OutboxMessage.objects.get(key="worker:1").status == OutboxMessage.Status.SENT:
            break
        time.sleep(0.2)
    assert OutboxMessage.objects.get(key="worker:1").status == OutboxMessage.Status.SENT
    files = list(celery_worker_process.glob("*.log"))
    assert len(files) == 1
    assert "Test message for Riley" in files[0].read_text()
