"""Many runners take the same slot at once, through real HTTP servers; then scale-out: two app
servers and two Celery workers on one PostgreSQL and one Redis."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from booking import services
from booking.models import Appointment
from booking.tasks import send_due_reminders
from itband.models import OutboxMessage
from tests.factories import AppointmentFactory, booking_clinic, local_time

from .support import JUST_TAKEN, Page, mail_keys, open_details, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis"),
]

RACERS = 50


def race(servers, location_slug: str, start) -> list[Page]:
    """Every racer first GETs the details page (its own cookie, token and booking key), then
    all POST together behind a barrier, round-robin over the servers."""
    barrier = threading.Barrier(RACERS, timeout=60)

    def racer(n: int) -> Page:
        server = servers[n % len(servers)]
        attempt = open_details(server.browser(), location_slug, start, f"racer{n}@example.com")
        barrier.wait()
        return attempt.submit()

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        return list(pool.map(racer, range(RACERS)))


def assert_one_winner(pages: list[Page]) -> Appointment:
    assert [p.status for p in pages if p.status >= 500] == []
    winners = [p for p in pages if p.status == 302]
    losers = [p for p in pages if p.status != 302]
    assert len(winners) == 1, sorted(p.status for p in pages)
    assert winners[0].header("Location").startswith("/book/manage/")
    assert all(p.status == 200 and JUST_TAKEN in p.text for p in losers), [
        (p.status, p.text[:300]) for p in losers if JUST_TAKEN not in p.text
    ]
    appointment = Appointment.objects.get()
    assert winners[0].header("Location") == appointment.get_absolute_url()
    return appointment


@pytest.mark.timeout(90)
def test_fifty_runners_race_for_one_slot_and_one_wins(app_server):
    clinic = booking_clinic()
    start = local_time(clinic.location, timezone.localdate() + timedelta(days=4), 10)
    server = app_server()

    pages = race([server], clinic.location.slug, start)

    appointment = assert_one_winner(pages)
    assert appointment.start == start
    assert OutboxMessage.objects.filter(key__startswith="appointment:").count() == 1


@pytest.mark.timeout(120)
def test_two_servers_and_two_workers_book_once_and_remind_once(app_server, celery_worker):
    clinic = booking_clinic()
    start = local_time(clinic.location, timezone.localdate() + timedelta(days=5), 11)
    # Each worker also listens on a queue of its own, so the sweep surely runs on both.
    workers = [celery_worker(name=f"w{n}", queues=("celery", f"faults-w{n}")) for n in (1, 2)]
    servers = [app_server(workers=1), app_server(workers=1)]
    for worker in workers:
        worker.wait_ready()

    # The race, split over both servers.
    appointment = assert_one_winner(race(servers, clinic.location.slug, start))
    confirmation = f"appointment:{appointment.pk}:confirmation:0"

    # The reminder sweep: 20 visits inside the window, the task fired on both workers at once.
    now = timezone.now()
    due = [AppointmentFactory(start=now + timedelta(hours=2, minutes=20 * n)) for n in range(20)]
    for n in range(10):
        send_due_reminders.apply_async(queue=f"faults-w{n % 2 + 1}")

    reminder_keys = {f"appointment:{a.pk}:reminder:0" for a in due}
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
    assert wait_for(
        lambda: set(sent.values_list("key", flat=True)) >= reminder_keys | {confirmation},
        timeout=40,
    ), list(OutboxMessage.objects.values_list("key", "status"))
    # Both workers ran the sweep; let any straggling relay finish before counting.
    for worker in workers:
        assert wait_for(
            lambda w=worker: "booking.tasks.send_due_reminders" in w.log.read_text(), timeout=10
        )
    assert wait_for(lambda: not OutboxMessage.objects.filter(status="pending").exists(), timeout=10)

    for visit in due:
        visit.refresh_from_db()
        assert visit.reminder_sent_at is not None
        rows = OutboxMessage.objects.filter(key__startswith=f"appointment:{visit.pk}:reminder")
        assert rows.count() == 1
        assert rows.get().attempts == 1
    counts = mail_keys(w.mail_dir for w in workers)
    assert {key: counts[key] for key in reminder_keys | {confirmation}} == dict.fromkeys(
        reminder_keys | {confirmation}, 1
    )
    assert sum(counts.values()) == len(reminder_keys) + 1


@pytest.mark.timeout(60)
def test_simultaneous_inserts_that_deadlock_are_just_taken(requires_postgres, transactional_db):
    """Two bookings inserted at the same instant can deadlock inside PostgreSQL's exclusion
    check (each waits for the other's transaction), and PostgreSQL aborts one with SQLSTATE
    40P01, an OperationalError. That runner must hear "just taken", not the site's "back in a
    moment" 503. Here eight runners race for one slot again each time the clinic cancels it."""
    clinic = booking_clinic()
    start = local_time(clinic.location, timezone.localdate() + timedelta(days=4), 10)
    threads, rounds = 8, 25

    def book(n: int, barrier: threading.Barrier) -> str:
        try:
            with connection.cursor() as cursor:
                # Superuser on the test clusters: detect a deadlock in 50 ms, not 1 s.
                cursor.execute("SET deadlock_timeout = '50ms'")
            barrier.wait()
            services.appointment_book(
                start=start,
                appointment_type=clinic.types["initial-evaluation"],
                location=clinic.location,
                clinician=None,
                patient=services.PatientDetails(
                    first_name="Riley",
                    last_name=f"Racer{n}",
                    email=f"racer{n}@example.com",
                    phone="(301) 555-0100",
                    date_of_birth=date(1990, 4, 23),
                ),
            )
            return "booked"
        except services.SlotTaken:
            return "taken"
        except Exception as exc:  # noqa: BLE001 - any other outcome is the failure to report
            return f"{type(exc).__name__}: {exc}"[:120]
        finally:
            connection.close()

    outcomes = []
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(rounds):
            barrier = threading.Barrier(threads, timeout=30)
            outcomes.append(sorted(pool.map(lambda n, b=barrier: book(n, b), range(threads))))
            services.appointment_cancel(
                appointment=Appointment.objects.get(status=Appointment.Status.BOOKED), by="clinic"
            )
    assert outcomes == [["booked"] + ["taken"] * (threads - 1)] * rounds
