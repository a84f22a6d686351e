"""The waitlist end to end in Chromium, on a phone: no time suits → join from the picker →
another runner cancels → the offer email (from the file backend) → claim → booked."""

import email
import email.policy
import re
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking import services, waitlist, waitlist_times
from booking.models import Appointment, WaitlistEntry, WaitlistOffer
from itband.outbox import outbox_relay
from tests.e2e.conftest import assert_accessible, screenshot
from tests.factories import booking_clinic, local_time

pytestmark = pytest.mark.e2e


def other_runner(n: int) -> services.PatientDetails:
    return services.PatientDetails(
        first_name="Other",
        last_name=f"Runner{n}",
        email=f"other{n}@example.com",
        phone="(301) 555-0100",
        date_of_birth=date(1985, 1, 1),
    )


def mail_texts(folder: Path) -> list[str]:
    """The subject and plain text of every email the file backend wrote (decoded)."""
    texts = []
    for path in sorted(folder.iterdir()):
        for raw in path.read_text().split("-" * 79):
            if not raw.strip():
                continue
            message = email.message_from_string(raw.strip(), policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",))
            texts.append(f"{message['subject']}\n{body.get_content() if body else ''}")
    return texts


def test_a_runner_waits_is_offered_a_freed_time_and_books_it(
    live_server, page: Page, settings, tmp_path: Path
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    clinic = booking_clinic(start=time(9), end=time(12))
    location = clinic.location
    now = timezone.now()
    day = timezone.localdate(now, location.zone) + timedelta(days=4)
    booked = [
        services.appointment_book(
            start=local_time(location, day, hour),
            appointment_type=clinic.types["initial-evaluation"],
            location=location,
            clinician=clinic.clinician,
            patient=other_runner(hour),
        )
        for hour in (9, 10, 11)
    ]

    # The picker on that day: nothing suits, so the runner joins the waitlist.
    page.goto(
        f"{live_server.url}/book/?location={location.slug}&type=initial-evaluation"
        f"&safety=none&date={day.isoformat()}"
    )
    page.get_by_role("link", name="None of these suit me? Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    weekday = waitlist_times.WEEKDAYS[day.weekday()][1]
    page.get_by_role("checkbox", name=f"{weekday} morning", exact=True).check()
    page.get_by_label("Keep me on the list until").fill(day.isoformat())
    page.get_by_role("textbox", name="First name", exact=True).fill("Wren")
    page.get_by_role("textbox", name="Last name", exact=True).fill("Waiting")
    page.get_by_role("textbox", name="Email", exact=True).fill("wren@example.com")
    page.get_by_role("textbox", name="Phone", exact=True).fill("(301) 555-0123")
    page.get_by_label("Date of birth").fill("1991-03-04")
    page.get_by_label("I accept the cancellation policy.").check()
    page.get_by_role("button", name="Join the waitlist").click()
    # The entry's link goes by email only (the details typed may be someone else's).
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    entry = WaitlistEntry.objects.get()
    outbox_relay()
    place = re.search(
        r"https?://[^/\s]+(/book/waitlist/[\w-]{20,}/)", "\n".join(mail_texts(tmp_path))
    )[1]
    page.goto(f"{live_server.url}{place}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your waitlist place")
    expect(page.get_by_text("first in line")).to_be_visible()
    assert_accessible(page)

    # Another runner cancels 10:00; the periodic work offers it and the relay sends it.
    services.appointment_cancel(appointment=booked[1], by="patient")
    assert waitlist.waitlist_sweep().offered == 1
    outbox_relay()
    emails = "\n".join(mail_texts(tmp_path))
    assert "A time for you" in emails
    link = re.search(r"https?://[^/\s]+(/book/waitlist/offer/[\w-]+/)", emails)[1]

    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("A time for you")
    expect(page.get_by_text("Held for you until")).to_be_visible()
    assert page.get_by_role("button", name="Book this time").bounding_box()["y"] < 844
    assert_accessible(page)
    screenshot(page, "waitlist-offer")
    page.get_by_role("button", name="Book this time").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You're booked")
    assert_accessible(page)
    visit = Appointment.objects.get(start=booked[1].start, status="booked")
    assert visit.patient.email == "wren@example.com"
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.BOOKED
    assert WaitlistOffer.objects.get().status == WaitlistOffer.Status.CLAIMED
