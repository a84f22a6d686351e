"""The desk's routine actions without pop-ups (issue 16): one-click check-in with a short undo,
a reschedule that keeps the clinician and says when it changes, a history of old → new."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from booking.models import Appointment, AppointmentEvent
from tests.functional.test_desk_book import book_direct, clinic, day_in, desk  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_check_in_is_one_click_and_can_be_undone_for_five_minutes(desk, clinic):  # noqa: F811
    appointment = book_direct(clinic, day_in(0), 15)
    url = f"/desk/appointments/{appointment.pk}/"
    page = desk.get(url).content.decode()
    assert "data-confirm" not in page
    assert "Confirm with the patient" in page and "born" in page
    desk.post(url, {"action": "check_in"})
    assert "Undo check-in" in desk.get(url).content.decode()
    desk.post(url, {"action": "undo"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    desk.post(url, {"action": "check_in"})
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert "Undo check-in" not in desk.get(url).content.decode()
        desk.post(url, {"action": "undo"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN  # too late: unchanged
    lines = [str(e) for e in AppointmentEvent.objects.filter(appointment=appointment)]
    assert "Checked in → Booked (undone)" in lines


def test_a_reschedule_keeps_the_clinician_unless_the_desk_chooses(desk, clinic):  # noqa: F811
    dr_a, dr_b = clinic.clinicians
    appointment = book_direct(clinic, day_in(3), 9, clinician=dr_b)
    url = f"/desk/appointments/{appointment.pk}/reschedule/"
    response = desk.get(url)
    assert response.context["selection"].clinician == dr_b
    assert {option.clinician for option, _ in response.context["times"]} == {dr_b}
    new_start = appointment.start + timedelta(days=1)
    response = desk.post(url, {"start": new_start.isoformat(), "clinician": str(dr_b.pk)})
    appointment.refresh_from_db()
    assert appointment.clinician == dr_b and appointment.start == new_start
    moved = AppointmentEvent.objects.filter(appointment=appointment, kind="rescheduled").get()
    assert str(moved).startswith("Moved: ") and " → " in str(moved)
    assert str(moved).count(dr_b.display_name) == 2

    # Choosing another clinician moves the visit to them, and the desk is told.
    later = new_start + timedelta(hours=2)
    response = desk.post(url, {"start": later.isoformat(), "clinician": str(dr_a.pk)}, follow=True)
    appointment.refresh_from_db()
    assert appointment.clinician == dr_a
    assert f"(was {dr_b.display_name})" in response.content.decode()


def test_a_time_picked_is_confirmed_in_the_page_with_the_change_of_clinician(desk, clinic):  # noqa: F811
    dr_a, dr_b = clinic.clinicians
    appointment = book_direct(clinic, day_in(3), 9, clinician=dr_b)
    start = appointment.start + timedelta(days=1)
    html = desk.get(
        f"/desk/appointments/{appointment.pk}/reschedule/",
        {"start": start.isoformat(), "clinician": dr_a.pk},
    ).content.decode()
    assert "Move and email the patient" in html
    assert "The clinician changes" in html
