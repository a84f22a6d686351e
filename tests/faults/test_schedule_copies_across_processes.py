"""The per-process schedule copies (booking.schedule_cache) across real processes: what one app
server or an admin edit changes reaches another server's slot list on its next request after
the generation check (one second), never later.

Each server runs one gunicorn worker, so "the other process" is one process with a warm copy.
"""

from __future__ import annotations

import os
import re
import time
from datetime import time as clock_time
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.utils import timezone

from booking.models import TimeOff
from booking.services import weekly_hours_add
from tests.factories import booking_clinic, local_time

from .support import open_details

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis"),
]


def offered(server, slug: str, day) -> list[str]:
    """The start times a server's slot list offers on ``day`` (its own process's copy)."""
    query = urlencode(
        {
            "location": slug,
            "type": "initial-evaluation",
            "clinician": "any",
            "date": day,
            "safety": "none",  # the cold safety question answered "None of these"
        }
    )
    page = server.browser().get(f"/book/?{query}")
    assert page.status == 200
    found = re.findall(r'href="/book/details/\?[^"]*start=([^"&]+)', page.text)
    return [start for start in found if start.startswith(day.isoformat())]


def encoded(start) -> str:
    return quote(start.isoformat(), safe="")


def after_the_generation_check() -> None:
    """The promise (booking.schedule_cache): another process's change shows within a second."""
    time.sleep(1.3)


@pytest.mark.timeout(120)
def test_a_booking_on_one_server_leaves_the_other_servers_slot_list(app_server):
    clinic = booking_clinic(start=clock_time(9), end=clock_time(12))
    slug, day = clinic.location.slug, timezone.localdate() + timedelta(days=3)
    nine = local_time(clinic.location, day, 9)
    first, second = app_server(workers=1, threads=2), app_server(workers=1, threads=2)
    assert encoded(nine) in offered(second, slug, day)  # the second server's copy is warm

    booked = open_details(first.browser(), slug, nine, "riley@example.com").submit()
    assert booked.status == 302 and booked.header("Location").startswith("/book/manage/")

    after_the_generation_check()
    assert encoded(nine) not in offered(second, slug, day)
    assert encoded(nine) not in offered(first, slug, day)


@pytest.mark.timeout(120)
def test_hours_and_time_off_changed_elsewhere_reach_a_servers_slot_list(app_server):
    """An edit made by another process (here the test itself, as the desk or the admin
    would): new weekly hours appear, time off removes its times."""
    clinic = booking_clinic(start=clock_time(9), end=clock_time(12))
    slug, day = clinic.location.slug, timezone.localdate() + timedelta(days=3)
    server = app_server(workers=1, threads=2)
    one_pm, nine = local_time(clinic.location, day, 13), local_time(clinic.location, day, 9)
    warm = offered(server, slug, day)
    assert encoded(nine) in warm and encoded(one_pm) not in warm

    weekly_hours_add(
        clinician=clinic.clinician,
        location=clinic.location,
        weekday=day.weekday(),
        start=clock_time(13),
        end=clock_time(16),
    )
    TimeOff.objects.create(
        clinician=clinic.clinician,
        start=nine,
        end=local_time(clinic.location, day, 10),
        reason="Dentist",
    )
    after_the_generation_check()
    now_offered = offered(server, slug, day)
    assert encoded(one_pm) in now_offered
    assert encoded(nine) not in now_offered
