"""Redis accepts connections but never answers (a hung server, not a stopped one): bookings are
still answered promptly, and their emails wait in the outbox for the periodic relay."""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Appointment
from itband.models import OutboxMessage
from tests.factories import booking_clinic, local_time

from .support import CONFIRMED, open_details

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis"),
]

REQUEST_LIMIT = 2.0  # seconds, as for a stopped Redis
BOOKINGS = 8


@pytest.fixture
def hung_redis():
    """A loopback port that accepts every connection and never sends a byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)  # read nothing, answer nothing

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        stopping.set()
        thread.join(timeout=2)
        for connection in held:
            connection.close()
        listener.close()


@pytest.mark.timeout(90)
def test_bookings_are_answered_promptly_while_redis_hangs(hung_redis, app_server):
    clinic = booking_clinic()
    day = timezone.localdate() + timedelta(days=3)
    starts = [local_time(clinic.location, day, hour) for hour in range(8, 8 + BOOKINGS)]
    server = app_server(redis_url=hung_redis, workers=1, threads=4)

    elapsed = []
    for n, start in enumerate(starts):
        browser = server.browser(timeout=REQUEST_LIMIT + 1)
        attempt = open_details(browser, clinic.location.slug, start, f"hung{n}@example.com")
        booked = attempt.submit()
        assert booked.status == 302, (n, booked.status, booked.text[:300])
        confirmation = browser.get(booked.header("Location"))
        assert confirmation.status == 200 and CONFIRMED in confirmation.text
        elapsed.append(booked.elapsed)
    assert max(elapsed) < REQUEST_LIMIT, elapsed
    # After the first timeout the process stops asking the broker for a while: the rest are
    # as fast as with Redis up.
    assert sorted(elapsed)[-2] < 0.5, elapsed

    assert Appointment.objects.count() == BOOKINGS
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == BOOKINGS
