"""The waitlist's pages: joining (from the picker, with an intake, refused when flagged, bad
input kept), the runner's private entry page and offer page, and the desk's waitlist."""

import re
from datetime import date, datetime, time, timedelta
from html import unescape
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import services, waitlist, waitlist_times
from booking.models import Appointment, WaitlistEntry, WaitlistOffer
from itband.models import AuditEvent, OutboxMessage
from tests.factories import AppointmentFactory, booking_clinic, local_time, submitted_intake

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]

JOIN = "/book/waitlist/"


@pytest.fixture
def clinic(reference_data):
    return booking_clinic(start=time(9), end=time(12))


@pytest.fixture
def day(clinic) -> date:
    return timezone.localdate(timezone.now(), clinic.location.zone) + timedelta(days=4)


def weekday_morning(day: date) -> str:
    return f"{waitlist_times.WEEKDAYS[day.weekday()][0]}-morning"


def join_post(clinic, day, **overrides) -> dict:
    values = {
        "safety": "none",
        "appointment_type": "initial-evaluation",
        "locations": [clinic.location.slug],
        "clinician": "any",
        "times": [weekday_morning(day), "sat-evening"],
        "until": day.isoformat(),
        "first_name": "Wren",
        "last_name": "Waiting",
        "email": "wren@example.com",
        "phone": "(301) 555-0123",
        "date_of_birth": "1991-03-04",
        "accept_policy": "on",
    }
    values.update(overrides)
    return values


def entry_of(clinic, day, **overrides) -> WaitlistEntry:
    return waitlist.waitlist_join(
        patient=services.PatientDetails(
            first_name="Wren",
            last_name="Waiting",
            email="wren@example.com",
            phone="(301) 555-0123",
            date_of_birth=date(1991, 3, 4),
        ),
        locations=[clinic.location],
        appointment_type=clinic.types["initial-evaluation"],
        clinician=None,
        times=[weekday_morning(day)],
        until=day,
        **overrides,
    )


def test_the_picker_links_to_the_waitlist_with_its_choices(client, clinic, day):
    html = client.get(
        "/book/", {"location": clinic.location.slug, "type": "initial-evaluation", "safety": "none"}
    ).content.decode()
    link = unescape(
        re.search(r'href="(/book/waitlist/\?[^"]+)"[^>]*>None of these suit me', html)[1]
    )
    assert "safety=none" in link and f"location={clinic.location.slug}" in link
    page = client.get(link).content.decode()
    assert "Join the waitlist" in page
    assert re.search(rf'value="{clinic.location.slug}"[^>]*checked', page)
    assert re.search(r'<option value="initial-evaluation" selected', page)
    # The week of times: one box per day and part, each labelled for screen readers.
    assert page.count('name="times"') == 21
    assert '<span class="visually-hidden">Monday morning</span>' in page


def test_an_initial_visit_without_an_intake_asks_the_safety_question_first(client, clinic):
    response = client.get(JOIN, {"location": clinic.location.slug, "type": "initial-evaluation"})
    assert response.status_code == 302
    assert response["Location"].startswith("/book/?")
    # A follow-up (no intake needed) goes straight to the form.
    assert client.get(JOIN, {"type": "follow-up"}).status_code == 200


def test_an_intake_prefills_the_runners_details(client, clinic):
    intake = submitted_intake()
    html = client.get(JOIN, {"intake": intake.token, "type": "initial-evaluation"}).content.decode()
    assert 'value="Casey"' in html and 'value="casey@example.com"' in html
    assert f'name="intake" value="{intake.token}"' in html


def test_joining_saves_the_entry_emails_its_link_and_the_runner_can_leave(client, clinic, day):
    response = client.post(JOIN, join_post(clinic, day))
    entry = WaitlistEntry.objects.get()
    # Never the entry's link on the page (the details may be someone else's): it goes by email.
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert entry.token not in response.content.decode()
    assert entry.times == [weekday_morning(day), "sat-evening"] or set(entry.times) == {
        weekday_morning(day),
        "sat-evening",
    }
    assert list(entry.locations.all()) == [clinic.location]
    assert entry.clinician is None and entry.until == day
    email = OutboxMessage.objects.get(key=f"waitlist-joined:{entry.pk}")
    assert entry.get_absolute_url() in email.body_text
    assert email.to == "wren@example.com"

    page = client.get(entry.get_absolute_url()).content.decode()
    assert "first in line" in page and "Leave the waitlist" in page
    assert client.post(entry.get_absolute_url(), {"action": "leave"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.LEFT


def test_bad_input_is_shown_next_to_the_field_and_keeps_the_rest(client, clinic, day):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(JOIN, join_post(clinic, day, times=[], until=past, email="nope"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tick at least one time that suits you." in html
    assert "Choose a date from today on." in html
    assert 'value="Wren"' in html and 'value="(301) 555-0123"' in html
    assert 'href="#id_times_0"' in html  # the error summary links to the first box
    assert 'id="id_times_0"' in html
    assert not WaitlistEntry.objects.exists()


def test_a_flagged_runner_cannot_join(client, clinic, day):
    intake = submitted_intake(
        highest_flag="urgent",
        result={"highest_flag": "urgent", "booking_allowed": False,
                "flags": [{"code": "knee_locked", "level": "urgent", "title": "Locked knee",
                           "advice": "Call us today."}]},
    )  # fmt: skip
    response = client.post(JOIN, join_post(clinic, day, intake=intake.token))
    assert response.status_code == 200 and "Please see a doctor today" in response.content.decode()
    assert not WaitlistEntry.objects.exists()
    # By their details, without the intake's token: the very page a runner who joined gets.
    by_details = client.post(JOIN, join_post(clinic, day, email="casey@example.com"))
    assert not WaitlistEntry.objects.exists()
    joined = client.post(JOIN, join_post(clinic, day, email="someone.else@example.com"))
    assert WaitlistEntry.objects.count() == 1

    def strip(html: str) -> str:  # the per-response CSRF token and CSP nonce aside
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'nonce="[^"]+"', "", html)

    assert by_details.status_code == joined.status_code == 200
    assert strip(by_details.content.decode()) == strip(joined.content.decode())
    # The reason went to the address on file, never to the page.
    assert OutboxMessage.objects.filter(to="casey@example.com").exists()
    with pytest.raises(services.BookingBlocked):
        entry_of(clinic, day, submission=intake)


def test_private_links_are_unguessable_and_unknown_ones_404(client, clinic, day):
    entry = entry_of(clinic, day)
    assert len(entry.token) >= 43
    assert client.get("/book/waitlist/not-a-token/").status_code == 404
    assert client.get(f"/book/waitlist/{entry.pk}/").status_code == 404
    assert client.get("/book/waitlist/offer/not-a-token/").status_code == 404


def test_the_offer_page_books_the_held_time(client, clinic, day, pinned_clock):
    morning = local_time(clinic.location, day - timedelta(days=2), 10)
    pinned_clock.move_to(morning)
    for hour in (9, 11):
        AppointmentFactory(
            clinician=clinic.clinician,
            location=clinic.location,
            appointment_type=clinic.types["initial-evaluation"],
            start=local_time(clinic.location, day, hour),
            end=local_time(clinic.location, day, hour + 1),
        )
    entry = entry_of(clinic, day)
    waitlist.waitlist_sweep(now=morning)
    offer = WaitlistOffer.objects.get(entry=entry)
    page = client.get(offer.get_absolute_url()).content.decode()
    assert "Book this time" in page and "Held for you until 10:30 AM" in page
    response = client.post(offer.get_absolute_url())
    appointment = Appointment.objects.get(start=offer.start)
    assert response.status_code == 302 and response["Location"] == appointment.get_absolute_url()
    assert appointment.patient.email == "wren@example.com"
    # The link again: the visit, never a second booking.
    assert client.post(offer.get_absolute_url())["Location"] == appointment.get_absolute_url()
    assert Appointment.objects.count() == 3


def test_an_expired_offer_says_so_and_the_runner_stays_on_the_list(
    client, clinic, day, pinned_clock
):
    morning = local_time(clinic.location, day - timedelta(days=2), 10)
    pinned_clock.move_to(morning)
    entry = entry_of(clinic, day)
    waitlist.waitlist_sweep(now=morning)
    offer = WaitlistOffer.objects.get(entry=entry)
    pinned_clock.move_to(morning + timedelta(minutes=31))
    response = client.post(offer.get_absolute_url())
    assert response.status_code == 410
    assert "You are still on the waitlist" in response.content.decode()
    assert not Appointment.objects.exists()


# --- the desk ----------------------------------------------------------------------------------


def test_the_desk_waitlist_needs_a_login_and_the_front_desk_role(
    client, clinician_user, clinic, day
):
    entry = entry_of(clinic, day)
    for url in ("/desk/waitlist/", f"/desk/waitlist/{entry.pk}/offer/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(clinician_user)
    assert client.get("/desk/waitlist/").status_code == 403
    assert client.post(f"/desk/waitlist/{entry.pk}/remove/").status_code == 403
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING


def test_the_desk_offers_by_hand_releases_and_removes(
    client, front_desk_user, clinic, day, pinned_clock
):
    morning = local_time(clinic.location, day - timedelta(days=2), 10)
    pinned_clock.move_to(morning)
    entry = entry_of(clinic, day)
    client.force_login(front_desk_user)
    html = client.get("/desk/waitlist/").content.decode()
    assert "Wren Waiting" in html and "0 sent" in html
    offer_page = client.get(f"/desk/waitlist/{entry.pk}/offer/").content.decode()
    starts = [unescape(v) for v in re.findall(r'name="start" value="([^"]+)"', offer_page)]
    # Separate times for one clinician (60-minute visits): never 9:00, 9:15, 9:30 of one hour.
    moments = sorted(datetime.fromisoformat(v) for v in starts)
    assert len(moments) >= 2
    assert all(b - a >= timedelta(minutes=60) for a, b in pairwise(moments))
    start = starts[0]
    response = client.post(
        f"/desk/waitlist/{entry.pk}/offer/",
        {"location": clinic.location.slug, "clinician": clinic.clinician.pk, "start": start},
    )
    assert response.status_code == 302
    offer = WaitlistOffer.objects.get(entry=entry, status="held")
    assert offer.offered_by == front_desk_user
    assert OutboxMessage.objects.filter(key=f"waitlist-offer:{offer.pk}").exists()
    assert AuditEvent.objects.filter(action="waitlist_offer").exists()
    # A made-up time is refused with a message, not a 500.
    bad = client.post(
        f"/desk/waitlist/{entry.pk}/offer/",
        {"location": clinic.location.slug, "clinician": clinic.clinician.pk, "start": "tomorrow"},
    )
    assert bad.status_code == 302

    # The day grid shows the hold, with where to release it.
    grid = client.get("/desk/", {"date": day.isoformat(), "location": clinic.location.slug})
    assert "Waitlist: Wren Waiting" in grid.content.decode()

    # Release (back to a local page only), then remove.
    released = client.post(
        f"/desk/waitlist/holds/{offer.pk}/release/", {"next": "https://evil.example/"}
    )
    assert released["Location"] == "/desk/waitlist/"
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.RELEASED
    client.post(f"/desk/waitlist/{entry.pk}/remove/")
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.REMOVED
    assert "Nobody is waiting." in client.get("/desk/waitlist/").content.decode()


def test_the_desk_waitlist_takes_the_same_queries_for_5_and_50_runners(
    client, front_desk_user, clinic, day
):
    client.force_login(front_desk_user)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            waitlist.waitlist_join(
                patient=services.PatientDetails(
                    first_name="R", last_name=str(i), email=f"r{i}@example.com",
                    phone="(301) 555-0100", date_of_birth=date(1990, 1, 1),
                ),
                locations=[clinic.location], appointment_type=clinic.types["initial-evaluation"],
                clinician=clinic.clinician if i % 2 else None, times=["mon-morning"], until=day,
            )  # fmt: skip

    add(5, 0)
    with CaptureQueriesContext(connection) as five:
        client.get("/desk/waitlist/")
    add(45, 5)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get("/desk/waitlist/")
    assert len(response.context["rows"]) == 50
    assert len(fifty) == len(five)


def test_a_browser_that_stopped_at_a_red_flag_cannot_join(client, clinic, day):
    """The cold safety question's answer holds the browser (booking.views.red_flag_gate):
    the waitlist's form, its "safety=none" link and its POST all show the safety page."""
    stopped = client.post(
        "/book/",
        {"location": clinic.location.slug, "type": "initial-evaluation", "signs": ["calf_clot"]},
    )
    assert "Please get emergency care now" in stopped.content.decode()
    for response in (
        client.get(JOIN, {"location": clinic.location.slug, "type": "initial-evaluation",
                          "safety": "none"}),
        client.post(JOIN, join_post(clinic, day)),
    ):  # fmt: skip
        html = response.content.decode()
        assert response.status_code == 200 and "Please get emergency care now" in html
        assert "Join the waitlist</button>" not in html
    assert not WaitlistEntry.objects.exists()


def test_joining_again_changes_nothing_and_sends_the_link_again(client, clinic, day):
    client.post(JOIN, join_post(clinic, day))
    again = client.post(
        JOIN, join_post(clinic, day, email="WREN@example.com", times=["sun-evening"])
    )
    assert "Check your email" in again.content.decode()
    entry = WaitlistEntry.objects.get()
    assert "sun-evening" not in entry.times  # someone who knows the address changes nothing
    emails = OutboxMessage.objects.filter(key__startswith=f"waitlist-joined:{entry.pk}")
    assert emails.count() == 2
    assert "already on it" in emails.order_by("created_at").last().body_text


def test_a_runner_flagged_after_joining_is_offered_nothing(
    client, front_desk_user, clinic, day, pinned_clock
):
    morning = local_time(clinic.location, day - timedelta(days=2), 10)
    pinned_clock.move_to(morning)
    entry = entry_of(clinic, day)
    submitted_intake(
        email="wren@example.com",
        highest_flag="emergency",
        result={"highest_flag": "emergency", "booking_allowed": False,
                "flags": [{"code": "calf_clot", "level": "emergency", "title": "Clot sign",
                           "advice": "Call 911."}]},
    )  # fmt: skip
    assert waitlist.waitlist_sweep(now=morning).offered == 0
    client.force_login(front_desk_user)
    page = client.get(f"/desk/waitlist/{entry.pk}/offer/").content.decode()
    start = unescape(re.search(r'name="start" value="([^"]+)"', page)[1])
    refused = client.post(
        f"/desk/waitlist/{entry.pk}/offer/",
        {"location": clinic.location.slug, "clinician": clinic.clinician.pk, "start": start},
        follow=True,
    )
    assert "red flag that a clinician has not cleared" in refused.content.decode()
    assert not WaitlistOffer.objects.exists()
