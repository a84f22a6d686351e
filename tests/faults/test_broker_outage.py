"""Redis is gone: bookings still complete at once, and their emails go out when it is back."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Appointment
from itband.models import OutboxMessage
from tests.factories import booking_clinic, local_time

from .support import CONFIRMED, mail_keys, open_details, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis"),
]

REQUEST_LIMIT = 2.0  # seconds: the request path never waits on Redis


@pytest.mark.timeout(90)
def test_bookings_succeed_with_redis_down_and_emails_follow_its_return(
    second_redis, app_server, celery_worker
):
    clinic = booking_clinic()
    today = timezone.localdate()
    starts = [
        local_time(clinic.location, today + timedelta(days=day), hour)
        for day in (3, 4, 5)
        for hour in range(8, 17)
    ][:20]
    server = app_server(redis_url=second_redis.url)
    second_redis.stop()

    for n, start in enumerate(starts):
        browser = server.browser(timeout=REQUEST_LIMIT)
        attempt = open_details(browser, clinic.location.slug, start, f"outage{n}@example.com")
        booked = attempt.submit()
        assert booked.status == 302, (n, booked.status, booked.text[:300])
        confirmation = browser.get(booked.header("Location"))
        assert confirmation.status == 200 and CONFIRMED in confirmation.text
        assert max(booked.elapsed, confirmation.elapsed) < REQUEST_LIMIT, n

    appointments = Appointment.objects.order_by("start")
    assert [a.start for a in appointments] == starts
    keys = {f"appointment:{a.pk}:confirmation:0" for a in appointments}
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == keys
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).exists()

    # Redis is back (empty: the nudges were lost). The periodic relay is the guarantee.
    second_redis.start()
    worker = celery_worker(
        redis_url=second_redis.url, beat=True, env={"PERIODIC_RELAY_SECONDS": "1"}
    )
    pending = OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT)
    assert wait_for(lambda: not pending.exists(), timeout=40), list(
        pending.values_list("key", "status", "last_error")
    )
    assert mail_keys([worker.mail_dir]) == dict.fromkeys(keys, 1)
