"""Fixtures shared by every layer of the suite."""

import os
import socket

import pytest
from django.apps import apps
from django.conf import settings

from itband.reference_data import create_reference_data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def reference_data(db):
    """Roles and policy pages: made by a migration, but flushed by transactional tests."""
    create_reference_data(apps)


@pytest.fixture
def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def requires_postgres(on_postgres):
    if not on_postgres:
        pytest.skip("needs PostgreSQL (make test provides it)")


@pytest.fixture
def requires_redis():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis (make test provides it)")
    return os.environ["REDIS_URL"]


@pytest.fixture
def front_desk_user(reference_data):
    from tests.factories import StaffFactory

    return StaffFactory(username="desk1", roles=["Front desk"])


@pytest.fixture
def clinician_user(reference_data):
    from tests.factories import StaffFactory

    return StaffFactory(username="clin1", roles=["Clinician"])


@pytest.fixture(autouse=True)
def fresh_schedule_cache():
    """Each test starts without the per-process schedule copies (booking.schedule_cache):
    a rolled-back or flushed test's rows must not be shown to the next."""
    from booking import schedule_cache

    schedule_cache.clear_local()
    yield
    schedule_cache.clear_local()


@pytest.fixture(autouse=True)
def outbox_nudges_not_paused(monkeypatch):
    """A broker failure in one test pauses this process's nudges (itband.outbox): not the
    next test's."""
    from itband import outbox

    monkeypatch.setattr(outbox, "_nudges_paused_until", float("-inf"))
